<%@ page contentType="text/html;charset=UTF-8" session="false" %>
<%-- Welcome file: send everybody to the order list (the filter redirects to login if needed). --%>
<% response.sendRedirect(request.getContextPath() + "/orderList.do"); %>
