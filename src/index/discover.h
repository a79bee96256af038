/*
 * discover.h - finding the files of a repository that a job indexes.
 *
 * Walks the repository root (never following a symlink out of it, never
 * entering VCS folders: .git .svn .hg .bzr CVS), keeps regular files whose
 * relative path matches one of the include globs (all when none) and none
 * of the exclude globs, and reports, per candidate, either "take it" or a
 * skip with its reason. Results are sorted by path so that planning is
 * deterministic.
 */
#ifndef DOCXP_DISCOVER_H
#define DOCXP_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

enum discover_skip {
	DISCOVER_TAKE = 0,
	DISCOVER_SKIP_TOO_LARGE,       /* size over max_file_bytes */
	DISCOVER_SKIP_SYMLINK_OUTSIDE, /* symlink resolving outside the root */
	DISCOVER_SKIP_SYMLINK_LOOP,    /* dangling or looping symlink */
	DISCOVER_SKIP_NOT_REGULAR,     /* fifo, socket, device */
	DISCOVER_SKIP_UNREADABLE,      /* stat/permission error */
};

struct discover_file {
	char *path; /* relative to the root, '/'-separated, malloc'd */
	int64_t size;
	enum discover_skip skip;
};

struct discover_result {
	struct discover_file *files; /* sorted by path */
	size_t count;
	size_t cap;
	size_t dirs_walked;
	char errmsg[256];
};

struct discover_options {
	const char *const *include; /* NULL-terminated globs, NULL or empty = everything */
	const char *const *exclude; /* NULL-terminated globs, may be NULL */
	int64_t max_file_bytes;	    /* larger files are TOO_LARGE (<= 0 = no limit) */
	size_t max_files;	    /* refuse repositories with more candidates (0 = no limit) */
};

/* Walks root (an absolute, real path). Returns 0, or a negative status
 * with res->errmsg set (root unreadable: DX_E_IO, too many files:
 * DX_E_TOOLARGE). Release res with discover_result_release in any case. */
int discover_walk(const char *root, const struct discover_options *opt, struct discover_result *res);

void discover_result_release(struct discover_result *res);

/* "too_large", "symlink_outside", ... (static storage). */
const char *discover_skip_reason(enum discover_skip skip);

#endif
