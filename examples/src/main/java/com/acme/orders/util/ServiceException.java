package com.acme.orders.util;

/**
 * Thrown by the service layer when a business operation cannot be completed.
 */
public class ServiceException extends AcmeException {

    private static final long serialVersionUID = 1L;

    public ServiceException(String message) {
        super("error.service", message);
    }

    public ServiceException(String errorKey, String message) {
        super(errorKey, message);
    }

    public ServiceException(String message, Throwable cause) {
        super("error.service", message, cause);
    }

    public ServiceException(String errorKey, String message, Object[] args) {
        super(errorKey, message, args);
    }
}
