package com.acme.orders.web.action;

import java.util.Date;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;
import org.apache.struts.action.ActionMessages;

import com.acme.orders.model.User;
import com.acme.orders.report.OrderReportGenerator;
import com.acme.orders.util.DateUtils;

/**
 * Handles /reports/export.do?type=monthly&amp;format=csv&amp;from=..&amp;to=..
 * and streams the report produced by {@link OrderReportGenerator}.
 * Without from/to the previous calendar month is used. Managers only.
 */
public class ReportExportAction extends BaseAction {

    @Override
    public ActionForward execute(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        User user = getCurrentUser(request);
        if (user == null || !user.isManager()) {
            ActionMessages errors = new ActionMessages();
            errors.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("error.report.forbidden"));
            saveErrors(request, errors);
            return mapping.findForward(FORWARD_FAILURE);
        }

        String type = request.getParameter("type");
        String format = request.getParameter("format");
        if (type == null) {
            type = OrderReportGenerator.TYPE_MONTHLY;
        }
        if (format == null) {
            format = OrderReportGenerator.FORMAT_HTML;
        }

        Date from = DateUtils.parseQuietly(request.getParameter("from"));
        Date to = DateUtils.parseQuietly(request.getParameter("to"));
        if (from == null || to == null) {
            Date[] period = OrderReportGenerator.previousMonth(new Date());
            from = period[0];
            to = period[1];
        }

        String fileName = "acme-" + type + "-" + DateUtils.format(from, "yyyyMM");
        if (OrderReportGenerator.FORMAT_CSV.equals(format)) {
            response.setContentType("text/csv; charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + ".csv\"");
        } else if (OrderReportGenerator.FORMAT_JSON.equals(format)) {
            response.setContentType("application/json; charset=UTF-8");
        } else {
            response.setContentType("text/html; charset=UTF-8");
        }
        // IE6 over HTTPS cannot open downloads with no-cache (KB 316431)
        response.setHeader("Cache-Control", "private, max-age=0");

        OrderReportGenerator generator = getBean("orderReportGenerator", OrderReportGenerator.class);
        try {
            generator.generate(type, format, from, to, response.getWriter());
        } catch (IllegalArgumentException e) {
            response.reset();
            ActionMessages errors = new ActionMessages();
            errors.add(ActionMessages.GLOBAL_MESSAGE, new ActionMessage("error.report.params", e.getMessage()));
            saveErrors(request, errors);
            return mapping.findForward(FORWARD_FAILURE);
        }
        return null;
    }
}
