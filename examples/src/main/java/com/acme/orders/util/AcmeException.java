package com.acme.orders.util;

/**
 * Root of the application's checked exception hierarchy.
 * <pre>
 * AcmeException
 *  +-- ServiceException
 *  |    +-- ValidationException
 *  |    +-- OrderNotFoundException
 *  +-- DataAccessException (unchecked, see below)
 * </pre>
 * Every exception carries an error key that maps to a message in
 * ApplicationResources.properties, e.g. <code>error.order.notfound={0} not found</code>.
 */
public class AcmeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String errorKey;
    private final Object[] args;

    public AcmeException(String errorKey, String message) {
        this(errorKey, message, (Throwable) null);
    }

    public AcmeException(String errorKey, String message, Throwable cause) {
        super(message, cause);
        this.errorKey = errorKey;
        this.args = new Object[0];
    }

    public AcmeException(String errorKey, String message, Object[] args) {
        super(message);
        this.errorKey = errorKey;
        this.args = args == null ? new Object[0] : (Object[]) args.clone();
    }

    public String getErrorKey() {
        return errorKey;
    }

    public Object[] getArgs() {
        return (Object[]) args.clone();
    }
}
