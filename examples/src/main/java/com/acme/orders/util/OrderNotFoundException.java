package com.acme.orders.util;

/**
 * Thrown when an order id or order number does not resolve.
 */
public class OrderNotFoundException extends ServiceException {

    private static final long serialVersionUID = 1L;

    private final Object orderRef;

    public OrderNotFoundException(Object orderRef) {
        super("error.order.notfound", "Order not found: " + orderRef, new Object[] { orderRef });
        this.orderRef = orderRef;
    }

    public Object getOrderRef() {
        return orderRef;
    }
}
