package com.acme.orders.service;

import com.acme.orders.model.User;

/**
 * Authenticates back office users against the <code>app_users</code> table.
 */
public interface AuthService {

    /**
     * @return the user, or null if login/password do not match or the
     *         account is locked
     */
    User authenticate(String login, String password);

    void recordLogout(User user);
}
