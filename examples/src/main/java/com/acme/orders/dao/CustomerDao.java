package com.acme.orders.dao;

import java.util.List;

import com.acme.orders.model.Customer;

/**
 * Persistence operations for {@link Customer}s.
 */
public interface CustomerDao {

    Customer findById(Long id);

    Customer findByCustomerNo(String customerNo);

    /**
     * Searches by name, customer number or city using LIKE patterns.
     *
     * @param maxResults upper bound on the result size
     */
    List<Customer> search(String namePattern, String city, boolean activeOnly, int maxResults);

    void insert(Customer customer);

    void update(Customer customer);

    int countOrders(Long customerId);
}
