/* Unit tests for src/extract/xml.c: Struts 1 and 2, web.xml, Spring,
 * Tiles, Validator, Maven, the generic fallback and hostile XML. */
#include "config.h"

#include "fixture_util.h"

#include "util/buf.h"

#define EX "examples/src/main/webapp/WEB-INF/"

static void test_struts1_example(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len, i, nact = 0, nform = 0;
	char *buf =
	    fx_extract(a, EX "struts-config.xml", "src/main/webapp/WEB-INF/struts-config.xml", &out, &len);

	(void)state;
	e = fx_expect(&out, "form-bean:orderForm", "struts_form_bean", "orderForm", 16, 16);
	assert_true(fx_has_link(e, "form_class", "com.acme.orders.web.form.OrderForm"));
	e = fx_expect(&out, "form-bean:catalogFilterForm", "struts_form_bean", "catalogFilterForm", 19, 22);
	fx_meta_has(e,
		    "{\"name\":\"showDiscontinued\",\"type\":\"java.lang.Boolean\",\"initial\":\"false\"}");
	e = fx_expect(&out, "action:/orderSave", "struts_action", "/orderSave", 79, 88);
	assert_true(fx_has_link(e, "action_class", "com.acme.orders.web.action.OrderSaveAction"));
	assert_true(fx_has_link(e, "form_bean", "form-bean:orderForm"));
	assert_true(fx_has_link(e, "forward", "/orderEdit.do"));
	assert_true(fx_has_link(e, "forward", "/orderList.do"));
	assert_true(fx_has_link(e, "input", "page.orders.edit"));
	fx_meta_has(e, "\"scope\":\"session\"");
	fx_meta_has(e, "\"forwards\":[{\"name\":\"edit\",\"path\":\"/orderEdit.do\",\"redirect\":\"true\"}");
	e = fx_expect(&out, "action:/orderList", "struts_action", "/orderList", 61, 66);
	assert_true(fx_has_link(e, "forward", "page.orders.list"));
	assert_int_equal(fx_count_links(e, "form_bean"), 0);
	/* every action: its class and forwards; every form-using one its bean */
	for (i = 0; i < out.count; i++) {
		e = &out.items[i];
		if (strcmp(e->kind, "struts_action") != 0)
			continue;
		nact++;
		assert_int_equal(fx_count_links(e, "action_class"), 1);
		assert_true(fx_count_links(e, "forward") >= 1);
		nform += fx_count_links(e, "form_bean");
	}
	assert_int_equal(nact, 9);
	assert_int_equal(nform, 6); /* all but /logout, /orderList, /reports/export */
	e = fx_expect(&out, "forward:login", "struts_forward", "login", 37, 37);
	assert_true(fx_has_link(e, "forward", "/login.jsp"));
	assert_int_equal(fx_count_kind(&out, "struts_forward"), 4);
	e = fx_expect(&out, "plugin:org.apache.struts.tiles.TilesPlugin", "struts_plugin",
		      "org.apache.struts.tiles.TilesPlugin", 138, 141);
	fx_meta_has(e, "\"definitions-config\":\"/WEB-INF/tiles-defs.xml\"");
	fx_expect(&out, "message-resources:messages", "struts_message_resources", "messages", 135, 135);
	fx_expect(&out, "exception:java.lang.Exception", "struts_exception", "java.lang.Exception", 30, 32);
	free(buf);
	arena_free(a);
}

static void test_struts2(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "tests/unit/extract/fixtures/xml/struts.xml", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "package:shop", "struts2_package", "shop", 6, 21);
	assert_true(fx_has_link(e, "extends", "package:struts-default"));
	fx_meta_has(e, "\"namespace\":\"/shop\"");
	e = fx_expect(&out, "action:/shop/cart", "struts2_action", "cart", 14, 20);
	assert_string_equal(e->parent, "package:shop");
	assert_true(fx_has_link(e, "action_class", "com.acme.web.CartAction"));
	assert_true(fx_has_link(e, "result", "/WEB-INF/jsp/cart.jsp"));
	assert_true(fx_has_link(e, "result", "/WEB-INF/jsp/cartEdit.jsp"));
	assert_true(fx_has_link(e, "interceptor_ref", "interceptor:shopStack"));
	fx_meta_has(e, "\"method\":\"show\"");
	fx_meta_has(e, "{\"name\":\"success\",\"location\":\"/WEB-INF/jsp/cart.jsp\"}");
	e = fx_expect(&out, "action:/index", "struts2_action", "index", 23, 25);
	assert_true(fx_has_link(e, "result", "cart"));
	e = fx_expect(&out, "interceptor:audit", "struts2_interceptor", "audit", 8, 8);
	assert_true(fx_has_link(e, "interceptor_class", "com.acme.web.AuditInterceptor"));
	e = fx_expect(&out, "interceptor:shopStack", "struts2_interceptor", "shopStack", 9, 12);
	assert_true(fx_has_link(e, "interceptor_ref", "interceptor:audit"));
	fx_expect(&out, "include:struts-admin.xml", "struts2_include", "struts-admin.xml", 5, 5);
	assert_int_equal(out.count, 7);
	free(buf);
	arena_free(a);
}

static void test_webxml(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, EX "web.xml", "WEB-INF/web.xml", &out, &len);

	(void)state;
	e = fx_expect(&out, "servlet:action", "servlet", "action", 87, 103);
	assert_true(fx_has_link(e, "servlet_class", "org.apache.struts.action.ActionServlet"));
	fx_meta_has(e, "\"config\":\"/WEB-INF/struts-config.xml\"");
	e = fx_expect(&out, "servlet-mapping:*.do", "servlet_mapping", "*.do", 105, 108);
	assert_true(fx_has_link(e, "maps_to", "servlet:action"));
	e = fx_expect(&out, "filter:authenticationFilter", "filter", "authenticationFilter", 42, 53);
	assert_true(fx_has_link(e, "filter_class", "com.acme.orders.web.filter.AuthenticationFilter"));
	e = fx_expect(&out, "filter-mapping:*.jsp", "filter_mapping", "*.jsp", 65, 69);
	assert_true(fx_has_link(e, "maps_to", "filter:authenticationFilter"));
	fx_meta_has(e, "\"dispatchers\":[\"REQUEST\"]");
	e = fx_expect(&out, "listener:org.springframework.web.context.ContextLoaderListener", "listener",
		      "org.springframework.web.context.ContextLoaderListener", 77, 79);
	assert_true(
	    fx_has_link(e, "listener_class", "org.springframework.web.context.ContextLoaderListener"));
	e = fx_expect(&out, "context-param:contextConfigLocation", "context_param", "contextConfigLocation",
		      11, 14);
	fx_meta_has(e, "\"value\":\"/WEB-INF/applicationContext.xml\"");
	e = fx_expect(&out, "error-page:404", "error_page", "404", 124, 127);
	assert_true(fx_has_link(e, "location", "/error.jsp?code=404"));
	e = fx_expect(&out, "welcome-files", "welcome_files", "welcome-file-list", 119, 122);
	assert_true(fx_has_link(e, "welcome_file", "login.jsp"));
	/* the rest of the root's children: generic elements */
	fx_expect(&out, "web-app/session-config", "xml_element", "session-config", 110, 112);
	free(buf);
	arena_free(a);
}

static void test_spring_tiles_validation_pom(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, EX "applicationContext.xml", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "bean:orderServiceTarget", "spring_bean", "orderServiceTarget", 67, 74);
	assert_true(fx_has_link(e, "bean_class", "com.acme.orders.service.OrderServiceImpl"));
	assert_true(fx_has_link(e, "ref", "bean:orderDao"));
	assert_true(fx_has_link(e, "ref", "bean:pricingService"));
	assert_int_equal(fx_count_links(e, "ref"), 4);
	fx_meta_has(e, "{\"name\":\"pageSize\",\"value\":\"25\"}");
	e = fx_expect(&out, "bean:orderDao", "spring_bean", "orderDao", 48, 48);
	assert_true(fx_has_link(e, "parent", "bean:abstractDao"));
	assert_int_equal(fx_count_kind(&out, "spring_bean"), 13);
	free(buf);

	out.count = 0;
	buf = fx_extract(a, EX "tiles-defs.xml", NULL, &out, &len);
	e = fx_expect(&out, "tiles:page.orders.edit", "tiles_definition", "page.orders.edit", 22, 29);
	assert_true(fx_has_link(e, "extends", "tiles:layout.main"));
	assert_true(fx_has_link(e, "put", "/orders/edit.jsp"));
	e = fx_expect(&out, "tiles:layout.main", "tiles_definition", "layout.main", 9, 15);
	assert_true(fx_has_link(e, "template", "/layout/main.jsp"));
	assert_true(fx_has_link(e, "put", "/layout/header.jspf"));
	assert_false(fx_has_link(e, "put", "title.default")); /* a string, not a path */
	free(buf);

	out.count = 0;
	buf = fx_extract(a, EX "validation.xml", NULL, &out, &len);
	e = fx_expect(&out, "validation:orderForm", "validation_form", "orderForm", 36, 49);
	assert_true(fx_has_link(e, "form_bean", "form-bean:orderForm"));
	fx_meta_has(e, "{\"property\":\"deliveryDate\",\"depends\":\"date\"}");
	free(buf);

	out.count = 0;
	buf = fx_extract(a, "examples/pom.xml", "pom.xml", &out, &len);
	e = fx_expect(&out, "maven:com.acme:acme-orders", "maven_project", "com.acme:acme-orders", 6, 107);
	e = fx_expect(&out, "maven-dependency:org.apache.struts:struts-core", "maven_dependency",
		      "org.apache.struts:struts-core", 26, 30);
	assert_true(fx_has_link(e, "depends_on", "maven:org.apache.struts:struts-core"));
	assert_string_equal(e->parent, "maven:com.acme:acme-orders");
	free(buf);
	arena_free(a);
}

static void test_hostile_fixture(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "tests/unit/extract/fixtures/xml/hostile.xml", NULL, &out, &len);

	(void)state;
	/* DOCTYPE subset, PI and CDATA with ">" and "<" in them do not confuse */
	e = fx_expect(&out, "config/item[first]", "xml_element", "item[first]", 9, 11);
	fx_meta_has(e, "\"note\":\"x > y\"");
	e = fx_expect(&out, "config/item[second]", "xml_element", "item[second]", 13, 13);
	/* &lt; decoded, &#x4e2d; to UTF-8, &#0; to U+FFFD, unknown kept */
	fx_meta_has(e, "\"text\":\"<\xe4\xb8\xad\xef\xbf\xbd&bogus;\"");
	fx_expect(&out, "config/group[g]", "xml_element", "group[g]", 14, 17);
	e = fx_expect(&out, "config/group[g]/item[inner]", "xml_element", "item[inner]", 15, 15);
	assert_string_equal(e->parent, "config/group[g]");
	/* an unclosed element ends where its parent's end tag closes it */
	fx_expect(&out, "config/unclosed", "xml_element", "unclosed", 18, 20);
	assert_null(fx_find(&out, "config/item[commented]"));
	assert_int_equal(out.count, 7);
	free(buf);
	arena_free(a);
}

static void test_deep_and_crlf(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	struct buf b;
	const char *crlf = "\xEF\xBB\xBF<beans>\r\n  <bean id=\"a\"\r\n        class=\"A\"/>\r\n  <bean "
			   "id=\"b\" class=\"B\">\r\n"
			   "    <property name=\"a\" ref=\"a\"/>\r\n  </bean>\r\n</beans>\r\n";
	const char *cr = "<beans>\r  <bean id='x' class='X'>\r  </bean>\r</beans>";
	const struct entity *e;
	int i;

	(void)state;
	/* 10,000-deep nesting, then a sibling: no recursion, still found */
	buf_init(&b, 0);
	buf_add(&b, "<root>\n<a>\n", 11);
	for (i = 0; i < 10000; i++)
		buf_add(&b, "<x>", 3);
	for (i = 0; i < 10000; i++)
		buf_add(&b, "</x>", 4);
	buf_add(&b, "\n</a>\n<b id=\"z\"/>\n", 18);
	for (i = 0; i < 10000; i++)
		buf_add(&b, "<open a='1'>", 12);
	fx_extract_text(a, "conf/deep.xml", buf_str(&b), b.len, &out);
	fx_expect(&out, "root/a", "xml_element", "a", 2, 4);
	fx_expect(&out, "root/b[z]", "xml_element", "b[z]", 5, 5);
	fx_expect(&out, "root/open", "xml_element", "open", 6, 6);
	buf_release(&b);

	out.count = 0;
	fx_extract_text(a, "ctx.xml", crlf, strlen(crlf), &out);
	e = fx_expect(&out, "bean:a", "spring_bean", "a", 2, 3);
	assert_true(strncmp(e->text, "  <bean id=\"a\"\r\n", 16) == 0);
	e = fx_expect(&out, "bean:b", "spring_bean", "b", 4, 6);
	assert_true(fx_has_link(e, "ref", "bean:a"));

	out.count = 0;
	fx_extract_text(a, "ctx.xml", cr, strlen(cr), &out);
	fx_expect(&out, "bean:x", "spring_bean", "x", 2, 3);
	arena_free(a);
}

static void test_garbage_and_flat(void **state)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	static const char *const bad[] = {
	    "",
	    "<",
	    "<<<>>>",
	    "<!DOCTYPE x [ <!ENTITY a '",
	    "<a b='unterminated>",
	    "<![CDATA[ x",
	    "<?pi",
	    "</only-end>",
	    "<a><!-- x",
	    "text only\nno markup\n",
	    "<a =\"v\" ==='' b>x</a>",
	    "<struts-config><action-mappings><action",
	};
	struct arena *a = arena_new();
	struct entity_list out = {0};
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out.count = 0;
		assert_int_equal(
		    extract_file(a, &opt, "WEB-INF/struts-config.xml", bad[i], strlen(bad[i]), &out), 0);
	}
	/* a flat data file of 6,000 rows: windows, not 6,000 entities */
	buf_init(&b, 0);
	buf_add(&b, "<rows>\n", 7);
	for (i = 0; i < 6000; i++)
		buf_printf(&b, "<row id=\"%zu\"/>\n", i);
	buf_add(&b, "</rows>\n", 8);
	out.count = 0;
	assert_int_equal(extract_file(a, &opt, "data/rows.xml", buf_str(&b), b.len, &out), 0);
	assert_true(out.count > 0 && out.count < 200);
	assert_string_equal(out.items[0].kind, "window");
	buf_release(&b);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_struts1_example),  cmocka_unit_test(test_struts2),
	    cmocka_unit_test(test_webxml),	     cmocka_unit_test(test_spring_tiles_validation_pom),
	    cmocka_unit_test(test_hostile_fixture),  cmocka_unit_test(test_deep_and_crlf),
	    cmocka_unit_test(test_garbage_and_flat),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
