package com.acme.orders.model;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * One position of an {@link Order}. Maps to table <code>order_lines</code>.
 */
public class OrderLine implements Serializable {

    private static final long serialVersionUID = 1928374650L;

    private Long id;
    private int lineNo;
    private Product product;
    private int quantity;
    private BigDecimal unitPrice = BigDecimal.ZERO;
    /** Discount in percent, 0..100. */
    private BigDecimal discountPercent = BigDecimal.ZERO;

    public OrderLine() {
    }

    public OrderLine(Product product, int quantity) {
        this.product = product;
        this.quantity = quantity;
        if (product != null) {
            this.unitPrice = product.getUnitPrice();
        }
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public int getLineNo() {
        return lineNo;
    }

    public void setLineNo(int lineNo) {
        this.lineNo = lineNo;
    }

    public Product getProduct() {
        return product;
    }

    public void setProduct(Product product) {
        this.product = product;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }

    public BigDecimal getUnitPrice() {
        return unitPrice;
    }

    public void setUnitPrice(BigDecimal unitPrice) {
        this.unitPrice = unitPrice;
    }

    public BigDecimal getDiscountPercent() {
        return discountPercent;
    }

    public void setDiscountPercent(BigDecimal discountPercent) {
        this.discountPercent = discountPercent;
    }

    /**
     * Net line amount: quantity * unitPrice * (1 - discount/100),
     * rounded half-up to cents.
     */
    public BigDecimal getLineTotal() {
        if (unitPrice == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal gross = unitPrice.multiply(new BigDecimal(quantity));
        if (discountPercent != null && discountPercent.signum() > 0) {
            BigDecimal factor = BigDecimal.ONE.subtract(
                    discountPercent.divide(new BigDecimal(100), 4, BigDecimal.ROUND_HALF_UP));
            gross = gross.multiply(factor);
        }
        return gross.setScale(2, BigDecimal.ROUND_HALF_UP);
    }
}
