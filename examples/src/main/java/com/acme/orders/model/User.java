package com.acme.orders.model;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Logged-in back office user. Stored in the HTTP session under
 * {@link #SESSION_KEY}.
 */
public class User implements Serializable {

    private static final long serialVersionUID = 2L;

    public static final String SESSION_KEY = "acme.user";

    public static final String ROLE_CLERK = "clerk";
    public static final String ROLE_MANAGER = "manager";
    public static final String ROLE_ADMIN = "admin";

    private Long id;
    private String login;
    private String displayName;
    private String locale = "de";
    private Set<String> roles = new HashSet<String>();

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getLogin() {
        return login;
    }

    public void setLogin(String login) {
        this.login = login;
    }

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public String getLocale() {
        return locale;
    }

    public void setLocale(String locale) {
        this.locale = locale;
    }

    public Set<String> getRoles() {
        return roles;
    }

    public void setRoles(Set<String> roles) {
        this.roles = roles;
    }

    public boolean hasRole(String role) {
        return roles.contains(role) || roles.contains(ROLE_ADMIN);
    }

    public boolean isManager() {
        return hasRole(ROLE_MANAGER);
    }
}
