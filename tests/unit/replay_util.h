/*
 * replay_util.h - runs every file of a directory of saved inputs (fuzzing
 * regressions, seed corpora) through a function, for the replay tests.
 */
#ifndef DOCXP_TEST_REPLAY_UTIL_H
#define DOCXP_TEST_REPLAY_UTIL_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "util/buf.h"

/* Calls fn(name, data, len, arg) for every file of dir but dot files
 * (data NUL-terminated); returns how many there were. */
static inline int replay_dir(const char *dir,
			     void (*fn)(const char *name, const char *data, size_t len, void *arg), void *arg)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		fail_msg("cannot open %s", dir);
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
		fn(de->d_name, b.len ? buf_str(&b) : "", b.len, arg);
		buf_release(&b);
		n++;
	}
	closedir(d);
	return n;
}

#endif
