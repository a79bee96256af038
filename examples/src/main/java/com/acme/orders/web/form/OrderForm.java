package com.acme.orders.web.form;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import javax.servlet.http.HttpServletRequest;

import org.apache.struts.action.ActionErrors;
import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;

import com.acme.orders.model.Order;
import com.acme.orders.model.OrderLine;
import com.acme.orders.model.Product;
import com.acme.orders.util.DateUtils;
import com.acme.orders.util.TextUtils;

/**
 * Form bean for /orderEdit and /orderSave. Lines are submitted as indexed
 * properties: <code>lines[0].sku</code>, <code>lines[0].quantity</code> ...
 */
public class OrderForm extends ActionForm {

    private static final long serialVersionUID = 1L;

    /** Number of empty lines offered for new input. */
    public static final int EMPTY_LINES = 3;

    /**
     * One line on the form. All values are strings because Struts 1 would
     * otherwise silently convert bad input to 0.
     */
    public static class LineItem implements Serializable {

        private static final long serialVersionUID = 1L;

        private String lineId;
        private String sku;
        private String productName;
        private String quantity;
        private String unitPrice;
        private String discountPercent;
        private boolean delete;

        public String getLineId() {
            return lineId;
        }

        public void setLineId(String lineId) {
            this.lineId = lineId;
        }

        public String getSku() {
            return sku;
        }

        public void setSku(String sku) {
            this.sku = sku;
        }

        public String getProductName() {
            return productName;
        }

        public void setProductName(String productName) {
            this.productName = productName;
        }

        public String getQuantity() {
            return quantity;
        }

        public void setQuantity(String quantity) {
            this.quantity = quantity;
        }

        public String getUnitPrice() {
            return unitPrice;
        }

        public void setUnitPrice(String unitPrice) {
            this.unitPrice = unitPrice;
        }

        public String getDiscountPercent() {
            return discountPercent;
        }

        public void setDiscountPercent(String discountPercent) {
            this.discountPercent = discountPercent;
        }

        public boolean isDelete() {
            return delete;
        }

        public void setDelete(boolean delete) {
            this.delete = delete;
        }

        public boolean isEmpty() {
            return TextUtils.isBlank(sku) && TextUtils.isBlank(quantity);
        }
    }

    private String id;
    private String version;
    private String orderNo;
    private String customerId;
    private String customerName;
    private String orderDate;
    private String deliveryDate;
    private String status;
    private String remarks;
    private List<LineItem> lines = new ArrayList<LineItem>();

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getOrderNo() {
        return orderNo;
    }

    public void setOrderNo(String orderNo) {
        this.orderNo = orderNo;
    }

    public String getCustomerId() {
        return customerId;
    }

    public void setCustomerId(String customerId) {
        this.customerId = customerId;
    }

    public String getCustomerName() {
        return customerName;
    }

    public void setCustomerName(String customerName) {
        this.customerName = customerName;
    }

    public String getOrderDate() {
        return orderDate;
    }

    public void setOrderDate(String orderDate) {
        this.orderDate = orderDate;
    }

    public String getDeliveryDate() {
        return deliveryDate;
    }

    public void setDeliveryDate(String deliveryDate) {
        this.deliveryDate = deliveryDate;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getRemarks() {
        return remarks;
    }

    public void setRemarks(String remarks) {
        this.remarks = remarks;
    }

    public List<LineItem> getLines() {
        return lines;
    }

    /**
     * Indexed getter used by the Struts BeanUtils population; grows the
     * list on demand because the browser may submit more lines than we
     * rendered (JavaScript "add line" button).
     */
    public LineItem getLine(int index) {
        while (lines.size() <= index) {
            lines.add(new LineItem());
        }
        return lines.get(index);
    }

    public boolean isNew() {
        return TextUtils.isBlank(id);
    }

    @Override
    public void reset(ActionMapping mapping, HttpServletRequest request) {
        for (LineItem li : lines) {
            li.setDelete(false);
        }
    }

    @Override
    public ActionErrors validate(ActionMapping mapping, HttpServletRequest request) {
        ActionErrors errors = new ActionErrors();
        if (TextUtils.isBlank(customerId)) {
            errors.add("customerId", new ActionMessage("errors.required", "Kunde"));
        }
        if (TextUtils.isNotBlank(deliveryDate) && DateUtils.parseQuietly(deliveryDate) == null) {
            errors.add("deliveryDate", new ActionMessage("errors.date", deliveryDate));
        }
        if (remarks != null && remarks.length() > 2000) {
            errors.add("remarks", new ActionMessage("errors.maxlength", "Bemerkung", "2000"));
        }
        int filled = 0;
        for (int i = 0; i < lines.size(); i++) {
            LineItem li = lines.get(i);
            if (li.isEmpty() || li.isDelete()) {
                continue;
            }
            filled++;
            String prop = "lines[" + i + "].quantity";
            try {
                int q = Integer.parseInt(li.getQuantity().trim());
                if (q <= 0) {
                    errors.add(prop, new ActionMessage("errors.range", "Menge", "1", "9999"));
                }
            } catch (RuntimeException e) {
                // NumberFormatException or NPE for a missing quantity
                errors.add(prop, new ActionMessage("errors.integer", "Menge"));
            }
            if (TextUtils.isBlank(li.getSku())) {
                errors.add("lines[" + i + "].sku", new ActionMessage("errors.required", "Artikel"));
            }
        }
        if (filled == 0) {
            errors.add(ActionErrors.GLOBAL_MESSAGE, new ActionMessage("error.order.lines.empty"));
        }
        return errors;
    }

    /** Copies an order into the form for display. */
    public void populateFrom(Order order) {
        id = order.getId() == null ? null : order.getId().toString();
        version = String.valueOf(order.getVersion());
        orderNo = order.getOrderNo();
        if (order.getCustomer() != null) {
            customerId = String.valueOf(order.getCustomer().getId());
            customerName = order.getCustomer().getName();
        }
        orderDate = DateUtils.format(order.getOrderDate());
        deliveryDate = DateUtils.format(order.getDeliveryDate());
        status = order.getStatus().getCode();
        remarks = order.getRemarks();
        lines.clear();
        for (OrderLine ol : order.getLines()) {
            LineItem li = new LineItem();
            li.setLineId(ol.getId() == null ? null : ol.getId().toString());
            li.setSku(ol.getProduct().getSku());
            li.setProductName(ol.getProduct().getName());
            li.setQuantity(String.valueOf(ol.getQuantity()));
            li.setUnitPrice(ol.getUnitPrice().toPlainString());
            li.setDiscountPercent(ol.getDiscountPercent().toPlainString());
            lines.add(li);
        }
        for (int i = 0; i < EMPTY_LINES; i++) {
            lines.add(new LineItem());
        }
    }

    /** Copies the submitted values onto the order (header and lines). */
    public void copyTo(Order order) {
        order.setDeliveryDate(DateUtils.parseQuietly(deliveryDate));
        order.setRemarks(TextUtils.trimToNull(remarks));
        if (TextUtils.isNotBlank(version)) {
            order.setVersion(Integer.parseInt(version));
        }
        List<OrderLine> newLines = new ArrayList<OrderLine>();
        for (LineItem li : lines) {
            if (li.isEmpty() || li.isDelete()) {
                continue;
            }
            Product stub = new Product();
            stub.setSku(li.getSku().trim().toUpperCase());
            OrderLine ol = new OrderLine(stub, Integer.parseInt(li.getQuantity().trim()));
            if (TextUtils.isNotBlank(li.getLineId())) {
                ol.setId(Long.valueOf(li.getLineId()));
                ol.setUnitPrice(new BigDecimal(li.getUnitPrice()));
            }
            newLines.add(ol);
        }
        order.setLines(newLines);
    }
}
