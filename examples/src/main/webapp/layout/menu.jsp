<%@ page contentType="text/html;charset=UTF-8" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<ul class="menu">
  <li><html:link action="/orderList"><bean:message key="menu.orders"/></html:link></li>
  <li><html:link action="/orderEdit"><bean:message key="menu.orders.new"/></html:link></li>
  <li><html:link action="/customerSearch"><bean:message key="menu.customers"/></html:link></li>
  <li><html:link action="/productCatalog"><bean:message key="menu.products"/></html:link></li>
  <c:if test="${currentUser.manager}">
    <li><a href="<c:url value='/reports/export.do?type=monthly&amp;format=html'/>"><bean:message key="menu.reports"/></a></li>
  </c:if>
</ul>
