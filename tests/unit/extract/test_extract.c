/* Unit tests for src/extract/extract.c: line windows and languages. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

/* "line 1\nline 2\n...line n\n" */
static char *numbered_lines(int n)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	for (i = 1; i <= n; i++)
		buf_printf(&b, "line %d\n", i);
	return buf_detach(&b);
}

/* Extracts text and checks the windows' line ranges against want
 * (pairs of start, end). */
static struct entity_list check_windows(struct arena *a, int lines, int overlap, const char *text,
					const int *want, size_t nwant)
{
	struct extract_options opt = {lines, overlap, 0, 0};
	struct entity_list out = {0};
	size_t i;

	assert_int_equal(extract_file(a, &opt, "src/x/Foo.java", text, strlen(text), &out), 0);
	assert_int_equal(out.count, nwant / 2);
	for (i = 0; i < out.count; i++) {
		assert_int_equal(out.items[i].start_line, want[2 * i]);
		assert_int_equal(out.items[i].end_line, want[2 * i + 1]);
		assert_string_equal(out.items[i].kind, "window");
		assert_int_equal(strlen(out.items[i].text), out.items[i].text_len);
	}
	return out;
}

static void test_windows_overlap(void **state)
{
	struct arena *a = arena_new();
	char *text = numbered_lines(100);
	static const int want[] = {1, 60, 51, 100};
	struct entity_list out;

	(void)state;
	out = check_windows(a, 60, 10, text, want, sizeof(want) / sizeof(want[0]));
	assert_string_equal(out.items[0].name, "Foo.java:1-60");
	assert_string_equal(out.items[0].qualified_name, "src/x/Foo.java#L1-60");
	assert_string_equal(out.items[1].name, "Foo.java:51-100");
	assert_string_equal(out.items[1].qualified_name, "src/x/Foo.java#L51-100");
	/* Exact bytes of the lines, newlines included. */
	assert_true(strncmp(out.items[1].text, "line 51\n", 8) == 0);
	assert_int_equal(out.items[1].text_len, strlen(strstr(text, "line 51\n")));
	assert_string_equal(out.items[1].text + out.items[1].text_len - 9, "line 100\n");
	free(text);
	arena_free(a);
}

static void test_no_overlap_and_short_file(void **state)
{
	struct arena *a = arena_new();
	char *text = numbered_lines(25);
	static const int want3[] = {1, 10, 11, 20, 21, 25};
	static const int want1[] = {1, 25};

	(void)state;
	check_windows(a, 10, 0, text, want3, sizeof(want3) / sizeof(want3[0]));
	check_windows(a, 60, 10, text, want1, sizeof(want1) / sizeof(want1[0]));
	free(text);
	arena_free(a);
}

static void test_trailing_window(void **state)
{
	struct arena *a = arena_new();
	char *text;
	/* 110 lines: the second window reaches the end, no third one that
	 * would only repeat lines 101-110. */
	static const int want110[] = {1, 60, 51, 110};
	/* 111 lines: a short last window is kept, it adds line 111. */
	static const int want111[] = {1, 60, 51, 110, 101, 111};
	/* 60 lines in one 60-line window: nothing after it. */
	static const int want60[] = {1, 60};
	/* 61 lines: 51-61 adds line 61. */
	static const int want61[] = {1, 60, 51, 61};

	(void)state;
	text = numbered_lines(110);
	check_windows(a, 60, 10, text, want110, sizeof(want110) / sizeof(want110[0]));
	free(text);
	text = numbered_lines(111);
	check_windows(a, 60, 10, text, want111, sizeof(want111) / sizeof(want111[0]));
	free(text);
	text = numbered_lines(60);
	check_windows(a, 60, 10, text, want60, sizeof(want60) / sizeof(want60[0]));
	free(text);
	text = numbered_lines(61);
	check_windows(a, 60, 10, text, want61, sizeof(want61) / sizeof(want61[0]));
	free(text);
	arena_free(a);
}

static void test_no_final_newline(void **state)
{
	struct arena *a = arena_new();
	static const int want[] = {1, 2, 2, 3};
	struct entity_list out;

	(void)state;
	out = check_windows(a, 2, 1, "a\nb\nc", want, sizeof(want) / sizeof(want[0]));
	assert_string_equal(out.items[0].text, "a\nb\n");
	assert_string_equal(out.items[1].text, "b\nc");
	assert_int_equal(out.items[1].text_len, 3);
	arena_free(a);
}

static void test_line_endings(void **state)
{
	struct arena *a = arena_new();
	static const int want[] = {1, 2, 2, 3};
	struct entity_list out;

	(void)state;
	/* Classic Mac files end lines with a lone CR; CRLF is one line end. */
	out = check_windows(a, 2, 1, "a\rb\rc\r", want, sizeof(want) / sizeof(want[0]));
	assert_string_equal(out.items[0].text, "a\rb\r");
	assert_string_equal(out.items[1].text, "b\rc\r");
	out = check_windows(a, 2, 1, "a\r\nb\rc\n", want, sizeof(want) / sizeof(want[0]));
	assert_string_equal(out.items[0].text, "a\r\nb\r");
	assert_int_equal(extract_count_lines("a\rb", 4), 2);
	assert_int_equal(extract_count_lines("a\r\n", 3), 1);
	assert_int_equal(extract_count_lines("a\n\r\n", 4), 2);
	assert_int_equal(extract_count_lines("", 0), 0);
	assert_int_equal(extract_count_lines("x", 1), 1);
	arena_free(a);
}

static void test_empty_and_blank(void **state)
{
	struct arena *a = arena_new();
	static const int none[] = {0, 0};
	static const int middle[] = {4, 6};
	struct entity_list out;

	(void)state;
	check_windows(a, 10, 2, "", none, 0);
	check_windows(a, 10, 2, "   \n\t\n\r\n\n", none, 0);
	/* Blank windows are dropped, the others keep their line numbers. */
	out = check_windows(a, 3, 0, "\n\n \nx\ny\nz\n\n\n\n", middle, 2);
	assert_string_equal(out.items[0].text, "x\ny\nz\n");
	arena_free(a);
}

static void test_list_grows(void **state)
{
	struct arena *a = arena_new();
	struct extract_options opt = {1, 0, 0, 0};
	struct entity_list out = {0};
	char *text = numbered_lines(1000);
	size_t i;

	(void)state;
	assert_int_equal(extract_file(a, &opt, "f.txt", text, strlen(text), &out), 0);
	/* Appends to what is there. */
	assert_int_equal(extract_file(a, &opt, "g.txt", "one\n", 4, &out), 0);
	assert_int_equal(out.count, 1001);
	assert_true(out.cap >= out.count);
	for (i = 0; i < 1000; i++)
		assert_int_equal(out.items[i].start_line, (int)i + 1);
	assert_string_equal(out.items[999].name, "f.txt:1000-1000");
	assert_string_equal(out.items[1000].qualified_name, "g.txt#L1-1");
	free(text);
	arena_free(a);
}

static void test_bad_options(void **state)
{
	struct arena *a = arena_new();
	struct entity_list out = {0};
	struct extract_options zero = {0, 0, 0, 0}, big_overlap = {10, 10, 0, 0}, neg = {10, -1, 0, 0};

	(void)state;
	assert_int_equal(extract_file(a, &zero, "f", "x\n", 2, &out), DX_E_VALIDATION);
	assert_int_equal(extract_file(a, &big_overlap, "f", "x\n", 2, &out), DX_E_VALIDATION);
	assert_int_equal(extract_file(a, &neg, "f", "x\n", 2, &out), DX_E_VALIDATION);
	assert_int_equal(out.count, 0);
	arena_free(a);
}

static void test_count_lines(void **state)
{
	(void)state;
	assert_int_equal(extract_count_lines("", 0), 0);
	assert_int_equal(extract_count_lines("x", 1), 1);
	assert_int_equal(extract_count_lines("\n", 1), 1);
	assert_int_equal(extract_count_lines("a\nb", 3), 2);
	assert_int_equal(extract_count_lines("a\nb\n", 4), 2);
	assert_int_equal(extract_count_lines("\n\n\n", 3), 3);
	/* Only len bytes count. */
	assert_int_equal(extract_count_lines("a\nb\nc\n", 2), 1);
}

static void test_language(void **state)
{
	static const char *const table[][2] = {
	    {"src/main/java/com/x/OrderAction.java", "java"},
	    {"web/index.jsp", "jsp"},
	    {"WEB-INF/jspf/header.jspf", "jsp"},
	    {"WEB-INF/tags/x.tag", "jsp"},
	    {"WEB-INF/tags/y.tagx", "jsp"},
	    {"WEB-INF/struts-config.xml", "xml"},
	    {"WEB-INF/web.xml", "xml"},
	    {"messages_de.properties", "properties"},
	    {"db/V1__init.sql", "sql"},
	    {"static/app.js", "javascript"},
	    {"static/app.mjs", "javascript"},
	    {"ui/App.tsx", "typescript"},
	    {"ui/x.ts", "typescript"},
	    {"style.css", "css"},
	    {"index.html", "html"},
	    {"tools/gen.py", "python"},
	    {"run.sh", "shell"},
	    {"README.md", "markdown"},
	    {"README.MD", "markdown"},
	    {"Foo.JAVA", "java"},
	    {".github/ci.yml", "yaml"},
	    {"x.yaml", "yaml"},
	    {"package.json", "json"},
	    {"a.c", "c"},
	    {"a.h", "c"},
	    {"a.cpp", "cpp"},
	    {"main.go", "go"},
	    {"Dockerfile", "dockerfile"},
	    {"sub/Makefile", "makefile"},
	    {"CMakeLists.txt", "cmake"},
	    {"notes.txt", "text"},
	    {"LICENSE", "text"},
	    {".gitignore", "text"},
	    {"archive.tar.gz", "text"},
	    {"dir.java/README", "text"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(extract_language(table[i][0]), table[i][1]) != 0)
			fail_msg("extract_language(\"%s\") = \"%s\", want \"%s\"", table[i][0],
				 extract_language(table[i][0]), table[i][1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_windows_overlap), cmocka_unit_test(test_no_overlap_and_short_file),
	    cmocka_unit_test(test_trailing_window), cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_line_endings),    cmocka_unit_test(test_empty_and_blank),
	    cmocka_unit_test(test_list_grows),	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_count_lines),	    cmocka_unit_test(test_language),
	};

	return cmocka_run_group_tests_name("extract", tests, NULL, NULL);
}
