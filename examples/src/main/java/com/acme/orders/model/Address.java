package com.acme.orders.model;

import java.io.Serializable;

/**
 * Postal address, embedded in {@link Customer} (billing and shipping).
 */
public class Address implements Serializable {

    private static final long serialVersionUID = 3172349172394871L;

    private String street;
    private String zipCode;
    private String city;
    private String countryCode = "DE";

    public Address() {
    }

    public Address(String street, String zipCode, String city, String countryCode) {
        this.street = street;
        this.zipCode = zipCode;
        this.city = city;
        this.countryCode = countryCode;
    }

    public String getStreet() {
        return street;
    }

    public void setStreet(String street) {
        this.street = street;
    }

    public String getZipCode() {
        return zipCode;
    }

    public void setZipCode(String zipCode) {
        this.zipCode = zipCode;
    }

    public String getCity() {
        return city;
    }

    public void setCity(String city) {
        this.city = city;
    }

    public String getCountryCode() {
        return countryCode;
    }

    public void setCountryCode(String countryCode) {
        this.countryCode = countryCode;
    }

    /**
     * Formats the address as a single line for list views,
     * e.g. "Hauptstr. 5, 80331 M\u00fcnchen (DE)".
     */
    public String toSingleLine() {
        StringBuffer sb = new StringBuffer();
        if (street != null) {
            sb.append(street);
        }
        if (zipCode != null || city != null) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            if (zipCode != null) {
                sb.append(zipCode).append(' ');
            }
            if (city != null) {
                sb.append(city);
            }
        }
        if (countryCode != null) {
            sb.append(" (").append(countryCode).append(')');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Address)) {
            return false;
        }
        Address other = (Address) o;
        return eq(street, other.street) && eq(zipCode, other.zipCode)
                && eq(city, other.city) && eq(countryCode, other.countryCode);
    }

    @Override
    public int hashCode() {
        int h = 17;
        h = 31 * h + (street == null ? 0 : street.hashCode());
        h = 31 * h + (zipCode == null ? 0 : zipCode.hashCode());
        h = 31 * h + (city == null ? 0 : city.hashCode());
        return h;
    }

    private static boolean eq(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }

    @Override
    public String toString() {
        return "Address{" + toSingleLine() + "}";
    }
}
