<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ taglib uri="http://struts.apache.org/tags-tiles" prefix="tiles" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<% request.setAttribute("acme.requestStart", Long.valueOf(System.currentTimeMillis())); %>
<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html:html locale="true">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  <tiles:useAttribute name="title" id="titleKey" classname="java.lang.String"/>
  <title><bean:message key="app.title"/> - <bean:message name="titleKey"/></title>
  <html:base/>
  <link rel="stylesheet" type="text/css" href="<c:url value='/css/app.css'/>">
  <script type="text/javascript" src="<c:url value='/js/jquery-1.2.6.min.js'/>"></script>
  <tiles:importAttribute name="scripts" ignore="true"/>
  <c:forEach var="script" items="${scripts}">
    <script type="text/javascript" src="<c:url value='${script}'/>"></script>
  </c:forEach>
</head>
<body>
  <%@ include file="/layout/header.jspf" %>
  <div id="menu"><tiles:insert attribute="menu"/></div>
  <div id="content">
    <tiles:insert attribute="body"/>
  </div>
  <%@ include file="/layout/footer.jspf" %>
</body>
</html:html>
