/* Unit tests for src/extract/js.c and python.c (behind extract_script). */
#include "config.h"

#include "fixture_util.h"

#define FX "tests/unit/extract/fixtures/"

static void test_js_examples(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, "examples/src/main/webapp/js/util.js", "js/util.js", &out, &len);

	(void)state;
	e = fx_expect(&out, "AcmeUtil.parseDate", "method", "parseDate", 37, 62);
	assert_string_equal(e->signature, "AcmeUtil.parseDate = function (text)");
	/* JSDoc, markers and leading stars stripped, in the same key as Javadoc */
	fx_meta_has(e,
		    "\"javadoc\":\"Parses \\\"dd.MM.yyyy\\\", \\\"d.M.yy\\\" or \\\"yyyy-MM-dd\\\". Returns "
		    "null for invalid\\ninput (including 31.02.2008");
	e = fx_expect(&out, "AcmeUtil.formatIsoDate", "method", "formatIsoDate", 29, 31);
	fx_meta_has(e, "\"javadoc\":\"Formats a Date as ISO \\\"yyyy-MM-dd\\\".\"");
	fx_expect(&out, "AcmeUtil.escapeHtml", "method", "escapeHtml", 115, 118);
	assert_int_equal(out.count, 9);
	free(buf);

	out.count = 0;
	buf = fx_extract(a, "examples/src/main/webapp/js/orders.js", "js/orders.js", &out, &len);
	e = fx_expect(&out, "validateOrderForm", "function", "validateOrderForm", 13, 46);
	fx_meta_has(e, "\"javadoc\":\"Validates the order form before submit.");
	e = fx_expect(&out, "AcmeOrders.init", "method", "init", 90, 111);
	fx_meta_has(e, "\"javadoc\":\"Called inline from edit.jsp with server side settings.\"");
	fx_expect(&out, "recalcTotals", "function", "recalcTotals", 53, 75);
	fx_expect(&out, "AcmeOrders", "object", "AcmeOrders", 80, 212);
	e = fx_expect(&out, "AcmeOrders.init", "method", "init", 90, 111);
	assert_string_equal(e->parent, "AcmeOrders");
	fx_expect(&out, "AcmeOrders.lookupProduct", "method", "lookupProduct", 130, 174);
	fx_expect(&out, "AcmeOrders.pickProduct", "method", "pickProduct", 201, 211);
	/* callbacks inside methods are no entities */
	assert_int_equal(out.count, 10);
	free(buf);
	arena_free(a);
}

static void test_jsdoc_placement(void **state)
{
	static const char js[] = "/** About x. */\nvar x = 1;\nfunction f() {}\n"
				 "/** Exported. */\nexport async function g() {}\n"
				 "/**/\nfunction h() {}\n/* plain */\nfunction k() {}\n";
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;

	(void)state;
	fx_extract_text(a, "d.js", js, strlen(js), &out);
	/* a doc comment with a statement after it is nobody else's */
	e = fx_expect(&out, "f", "function", "f", 3, 3);
	assert_null(strstr(e->metadata ? e->metadata : "", "javadoc"));
	e = fx_expect(&out, "g", "function", "g", 5, 5);
	fx_meta_has(e, "\"javadoc\":\"Exported.\"");
	/* empty and plain comments are no docs */
	e = fx_expect(&out, "h", "function", "h", 7, 7);
	assert_null(strstr(e->metadata ? e->metadata : "", "javadoc"));
	e = fx_expect(&out, "k", "function", "k", 9, 9);
	assert_null(strstr(e->metadata ? e->metadata : "", "javadoc"));
	arena_free(a);
}

static void test_typescript(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "js/app.ts", NULL, &out, &len);

	(void)state;
	e = fx_expect(&out, "API_URL", "constant", "API_URL", 3, 3);
	fx_meta_has(e, "\"exported\":true");
	fx_expect(&out, "LIMITS", "object", "LIMITS", 4, 7);
	fx_expect(&out, "Order", "interface", "Order", 9, 12);
	fx_expect(&out, "Status", "enum", "Status", 14, 14);
	fx_expect(&out, "Handler", "type", "Handler", 16, 16);
	/* the decorator belongs to the class */
	e = fx_expect(&out, "OrderService", "class", "OrderService", 18, 37);
	assert_true(fx_has_link(e, "extends", "BaseService"));
	assert_true(fx_has_link(e, "implements", "OnInit"));
	assert_true(fx_has_link(e, "implements", "Disposable"));
	fx_expect(&out, "OrderService.constructor", "method", "constructor", 23, 25);
	/* a template literal with a "}" in a nested ${} expression */
	e = fx_expect(&out, "OrderService.load", "method", "load", 27, 30);
	assert_string_equal(e->parent, "OrderService");
	/* a class field arrow with a regex holding braces */
	fx_expect(&out, "OrderService.handle", "method", "handle", 32, 34);
	assert_null(fx_find(&out, "OrderService.abstractish"));
	fx_expect(&out, "total", "function", "total", 39, 41);
	fx_expect(&out, "double", "function", "double", 43, 43);
	fx_expect(&out, "default", "function", "default", 45, 47);
	assert_int_equal(out.count, 12);
	free(buf);
	arena_free(a);
}

static void test_legacy_js(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "js/legacy.js", NULL, &out, &len);

	(void)state;
	/* inside an IIFE: the wrapper's body counts as the top level */
	fx_expect(&out, "helper", "function", "helper", 3, 3);
	fx_expect(&out, "$.fn.widget", "method", "widget", 5, 7);
	fx_expect(&out, "inner", "function", "inner", 9, 12);
	assert_null(fx_find(&out, "notTop"));
	assert_null(fx_find(&out, "inner.notTop"));
	fx_expect(&out, "Shop.Cart", "object", "Cart", 16, 32);
	e = fx_expect(&out, "Shop.Cart.add", "method", "add", 18, 20);
	assert_string_equal(e->parent, "Shop.Cart");
	fx_expect(&out, "Shop.Cart.remove", "method", "remove", 21, 21);
	fx_expect(&out, "Shop.Cart.total", "method", "total", 22, 24);
	fx_expect(&out, "Shop.Cart.nested.deep", "method", "deep", 26, 26);
	fx_expect(&out, "Shop.Cart.arrow", "method", "arrow", 28, 28);
	fx_expect(&out, "Shop.Cart.last", "method", "last", 29, 31);
	/* a regex holding a comment opener does not open a comment */
	fx_expect(&out, "afterRegex", "function", "afterRegex", 35, 35);
	assert_int_equal(out.count, 11);
	free(buf);
	arena_free(a);
}

static void test_python(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const struct entity *e;
	size_t len;
	char *buf = fx_extract(a, FX "python/mod.py", NULL, &out, &len);

	(void)state;
	/* a def inside a triple-quoted string is text */
	e = fx_expect(&out, "top", "function", "top", 5, 11);
	assert_string_equal(e->signature, "def top(a, b=(1, 2))");
	assert_null(fx_find(&out, "not_a_function"));
	assert_null(fx_find(&out, "fake"));
	/* decorators are part of the class */
	e = fx_expect(&out, "Widget", "class", "Widget", 15, 34);
	fx_meta_has(e, "\"decorators\":\"@decorator @other(arg=1)\"");
	e = fx_expect(&out, "Widget.__init__", "method", "__init__", 22, 25);
	assert_string_equal(e->parent, "Widget");
	/* a comment at column 0 does not close the method */
	fx_expect(&out, "Widget.size", "method", "size", 27, 32);
	e = fx_expect(&out, "Widget.size.helper", "function", "helper", 29, 30);
	assert_string_equal(e->parent, "Widget.size");
	e = fx_expect(&out, "Widget.fetch", "method", "fetch", 34, 34);
	fx_meta_has(e, "\"async\":true");
	fx_expect(&out, "main", "function", "main", 37, 38);
	assert_int_equal(out.count, 7);
	free(buf);
	arena_free(a);
}

static void test_hostile(void **state)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	static const char *const bad[] = {
	    "",
	    "`",
	    "`${",
	    "`${`${`${",
	    "/",
	    "/[",
	    "function",
	    "function f(",
	    "class",
	    "class A {",
	    "var x = {",
	    "var x = function",
	    "a.b = ",
	    "'unterminated\nfunction g() {}\n",
	    "/* open",
	    "}}}}))))",
	    "export",
	    "export default",
	    "const f = (",
	    "x => {",
	    "@",
	    "@a(",
	    "interface",
	};
	static const char *const pybad[] = {"",
					    "def",
					    "class",
					    "def f(:\n",
					    "'''",
					    "\"\"\"\ndef x(): pass",
					    "\\\n\\\n",
					    "@d\n",
					    "(((\ndef f(): pass\n",
					    "\tdef f():\n  pass\n"};
	const char *crlf = "function a() {\r\n  return 1;\r\n}\r\nfunction b() {\rreturn 2;\r}\r";
	const char *pycr = "class A:\r\n    def m(self):\r\n        pass\r\n\r\ndef f():\r    pass\r";
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out.count = 0;
		assert_int_equal(extract_file(a, &opt, "x.ts", bad[i], strlen(bad[i]), &out), 0);
		out.count = 0;
		assert_int_equal(extract_file(a, &opt, "x.js", bad[i], strlen(bad[i]), &out), 0);
	}
	for (i = 0; i < sizeof(pybad) / sizeof(pybad[0]); i++) {
		out.count = 0;
		assert_int_equal(extract_file(a, &opt, "x.py", pybad[i], strlen(pybad[i]), &out), 0);
	}
	out.count = 0;
	fx_extract_text(a, "x.js", crlf, strlen(crlf), &out);
	fx_expect(&out, "a", "function", "a", 1, 3);
	fx_expect(&out, "b", "function", "b", 4, 6);
	out.count = 0;
	fx_extract_text(a, "x.py", pycr, strlen(pycr), &out);
	fx_expect(&out, "A", "class", "A", 1, 3);
	fx_expect(&out, "A.m", "method", "m", 2, 3);
	fx_expect(&out, "f", "function", "f", 5, 6);
	arena_free(a);
}

static void test_deep_nesting(void **state)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t n = 20000, i;
	char *s = malloc(4 * n + 64), *p = s;

	(void)state;
	/* braces, templates and Python blocks 20,000 deep: no recursion */
	for (i = 0; i < n; i++)
		*p++ = '{';
	for (i = 0; i < n; i++) {
		memcpy(p, "`${", 3);
		p += 3;
	}
	strcpy(p, "\nfunction f() {}\n");
	assert_int_equal(extract_file(a, &opt, "deep.js", s, strlen(s), &out), 0);
	p = s;
	for (i = 0; i < n / 4; i++) {
		memset(p, ' ', i % 64);
		p += i % 64;
		memcpy(p, "def f():\n", 9);
		p += 9;
		if ((size_t)(p - s) > 3 * n)
			break;
	}
	*p = '\0';
	out.count = 0;
	fx_extract_text(a, "deep.py", s, strlen(s), &out);
	free(s);

	/* 50,000 methods on one 1.4 MB line: each entity's text would be the
	 * whole line; the text budget turns that into windows. */
	s = malloc(50000 * 20 + 32);
	p = s + sprintf(s, "var o = {");
	for (i = 0; i < 50000; i++)
		p += sprintf(p, "a%zu: function(){},", i % 10);
	strcpy(p, "};\n");
	out.count = 0;
	assert_int_equal(extract_file(a, &opt, "min.js", s, strlen(s), &out), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].kind, "window");
	free(s);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_js_examples),	 cmocka_unit_test(test_jsdoc_placement),
	    cmocka_unit_test(test_typescript),	 cmocka_unit_test(test_legacy_js),
	    cmocka_unit_test(test_python),	 cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
