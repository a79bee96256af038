<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ page import="java.util.List, com.acme.orders.model.Product" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%@ taglib tagdir="/WEB-INF/tags" prefix="acme" %>
<%-- Product catalog. Also included (embedded=true) as picker on the order screen,
     in which case clicking a row copies the SKU into the current order line. --%>
<c:set var="embedded" value="${param.embedded == 'true'}"/>
<%
    List<?> products = (List<?>) request.getAttribute("products");
    int lowStock = 0;
    if (products != null) {
        for (Object o : products) {
            Product p = (Product) o;
            if (p.getStockQuantity() < 10 && !p.isDiscontinued()) {
                lowStock++;
            }
        }
    }
%>

<c:if test="${not embedded}">
  <h2><bean:message key="title.products.catalog"/></h2>

  <form action="<c:url value='/productCatalog.do'/>" method="get" class="filter">
    <input type="hidden" name="method" value="list"/>
    <label for="category"><bean:message key="label.category"/></label>
    <select name="category" id="category">
      <option value=""><bean:message key="option.all"/></option>
      <c:forEach var="cat" items="${categories}">
        <option value="${cat}" ${cat == selectedCategory ? 'selected="selected"' : ''}><c:out value="${cat}"/></option>
      </c:forEach>
    </select>
    <input type="checkbox" name="showDiscontinued" value="true" id="showDiscontinued"
           <c:if test="${param.showDiscontinued == 'true'}">checked="checked"</c:if>/>
    <label for="showDiscontinued"><bean:message key="label.showDiscontinued"/></label>
    <input type="submit" class="button" value="<bean:message key='button.filter'/>"/>
  </form>

  <% if (lowStock > 0) { %>
    <p class="warning"><bean:message key="info.products.lowStock" arg0="<%= String.valueOf(lowStock) %>"/></p>
  <% } %>
</c:if>

<table class="list catalog" cellspacing="0">
  <thead>
    <tr>
      <th><bean:message key="label.sku"/></th>
      <th><bean:message key="label.product"/></th>
      <th><bean:message key="label.category"/></th>
      <th class="num"><bean:message key="label.unitPrice"/></th>
      <th class="num"><bean:message key="label.stock"/></th>
    </tr>
  </thead>
  <tbody>
    <c:forEach var="p" items="${products}" varStatus="row">
      <tr class="${row.index % 2 == 0 ? 'even' : 'odd'}${p.discontinued ? ' discontinued' : ''}"
          <c:if test="${embedded}">onclick="AcmeOrders.pickProduct('${p.sku}');" style="cursor:pointer"</c:if>>
        <td><c:out value="${p.sku}"/></td>
        <td>
          <c:out value="${p.name}"/>
          <c:if test="${not empty p.description and not embedded}">
            <br/><span class="muted"><c:out value="${p.description}"/></span>
          </c:if>
        </td>
        <td><c:out value="${p.category}"/></td>
        <td class="num"><acme:money amount="${p.unitPrice}"/></td>
        <td class="num ${p.stockQuantity < 10 ? 'low' : ''}"><fmt:formatNumber value="${p.stockQuantity}"/></td>
      </tr>
    </c:forEach>
    <c:if test="${empty products}">
      <tr><td colspan="5" class="empty"><bean:message key="info.products.none"/></td></tr>
    </c:if>
  </tbody>
</table>
