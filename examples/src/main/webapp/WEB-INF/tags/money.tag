<%@ tag body-content="empty" pageEncoding="UTF-8" description="Formats a monetary amount, negative values in red" %>
<%@ attribute name="amount" required="true" rtexprvalue="true" type="java.math.BigDecimal" %>
<%@ attribute name="currency" required="false" rtexprvalue="true" %>
<%@ attribute name="showZero" required="false" type="java.lang.Boolean" %>
<%@ taglib prefix="c" uri="http://java.sun.com/jsp/jstl/core" %>
<%@ taglib prefix="fmt" uri="http://java.sun.com/jsp/jstl/fmt" %>
<%-- Usage: <acme:money amount="${order.grossTotal}" currency="EUR"/> --%>
<c:if test="${empty currency}">
  <c:set var="currency" value="EUR"/>
</c:if>
<c:choose>
  <c:when test="${empty amount or (amount == 0 and not showZero)}">
    <span class="money zero">&ndash;</span>
  </c:when>
  <c:when test="${amount < 0}">
    <span class="money negative"><fmt:formatNumber value="${amount}" type="currency" currencyCode="${currency}"/></span>
  </c:when>
  <c:otherwise>
    <span class="money"><fmt:formatNumber value="${amount}" type="currency" currencyCode="${currency}"/></span>
  </c:otherwise>
</c:choose>
