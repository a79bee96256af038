package com.acme.orders.web.action;

import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.apache.log4j.Logger;
import org.apache.struts.Globals;
import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;

import com.acme.orders.model.User;
import com.acme.orders.service.AuthService;
import com.acme.orders.web.form.LoginForm;

/**
 * Handles /login.do: authenticates the user and puts it into the session.
 */
public class LoginAction extends BaseAction {

    private static final Logger LOG = Logger.getLogger(LoginAction.class);

    static final String REMEMBER_COOKIE = "acme.login";

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        LoginForm loginForm = (LoginForm) form;
        AuthService auth = getBean("authService", AuthService.class);

        User user = auth.authenticate(loginForm.getUsername(), loginForm.getPassword());
        if (user == null) {
            ActionMessages errors = new ActionMessages();
            errors.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("error.login.failed"));
            saveErrors(request, errors);
            loginForm.setPassword(null);
            return mapping.getInputForward();
        }

        // prevent session fixation: throw away the pre-login session
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(User.SESSION_KEY, user);
        session.setAttribute(Globals.LOCALE_KEY, new java.util.Locale(user.getLocale()));
        session.setMaxInactiveInterval(30 * 60);

        Cookie cookie = new Cookie(REMEMBER_COOKIE, loginForm.isRememberMe() ? user.getLogin() : "");
        cookie.setPath(request.getContextPath() + "/");
        cookie.setMaxAge(loginForm.isRememberMe() ? 60 * 60 * 24 * 30 : 0);
        response.addCookie(cookie);

        LOG.info("User " + user.getLogin() + " logged in from " + request.getRemoteAddr());

        String target = loginForm.getTargetUrl();
        if (target != null && target.startsWith("/") && !target.startsWith("/login")) {
            return new ActionForward(target, true);
        }
        return mapping.findForward(FORWARD_SUCCESS);
    }
}
