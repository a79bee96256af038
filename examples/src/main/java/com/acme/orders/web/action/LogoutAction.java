package com.acme.orders.web.action;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;

import com.acme.orders.model.User;
import com.acme.orders.service.AuthService;

/**
 * Handles /logout.do.
 */
public class LogoutAction extends BaseAction {

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        HttpSession session = request.getSession(false);
        if (session != null) {
            User user = (User) session.getAttribute(User.SESSION_KEY);
            if (user != null) {
                getBean("authService", AuthService.class).recordLogout(user);
            }
            session.invalidate();
        }
        response.setHeader("Cache-Control", "no-cache, no-store");
        response.setHeader("Pragma", "no-cache");

        ActionMessages messages = new ActionMessages();
        messages.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("info.logout"));
        saveMessages(request, messages);
        return mapping.findForward(FORWARD_SUCCESS);
    }
}
