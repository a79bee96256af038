/* Unit tests for src/util/utf8.c: what PostgreSQL would refuse is refused. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

#define VALID(s)   assert_true(utf8_valid(s, sizeof(s) - 1))
#define INVALID(s) assert_false(utf8_valid(s, sizeof(s) - 1))

static void test_valid(void **state)
{
	(void)state;
	VALID("");
	VALID("plain ASCII /srv/repos");
	VALID("caf\xc3\xa9");	   /* U+00E9 */
	VALID("\xe2\x82\xac");	   /* U+20AC */
	VALID("\xef\xbf\xbd");	   /* U+FFFD */
	VALID("\xf0\x9f\x98\x80"); /* U+1F600 */
	VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last one */
	VALID("\xed\x9f\xbf");	   /* U+D7FF, just below the surrogates */
}

static void test_invalid(void **state)
{
	(void)state;
	INVALID("a\0b"); /* NUL: text columns cannot hold it */
	INVALID("\xff");
	INVALID("\x80");	     /* a lone continuation byte */
	INVALID("\xc3");	     /* cut short */
	INVALID("\xe2\x82");	     /* cut short */
	INVALID("\xc3\x28");	     /* bad continuation */
	INVALID("\xc0\xaf");	     /* overlong '/' */
	INVALID("\xc1\xbf");	     /* overlong */
	INVALID("\xe0\x80\xaf");     /* overlong '/' in three bytes */
	INVALID("\xf0\x80\x80\xaf"); /* overlong '/' in four bytes */
	INVALID("\xed\xa0\x80");     /* U+D800, a surrogate */
	INVALID("\xed\xbf\xbf");     /* U+DFFF */
	INVALID("\xf4\x90\x80\x80"); /* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("ok\xe2\x82\xacok\xff"); /* bad at the end */
}

static void test_length_is_respected(void **state)
{
	(void)state;
	/* Only len bytes count: a cut in the middle of a sequence is invalid,
	 * bytes past len are not looked at. */
	assert_false(utf8_valid("\xe2\x82\xac", 2));
	assert_true(utf8_valid("ab\xff", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_length_is_respected),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
