package com.acme.orders.web.form;

import javax.servlet.http.HttpServletRequest;

import org.apache.struts.action.ActionErrors;
import org.apache.struts.action.ActionForm;
import org.apache.struts.action.ActionMapping;
import org.apache.struts.action.ActionMessage;

/**
 * Form bean for /customerSearch. Session scoped so the last search is kept
 * when the user comes back from an order.
 */
public class CustomerSearchForm extends ActionForm {

    private static final long serialVersionUID = 1L;

    private String name;
    private String city;
    private boolean includeInactive;
    /** "select" when the search was opened from the order screen. */
    private String mode;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCity() {
        return city;
    }

    public void setCity(String city) {
        this.city = city;
    }

    public boolean isIncludeInactive() {
        return includeInactive;
    }

    public void setIncludeInactive(boolean includeInactive) {
        this.includeInactive = includeInactive;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public boolean isSelectMode() {
        return "select".equals(mode);
    }

    @Override
    public void reset(ActionMapping mapping, HttpServletRequest request) {
        // checkboxes are not submitted when unchecked
        includeInactive = false;
    }

    @Override
    public ActionErrors validate(ActionMapping mapping, HttpServletRequest request) {
        ActionErrors errors = new ActionErrors();
        String n = name == null ? "" : name.trim();
        String c = city == null ? "" : city.trim();
        if (n.length() == 0 && c.length() == 0) {
            errors.add(ActionErrors.GLOBAL_MESSAGE, new ActionMessage("error.search.criteria"));
        } else if (n.length() > 0 && n.replace("*", "").length() < 2) {
            errors.add("name", new ActionMessage("errors.minlength", "Name", "2"));
        }
        return errors;
    }
}
