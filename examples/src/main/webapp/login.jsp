<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" %>
<%@ taglib uri="http://struts.apache.org/tags-html" prefix="html" %>
<%@ taglib uri="http://struts.apache.org/tags-bean" prefix="bean" %>
<%@ taglib uri="http://struts.apache.org/tags-logic" prefix="logic" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/core" prefix="c" %>
<%@ taglib uri="http://java.sun.com/jsp/jstl/fmt" prefix="fmt" %>
<%
    // pre-fill the user name from the "remember me" cookie
    String rememberedLogin = "";
    javax.servlet.http.Cookie[] cookies = request.getCookies();
    if (cookies != null) {
        for (int i = 0; i < cookies.length; i++) {
            if ("acme.login".equals(cookies[i].getName())) {
                rememberedLogin = cookies[i].getValue();
            }
        }
    }
    pageContext.setAttribute("rememberedLogin", rememberedLogin);
%>
<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html:html locale="true">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  <title><bean:message key="app.title"/> - <bean:message key="title.login"/></title>
  <link rel="stylesheet" type="text/css" href="<c:url value='/css/app.css'/>">
  <html:javascript formName="loginForm" dynamicJavascript="true" staticJavascript="true"/>
</head>
<body class="login" onload="document.forms['loginForm'].elements['username'].focus();">
  <%@ include file="/layout/header.jspf" %>

  <div class="loginbox">
    <h2><bean:message key="title.login"/></h2>

    <html:form action="/login" method="post" focus="username" onsubmit="return validateLoginForm(this);">
      <html:hidden property="targetUrl" value="${param.targetUrl}"/>
      <table class="form">
        <tr>
          <td><label for="username"><bean:message key="label.username"/></label></td>
          <td>
            <html:text property="username" styleId="username" size="20" maxlength="32"
                       value="${empty loginForm.username ? rememberedLogin : loginForm.username}"/>
            <html:errors property="username"/>
          </td>
        </tr>
        <tr>
          <td><label for="password"><bean:message key="label.password"/></label></td>
          <td>
            <html:password property="password" styleId="password" size="20" redisplay="false"/>
            <html:errors property="password"/>
          </td>
        </tr>
        <tr>
          <td>&nbsp;</td>
          <td><html:checkbox property="rememberMe"/> <bean:message key="label.rememberMe"/></td>
        </tr>
        <tr>
          <td>&nbsp;</td>
          <td><html:submit styleClass="button"><bean:message key="button.login"/></html:submit></td>
        </tr>
      </table>
    </html:form>

    <p class="hint">
      <fmt:message key="login.hint">
        <fmt:param value="${pageContext.request.serverName}"/>
      </fmt:message>
    </p>
  </div>

  <%@ include file="/layout/footer.jspf" %>
</body>
</html:html>
