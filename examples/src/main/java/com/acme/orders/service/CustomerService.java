package com.acme.orders.service;

import java.util.List;

import com.acme.orders.model.Customer;
import com.acme.orders.util.ServiceException;

/**
 * Business operations on customers.
 */
public interface CustomerService {

    /** Maximum number of rows the search screen shows. */
    int MAX_SEARCH_RESULTS = 200;

    Customer getCustomer(Long id) throws ServiceException;

    Customer getCustomerByNo(String customerNo);

    List<Customer> search(String name, String city, boolean includeInactive);

    Customer saveCustomer(Customer customer) throws ServiceException;

    boolean canBeDeactivated(Long customerId);
}
