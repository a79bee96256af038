/*
 * Replays every input under tests/fuzz/requests/<target>/ through the
 * request decoder of that target (tests/fuzz/request_fuzz.c, the code the
 * libFuzzer targets run): inputs that once crashed or broke an invariant
 * stay fixed, and the seed corpus keeps the targets' code paths exercised
 * in builds without a fuzzer.
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

#include "../replay_util.h"
#include "request_fuzz.h"

static void replay_one(const char *name, const char *data, size_t len, void *arg)
{
	int (*fn)(const uint8_t *, size_t) = ((const struct request_fuzz_target *)arg)->fn;

	if (fn((const uint8_t *)data, len) != 0)
		fail_msg("input %s broke a rule of the decoder", name);
}

static void test_replay(void **state)
{
	const struct request_fuzz_target *t = *state;
	const char *srcdir = getenv("DOCXP_SRCDIR");
	char dir[1024];
	int n;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/requests/%s", srcdir ? srcdir : "..", t->name);
	n = replay_dir(dir, replay_one, (void *)t);
	print_message("%s: replayed %d inputs\n", t->name, n);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    {"replay_job_request", test_replay, NULL, NULL, (void *)&request_fuzz_targets[0]},
	    {"replay_query", test_replay, NULL, NULL, (void *)&request_fuzz_targets[1]},
	    {"replay_route", test_replay, NULL, NULL, (void *)&request_fuzz_targets[2]},
	    {"replay_glob", test_replay, NULL, NULL, (void *)&request_fuzz_targets[3]},
	};

	return cmocka_run_group_tests_name("request_regressions", tests, NULL, NULL);
}
