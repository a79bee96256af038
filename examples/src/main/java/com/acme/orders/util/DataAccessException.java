package com.acme.orders.util;

import java.sql.SQLException;

/**
 * Unchecked wrapper for {@link SQLException}s thrown by the JDBC DAOs.
 * Deliberately not a subclass of {@link AcmeException} because callers
 * can rarely recover.
 */
public class DataAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sql;

    public DataAccessException(String message, String sql, SQLException cause) {
        super(message + " [SQL: " + sql + "] " + describe(cause), cause);
        this.sql = sql;
    }

    public DataAccessException(String message) {
        super(message);
        this.sql = null;
    }

    public String getSql() {
        return sql;
    }

    /** Builds "state=23505, code=0" from the first SQLException in the chain. */
    private static String describe(SQLException e) {
        if (e == null) {
            return "";
        }
        StringBuffer sb = new StringBuffer();
        sb.append("state=").append(e.getSQLState());
        sb.append(", code=").append(e.getErrorCode());
        SQLException next = e.getNextException();
        if (next != null) {
            sb.append(", next=").append(next.getMessage());
        }
        return sb.toString();
    }
}
