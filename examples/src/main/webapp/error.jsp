<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" isErrorPage="true" %>
<%@ page import="java.io.StringWriter, java.io.PrintWriter, org.apache.struts.Globals" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%!
    /** Renders a stack trace for the (hidden) details box. */
    private String stackTraceOf(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
%>
<%
    Throwable problem = exception;
    if (problem == null) {
        problem = (Throwable) request.getAttribute(Globals.EXCEPTION_KEY);
    }
    if (problem == null) {
        problem = (Throwable) request.getAttribute("javax.servlet.error.exception");
    }
    String code = request.getParameter("code");
    if (code == null) {
        Object sc = request.getAttribute("javax.servlet.error.status_code");
        code = sc == null ? "500" : sc.toString();
    }
    response.setStatus(Integer.parseInt(code));
    String incidentId = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
    if (problem != null) {
        application.log("Incident " + incidentId + " at " + request.getRequestURI(), problem);
    }
%>
<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  <title><bean:message key="title.error"/></title>
  <link rel="stylesheet" type="text/css" href="<c:url value='/css/app.css'/>">
</head>
<body>
  <%@ include file="/layout/header.jspf" %>
  <div id="content" class="error">
    <c:choose>
      <c:when test="${param.code == '404'}">
        <h2><bean:message key="error.404.title"/></h2>
        <p><bean:message key="error.404.text"/></p>
      </c:when>
      <c:otherwise>
        <h2><bean:message key="error.500.title"/></h2>
        <p><bean:message key="error.500.text" arg0="<%= incidentId %>"/></p>
      </c:otherwise>
    </c:choose>

    <p><a href="<c:url value='/orderList.do'/>"><bean:message key="link.backToStart"/></a></p>

    <% if (problem != null && request.isUserInRole("admin")) { %>
      <div class="stacktrace">
        <a href="#" onclick="document.getElementById('trace').style.display='block'; return false;">Details</a>
        <pre id="trace" style="display:none"><%= com.acme.orders.util.TextUtils.escapeHtml(stackTraceOf(problem)) %></pre>
      </div>
    <% } %>
  </div>
  <%@ include file="/layout/footer.jspf" %>
</body>
</html>
