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
#include "index/chunkproc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/utf8.h"

static void test_replay(void **state)
{
	static const struct extract_options opt = {60, 10};
	const char *srcdir = getenv("DOCXP_SRCDIR");
	char dir[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions", srcdir ? srcdir : "..");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[2048];
		struct arena *a;
		struct entity_list out = {0};
		struct buf b;
		char chunk[4096];
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
		if (utf8_valid(buf_str(&b), b.len)) {
			a = arena_new();
			/* The name carries the language: "crash-1.java". */
			assert_int_equal(extract_file(a, &opt, de->d_name, buf_str(&b), b.len, &out), 0);
			arena_free(a);
		}
		buf_release(&b);
		n++;
	}
	closedir(d);
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
