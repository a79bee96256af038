<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%-- Customer search; body tile of page.customers.search. In select mode the
     result links lead to a new order for the chosen customer. --%>
<jsp:useBean id="customerSearchForm" class="com.acme.orders.web.form.CustomerSearchForm" scope="session"/>

<h2><bean:message key="title.customers.search"/></h2>

<c:if test="${customerSearchForm.selectMode}">
  <p class="hint"><bean:message key="info.customers.selectForOrder"/></p>
</c:if>

<html:form action="/customerSearchSubmit" method="post" styleClass="search">
  <html:hidden property="mode"/>
  <table class="form">
    <tr>
      <td><label for="name"><bean:message key="label.nameOrNumber"/></label></td>
      <td>
        <html:text property="name" styleId="name" size="30"/>
        <html:errors property="name"/>
      </td>
      <td><label for="city"><bean:message key="label.city"/></label></td>
      <td><html:text property="city" styleId="city" size="20"/></td>
    </tr>
    <tr>
      <td>&nbsp;</td>
      <td colspan="3">
        <html:checkbox property="includeInactive" styleId="includeInactive"/>
        <label for="includeInactive"><bean:message key="label.includeInactive"/></label>
      </td>
    </tr>
    <tr>
      <td>&nbsp;</td>
      <td colspan="3"><html:submit styleClass="button primary"><bean:message key="button.search"/></html:submit></td>
    </tr>
  </table>
</html:form>

<c:if test="${not empty customers}">
  <p class="muted"><bean:message key="info.search.hits" arg0="${hitCount}"/></p>
  <table class="list" cellspacing="0">
    <thead>
      <tr>
        <th><bean:message key="label.customerNo"/></th>
        <th><bean:message key="label.name"/></th>
        <th><bean:message key="label.address"/></th>
        <th><bean:message key="label.category"/></th>
        <th>&nbsp;</th>
      </tr>
    </thead>
    <tbody>
      <c:forEach var="cust" items="${customers}" varStatus="row">
        <c:url var="newOrderUrl" value="/orderEdit.do">
          <c:param name="customerId" value="${cust.id}"/>
        </c:url>
        <c:url var="ordersUrl" value="/orderList.do">
          <c:param name="customerId" value="${cust.id}"/>
        </c:url>
        <tr class="${row.index % 2 == 0 ? 'even' : 'odd'}${cust.active ? '' : ' inactive'}">
          <td><c:out value="${cust.customerNo}"/></td>
          <td><c:out value="${cust.name}"/></td>
          <td><c:out value="${cust.billingAddress.street}"/>, <c:out value="${cust.billingAddress.zipCode}"/> <c:out value="${cust.billingAddress.city}"/></td>
          <td>
            <c:choose>
              <c:when test="${cust.category == 'GLD'}"><span class="badge gold">Gold</span></c:when>
              <c:when test="${cust.category == 'WHS'}"><span class="badge">Gro&szlig;handel</span></c:when>
              <c:otherwise>Standard</c:otherwise>
            </c:choose>
          </td>
          <td>
            <c:if test="${cust.active}">
              <a href="${newOrderUrl}"><bean:message key="link.newOrder"/></a> |
            </c:if>
            <a href="${ordersUrl}"><bean:message key="link.orders"/></a>
          </td>
        </tr>
      </c:forEach>
    </tbody>
  </table>
</c:if>
