<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ page import="com.acme.orders.model.Order, com.acme.orders.model.Page" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%@ taglib tagdir="/WEB-INF/tags" prefix="acme" %>
<%-- Order list; rendered as the "body" tile of page.orders.list. --%>
<jsp:useBean id="orders" type="com.acme.orders.model.Page" scope="request"/>

<h2><bean:message key="title.orders.list"/></h2>

<%-- Filter: plain GET form so the URL can be bookmarked --%>
<form action="<c:url value='/orderList.do'/>" method="get" class="filter">
  <label for="status"><bean:message key="label.status"/></label>
  <select name="status" id="status" onchange="this.form.submit();">
    <option value=""><bean:message key="option.all"/></option>
    <c:forEach var="s" items="${statuses}">
      <option value="${s.code}" <c:if test="${s == selectedStatus}">selected="selected"</c:if>>
        <fmt:message key="${s.messageKey}"/>
      </option>
    </c:forEach>
  </select>
  <input type="submit" value="<bean:message key='button.filter'/>" class="button"/>
  <a href="<c:url value='/orderList.do?reset=1'/>"><bean:message key="link.resetFilter"/></a>
</form>

<logic:empty name="orders" property="items">
  <p class="empty"><bean:message key="info.orders.none"/></p>
</logic:empty>

<logic:notEmpty name="orders" property="items">
  <table class="list" cellspacing="0">
    <thead>
      <tr>
        <th><bean:message key="label.orderNo"/></th>
        <th><bean:message key="label.orderDate"/></th>
        <th><bean:message key="label.customer"/></th>
        <th><bean:message key="label.status"/></th>
        <th class="num"><bean:message key="label.netTotal"/></th>
        <th>&nbsp;</th>
      </tr>
    </thead>
    <tbody>
      <c:forEach var="order" items="${orders.items}" varStatus="row">
        <tr class="${row.index % 2 == 0 ? 'even' : 'odd'} status-${order.status.code}">
          <td><a href="<c:url value='/orderEdit.do'><c:param name='id' value='${order.id}'/></c:url>"><c:out value="${order.orderNo}"/></a></td>
          <td><fmt:formatDate value="${order.orderDate}" pattern="dd.MM.yyyy"/></td>
          <td><c:out value="${order.customer.name}"/> <span class="muted">(${order.customer.customerNo})</span></td>
          <td><fmt:message key="${order.status.messageKey}"/></td>
          <td class="num"><acme:money amount="${order.netTotal}"/></td>
          <td>
            <c:if test="${order.editable}">
              <html:link action="/orderEdit" paramId="id" paramName="order" paramProperty="id">
                <bean:message key="link.edit"/>
              </html:link>
            </c:if>
          </td>
        </tr>
      </c:forEach>
    </tbody>
  </table>

  <%-- paging; scriptlet because the old c:forEach begin/end bug in our container (ORD-150) --%>
  <div class="pager">
<%
    Page pg = orders;
    int current = pg.getPageNumber();
    int last = pg.getPageCount();
    int from = Math.max(1, current - 4);
    int to = Math.min(last, current + 4);
    if (!pg.isFirst()) {
%>
    <a href="orderList.do?page=<%= current - 1 %>">&laquo;</a>
<%
    }
    for (int p = from; p <= to; p++) {
        if (p == current) {
%>
    <strong><%= p %></strong>
<%      } else { %>
    <a href="orderList.do?page=<%= p %>"><%= p %></a>
<%
        }
    }
    if (!pg.isLast()) {
%>
    <a href="orderList.do?page=<%= current + 1 %>">&raquo;</a>
<%  } %>
    <span class="muted"><bean:message key="info.orders.count" arg0="${orders.totalCount}"/></span>
  </div>
</logic:notEmpty>

<p>
  <html:link action="/orderEdit" styleClass="button"><bean:message key="button.order.new"/></html:link>
  <a class="button" href="<c:url value='/reports/export.do?type=monthly&format=csv'/>"><bean:message key="button.export"/></a>
</p>
