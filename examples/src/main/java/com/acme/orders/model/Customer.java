package com.acme.orders.model;

import java.io.Serializable;
import java.util.Date;

/**
 * A customer account. Maps to table <code>customers</code>.
 */
public class Customer implements Serializable {

    private static final long serialVersionUID = -2283412095734101L;

    /** Customer categories used by {@code PricingService} for discounts. */
    public static final String CATEGORY_STANDARD = "STD";
    public static final String CATEGORY_GOLD = "GLD";
    public static final String CATEGORY_WHOLESALE = "WHS";

    private Long id;
    private String customerNo;
    private String name;
    private String email;
    private String phone;
    private String category = CATEGORY_STANDARD;
    private Address billingAddress = new Address();
    private Address shippingAddress;
    private boolean active = true;
    private Date createdAt;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getCustomerNo() {
        return customerNo;
    }

    public void setCustomerNo(String customerNo) {
        this.customerNo = customerNo;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getPhone() {
        return phone;
    }

    public void setPhone(String phone) {
        this.phone = phone;
    }

    public String getCategory() {
        return category;
    }

    public void setCategory(String category) {
        this.category = category;
    }

    public Address getBillingAddress() {
        return billingAddress;
    }

    public void setBillingAddress(Address billingAddress) {
        this.billingAddress = billingAddress;
    }

    /**
     * Returns the shipping address, falling back to the billing address
     * when none has been entered.
     */
    public Address getShippingAddress() {
        return shippingAddress != null ? shippingAddress : billingAddress;
    }

    public void setShippingAddress(Address shippingAddress) {
        this.shippingAddress = shippingAddress;
    }

    public boolean isActive() {
        return active;
    }

    public void setActive(boolean active) {
        this.active = active;
    }

    public Date getCreatedAt() {
        return createdAt == null ? null : new Date(createdAt.getTime());
    }

    public void setCreatedAt(Date createdAt) {
        this.createdAt = createdAt == null ? null : new Date(createdAt.getTime());
    }

    public boolean isGold() {
        return CATEGORY_GOLD.equals(category);
    }

    @Override
    public String toString() {
        return "Customer[" + customerNo + ", " + name + "]";
    }
}
