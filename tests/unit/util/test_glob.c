/* Unit tests for src/index/glob.c: segments, "**", classes, validation. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/glob.h"

static void expect_match(const char *pattern, const char *path, bool want)
{
	if (glob_match(pattern, path) != want)
		fail_msg("glob_match(\"%s\", \"%s\") should be %s", pattern, path, want ? "true" : "false");
}

static void test_basename(void **state)
{
	(void)state;
	expect_match("*.java", "A.java", true);
	expect_match("*.java", "src/main/A.java", true);
	expect_match("*.java", "src/main/A.jav", false);
	expect_match("*.java", "src/A.java/x", false);
	expect_match("Makefile", "sub/dir/Makefile", true);
	expect_match("Makefile", "sub/dir/Makefile.am", false);
	expect_match("build", "a/build", true);
	expect_match("*", "a/b/c", true);
	/* A trailing '/' selects directories (paths given with a '/'). */
	expect_match("build/", "x/build/", true);
	expect_match("build/", "x/build", false);
}

static void test_anchored(void **state)
{
	(void)state;
	expect_match("src/*.java", "src/A.java", true);
	expect_match("src/*.java", "src/sub/A.java", false);
	expect_match("src/*.java", "x/src/A.java", false);
	expect_match("src/A.java", "src/A.java", true);
	expect_match("a/?/c", "a/b/c", true);
	expect_match("a/?/c", "a/bb/c", false);
	expect_match("a?b", "a/b", false);
	expect_match("a*b", "a/b", false);
}

static void test_doublestar(void **state)
{
	(void)state;
	expect_match("**/*.java", "A.java", true);
	expect_match("**/*.java", "a/b/c/A.java", true);
	expect_match("**/test/**", "test/x", true);
	expect_match("**/test/**", "a/test/b/c", true);
	expect_match("**/test/**", "a/testing/b", false);
	expect_match("a/**/b", "a/b", true);
	expect_match("a/**/b", "a/x/y/z/b", true);
	expect_match("a/**/b", "a/x/y/z/c", false);
	expect_match("src/**/*.jsp", "src/web/WEB-INF/x.jsp", true);
	expect_match("src/**/*.jsp", "web/x.jsp", false);
	/* "a/\**" is what is inside a, not a itself, but "a/" counts. */
	expect_match("build/**", "build/x/y", true);
	expect_match("build/**", "build/x", true);
	expect_match("build/**", "build", false);
	expect_match("build/**", "build/", true);
	expect_match("build/**", "builds/x", false);
	expect_match("**", "anything/at/all", true);
	/* Inside a segment "**" is just "*". */
	expect_match("a**b", "axxb", true);
	expect_match("a**b", "ax/xb", false);
	/* Pathological pattern: must stay fast (greedy matcher). */
	expect_match("**/a/**/a/**/a/**/a/**/a/**/b",
		     "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c", false);
	expect_match("a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false);
}

static void test_classes(void **state)
{
	(void)state;
	expect_match("[abc].txt", "b.txt", true);
	expect_match("[abc].txt", "d.txt", false);
	expect_match("[a-c]x", "bx", true);
	expect_match("[a-c]x", "dx", false);
	expect_match("[!a-c]x", "dx", true);
	expect_match("[!a-c]x", "ax", false);
	expect_match("[^a-c]x", "dx", true);
	expect_match("[^a-c]x", "bx", false);
	expect_match("[]]", "]", true);
	expect_match("[!]]", "]", false);
	expect_match("[!]]", "a", true);
	expect_match("[a-]", "-", true);
	expect_match("x[0-9][0-9].log", "x42.log", true);
	expect_match("x[0-9][0-9].log", "x4a.log", false);
	expect_match("*.[jJ]ava", "A.Java", true);
	/* An unclosed '[' is an ordinary character. */
	expect_match("a[b", "a[b", true);
	/* Escapes. */
	expect_match("\\*.txt", "*.txt", true);
	expect_match("\\*.txt", "a.txt", false);
	expect_match("[\\]]", "]", true);
}

static void test_star_backtracking(void **state)
{
	(void)state;
	expect_match("*.tar.gz", "a.b.tar.gz", true);
	expect_match("*a*b*", "xxaxxbxx", true);
	expect_match("*a*b*", "xxbxxaxx", false);
	expect_match("*", "", true);
	expect_match("?", "", false);
	expect_match("struts-config*.xml", "WEB-INF/struts-config-admin.xml", true);
}

static void test_validate(void **state)
{
	char longpat[600];

	(void)state;
	assert_null(glob_validate("**/*.java"));
	assert_null(glob_validate("src/[a-z]*.c"));
	assert_null(glob_validate("a]b"));
	assert_null(glob_validate("\\[x"));
	assert_non_null(glob_validate(""));
	assert_non_null(glob_validate(NULL));
	assert_non_null(glob_validate("/etc/passwd"));
	assert_non_null(glob_validate("../x"));
	assert_non_null(glob_validate("a/../x"));
	assert_non_null(glob_validate("a/.."));
	assert_null(glob_validate("a/..b"));
	assert_non_null(glob_validate("[abc"));
	assert_non_null(glob_validate("a/[b/c]"));
	memset(longpat, 'a', sizeof(longpat) - 1);
	longpat[sizeof(longpat) - 1] = '\0';
	assert_non_null(glob_validate(longpat));
	longpat[512] = '\0';
	assert_null(glob_validate(longpat));
}

static void test_many_segments(void **state)
{
	/* More segments than the matcher keeps on its stack. */
	char pat[400] = "", path[400] = "";
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		strcat(pat, i ? "/?" : "?");
		strcat(path, i ? "/x" : "x");
	}
	expect_match(pat, path, true);
	strcat(path, "/y");
	expect_match(pat, path, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basename),	      cmocka_unit_test(test_anchored),
	    cmocka_unit_test(test_doublestar),	      cmocka_unit_test(test_classes),
	    cmocka_unit_test(test_star_backtracking), cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_many_segments),
	};

	return cmocka_run_group_tests_name("glob", tests, NULL, NULL);
}
