/* Unit tests for src/extract/java.c: Java types, members, SQL literals. */
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

/* Every entity's text is the exact bytes of its lines, and its metadata
 * is a JSON object. */
static void check_texts(const char *src, size_t len, const struct entity_list *out)
{
	size_t i;

	for (i = 0; i < out->count; i++) {
		const struct entity *e = &out->items[i];
		size_t from = fx_line_off(src, len, e->start_line),
		       to = fx_line_off(src, len, e->end_line + 1);

		assert_true(e->start_line >= 1 && e->end_line >= e->start_line);
		assert_int_equal(e->text_len, to - from);
		assert_memory_equal(e->text, src + from, to - from);
		assert_int_equal(strlen(e->text), e->text_len);
		assert_true(e->nembed >= 1);
		if (e->metadata) {
			json_object *j = json_tokener_parse(e->metadata);

			if (!j)
				fail_msg("bad metadata JSON for %s: %s", e->qualified_name, e->metadata);
			assert_true(json_object_is_type(j, json_type_object));
			json_object_put(j);
		}
	}
}

#define P "com.acme.orders.web.action.Features"

static const struct fx_want features[] = {
    {"class", "Features", P, 15, 128},
    {"field", "BRACES", P "#BRACES", 20, 20},
    {"field", "OPEN", P "#OPEN", 21, 21},
    {"field", "CLOSE", P "#CLOSE", 21, 21},
    {"field", "index", P "#index", 22, 22},
    {"field", "spare", P "#spare", 22, 22},
    {"field", "counts", P "#counts", 23, 23},
    {"field", "more", P "#more", 23, 23},
    {"constructor", "Features", P "#Features()", 34, 36},
    {"constructor", "Features", P "#Features(T...)", 38, 41},
    {"method", "find", P "#find(Map,String,int...)", 43, 54},
    {"method", "textBlock", P "#textBlock()", 56, 62},
    {"sql", "sql[1]", P "#textBlock()/sql[1]", 57, 61},
    {"method", "loadCount", P "#loadCount(java.sql.Connection,String)", 64, 70},
    {"sql", "sql[1]", P "#loadCount(java.sql.Connection,String)/sql[1]", 65, 67},
    {"sql", "sql[2]", P "#loadCount(java.sql.Connection,String)/sql[2]", 68, 68},
    {"method", "abstractOne", P "#abstractOne(int[],Object)", 72, 72},
    {"interface", "Callback", P ".Callback", 74, 82},
    {"method", "done", P ".Callback#done(String)", 75, 75},
    {"method", "failed", P ".Callback#failed(Throwable)", 77, 79},
    {"field", "TIMEOUT", P ".Callback#TIMEOUT", 81, 81},
    {"enum", "Mode", P ".Mode", 84, 104},
    {"enum_constant", "FAST", P ".Mode#FAST", 85, 90},
    {"enum_constant", "SLOW", P ".Mode#SLOW", 91, 91},
    {"enum_constant", "OFF", P ".Mode#OFF", 92, 93},
    {"field", "c", P ".Mode#c", 95, 95},
    {"constructor", "Mode", P ".Mode#Mode(String)", 97, 99},
    {"method", "code", P ".Mode#code()", 101, 103},
    {"annotation", "Audited", P ".Audited", 106, 110},
    {"method", "value", P ".Audited#value()", 107, 107},
    {"method", "levels", P ".Audited#levels()", 109, 109},
    {"record", "Point", P ".Point", 112, 121},
    {"constructor", "Point", P ".Point#Point(int,int)", 113, 116},
    {"method", "origin", P ".Point#origin()", 118, 120},
    {"class", "Inner", P ".Inner", 123, 127},
    {"constructor", "Inner", P ".Inner#Inner()", 124, 126},
};

static void test_features(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	size_t len;
	char *src = fx_load("tests/unit/extract/fixtures/java/Features.java", &len);
	const struct entity *e;

	(void)state;
	assert_int_equal(extract_file(a, &opt, "src/Features.java", src, len, &out), 0);
	fx_check_list(&out, features, sizeof(features) / sizeof(features[0]));
	check_texts(src, len, &out);

	e = fx_get(&out, P);
	assert_null(e->parent);
	assert_string_equal(e->signature,
			    "public abstract class Features<T extends Comparable<? super T>> extends "
			    "Action implements java.io.Serializable, Cloneable");
	assert_true(fx_has_link(e, "extends", "org.apache.struts.action.Action"));
	assert_true(fx_has_link(e, "implements", "java.io.Serializable"));
	assert_true(fx_has_link(e, "implements", "java.lang.Cloneable"));
	assert_non_null(strstr(e->metadata, "\"javadoc\":\"Features: the class comment.\""));
	assert_non_null(strstr(e->metadata, "\"package\":\"com.acme.orders.web.action\""));
	assert_non_null(strstr(e->metadata, "\"static java.util.Objects.requireNonNull\""));
	assert_non_null(strstr(e->metadata, "\"@SuppressWarnings(\\\"unchecked\\\")\""));

	e = fx_get(&out, P "#find(Map,String,int...)");
	assert_string_equal(e->parent, P);
	assert_string_equal(e->signature,
			    "public <R> Map.Entry<String, R> find(final Map<String, List<R>> byKey, "
			    "@Nullable String key, int... rest) throws java.io.IOException, "
			    "IllegalStateException");
	assert_non_null(strstr(e->metadata, "\"@RequestMapping(value = {\\\"/a\\\", \\\"/b\\\"}, method = "
					    "RequestMethod.POST)\""));
	assert_non_null(strstr(e->metadata, "\"return_type\":\"Map.Entry<String, R>\""));
	assert_non_null(strstr(e->metadata, "{\"type\":\"Map<String, List<R>>\",\"name\":\"byKey\"}"));
	assert_non_null(
	    strstr(e->metadata, "\"throws\":[\"java.io.IOException\",\"IllegalStateException\"]"));

	e = fx_get(&out, P "#Features()");
	assert_non_null(strstr(e->metadata, "\"javadoc\":\"Builds it.\""));

	e = fx_get(&out, P "#loadCount(java.sql.Connection,String)/sql[1]");
	assert_string_equal(e->parent, P "#loadCount(java.sql.Connection,String)");
	assert_true(fx_has_link(e, "sql_in", P "#loadCount(java.sql.Connection,String)"));
	assert_non_null(strstr(e->metadata, "SELECT COUNT(*) FROM table t WHERE t.active = ?"));

	e = fx_get(&out, P ".Inner");
	assert_true(fx_has_link(e, "extends", P));
	e = fx_get(&out, P "#index");
	assert_string_equal(e->signature, "protected Map<String, List<Integer>> index");
	free(src);
	arena_free(a);
}

/* The same small class with LF, CRLF and CR line ends, and a BOM. */
static void test_line_ends(void **state)
{
	static const char *const ends[] = {"\n", "\r\n", "\r"};
	size_t k;

	(void)state;
	for (k = 0; k < 6; k++) {
		struct arena *a = arena_new();
		struct entity_list out = {0};
		struct buf b;
		const char *nl = ends[k % 3];
		const struct entity *e;

		buf_init(&b, 0);
		if (k >= 3)
			buf_addstr(&b, "\xef\xbb\xbf");
		buf_printf(&b, "package p;%s%s/** Doc. */%spublic class A {%s", nl, nl, nl, nl);
		buf_printf(&b, "    int x;%s%s    void f() {%s        x++;%s    }%s}%s", nl, nl, nl, nl, nl,
			   nl);
		assert_int_equal(extract_file(a, &opt, "A.java", b.ptr, b.len, &out), 0);
		assert_int_equal(out.count, 3);
		e = fx_get(&out, "p.A");
		assert_int_equal(e->start_line, 4);
		assert_int_equal(e->end_line, 10);
		e = fx_get(&out, "p.A#x");
		assert_int_equal(e->start_line, 5);
		e = fx_get(&out, "p.A#f()");
		assert_int_equal(e->start_line, 7);
		assert_int_equal(e->end_line, 9);
		assert_int_equal(e->text_len, strlen("    void f() {") + strlen("        x++;") +
						  strlen("    }") + 3 * strlen(nl));
		check_texts(b.ptr, b.len, &out);
		buf_release(&b);
		arena_free(a);
	}
}

/* Thousands of nested classes: bounded recursion, still the outer types. */
static void test_deep_nesting(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "class C%d { int f%d;\n", i, i);
	for (i = 0; i < 5000; i++)
		buf_addstr(&b, "}\n");
	buf_addstr(&b, "class After { void g() { ((((((((((((((((((((((((( {{{{{{{{{{{{{{ } }\n");
	assert_int_equal(extract_file(a, &opt, "Deep.java", b.ptr, b.len, &out), 0);
	assert_string_equal(out.items[0].qualified_name, "C0");
	assert_int_equal(out.items[0].end_line, 10000);
	/* 33 levels of types with one field each; deeper ones are skipped. */
	assert_int_equal(out.count, 2 * 33 + 2);
	assert_string_equal(fx_get(&out, "After")->kind, "class");
	check_texts(b.ptr, b.len, &out);
	buf_release(&b);
	arena_free(a);
}

static void test_unterminated(void **state)
{
	static const char *const inputs[] = {
	    "class A { void f() { /* never closed\n }\n",
	    "class A { String s = \"abc\n; void g() {} }",
	    "class A { String t = \"\"\"\n  text block without end\n",
	    "class A { char c = '\n",
	    "class A<T extends Map<String, List<T>> { }",
	    "@interface",
	    "class",
	    "class A extends",
	    "enum E { A(, B",
	    "record R(int x",
	    "class A { \\u",
	    "class A { void f(int... ) throws {",
	    "}}}} class B {}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct arena *a = arena_new();
		struct entity_list out = {0};

		assert_int_equal(extract_file(a, &opt, "U.java", inputs[i], strlen(inputs[i]), &out), 0);
		assert_true(out.count >= 1);
		check_texts(inputs[i], strlen(inputs[i]), &out);
		arena_free(a);
	}
}

/* 100,000 lines and a 1 MB line: linear, and every member found. */
static void test_huge(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 0);
	buf_addstr(&b, "class Big {\n");
	for (i = 0; i < 33333; i++)
		buf_printf(&b, "  int m%d(int a) {\n    return a + %d;\n  }\n", i, i);
	buf_addstr(&b, "  String s = \"");
	for (i = 0; i < 1 << 20; i++)
		buf_add(&b, "{", 1);
	buf_addstr(&b, "\";\n}\n");
	assert_int_equal(extract_file(a, &opt, "Big.java", b.ptr, b.len, &out), 0);
	assert_int_equal(out.count, 1 + 33333 + 1);
	assert_int_equal(out.items[0].end_line, 100002);
	assert_string_equal(out.items[out.count - 1].qualified_name, "Big#s");
	buf_release(&b);
	arena_free(a);
}

/* container_windows caps the embedding texts of entities that have
 * members (the class, the nested class) and of them only. */
static void test_container_windows(void **state)
{
	static const struct extract_options capped = {60, 10, 2, 0};
	struct extract_options all = capped;
	struct arena *a = arena_new();
	struct entity_list out = {0}, whole = {0};
	struct buf b;
	size_t i;
	int k;

	(void)state;
	all.container_windows = 0;
	buf_init(&b, 0);
	buf_addstr(&b, "class Outer {\n  static class Inner {\n");
	for (k = 0; k < 200; k++)
		buf_printf(&b, "    int inner%d(int a) { return a + %d; }\n", k, k);
	buf_addstr(&b, "  }\n  String big() {\n    return \"");
	for (k = 0; k < 10000; k++)
		buf_add(&b, "x", 1);
	buf_addstr(&b, "\";\n  }\n}\n");
	assert_int_equal(extract_file(a, &capped, "Outer.java", b.ptr, b.len, &out), 0);
	assert_int_equal(extract_file(a, &all, "Outer.java", b.ptr, b.len, &whole), 0);
	assert_int_equal(out.count, whole.count);
	for (i = 0; i < out.count; i++) {
		const struct entity *e = &out.items[i];
		bool container = strcmp(e->name, "Outer") == 0 || strcmp(e->name, "Inner") == 0;

		assert_int_equal(e->container, container);
		assert_true(whole.items[i].nembed >= 1);
		if (container) {
			assert_true(whole.items[i].nembed > 2);
			assert_int_equal(e->nembed, 2);
		} else {
			assert_int_equal(e->nembed, whole.items[i].nembed);
		}
		if (strcmp(e->name, "big") == 0)
			assert_true(e->nembed > 2); /* a long method keeps every window */
	}
	buf_release(&b);
	arena_free(a);
}

/* Not Java at all, or no type (package-info.java): line windows. */
static void test_fallback(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	const char *info = "/** Docs. */\n@Deprecated\npackage com.acme;\n";

	(void)state;
	assert_int_equal(extract_file(a, &opt, "com/acme/package-info.java", info, strlen(info), &out), 0);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.items[0].kind, "window");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_features),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_unterminated),
	    cmocka_unit_test(test_huge),
	    cmocka_unit_test(test_fallback),
	    cmocka_unit_test(test_container_windows),
	};

	return cmocka_run_group_tests_name("extract_java", tests, NULL, NULL);
}
