/* Unit tests for src/util/buf.c and src/util/arena.c. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/status.h"

static void test_buf_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_addstr(&b, "xy"), DX_E_TOOLARGE);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_addstr(&b, "z"), 0);
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static int cleaned;
static void count_cleanup(void *p)
{
	cleaned += *(int *)p;
}

static void test_arena(void **state)
{
	struct arena *a = arena_new();
	static int one = 1, ten = 10;
	char *big;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		char *s = arena_printf(a, "item-%d", i);

		assert_string_equal(s, arena_strdup(a, s));
	}
	big = arena_alloc(a, 100000);
	memset(big, 'x', 100000);
	arena_on_cleanup(a, count_cleanup, &one);
	arena_on_cleanup(a, count_cleanup, &ten);
	arena_reset(a);
	assert_int_equal(cleaned, 11);
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	arena_free(a);
	assert_int_equal(cleaned, 11);
}

static void test_sha256(void **state)
{
	char hex[65];

	(void)state;
	digest_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(status_code(DX_E_NOTFOUND), "not_found");
	assert_int_equal(status_http(DX_E_TOOLARGE), 413);
	assert_int_equal(status_exit(DX_E_CONFIG), 78);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_cap),
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
