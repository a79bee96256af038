package com.acme.orders.web.action;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;

import com.acme.orders.model.Order;
import com.acme.orders.model.OrderStatus;
import com.acme.orders.model.Page;
import com.acme.orders.service.OrderService;

/**
 * Handles /orderList.do: paged list of orders with optional status and
 * customer filter. Filters are remembered in the session.
 */
public class OrderListAction extends BaseAction {

    static final String SESSION_FILTER_STATUS = "orderList.status";
    static final String SESSION_FILTER_CUSTOMER = "orderList.customerId";

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        OrderService orderService = getBean("orderService", OrderService.class);

        if (request.getParameter("reset") != null) {
            request.getSession().removeAttribute(SESSION_FILTER_STATUS);
            request.getSession().removeAttribute(SESSION_FILTER_CUSTOMER);
        }

        OrderStatus status = null;
        String statusParam = request.getParameter("status");
        if (statusParam != null) {
            request.getSession().setAttribute(SESSION_FILTER_STATUS, statusParam);
        } else {
            statusParam = (String) request.getSession().getAttribute(SESSION_FILTER_STATUS);
        }
        if (statusParam != null && statusParam.length() > 0) {
            try {
                status = OrderStatus.fromCode(statusParam);
            } catch (IllegalArgumentException e) {
                status = null;
            }
        }

        Long customerId = parseId(request.getParameter("customerId"));
        if (customerId != null) {
            request.getSession().setAttribute(SESSION_FILTER_CUSTOMER, customerId);
        } else {
            customerId = (Long) request.getSession().getAttribute(SESSION_FILTER_CUSTOMER);
        }

        int pageNo = parseInt(request.getParameter("page"), 1);
        Page<Order> page = orderService.listOrders(status, customerId, pageNo);
        if (pageNo > 1 && page.getItems().isEmpty() && page.getTotalCount() > 0) {
            // requested page is past the end (rows were deleted); show last page
            page = orderService.listOrders(status, customerId, page.getPageCount());
        }

        request.setAttribute("orders", page);
        request.setAttribute("statuses", OrderStatus.values());
        request.setAttribute("selectedStatus", status);
        return mapping.findForward(FORWARD_SUCCESS);
    }
}
