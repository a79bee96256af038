package com.acme.orders.model;

/**
 * Lifecycle states of an {@link Order}.
 * <p>
 * The database stores the {@link #getCode() code} column value, not the
 * ordinal, so never reorder the codes.
 *
 * @author jbauer
 * @since 1.0
 */
public enum OrderStatus {

    NEW("N", "order.status.new", true),
    CONFIRMED("C", "order.status.confirmed", true),
    SHIPPED("S", "order.status.shipped", false),
    INVOICED("I", "order.status.invoiced", false),
    CANCELLED("X", "order.status.cancelled", false);

    private final String code;
    private final String messageKey;
    private final boolean editable;

    private OrderStatus(String code, String messageKey, boolean editable) {
        this.code = code;
        this.messageKey = messageKey;
        this.editable = editable;
    }

    public String getCode() {
        return code;
    }

    /** Key into ApplicationResources.properties used by the JSPs. */
    public String getMessageKey() {
        return messageKey;
    }

    public boolean isEditable() {
        return editable;
    }

    /**
     * Returns whether an order in this state may move to the given state.
     *
     * @param target the requested new state
     * @return true if the transition is allowed
     */
    public boolean canTransitionTo(OrderStatus target) {
        if (target == null || target == this) {
            return false;
        }
        switch (this) {
            case NEW:
                return target == CONFIRMED || target == CANCELLED;
            case CONFIRMED:
                return target == SHIPPED || target == CANCELLED;
            case SHIPPED:
                return target == INVOICED;
            default:
                return false;
        }
    }

    /**
     * Looks up a status by its database code.
     *
     * @param code one-letter code, e.g. "N"
     * @return the status
     * @throws IllegalArgumentException if the code is unknown
     */
    public static OrderStatus fromCode(String code) {
        if (code == null) {
            throw new IllegalArgumentException("status code is null");
        }
        for (OrderStatus s : values()) {
            if (s.code.equalsIgnoreCase(code.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown order status code: " + code);
    }
}
