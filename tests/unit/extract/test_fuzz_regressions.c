/*
 * Replays every input in tests/fuzz/regressions through the extractor of
 * its language (by file extension): crashes found by fuzzing stay fixed.
 */
#include "config.h"

#include <dirent.h>
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
#include "util/utf8.h"

#include "../replay_util.h"

static void replay_one(const char *name, const char *data, size_t len, void *arg)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	struct entity_list out = {0};
	struct arena *a;

	(void)arg;
	if (!utf8_valid(data, len))
		return;
	a = arena_new();
	/* The name carries the language: "crash-1.java". */
	assert_int_equal(extract_file(a, &opt, name, data, len, &out), 0);
	arena_free(a);
}

static void test_replay(void **state)
{
	const char *srcdir = getenv("DOCXP_SRCDIR");
	char dir[1024];
	int n;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions", srcdir ? srcdir : "..");
	n = replay_dir(dir, replay_one, NULL);
	print_message("replayed %d inputs\n", n);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests_name("fuzz_regressions", tests, NULL, NULL);
}
