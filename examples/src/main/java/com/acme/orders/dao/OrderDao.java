package com.acme.orders.dao;

import java.util.Date;
import java.util.List;

import com.acme.orders.model.Order;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Page;

/**
 * Persistence operations for {@link Order}s including their lines.
 */
public interface OrderDao {

    /** Loads an order with customer and lines, or null if not found. */
    Order findById(Long id);

    Order findByOrderNo(String orderNo);

    /**
     * Pages through orders, newest first.
     *
     * @param status optional status filter, null for all
     * @param customerId optional customer filter, null for all
     */
    Page<Order> findPage(OrderStatus status, Long customerId, int pageNumber, int pageSize);

    List<Order> findByDateRange(Date from, Date to);

    /** Inserts the order and its lines; assigns ids. */
    void insert(Order order);

    /**
     * Updates header and replaces all lines. Uses optimistic locking on the
     * version column.
     *
     * @return false if the row was changed concurrently
     */
    boolean update(Order order);

    void updateStatus(Long orderId, OrderStatus status);

    String nextOrderNo();
}
