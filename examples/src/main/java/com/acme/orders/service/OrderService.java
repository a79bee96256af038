package com.acme.orders.service;

import java.util.List;

import com.acme.orders.model.Order;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Page;
import com.acme.orders.model.User;
import com.acme.orders.util.ServiceException;

/**
 * Business operations on orders.
 */
public interface OrderService {

    Order getOrder(Long id) throws ServiceException;

    Page<Order> listOrders(OrderStatus status, Long customerId, int pageNumber);

    /**
     * Creates an empty order for the given customer, pre-filled with the
     * default delivery date.
     */
    Order createDraft(Long customerId) throws ServiceException;

    /**
     * Validates, prices and persists the order.
     *
     * @param order the order (new or existing)
     * @param user the user performing the change, for auditing
     * @return the saved order
     */
    Order saveOrder(Order order, User user) throws ServiceException;

    void changeStatus(Long orderId, OrderStatus newStatus, User user) throws ServiceException;

    List<Order> findOpenOrdersForCustomer(Long customerId);
}
