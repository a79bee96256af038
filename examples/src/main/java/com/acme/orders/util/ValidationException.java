package com.acme.orders.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Business validation failure; collects one or more field errors so the
 * Action can translate them into ActionMessages.
 */
public class ValidationException extends ServiceException {

    private static final long serialVersionUID = 1L;

    /** A single (property, messageKey) pair. */
    public static class FieldError {
        private final String property;
        private final String key;

        public FieldError(String property, String key) {
            this.property = property;
            this.key = key;
        }

        public String getProperty() {
            return property;
        }

        public String getKey() {
            return key;
        }

        @Override
        public String toString() {
            return property + "=" + key;
        }
    }

    private final List<FieldError> errors = new ArrayList<FieldError>();

    public ValidationException(String property, String key) {
        super("error.validation", "Validation failed: " + property + " -> " + key);
        errors.add(new FieldError(property, key));
    }

    public ValidationException(List<FieldError> errors) {
        super("error.validation", "Validation failed: " + errors);
        this.errors.addAll(errors);
    }

    public List<FieldError> getErrors() {
        return Collections.unmodifiableList(errors);
    }
}
