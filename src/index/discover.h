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

#include <stdbool.h>
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

/* What the walk saw of a file: enough to tell that it has not been
 * written since (see discover_stat_unchanged). */
struct discover_stat {
	int64_t size;
	int64_t mtime_ns; /* nanoseconds since the epoch */
	int64_t ctime_ns; /* inode change: set by every write, rename or utimes */
	int64_t ino;
};

struct discover_file {
	char *path; /* relative to the root, '/'-separated, malloc'd */
	int64_t size;
	struct discover_stat st; /* DISCOVER_TAKE only; zero otherwise */
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

/* The wall clock in nanoseconds since the epoch: the time a walk starts,
 * to be stored with its stats (stat_ns below). */
int64_t discover_now_ns(void);

/*
 * Margins of the "racily clean" rule. A write after a walk's stat leaves
 * the same times behind only if it falls in the same tick of the clock
 * that stamps the file (a kernel tick of a few milliseconds; a second or
 * two where the file system keeps whole seconds, FAT two) and that clock
 * is not behind the planner's by more than the margin (the file server's
 * clock on NFS). A stat is trusted only for a file last written this long
 * before the walk that saw it began; times that are whole seconds (both
 * of them: a coarse file system) get the longer margin.
 */
#define DISCOVER_RACY_NS	(1000LL * 1000 * 1000)
#define DISCOVER_RACY_COARSE_NS (3000LL * 1000 * 1000)

/*
 * Whether a file whose stat is now is certainly unchanged since an
 * earlier walk that began at then_ns saw it as then, with its content read
 * after that walk: size, times and inode are equal, and the file had not
 * been written within the margin before then_ns (git's "racily clean"
 * rule). Every write sets ctime to the current time and nothing can set
 * it back, so a changed file shows a different ctime unless the clock
 * itself was set back or the file system does not keep ctime.
 */
bool discover_stat_unchanged(const struct discover_stat *now, const struct discover_stat *then,
			     int64_t then_ns);

#endif
