<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ page import="com.acme.orders.model.Order, com.acme.orders.model.OrderStatus" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%@ taglib tagdir="/WEB-INF/tags" prefix="acme" %>
<%-- Order entry / edit screen. Body tile of page.orders.edit. --%>
<%-- class= (not type=): after a failed validate() the action did not run and "order" is missing --%>
<jsp:useBean id="order" class="com.acme.orders.model.Order" scope="request"/>
<%!
    /** CSS class for a status badge, e.g. "badge badge-N". */
    private String badgeClass(OrderStatus status) {
        return status == null ? "badge" : "badge badge-" + status.getCode();
    }
%>
<%
    boolean readOnly = Boolean.TRUE.equals(request.getAttribute("readOnly"));
    pageContext.setAttribute("ro", Boolean.valueOf(readOnly));
%>

<h2>
  <logic:empty name="orderForm" property="id"><bean:message key="title.orders.new"/></logic:empty>
  <logic:notEmpty name="orderForm" property="id">
    <bean:message key="title.orders.edit"/> <bean:write name="orderForm" property="orderNo"/>
  </logic:notEmpty>
  <span class="<%= badgeClass(order.getStatus()) %>"><fmt:message key="${order.status.messageKey}"/></span>
</h2>

<html:form action="/orderSave" method="post" styleId="orderForm" onsubmit="return AcmeOrders.validateOrderForm(this);">
  <html:hidden property="id"/>
  <html:hidden property="version"/>
  <html:hidden property="customerId"/>

  <fieldset>
    <legend><bean:message key="label.header"/></legend>
    <table class="form">
      <tr>
        <td><bean:message key="label.customer"/></td>
        <td>
          <strong><bean:write name="orderForm" property="customerName"/></strong>
          (<c:out value="${order.customer.customerNo}"/>)
          <c:if test="${order.customer.gold}"><span class="badge gold">GOLD</span></c:if>
        </td>
      </tr>
      <tr>
        <td><bean:message key="label.orderDate"/></td>
        <td><bean:write name="orderForm" property="orderDate"/></td>
      </tr>
      <tr>
        <td><label for="deliveryDate"><bean:message key="label.deliveryDate"/></label></td>
        <td>
          <html:text property="deliveryDate" styleId="deliveryDate" size="10" maxlength="10" disabled="${ro}"/>
          <span class="hint">TT.MM.JJJJ</span>
          <html:errors property="deliveryDate"/>
        </td>
      </tr>
      <tr>
        <td><label for="remarks"><bean:message key="label.remarks"/></label></td>
        <td><html:textarea property="remarks" styleId="remarks" rows="3" cols="60" disabled="${ro}"/></td>
      </tr>
    </table>
  </fieldset>

  <fieldset>
    <legend><bean:message key="label.lines"/></legend>
    <table class="list lines" id="lineTable" cellspacing="0">
      <thead>
        <tr>
          <th>#</th>
          <th><bean:message key="label.sku"/></th>
          <th><bean:message key="label.product"/></th>
          <th class="num"><bean:message key="label.quantity"/></th>
          <th class="num"><bean:message key="label.unitPrice"/></th>
          <th class="num"><bean:message key="label.discount"/></th>
          <th class="num"><bean:message key="label.lineTotal"/></th>
          <th><bean:message key="label.delete"/></th>
        </tr>
      </thead>
      <tbody>
        <logic:iterate id="line" name="orderForm" property="lines" indexId="idx">
          <tr class="line" id="line_${idx}">
            <td><%= idx.intValue() + 1 %></td>
            <td>
              <html:hidden name="line" property="lineId" indexed="true"/>
              <html:text name="line" property="sku" indexed="true" size="12" styleClass="sku"
                         onchange="AcmeOrders.lookupProduct(this, ${idx});" disabled="${ro}"/>
            </td>
            <td class="productName"><bean:write name="line" property="productName" ignore="true"/></td>
            <td class="num">
              <html:text name="line" property="quantity" indexed="true" size="5" styleClass="qty"
                         onchange="AcmeOrders.recalcTotals();" disabled="${ro}"/>
            </td>
            <td class="num price">${line.unitPrice}</td>
            <td class="num discount">${empty line.discountPercent ? '' : line.discountPercent}<c:if test="${not empty line.discountPercent}">&nbsp;%</c:if></td>
            <td class="num total">&nbsp;</td>
            <td><html:checkbox name="line" property="delete" indexed="true" disabled="${ro}"/></td>
          </tr>
        </logic:iterate>
      </tbody>
      <tfoot>
        <tr>
          <td colspan="6" class="num"><bean:message key="label.netTotal"/></td>
          <td class="num" id="netTotal"><acme:money amount="${order.netTotal}" showZero="true"/></td>
          <td>&nbsp;</td>
        </tr>
        <tr>
          <td colspan="6" class="num"><bean:message key="label.vat"/> 19&nbsp;%</td>
          <td class="num" id="vatAmount"><acme:money amount="${order.vatAmount}" showZero="true"/></td>
          <td>&nbsp;</td>
        </tr>
        <tr class="grand">
          <td colspan="6" class="num"><bean:message key="label.grossTotal"/></td>
          <td class="num" id="grossTotal"><acme:money amount="${order.grossTotal}" showZero="true"/></td>
          <td>&nbsp;</td>
        </tr>
      </tfoot>
    </table>
    <c:if test="${not ro}">
      <a href="#" onclick="AcmeOrders.addLine(); return false;" class="button"><bean:message key="button.addLine"/></a>
    </c:if>
  </fieldset>

  <div class="buttons">
    <c:if test="${not ro}">
      <html:submit styleClass="button primary"><bean:message key="button.save"/></html:submit>
    </c:if>
    <html:cancel styleClass="button"><bean:message key="button.cancel"/></html:cancel>
  </div>
</html:form>

<%-- product picker popup, loaded lazily from the catalog --%>
<div id="productPicker" style="display:none">
  <jsp:include page="/products/catalog.jsp">
    <jsp:param name="embedded" value="true"/>
  </jsp:include>
</div>

<script type="text/javascript">
  // context path and messages for orders.js
  AcmeOrders.init({
    contextPath: '<%= request.getContextPath() %>',
    readOnly: ${ro},
    vatRate: <%= Order.VAT_RATE %>,
    msgUnknownSku: '<bean:message key="error.product.unknown"/>'
  });
</script>
