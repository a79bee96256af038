/* Unit tests for src/extract/jsp.c: pages, forms, blocks, includes. */
#include "config.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "extract/extract.h"
#include "util/arena.h"
#include "util/buf.h"

#include "fixture_util.h"

static const struct extract_options opt = {60, 10, 0, 0};

#define F "web/orders.jsp"

static const struct fx_want orders[] = {
    {"jsp_page", "orders.jsp", F, 1, 26},
    {"jsp_include", "/layout/header.jspf", F "#include@L5", 5, 5},
    {"jsp_declaration", "declaration@L8", F "#declaration@L8", 8, 10},
    {"jsp_scriptlet", "scriptlet@L11", F "#scriptlet@L11", 11, 11},
    {"jsp_expression", "expression@L11", F "#expression@L11", 11, 11},
    {"jsp_form", "/orderSave", F "#form@L12", 12, 14},
    {"jsp_form", "save", F "#form@L15", 15, 16},
    {"jsp_form", "${pageContext.request.contextPath}/customers/find.do?x=1", F "#form@L17", 17, 18},
    {"jsp_expression", "expression@L19", F "#expression@L19", 19, 19},
    {"jsp_form", "<%=request.getContextPath()%>/orderSave.do", F "#form@L19", 19, 21},
    {"jsp_expression", "expression@L20", F "#expression@L20", 20, 20},
    {"jsp_include", "/layout/footer.jsp", F "#include@L22", 22, 22},
    {"jsp_scriptlet", "scriptlet@L26", F "#scriptlet@L26", 26, 26},
};

static void test_orders(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t len;
	char *src = fx_load("tests/unit/extract/fixtures/jsp/orders.jsp", &len);
	const struct entity *e;

	(void)state;
	assert_int_equal(extract_file(a, &opt, F, src, len, &out), 0);
	fx_check_list(&out, orders, sizeof(orders) / sizeof(orders[0]));

	e = fx_get(&out, F);
	assert_int_equal(e->text_len, len);
	assert_true(fx_has_link(e, "uses_taglib", "http://struts.apache.org/tags-html"));
	assert_true(fx_has_link(e, "uses_taglib", "/struts-tags"));
	assert_true(fx_has_link(e, "includes", "/layout/header.jspf"));
	assert_true(fx_has_link(e, "includes", "/layout/footer.jsp"));
	assert_true(fx_has_link(e, "uses_bean", "com.acme.orders.model.Order"));
	assert_true(fx_has_link(e, "error_page", "/error.jsp"));
	assert_true(fx_has_link(e, "forwards_to", "/index.jsp"));
	assert_non_null(
	    strstr(e->metadata, "\"imports\":[\"java.util.List\",\"com.acme.orders.model.Order\"]"));
	assert_non_null(strstr(e->metadata, "{\"prefix\":\"s\",\"uri\":\"/struts-tags\"}"));
	assert_non_null(strstr(e->metadata, "\"contentType\":\"text/html;charset=UTF-8\""));
	assert_non_null(strstr(e->metadata, "\"html:form\":1"));
	assert_non_null(strstr(e->metadata, "\"el_count\":4"));
	assert_non_null(strstr(e->metadata, "\"#{bean.a}\""));
	/* The comment's "<html:form action=\"/no\">" is not a form. */
	assert_null(strstr(e->metadata, "/no"));

	assert_true(fx_has_link(fx_get(&out, F "#form@L12"), "form_action", "/orderSave"));
	assert_true(fx_has_link(fx_get(&out, F "#form@L15"), "form_action", "/orders/save"));
	assert_true(fx_has_link(fx_get(&out, F "#form@L17"), "form_action", "/customers/find"));
	assert_true(fx_has_link(fx_get(&out, F "#form@L19"), "form_action", "/orderSave"));
	assert_true(fx_has_link(fx_get(&out, F "#include@L5"), "includes", "/layout/header.jspf"));
	assert_non_null(strstr(fx_get(&out, F "#expression@L20")->metadata, "request.getParameter"));
	assert_non_null(strstr(fx_get(&out, F "#scriptlet@L26")->metadata, "unterminated"));
	free(src);
	arena_free(a);
}

#define T "WEB-INF/tags/fragment.tagx"

static const struct fx_want fragment[] = {
    {"jsp_page", "fragment.tagx", T, 1, 9},
    {"jsp_include", "/WEB-INF/jspf/common.jspf", T "#include@L4", 4, 4},
    {"jsp_scriptlet", "scriptlet@L5", T "#scriptlet@L5", 5, 7},
    {"jsp_expression", "expression@L8", T "#expression@L8", 8, 8},
};

static void test_xml_syntax(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t len;
	char *src = fx_load("tests/unit/extract/fixtures/jsp/fragment.tagx", &len);

	(void)state;
	assert_int_equal(extract_file(a, &opt, T, src, len, &out), 0);
	fx_check_list(&out, fragment, sizeof(fragment) / sizeof(fragment[0]));
	assert_non_null(strstr(out.items[0].metadata, "\"tag_attributes\":[\"value\"]"));
	assert_non_null(strstr(out.items[0].metadata, "\"tag\":{\"body-content\":\"empty\"}"));
	free(src);
	arena_free(a);
}

static void test_hostile(void **state)
{
	static const char *const inputs[] = {
	    "<%",
	    "<%--",
	    "<%@",
	    "<%@ page import=\"a",
	    "<html:form action=\"/x",
	    "${",
	    "${ a { b",
	    "<jsp:scriptlet>",
	    "</",
	    "<a b=<%= x",
	    "\r\r<%\r%>\r",
	    "<%= \"%>\" %>",
	    "<form action=\"<%= %>\">",
	    "\xef\xbb\xbf<% x %>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct arena *a = arena_new();
		struct entity_list out = {0};
		size_t k;

		assert_int_equal(extract_file(a, &opt, "x.jsp", inputs[i], strlen(inputs[i]), &out), 0);
		assert_true(out.count >= 1);
		assert_string_equal(out.items[0].kind, "jsp_page");
		for (k = 0; k < out.count; k++) {
			json_object *j =
			    json_tokener_parse(out.items[k].metadata ? out.items[k].metadata : "{}");

			assert_non_null(j);
			json_object_put(j);
			assert_true(out.items[k].end_line >= out.items[k].start_line);
		}
		arena_free(a);
	}
}

/* CR-only line ends count: the scriptlet is on line 3. */
static void test_cr_lines(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const char *src = "<p>\r<p>\r<% x(); %>\r\n<p>\r";

	(void)state;
	assert_int_equal(extract_file(a, &opt, "x.jsp", src, strlen(src), &out), 0);
	assert_int_equal(out.count, 2);
	assert_int_equal(out.items[0].end_line, 4);
	assert_int_equal(out.items[1].start_line, 3);
	assert_int_equal(out.items[1].end_line, 3);
	assert_string_equal(out.items[1].text, "<% x(); %>\r\n");
	arena_free(a);
}

/* A URL tag inside the action: its value is the path. */
static void test_url_tag_action(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const char *src = "<form action=\"<c:url value='/orderList.do'/>\" method=\"get\">\n</form>\n"
			  "<form action=\"<html:rewrite action=\"/x/y\"/>?a=1\"></form>\n";

	(void)state;
	assert_int_equal(extract_file(a, &opt, "x.jsp", src, strlen(src), &out), 0);
	assert_int_equal(out.count, 3);
	assert_int_equal(out.items[1].nlinks, 1);
	assert_int_equal(out.items[2].nlinks, 1);
	assert_string_equal(out.items[1].links[0].target, "/orderList");
	assert_int_equal(out.items[1].end_line, 2);
	assert_string_equal(out.items[2].links[0].target, "/x/y");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_orders),	   cmocka_unit_test(test_xml_syntax),
	    cmocka_unit_test(test_hostile),	   cmocka_unit_test(test_cr_lines),
	    cmocka_unit_test(test_url_tag_action),
	};

	return cmocka_run_group_tests_name("extract_jsp", tests, NULL, NULL);
}
