<%@ page import="x" %>
<html:form action="/a"><% if (x) { %>
<c:out value="${a.b