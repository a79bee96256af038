package com.acme.orders.service;

import java.math.BigDecimal;
import java.util.Calendar;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import org.apache.log4j.Logger;

import com.acme.orders.model.Customer;
import com.acme.orders.model.Order;
import com.acme.orders.model.OrderLine;

/**
 * Computes line discounts for an order.
 * <p>
 * Rules (as agreed with sales, 2007-03):
 * <ol>
 *   <li>Category discount: GOLD 5%, WHOLESALE 12%.</li>
 *   <li>Quantity discount per line: 10+ units 2%, 50+ units 5%, 100+ units 8%.</li>
 *   <li>Order volume bonus: net total above 5,000 EUR adds 1.5%.</li>
 *   <li>December promotion: additional 3% on everything (configurable).</li>
 *   <li>Discounts add up, capped at {@link #MAX_DISCOUNT_PERCENT}.</li>
 * </ol>
 */
public class PricingService {

    private static final Logger LOG = Logger.getLogger(PricingService.class);

    public static final BigDecimal MAX_DISCOUNT_PERCENT = new BigDecimal("20");

    private static final BigDecimal VOLUME_THRESHOLD = new BigDecimal("5000.00");
    private static final BigDecimal VOLUME_BONUS = new BigDecimal("1.5");

    private final Map<String, BigDecimal> categoryDiscounts = new HashMap<String, BigDecimal>();
    private boolean decemberPromotion = true;
    private BigDecimal promotionPercent = new BigDecimal("3");

    public PricingService() {
        categoryDiscounts.put(Customer.CATEGORY_STANDARD, BigDecimal.ZERO);
        categoryDiscounts.put(Customer.CATEGORY_GOLD, new BigDecimal("5"));
        categoryDiscounts.put(Customer.CATEGORY_WHOLESALE, new BigDecimal("12"));
    }

    /** Spring setter: overrides category discounts, e.g. {GLD=6, WHS=10}. */
    public void setCategoryDiscounts(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            categoryDiscounts.put(e.getKey(), new BigDecimal(e.getValue()));
        }
    }

    public void setDecemberPromotion(boolean decemberPromotion) {
        this.decemberPromotion = decemberPromotion;
    }

    public void setPromotionPercent(BigDecimal promotionPercent) {
        this.promotionPercent = promotionPercent;
    }

    /**
     * Applies discounts to all lines of the order in place.
     *
     * @param order the order to price; customer must be set
     * @param pricingDate date used for time based promotions
     */
    public void applyDiscounts(Order order, Date pricingDate) {
        Customer customer = order.getCustomer();
        BigDecimal base = categoryDiscount(customer);
        BigDecimal promo = isPromotionActive(pricingDate) ? promotionPercent : BigDecimal.ZERO;

        // first pass: line level discounts, to compute the discounted volume
        BigDecimal volume = BigDecimal.ZERO;
        for (OrderLine line : order.getLines()) {
            BigDecimal pct = base.add(quantityDiscount(line.getQuantity())).add(promo);
            line.setDiscountPercent(cap(pct));
            volume = volume.add(line.getLineTotal());
        }

        // second pass: volume bonus
        if (volume.compareTo(VOLUME_THRESHOLD) > 0) {
            for (OrderLine line : order.getLines()) {
                line.setDiscountPercent(cap(line.getDiscountPercent().add(VOLUME_BONUS)));
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Priced " + order.getOrderNo() + ": base=" + base + "%, promo=" + promo
                    + "%, volume=" + volume + ", net=" + order.getNetTotal());
        }
    }

    /** Discount in percent for the customer's category. */
    public BigDecimal categoryDiscount(Customer customer) {
        if (customer == null || customer.getCategory() == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal d = categoryDiscounts.get(customer.getCategory());
        return d == null ? BigDecimal.ZERO : d;
    }

    /** Quantity staggered discount in percent. */
    public BigDecimal quantityDiscount(int quantity) {
        if (quantity >= 100) {
            return new BigDecimal("8");
        } else if (quantity >= 50) {
            return new BigDecimal("5");
        } else if (quantity >= 10) {
            return new BigDecimal("2");
        }
        return BigDecimal.ZERO;
    }

    boolean isPromotionActive(Date date) {
        if (!decemberPromotion || date == null) {
            return false;
        }
        Calendar cal = Calendar.getInstance();
        cal.setTime(date);
        return cal.get(Calendar.MONTH) == Calendar.DECEMBER;
    }

    private static BigDecimal cap(BigDecimal pct) {
        return pct.compareTo(MAX_DISCOUNT_PERCENT) > 0 ? MAX_DISCOUNT_PERCENT : pct;
    }

    /**
     * Old entry point used by the nightly batch.
     *
     * @deprecated use {@link #applyDiscounts(Order, Date)}
     */
    @Deprecated
    public void applyDiscounts(Order order) {
        applyDiscounts(order, new Date());
    }
}
