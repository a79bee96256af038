package com.acme.orders.web.action;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;

import com.acme.orders.model.Order;
import com.acme.orders.service.OrderService;
import com.acme.orders.util.OrderNotFoundException;
import com.acme.orders.util.ServiceException;
import com.acme.orders.web.form.OrderForm;

/**
 * Handles /orderEdit.do: prepares the OrderForm for a new order
 * (?customerId=..) or an existing one (?id=..).
 */
public class OrderEditAction extends BaseAction {

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        OrderForm orderForm = (OrderForm) form;
        OrderService orderService = getBean("orderService", OrderService.class);

        Long id = parseId(request.getParameter("id"));
        Long customerId = parseId(request.getParameter("customerId"));
        Order order;
        try {
            if (id != null) {
                order = orderService.getOrder(id);
            } else if (customerId != null) {
                order = orderService.createDraft(customerId);
            } else {
                // no customer chosen yet: let the user pick one first
                return mapping.findForward("selectCustomer");
            }
        } catch (OrderNotFoundException e) {
            saveException(request, e);
            return mapping.findForward("list");
        } catch (ServiceException e) {
            saveException(request, e);
            return mapping.findForward(FORWARD_FAILURE);
        }

        orderForm.populateFrom(order);
        request.setAttribute("order", order);
        request.setAttribute("readOnly", Boolean.valueOf(!order.isEditable()));
        saveToken(request);
        return mapping.findForward(FORWARD_SUCCESS);
    }
}
