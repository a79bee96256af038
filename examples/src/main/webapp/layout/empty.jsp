<%@ page contentType="text/html;charset=UTF-8" %>
<%-- placeholder body for layout.main; real pages override the "body" attribute --%>
<p>&nbsp;</p>
