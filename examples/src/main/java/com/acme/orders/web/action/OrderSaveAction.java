package com.acme.orders.web.action;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.log4j.Logger;
import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;
import org.apache.struts.action.ActionRedirect;

import com.acme.orders.model.Customer;
import com.acme.orders.model.Order;
import com.acme.orders.model.User;
import com.acme.orders.service.OrderService;
import com.acme.orders.util.ServiceException;
import com.acme.orders.web.form.OrderForm;

/**
 * Handles /orderSave.do (POST from orders/edit.jsp). Uses the Struts
 * transaction token against double submits.
 */
public class OrderSaveAction extends BaseAction {

    private static final Logger LOG = Logger.getLogger(OrderSaveAction.class);

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        OrderForm orderForm = (OrderForm) form;

        if (isCancelled(request)) {
            return mapping.findForward("list");
        }
        if (!isTokenValid(request, true)) {
            LOG.warn("Double submit of order " + orderForm.getOrderNo() + " ignored");
            ActionMessages errors = new ActionMessages();
            errors.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("error.doublesubmit"));
            saveErrors(request, errors);
            return mapping.findForward("list");
        }

        OrderService orderService = getBean("orderService", OrderService.class);
        User user = getCurrentUser(request);
        Order order;
        try {
            if (orderForm.isNew()) {
                order = orderService.createDraft(parseId(orderForm.getCustomerId()));
            } else {
                order = orderService.getOrder(parseId(orderForm.getId()));
            }
            orderForm.copyTo(order);
            order = orderService.saveOrder(order, user);
        } catch (ServiceException e) {
            saveException(request, e);
            saveToken(request);
            if (!orderForm.isNew()) {
                request.setAttribute("order", orderService.getOrder(parseId(orderForm.getId())));
            } else {
                Order draft = new Order();
                Customer c = new Customer();
                c.setName(orderForm.getCustomerName());
                draft.setCustomer(c);
                request.setAttribute("order", draft);
            }
            return mapping.getInputForward();
        }

        saveInfo(request, "info.order.saved", order.getOrderNo());
        // Post/Redirect/Get so that F5 does not resubmit
        ActionRedirect redirect = new ActionRedirect(mapping.findForward("edit"));
        redirect.addParameter("id", order.getId());
        return redirect;
    }
}
