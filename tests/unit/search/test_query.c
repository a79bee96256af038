/* Unit tests for src/search/query.c: cleaning, limits, words and parts,
 * globs as regular expressions. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search/query.h"
#include "util/arena.h"
#include "util/status.h"

static int parse(struct arena *a, const char *s, struct search_query *q)
{
	char err[256];

	return search_query_parse(a, s, strlen(s), q, err, sizeof(err));
}

static void test_identifiers(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;

	(void)state;
	assert_int_equal(parse(a, "findByEmail", &q), 0);
	assert_string_equal(q.tsq_all, "( 'findbyemail' | ( 'find' & 'by' & 'email' ) )");
	assert_string_equal(q.name, "findbyemail");
	/* the same words restricted to the name (A), or outside bodies (A-C) */
	assert_string_equal(q.tsq_all_name, "( 'findbyemail':A | ( 'find':A & 'by':A & 'email':A ) )");
	assert_string_equal(q.tsq_all_named,
			    "( 'findbyemail':ABC | ( 'find':ABC & 'by':ABC & 'email':ABC ) )");
	assert_string_equal(q.name_like, "%findbyemail%");
	assert_int_equal(parse(a, "find_by_email", &q), 0);
	assert_string_equal(q.tsq_all, "( 'findbyemail' | ( 'find' & 'by' & 'email' ) )");
	assert_string_equal(q.name_like, "%find\\_by\\_email%");
	assert_int_equal(parse(a, "HTTPServer", &q), 0);
	assert_string_equal(q.tsq_all, "( 'httpserver' | ( 'http' & 'server' ) )");
	/* prose: stop words go, the rest must all be there */
	assert_int_equal(parse(a, "  sum of the\tnet totals ", &q), 0);
	assert_string_equal(q.text, "sum of the net totals");
	assert_string_equal(q.tsq_all, "'sum' & 'net' & 'totals'");
	assert_null(q.name);
	/* a one-word stop word stays */
	assert_int_equal(parse(a, "the", &q), 0);
	assert_string_equal(q.tsq_all, "'the'");
	/* paths and file names are one token */
	assert_int_equal(parse(a, "/orderEdit", &q), 0);
	assert_string_equal(q.name, "/orderedit");
	assert_int_equal(parse(a, "edit.jsp", &q), 0);
	assert_string_equal(q.tsq_all, "'edit' & 'jsp'");
	arena_free(a);
}

static void test_hostile(void **state)
{
	struct arena *a = arena_new();
	struct search_query q;
	char big[2100], err[128];

	(void)state;
	assert_int_equal(parse(a, "", &q), DX_E_BADREQUEST);
	assert_int_equal(parse(a, " \t\r\n\x01", &q), DX_E_BADREQUEST);
	assert_int_equal(search_query_parse(a,
					    "a\xff"
					    "b",
					    3, &q, err, sizeof(err)),
			 DX_E_BADREQUEST);
	assert_int_equal(search_query_parse(a, "\xc0\xaf", 2, &q, err, sizeof(err)), DX_E_BADREQUEST);
	assert_int_equal(search_query_parse(a, "\xed\xa0\x80", 3, &q, err, sizeof(err)), DX_E_BADREQUEST);
	assert_int_equal(search_query_parse(a, "a\0b", 3, &q, err, sizeof(err)), DX_E_BADREQUEST);
	memset(big, 'x', 1001);
	big[1001] = '\0';
	assert_int_equal(parse(a, big, &q), DX_E_BADREQUEST);
	big[1000] = '\0';
	assert_int_equal(parse(a, big, &q), 0);
	/* 1,000 characters, not bytes: 1,000 two-byte characters are fine */
	for (int i = 0; i < 1000; i++) {
		big[2 * i] = '\xc3';
		big[2 * i + 1] = '\xa9';
	}
	big[2000] = '\0';
	assert_int_equal(parse(a, big, &q), 0);
	/* punctuation only: valid, no words */
	assert_int_equal(parse(a, "!@#%^&*()[]{}", &q), 0);
	assert_null(q.tsq_all);
	assert_null(q.name);
	/* SQL and tsquery metacharacters never reach an operator position */
	assert_int_equal(parse(a, "x' OR 1=1; DROP TABLE entities; -- & | ! <->", &q), 0);
	assert_non_null(strstr(q.tsq_all, "'x' & '1' & '1' & 'drop' & 'table' & 'entities'"));
	arena_free(a);
}

static void test_globs(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	assert_string_equal(search_glob_regex(a, "*.java"), "^(.*/)?[^/]*\\.java$");
	assert_string_equal(search_glob_regex(a, "src/**/*.jsp"), "^src/(.*/)?[^/]*\\.jsp$");
	assert_string_equal(search_glob_regex(a, "web/?.x"), "^web/[^/]\\.x$");
	assert_string_equal(search_glob_regex(a, "[!a]b"), "^(.*/)?[^a]b$");
	assert_string_equal(search_like_prefix(a, "src/ma_in%"), "src/ma\\_in\\%%");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identifiers),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_globs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
