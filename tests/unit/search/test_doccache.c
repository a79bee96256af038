/* Unit tests for src/search/doccache.c: hits and misses, invalidation by
 * the repository's signature, the byte budget, and slots shared by ids. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search/doccache.h"
#include "util/arena.h"

static void test_hit_and_signature(void **state)
{
	struct doccache *c = doccache_new(1 << 20);
	struct arena *a = arena_new();
	struct doccache_repo r1 = {1, "sig-a"}, r1b = {1, "sig-b"}, r2 = {2, "sig-a"};
	struct doccache_stats st;
	const char *json = NULL, *content = NULL;

	(void)state;
	assert_int_equal(doccache_get(c, a, 42, &r1, 1, &json, &content), -1);
	doccache_put(c, 42, 1, "sig-a", "{\"id\":42}", "class X {}");
	assert_int_equal(doccache_get(c, a, 42, &r1, 1, &json, &content), 0);
	assert_string_equal(json, "{\"id\":42}");
	assert_string_equal(content, "class X {}");
	/* another repository searched: not this document */
	assert_int_equal(doccache_get(c, a, 42, &r2, 1, &json, &content), -1);
	/* the repository was re-indexed: a miss, and the entry is gone */
	assert_int_equal(doccache_get(c, a, 42, &r1b, 1, &json, &content), -1);
	assert_int_equal(doccache_get(c, a, 42, &r1, 1, &json, &content), -1);
	doccache_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 4);
	arena_free(a);
	doccache_free(c);
}

static void test_budget_and_slots(void **state)
{
	struct doccache *c = doccache_new(4096);
	struct arena *a = arena_new();
	struct doccache_repo r = {1, "s"};
	struct doccache_stats st;
	const char *json, *content;
	char *big = malloc(8192);
	int64_t id;
	int held = 0;

	(void)state;
	memset(big, 'x', 8191);
	big[8191] = '\0';
	/* larger than the whole budget: not kept */
	doccache_put(c, 1, 1, "s", "{}", big);
	assert_int_equal(doccache_get(c, a, 1, &r, 1, &json, &content), -1);
	/* many small ones: the budget holds */
	for (id = 1; id <= 5000; id++)
		doccache_put(c, id, 1, "s", "{\"k\":1}", "some text of the entity");
	doccache_get_stats(c, &st);
	assert_true(st.bytes <= 4096);
	assert_true(st.entries > 0);
	for (id = 1; id <= 5000; id++)
		if (doccache_get(c, a, id, &r, 1, &json, &content) == 0) {
			assert_string_equal(json, "{\"k\":1}");
			held++;
		}
	assert_int_equal((size_t)held, st.entries);
	/* a disabled cache and NULL are harmless */
	doccache_free(NULL);
	assert_int_equal(doccache_get(NULL, a, 1, &r, 1, &json, &content), -1);
	doccache_put(NULL, 1, 1, "s", "{}", "");
	free(big);
	arena_free(a);
	doccache_free(c);
}

/* A few hot documents stay, whichever slots their ids hash to. */
static void test_hot_documents_stay(void **state)
{
	struct doccache *c = doccache_new(1 << 20);
	struct arena *a = arena_new();
	struct doccache_repo r = {1, "s"};
	const char *json, *content;
	int64_t id;
	int round;

	(void)state;
	for (round = 0; round < 3; round++)
		for (id = 1000; id < 1064; id++) {
			if (doccache_get(c, a, id, &r, 1, &json, &content) == 0)
				continue;
			doccache_put(c, id, 1, "s", "{}", "x");
		}
	for (id = 1000; id < 1064; id++)
		assert_int_equal(doccache_get(c, a, id, &r, 1, &json, &content), 0);
	arena_free(a);
	doccache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hit_and_signature),
	    cmocka_unit_test(test_budget_and_slots),
	    cmocka_unit_test(test_hot_documents_stay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
