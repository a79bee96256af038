package com.acme.orders.web.action;

import java.io.PrintWriter;
import java.util.List;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionForward;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.actions.DispatchAction;
import org.springframework.web.context.support.WebApplicationContextUtils;

import com.acme.orders.dao.ProductDao;
import com.acme.orders.model.Product;
import com.acme.orders.util.TextUtils;

/**
 * Handles /productCatalog.do?method=list|lookup. <code>lookup</code> is
 * called via XHR from orders.js and answers with a small JSON object.
 */
public class ProductCatalogAction extends DispatchAction {

    private ProductDao getProductDao() {
        return (ProductDao) WebApplicationContextUtils
                .getRequiredWebApplicationContext(getServlet().getServletContext())
                .getBean("productDao");
    }

    /** Default when no method parameter is given. */
    @Override
    protected ActionForward unspecified(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        return list(mapping, form, request, response);
    }

    public ActionForward list(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        ProductDao dao = getProductDao();
        String category = TextUtils.trimToNull(request.getParameter("category"));
        boolean all = "true".equals(request.getParameter("showDiscontinued"));

        List<Product> products = dao.findByCategory(category, all);
        request.setAttribute("products", products);
        request.setAttribute("categories", dao.findCategories());
        request.setAttribute("selectedCategory", category);
        return mapping.findForward("success");
    }

    /**
     * Returns {"sku":"...","name":"...","price":"12.50","stock":7} or
     * {"error":"notfound"}.
     */
    public ActionForward lookup(ActionMapping mapping, ActionForm form,
            HttpServletRequest request, HttpServletResponse response) throws Exception {
        String sku = request.getParameter("sku");
        Product p = TextUtils.isBlank(sku) ? null : getProductDao().findBySku(sku);

        response.setContentType("application/json; charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        PrintWriter out = response.getWriter();
        if (p == null || p.isDiscontinued()) {
            out.print("{\"error\":\"notfound\"}");
        } else {
            out.print('{');
            out.print("\"sku\":\"" + TextUtils.escapeJs(p.getSku()) + "\",");
            out.print("\"name\":\"" + TextUtils.escapeJs(p.getName()) + "\",");
            out.print("\"price\":\"" + p.getUnitPrice().toPlainString() + "\",");
            out.print("\"stock\":" + p.getStockQuantity());
            out.print('}');
        }
        out.flush();
        return null; // response already written
    }
}
