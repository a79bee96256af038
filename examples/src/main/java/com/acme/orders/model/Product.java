package com.acme.orders.model;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A catalog product. Maps to table <code>products</code>.
 */
public class Product implements Serializable, Comparable<Product> {

    private static final long serialVersionUID = 81723987123L;

    private Long id;
    private String sku;
    private String name;
    private String description;
    private String category;
    private BigDecimal unitPrice = BigDecimal.ZERO;
    private int stockQuantity;
    private boolean discontinued;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getSku() {
        return sku;
    }

    public void setSku(String sku) {
        this.sku = sku;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getCategory() {
        return category;
    }

    public void setCategory(String category) {
        this.category = category;
    }

    public BigDecimal getUnitPrice() {
        return unitPrice;
    }

    public void setUnitPrice(BigDecimal unitPrice) {
        this.unitPrice = unitPrice;
    }

    public int getStockQuantity() {
        return stockQuantity;
    }

    public void setStockQuantity(int stockQuantity) {
        this.stockQuantity = stockQuantity;
    }

    public boolean isDiscontinued() {
        return discontinued;
    }

    public void setDiscontinued(boolean discontinued) {
        this.discontinued = discontinued;
    }

    /** True when the product can be put on a new order line. */
    public boolean isOrderable() {
        return !discontinued && stockQuantity > 0;
    }

    public int compareTo(Product other) {
        if (sku == null) {
            return other.sku == null ? 0 : -1;
        }
        return other.sku == null ? 1 : sku.compareTo(other.sku);
    }

    @Override
    public String toString() {
        return "Product[" + sku + " '" + name + "' @ " + unitPrice + "]";
    }
}
