package com.acme.orders.service;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.apache.log4j.Logger;

import com.acme.orders.dao.CustomerDao;
import com.acme.orders.dao.OrderDao;
import com.acme.orders.dao.ProductDao;
import com.acme.orders.model.Customer;
import com.acme.orders.model.Order;
import com.acme.orders.model.OrderLine;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Page;
import com.acme.orders.model.Product;
import com.acme.orders.model.User;
import com.acme.orders.util.DateUtils;
import com.acme.orders.util.OrderNotFoundException;
import com.acme.orders.util.ServiceException;
import com.acme.orders.util.ValidationException;
import com.acme.orders.util.ValidationException.FieldError;

/**
 * Default {@link OrderService}. Wired in applicationContext.xml.
 */
public class OrderServiceImpl implements OrderService {

    private static final Logger LOG = Logger.getLogger(OrderServiceImpl.class);

    private OrderDao orderDao;
    private CustomerDao customerDao;
    private ProductDao productDao;
    private PricingService pricingService;
    private int defaultDeliveryDays = 5;
    private int pageSize = Page.DEFAULT_PAGE_SIZE;

    public void setOrderDao(OrderDao orderDao) {
        this.orderDao = orderDao;
    }

    public void setCustomerDao(CustomerDao customerDao) {
        this.customerDao = customerDao;
    }

    public void setProductDao(ProductDao productDao) {
        this.productDao = productDao;
    }

    public void setPricingService(PricingService pricingService) {
        this.pricingService = pricingService;
    }

    public void setDefaultDeliveryDays(int defaultDeliveryDays) {
        this.defaultDeliveryDays = defaultDeliveryDays;
    }

    public void setPageSize(int pageSize) {
        this.pageSize = pageSize;
    }

    public Order getOrder(Long id) throws ServiceException {
        if (id == null) {
            throw new ServiceException("error.order.id.missing", "Order id is required");
        }
        Order order = orderDao.findById(id);
        if (order == null) {
            throw new OrderNotFoundException(id);
        }
        return order;
    }

    public Page<Order> listOrders(OrderStatus status, Long customerId, int pageNumber) {
        return orderDao.findPage(status, customerId, Math.max(1, pageNumber), pageSize);
    }

    public Order createDraft(Long customerId) throws ServiceException {
        Customer customer = customerDao.findById(customerId);
        if (customer == null) {
            throw new ServiceException("error.customer.notfound", "Unknown customer " + customerId,
                    new Object[] { customerId });
        }
        if (!customer.isActive()) {
            throw new ServiceException("error.customer.inactive",
                    "Customer " + customer.getCustomerNo() + " is inactive");
        }
        Order order = new Order();
        order.setCustomer(customer);
        order.setOrderDate(DateUtils.truncate(new Date()));
        order.setDeliveryDate(DateUtils.addWorkingDays(order.getOrderDate(), defaultDeliveryDays));
        order.setStatus(OrderStatus.NEW);
        return order;
    }

    public Order saveOrder(Order order, User user) throws ServiceException {
        order.removeEmptyLines();
        validate(order);
        resolveProducts(order);
        pricingService.applyDiscounts(order, order.getOrderDate());

        if (order.getId() == null) {
            order.setOrderNo(orderDao.nextOrderNo());
            for (OrderLine line : order.getLines()) {
                Product p = line.getProduct();
                if (!productDao.reserveStock(p.getId(), line.getQuantity())) {
                    throw new ValidationException("lines[" + (line.getLineNo() - 1) + "].quantity",
                            "error.order.stock");
                }
            }
            orderDao.insert(order);
            LOG.info(user.getLogin() + " created order " + order.getOrderNo()
                    + " (net " + order.getNetTotal() + ")");
        } else {
            Order current = getOrder(order.getId());
            if (!current.isEditable()) {
                throw new ServiceException("error.order.readonly",
                        "Order " + current.getOrderNo() + " is " + current.getStatus());
            }
            if (!orderDao.update(order)) {
                throw new ServiceException("error.order.concurrent",
                        "Order was modified by another user");
            }
            LOG.info(user.getLogin() + " updated order " + order.getOrderNo());
        }
        return order;
    }

    /**
     * Checks mandatory fields and dates; collects all errors before
     * throwing so the user sees them at once.
     */
    private void validate(Order order) throws ValidationException {
        List<FieldError> errors = new ArrayList<FieldError>();
        if (order.getCustomer() == null || order.getCustomer().getId() == null) {
            errors.add(new FieldError("customerId", "error.order.customer.required"));
        }
        if (order.getLines().isEmpty()) {
            errors.add(new FieldError("lines", "error.order.lines.empty"));
        }
        if (order.getDeliveryDate() != null && order.getOrderDate() != null
                && order.getDeliveryDate().before(order.getOrderDate())) {
            errors.add(new FieldError("deliveryDate", "error.order.delivery.beforeorder"));
        }
        int i = 0;
        for (OrderLine line : order.getLines()) {
            if (line.getQuantity() > 9999) {
                errors.add(new FieldError("lines[" + i + "].quantity", "error.order.quantity.max"));
            }
            i++;
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    /** Replaces SKU-only product stubs with the catalog product and its price. */
    private void resolveProducts(Order order) throws ValidationException {
        int i = 0;
        for (OrderLine line : order.getLines()) {
            Product stub = line.getProduct();
            Product p = stub.getId() != null ? productDao.findById(stub.getId())
                    : productDao.findBySku(stub.getSku());
            if (p == null) {
                throw new ValidationException("lines[" + i + "].sku", "error.product.unknown");
            }
            if (p.isDiscontinued() && line.getId() == null) {
                throw new ValidationException("lines[" + i + "].sku", "error.product.discontinued");
            }
            line.setProduct(p);
            if (line.getId() == null) {
                line.setUnitPrice(p.getUnitPrice());
            }
            i++;
        }
    }

    public void changeStatus(Long orderId, OrderStatus newStatus, User user) throws ServiceException {
        Order order = getOrder(orderId);
        if (!order.getStatus().canTransitionTo(newStatus)) {
            throw new ServiceException("error.order.status.transition",
                    "Cannot change " + order.getStatus() + " to " + newStatus,
                    new Object[] { order.getStatus(), newStatus });
        }
        if (newStatus == OrderStatus.CANCELLED && !user.isManager()) {
            throw new ServiceException("error.order.cancel.forbidden", "Only managers may cancel");
        }
        orderDao.updateStatus(orderId, newStatus);
        LOG.info(user.getLogin() + " changed " + order.getOrderNo() + " to " + newStatus);
    }

    public List<Order> findOpenOrdersForCustomer(Long customerId) {
        List<Order> result = new ArrayList<Order>();
        Page<Order> page = orderDao.findPage(null, customerId, 1, 500);
        for (Order o : page.getItems()) {
            if (o.getStatus() == OrderStatus.NEW || o.getStatus() == OrderStatus.CONFIRMED) {
                result.add(o);
            }
        }
        return result;
    }
}
