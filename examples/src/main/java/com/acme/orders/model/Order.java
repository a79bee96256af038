package com.acme.orders.model;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.List;

/**
 * A customer order with its lines. Maps to tables <code>orders</code> and
 * <code>order_lines</code>.
 * <p>
 * Not thread safe; instances live in request or session scope only.
 */
public class Order implements Serializable {

    private static final long serialVersionUID = 4711L;

    /** German VAT, hard-coded since 2007 (see ticket ORD-212). */
    public static final BigDecimal VAT_RATE = new BigDecimal("0.19");

    private Long id;
    private String orderNo;
    private Customer customer;
    private Date orderDate;
    private Date deliveryDate;
    private OrderStatus status = OrderStatus.NEW;
    private String remarks;
    private List<OrderLine> lines = new ArrayList<OrderLine>();
    private int version;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public void setOrderNo(String orderNo) {
        this.orderNo = orderNo;
    }

    public Customer getCustomer() {
        return customer;
    }

    public void setCustomer(Customer customer) {
        this.customer = customer;
    }

    public Date getOrderDate() {
        return orderDate;
    }

    public void setOrderDate(Date orderDate) {
        this.orderDate = orderDate;
    }

    public Date getDeliveryDate() {
        return deliveryDate;
    }

    public void setDeliveryDate(Date deliveryDate) {
        this.deliveryDate = deliveryDate;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public void setStatus(OrderStatus status) {
        this.status = status;
    }

    public String getRemarks() {
        return remarks;
    }

    public void setRemarks(String remarks) {
        this.remarks = remarks;
    }

    public List<OrderLine> getLines() {
        return Collections.unmodifiableList(lines);
    }

    public void setLines(List<OrderLine> lines) {
        this.lines = lines == null ? new ArrayList<OrderLine>() : new ArrayList<OrderLine>(lines);
        renumberLines();
    }

    public int getVersion() {
        return version;
    }

    public void setVersion(int version) {
        this.version = version;
    }

    /**
     * Adds a line, merging it into an existing line for the same product.
     *
     * @param line the line to add
     */
    public void addLine(OrderLine line) {
        if (line.getProduct() != null && line.getProduct().getId() != null) {
            for (OrderLine existing : lines) {
                Product p = existing.getProduct();
                if (p != null && line.getProduct().getId().equals(p.getId())) {
                    existing.setQuantity(existing.getQuantity() + line.getQuantity());
                    return;
                }
            }
        }
        lines.add(line);
        line.setLineNo(lines.size());
    }

    /**
     * Removes all lines with a quantity of zero or less.
     *
     * @return number of removed lines
     */
    public int removeEmptyLines() {
        int removed = 0;
        for (Iterator<OrderLine> it = lines.iterator(); it.hasNext();) {
            if (it.next().getQuantity() <= 0) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            renumberLines();
        }
        return removed;
    }

    private void renumberLines() {
        int n = 1;
        for (OrderLine l : lines) {
            l.setLineNo(n++);
        }
    }

    /** Sum of all net line totals. */
    public BigDecimal getNetTotal() {
        BigDecimal sum = BigDecimal.ZERO;
        for (OrderLine l : lines) {
            sum = sum.add(l.getLineTotal());
        }
        return sum;
    }

    public BigDecimal getVatAmount() {
        return getNetTotal().multiply(VAT_RATE).setScale(2, BigDecimal.ROUND_HALF_UP);
    }

    public BigDecimal getGrossTotal() {
        return getNetTotal().add(getVatAmount());
    }

    public boolean isEditable() {
        return status == null || status.isEditable();
    }

    @Override
    public String toString() {
        return "Order[" + orderNo + ", status=" + status + ", lines=" + lines.size() + "]";
    }
}
