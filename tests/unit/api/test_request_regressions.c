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

#include "request_fuzz.h"
#include "util/buf.h"

/* Runs every file of dir through fn; returns how many there were. */
static int replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[2048], chunk[4096];
		struct buf b;
		size_t got;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		buf_init(&b, 0);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			assert_int_equal(buf_add(&b, chunk, got), 0);
		fclose(f);
		assert_int_equal(fn((const uint8_t *)(b.len ? buf_str(&b) : ""), b.len), 0);
		buf_release(&b);
		n++;
	}
	closedir(d);
	return n;
}

static void test_replay(void **state)
{
	const struct request_fuzz_target *t = *state;
	const char *srcdir = getenv("DOCXP_SRCDIR");
	char dir[1024];
	int n;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/requests/%s", srcdir ? srcdir : "..", t->name);
	n = replay_dir(dir, t->fn);
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
