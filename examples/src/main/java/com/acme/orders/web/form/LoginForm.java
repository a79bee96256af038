package com.acme.orders.web.form;

import javax.servlet.http.HttpServletRequest;

import org.apache.struts.action.ActionErrors;
import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;

/**
 * Form bean for /login.
 */
public class LoginForm extends ActionForm {

    private static final long serialVersionUID = 1L;

    private String username;
    private String password;
    private String targetUrl;
    private boolean rememberMe;

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Originally requested URL, set by the AuthenticationFilter redirect. */
    public String getTargetUrl() {
        return targetUrl;
    }

    public void setTargetUrl(String targetUrl) {
        this.targetUrl = targetUrl;
    }

    public boolean isRememberMe() {
        return rememberMe;
    }

    public void setRememberMe(boolean rememberMe) {
        this.rememberMe = rememberMe;
    }

    @Override
    public void reset(ActionMapping mapping, HttpServletRequest request) {
        password = null;
        rememberMe = false;
    }

    @Override
    public ActionErrors validate(ActionMapping mapping, HttpServletRequest request) {
        ActionErrors errors = new ActionErrors();
        if (username == null || username.trim().length() == 0) {
            errors.add("username", new ActionMessage("errors.required", "Benutzername"));
        } else if (username.length() > 32) {
            errors.add("username", new ActionMessage("errors.maxlength", "Benutzername", "32"));
        }
        if (password == null || password.length() == 0) {
            errors.add("password", new ActionMessage("errors.required", "Passwort"));
        }
        if (targetUrl != null && (targetUrl.indexOf("://") >= 0 || targetUrl.startsWith("//"))) {
            // only allow relative redirects
            targetUrl = null;
        }
        return errors;
    }
}
