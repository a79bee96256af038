package com.acme.orders.web.action;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpSession;

import org.apache.struts.action.Action;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

import com.acme.orders.model.User;
import com.acme.orders.util.AcmeException;
import com.acme.orders.util.ValidationException;

/**
 * Common superclass of our Struts actions: Spring bean lookup, current user,
 * and mapping of service exceptions to ActionMessages.
 */
public abstract class BaseAction extends Action {

    public static final String FORWARD_SUCCESS = "success";
    public static final String FORWARD_FAILURE = "failure";
    public static final String FORWARD_INPUT = "input";

    /**
     * Looks up a bean from the Spring root context (loaded by
     * ContextLoaderListener, see web.xml).
     */
    @SuppressWarnings("unchecked")
    protected <T> T getBean(String name, Class<T> type) {
        WebApplicationContext ctx = WebApplicationContextUtils
                .getRequiredWebApplicationContext(getServlet().getServletContext());
        return (T) ctx.getBean(name, type);
    }

    protected User getCurrentUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : (User) session.getAttribute(User.SESSION_KEY);
    }

    /**
     * Converts an application exception into Struts error messages and saves
     * them on the request.
     */
    protected void saveException(HttpServletRequest request, AcmeException e) {
        ActionMessages errors = new ActionMessages();
        if (e instanceof ValidationException) {
            for (ValidationException.FieldError fe : ((ValidationException) e).getErrors()) {
                errors.add(fe.getProperty(), new ActionMessage(fe.getKey()));
            }
        } else {
            errors.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage(e.getErrorKey(), e.getArgs()));
        }
        saveErrors(request, errors);
    }

    protected void saveInfo(HttpServletRequest request, String key, Object arg) {
        ActionMessages messages = new ActionMessages();
        messages.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage(key, arg));
        saveMessages(request.getSession(), messages);
    }

    protected static Long parseId(String s) {
        if (s == null || s.trim().length() == 0) {
            return null;
        }
        try {
            return Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    protected static int parseInt(String s, int def) {
        try {
            return s == null ? def : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return def;
        }
    }
}
