package com.acme.orders.service;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.acme.orders.dao.CustomerDao;
import com.acme.orders.model.Customer;
import com.acme.orders.util.ServiceException;
import com.acme.orders.util.TextUtils;
import com.acme.orders.util.ValidationException;
import com.acme.orders.util.ValidationException.FieldError;

/**
 * Default {@link CustomerService}.
 */
public class CustomerServiceImpl implements CustomerService {

    private static final Pattern EMAIL = Pattern.compile("^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$");
    private static final Pattern ZIP_DE = Pattern.compile("\\d{5}");

    private CustomerDao customerDao;

    public void setCustomerDao(CustomerDao customerDao) {
        this.customerDao = customerDao;
    }

    public Customer getCustomer(Long id) throws ServiceException {
        Customer c = customerDao.findById(id);
        if (c == null) {
            throw new ServiceException("error.customer.notfound", "Customer " + id + " not found",
                    new Object[] { id });
        }
        return c;
    }

    public Customer getCustomerByNo(String customerNo) {
        if (TextUtils.isBlank(customerNo)) {
            return null;
        }
        return customerDao.findByCustomerNo(customerNo.trim().toUpperCase());
    }

    public List<Customer> search(String name, String city, boolean includeInactive) {
        // exact customer number shortcut: "K-000123"
        if (name != null && name.trim().toUpperCase().startsWith("K-")) {
            Customer c = getCustomerByNo(name);
            List<Customer> single = new ArrayList<Customer>();
            if (c != null) {
                single.add(c);
            }
            return single;
        }
        return customerDao.search(name, city, !includeInactive, MAX_SEARCH_RESULTS);
    }

    public Customer saveCustomer(Customer customer) throws ServiceException {
        List<FieldError> errors = new ArrayList<FieldError>();
        if (TextUtils.isBlank(customer.getName())) {
            errors.add(new FieldError("name", "error.customer.name.required"));
        }
        if (TextUtils.isNotBlank(customer.getEmail()) && !EMAIL.matcher(customer.getEmail()).matches()) {
            errors.add(new FieldError("email", "error.customer.email.invalid"));
        }
        String zip = customer.getBillingAddress().getZipCode();
        if ("DE".equals(customer.getBillingAddress().getCountryCode())
                && (zip == null || !ZIP_DE.matcher(zip).matches())) {
            errors.add(new FieldError("billingAddress.zipCode", "error.customer.zip.invalid"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        if (customer.getId() == null) {
            customerDao.insert(customer);
        } else {
            if (!customer.isActive() && !canBeDeactivated(customer.getId())) {
                throw new ServiceException("error.customer.openorders",
                        "Customer has open orders and cannot be deactivated");
            }
            customerDao.update(customer);
        }
        return customer;
    }

    public boolean canBeDeactivated(Long customerId) {
        return customerDao.countOrders(customerId) == 0;
    }
}
