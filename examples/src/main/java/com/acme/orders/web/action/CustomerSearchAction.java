package com.acme.orders.web.action;

import java.util.List;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;

import com.acme.orders.model.Customer;
import com.acme.orders.service.CustomerService;
import com.acme.orders.util.TextUtils;
import com.acme.orders.web.form.CustomerSearchForm;

/**
 * Handles /customerSearch.do. With <code>mode=select</code> the result
 * list links back to /orderEdit.do?customerId=...; with exactly one hit in
 * select mode the user is sent there directly.
 */
public class CustomerSearchAction extends BaseAction {

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        CustomerSearchForm searchForm = (CustomerSearchForm) form;
        CustomerService customerService = getBean("customerService", CustomerService.class);

        if ("GET".equals(request.getMethod()) && TextUtils.isBlank(searchForm.getName())
                && TextUtils.isBlank(searchForm.getCity())) {
            // first call: just show the empty search mask
            return mapping.findForward(FORWARD_INPUT);
        }

        List<Customer> result = customerService.search(searchForm.getName(), searchForm.getCity(),
                searchForm.isIncludeInactive());

        if (result.isEmpty()) {
            ActionMessages messages = new ActionMessages();
            messages.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("info.search.nohits"));
            saveMessages(request, messages);
        } else if (result.size() >= CustomerService.MAX_SEARCH_RESULTS) {
            ActionMessages messages = new ActionMessages();
            messages.add(ActionMessages.GLOBAL_MESSAGE,
                    new ActionMessage("info.search.truncated", Integer.valueOf(result.size())));
            saveMessages(request, messages);
        }

        if (searchForm.isSelectMode() && result.size() == 1) {
            Customer only = result.get(0);
            return new ActionForward("/orderEdit.do?customerId=" + only.getId(), true);
        }

        request.setAttribute("customers", result);
        request.setAttribute("hitCount", Integer.valueOf(result.size()));
        return mapping.findForward(FORWARD_SUCCESS);
    }
}
