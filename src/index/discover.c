/*
 * discover.c - walking a repository root.
 *
 * The walk works with directory file descriptors (openat, fdopendir,
 * fstatat) so that depth is never limited by PATH_MAX and no path is
 * re-resolved from the root for every entry. Only symlinks need a full
 * path, for realpath(), to decide whether they stay inside the root.
 *
 * Symlinked directories are not entered where they are found but queued
 * and walked after the real tree: together with the set of visited
 * directories (dev, ino) this means a directory reachable both directly
 * and through a symlink is listed under its real path, whatever order
 * readdir() returns, and a symlink cycle or bind-mount loop ends the
 * moment a directory is seen twice.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/discover.h"
#include "util/glob.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

/* Each level of nesting holds one open directory; stay far below the
 * usual 1024 descriptors per process. */
#define DISCOVER_MAX_DEPTH 256

struct dirid {
	dev_t dev;
	ino_t ino;
	bool used;
};

/* Open-addressing hash set of the directories already walked. */
struct dirset {
	struct dirid *slots;
	size_t cap; /* power of two */
	size_t count;
};

struct walker {
	const struct discover_options *opt;
	struct discover_result *res;
	const char *root; /* realpath of the root */
	size_t root_len;
	struct buf rel; /* relative path of the directory being walked */
	struct dirset seen;
	char **pending; /* relative paths of symlinked directories, malloc'd */
	size_t npending;
	size_t pending_cap;
};

static size_t dirset_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ (h >> 29));
}

static struct dirid *dirset_slot(struct dirid *slots, size_t cap, dev_t dev, ino_t ino)
{
	size_t i = dirset_hash(dev, ino) & (cap - 1);

	while (slots[i].used && !(slots[i].dev == dev && slots[i].ino == ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Adds (dev, ino); returns false when it was already there. */
static bool dirset_add(struct dirset *set, dev_t dev, ino_t ino)
{
	struct dirid *slot;
	size_t i;

	if (set->count * 2 >= set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		struct dirid *nslots = xcalloc(ncap, sizeof(*nslots));

		for (i = 0; i < set->cap; i++)
			if (set->slots[i].used)
				*dirset_slot(nslots, ncap, set->slots[i].dev, set->slots[i].ino) =
				    set->slots[i];
		free(set->slots);
		set->slots = nslots;
		set->cap = ncap;
	}
	slot = dirset_slot(set->slots, set->cap, dev, ino);
	if (slot->used)
		return false;
	slot->dev = dev;
	slot->ino = ino;
	slot->used = true;
	set->count++;
	return true;
}

static bool any_match(const char *const *globs, const char *path)
{
	size_t i;

	for (i = 0; globs && globs[i]; i++)
		if (glob_match(globs[i], path))
			return true;
	return false;
}

/* A file is a candidate when an include glob (or no include at all) and no
 * exclude glob matches. */
static bool is_candidate(const struct discover_options *opt, const char *rel)
{
	bool included = !opt->include || !opt->include[0] || any_match(opt->include, rel);

	return included && !any_match(opt->exclude, rel);
}

/* "build/\**" does not match "build" itself, but it does match "build/":
 * testing both lets either form of exclude prune the directory. */
static bool is_pruned(struct walker *w, const char *rel)
{
	char *slashed;
	bool pruned;

	if (!w->opt->exclude || !w->opt->exclude[0])
		return false;
	if (any_match(w->opt->exclude, rel))
		return true;
	slashed = xmalloc(strlen(rel) + 2);
	strcpy(slashed, rel);
	strcat(slashed, "/");
	pruned = any_match(w->opt->exclude, slashed);
	free(slashed);
	return pruned;
}

/* max_file_bytes <= 0 means no limit, so that zeroed options take all. */
static bool too_large(const struct walker *w, int64_t size)
{
	return w->opt->max_file_bytes > 0 && size > w->opt->max_file_bytes;
}

static bool is_vcs_name(const char *name)
{
	static const char *const vcs[] = {".git", ".svn", ".hg", ".bzr", "CVS"};
	size_t i;

	for (i = 0; i < sizeof(vcs) / sizeof(vcs[0]); i++)
		if (strcmp(name, vcs[i]) == 0)
			return true;
	return false;
}

/* Records one entry; fails with DX_E_TOOLARGE past max_files. */
static int walker_add(struct walker *w, const char *rel, int64_t size, enum discover_skip skip)
{
	struct discover_result *res = w->res;

	if (w->opt->max_files && res->count >= w->opt->max_files) {
		snprintf(res->errmsg, sizeof(res->errmsg), "repository has more than %zu candidate files",
			 w->opt->max_files);
		return DX_E_TOOLARGE;
	}
	if (res->count == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 256;
		res->files = xrealloc(res->files, res->cap * sizeof(*res->files));
	}
	res->files[res->count].path = xstrdup(rel);
	res->files[res->count].size = size;
	memset(&res->files[res->count].st, 0, sizeof(res->files[res->count].st));
	res->files[res->count].skip = skip;
	res->count++;
	return 0;
}

static int walker_add_if_candidate(struct walker *w, const char *rel, int64_t size, enum discover_skip skip)
{
	if (!is_candidate(w->opt, rel))
		return 0;
	return walker_add(w, rel, size, skip);
}

/* A file to index, with the stat that later walks compare against. */
static int walker_take(struct walker *w, const char *rel, const struct stat *st)
{
	size_t before = w->res->count;
	struct discover_stat *ds;
	int rc;

	rc = walker_add_if_candidate(w, rel, st->st_size, DISCOVER_TAKE);
	if (rc || w->res->count == before)
		return rc;
	ds = &w->res->files[before].st;
	ds->size = st->st_size;
	ds->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	ds->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
	ds->ino = (int64_t)st->st_ino;
	return 0;
}

static void walker_queue(struct walker *w, const char *rel)
{
	if (w->npending == w->pending_cap) {
		w->pending_cap = w->pending_cap ? w->pending_cap * 2 : 16;
		w->pending = xrealloc(w->pending, w->pending_cap * sizeof(*w->pending));
	}
	w->pending[w->npending++] = xstrdup(rel);
}

/* True when the resolved path real lies inside the root and does not pass
 * through a VCS folder (a symlink to .git must not smuggle it in). */
static bool inside_root(struct walker *w, const char *real)
{
	const char *p;

	if (w->root_len == 1) /* the root is "/" */
		p = real + 1;
	else if (strncmp(real, w->root, w->root_len) == 0 &&
		 (real[w->root_len] == '/' || real[w->root_len] == '\0'))
		p = real + w->root_len;
	else
		return false;
	while (*p) {
		size_t len;
		char name[8];

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len > 0 && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (is_vcs_name(name))
				return false;
		}
		p += len;
	}
	return true;
}

/*
 * A symlink: follows it when its target is inside the root, records it as
 * skipped otherwise. Directories are only queued (see the top comment).
 */
static int walk_symlink(struct walker *w, int dirfd, const char *name, const char *rel)
{
	struct stat st;
	char *full = NULL, *real = NULL;
	int rc = 0;

	if (fstatat(dirfd, name, &st, 0) < 0) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
			rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_SYMLINK_LOOP);
		else
			rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_UNREADABLE);
		goto out;
	}
	if (S_ISDIR(st.st_mode) && is_pruned(w, rel))
		goto out;

	full = xmalloc(w->root_len + strlen(rel) + 2);
	sprintf(full, "%s/%s", w->root, rel);
	real = realpath(full, NULL);
	if (!real) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
			rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_SYMLINK_LOOP);
		else
			rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_UNREADABLE);
		goto out;
	}
	if (!inside_root(w, real)) {
		rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_SYMLINK_OUTSIDE);
		goto out;
	}

	if (S_ISDIR(st.st_mode))
		walker_queue(w, rel);
	else if (!S_ISREG(st.st_mode))
		rc = walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_NOT_REGULAR);
	else if (too_large(w, st.st_size))
		rc = walker_add_if_candidate(w, rel, st.st_size, DISCOVER_SKIP_TOO_LARGE);
	else if (faccessat(dirfd, name, R_OK, AT_EACCESS) < 0)
		rc = walker_add_if_candidate(w, rel, st.st_size, DISCOVER_SKIP_UNREADABLE);
	else
		rc = walker_take(w, rel, &st);
out:
	free(real);
	free(full);
	return rc;
}

static int walk_dir(struct walker *w, int fd, size_t depth);

/* Enters the directory name of dirfd unless it is pruned or seen already. */
static int walk_subdir(struct walker *w, int dirfd, const char *name, const char *rel, size_t depth)
{
	struct stat st;
	int fd;

	if (is_pruned(w, rel))
		return 0;
	if (depth >= DISCOVER_MAX_DEPTH) {
		log_warn("directory nesting too deep, not entered | path=%s", rel);
		return walker_add(w, rel, 0, DISCOVER_SKIP_UNREADABLE);
	}
	/* O_NOFOLLOW: a directory swapped for a symlink since fstatat must not
	 * lead the walk out of the root. */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return walker_add(w, rel, 0, DISCOVER_SKIP_UNREADABLE);
	if (fstat(fd, &st) < 0 || !dirset_add(&w->seen, st.st_dev, st.st_ino)) {
		close(fd);
		return 0;
	}
	return walk_dir(w, fd, depth + 1);
}

static int walk_entry(struct walker *w, int dirfd, const char *name, size_t depth)
{
	struct stat st;
	const char *rel;

	rel = buf_str(&w->rel);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT) /* deleted while we walk */
			return 0;
		return walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_UNREADABLE);
	}
	if (S_ISLNK(st.st_mode))
		return walk_symlink(w, dirfd, name, rel);
	if (S_ISDIR(st.st_mode))
		return walk_subdir(w, dirfd, name, rel, depth);
	if (!S_ISREG(st.st_mode))
		return walker_add_if_candidate(w, rel, 0, DISCOVER_SKIP_NOT_REGULAR);
	if (too_large(w, st.st_size))
		return walker_add_if_candidate(w, rel, st.st_size, DISCOVER_SKIP_TOO_LARGE);
	if (faccessat(dirfd, name, R_OK, AT_EACCESS) < 0)
		return walker_add_if_candidate(w, rel, st.st_size, DISCOVER_SKIP_UNREADABLE);
	return walker_take(w, rel, &st);
}

/*
 * Walks the directory open on fd (owned: closed here) whose relative path
 * is in w->rel ("" for the root). Returns 0 or DX_E_TOOLARGE.
 */
static int walk_dir(struct walker *w, int fd, size_t depth)
{
	size_t base_len = w->rel.len;
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return walker_add(w, buf_str(&w->rel), 0, DISCOVER_SKIP_UNREADABLE);
	}
	w->res->dirs_walked++;
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				log_warn("could not read directory: %s | path=%s", strerror(errno),
					 buf_str(&w->rel));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* By name, whatever the type: a ".git" file is a worktree's or a
		 * submodule's pointer to its repository, not source. */
		if (is_vcs_name(de->d_name))
			continue;
		if (base_len > 0)
			buf_addstr(&w->rel, "/");
		buf_addstr(&w->rel, de->d_name);
		rc = walk_entry(w, dirfd(dir), de->d_name, depth);
		w->rel.len = base_len;
		w->rel.ptr[base_len] = '\0';
		if (rc < 0)
			break;
	}
	closedir(dir);
	return rc;
}

static int compare_pending(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks the queued symlinked directories, in rounds (walking them may
 * queue more); sorted so the result does not depend on readdir order. */
static int walk_pending(struct walker *w, int rootfd)
{
	char **batch;
	size_t n, i;
	int rc = 0;

	while (w->npending > 0 && rc == 0) {
		batch = w->pending;
		n = w->npending;
		w->pending = NULL;
		w->npending = 0;
		w->pending_cap = 0;
		qsort(batch, n, sizeof(*batch), compare_pending);
		for (i = 0; i < n && rc == 0; i++) {
			struct stat st;
			int fd;

			fd = openat(rootfd, batch[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0) {
				rc = walker_add(w, batch[i], 0, DISCOVER_SKIP_UNREADABLE);
				continue;
			}
			if (fstat(fd, &st) < 0 || !dirset_add(&w->seen, st.st_dev, st.st_ino)) {
				close(fd);
				continue;
			}
			buf_reset(&w->rel);
			buf_addstr(&w->rel, batch[i]);
			/* The depth cap counts open descriptors, and a round
			 * starts with none held but the root's. */
			rc = walk_dir(w, fd, 1);
		}
		for (i = 0; i < n; i++)
			free(batch[i]);
		free(batch);
	}
	return rc;
}

static int compare_files(const void *a, const void *b)
{
	const struct discover_file *fa = a, *fb = b;

	return strcmp(fa->path, fb->path);
}

int discover_walk(const char *root, const struct discover_options *opt, struct discover_result *res)
{
	struct walker w;
	struct stat st;
	char *real = NULL;
	int rootfd = -1, fd, rc = 0;
	size_t i;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	buf_init(&w.rel, 0);
	buf_addstr(&w.rel, "");
	w.opt = opt;
	w.res = res;

	/* The caller promises a real path; resolving it again costs one call
	 * and keeps the inside-the-root test honest if it was not. */
	real = realpath(root, NULL);
	if (!real) {
		snprintf(res->errmsg, sizeof(res->errmsg), "could not resolve root %s: %s", root,
			 strerror(errno));
		rc = DX_E_IO;
		goto out;
	}
	w.root = real;
	w.root_len = strlen(real);
	rootfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || fstat(rootfd, &st) < 0) {
		snprintf(res->errmsg, sizeof(res->errmsg), "could not open root %s: %s", root,
			 strerror(errno));
		rc = DX_E_IO;
		goto out;
	}
	dirset_add(&w.seen, st.st_dev, st.st_ino);

	fd = dup(rootfd);
	if (fd < 0) {
		snprintf(res->errmsg, sizeof(res->errmsg), "could not open root %s: %s", root,
			 strerror(errno));
		rc = DX_E_IO;
		goto out;
	}
	rc = walk_dir(&w, fd, 0);
	if (rc == 0)
		rc = walk_pending(&w, rootfd);
	/* no files: res->files may be NULL, which qsort must not get */
	if (rc == 0 && res->count > 1)
		qsort(res->files, res->count, sizeof(*res->files), compare_files);
out:
	for (i = 0; i < w.npending; i++)
		free(w.pending[i]);
	free(w.pending);
	free(w.seen.slots);
	buf_release(&w.rel);
	if (rootfd >= 0)
		close(rootfd);
	free(real);
	return rc;
}

void discover_result_release(struct discover_result *res)
{
	size_t i;

	for (i = 0; i < res->count; i++)
		free(res->files[i].path);
	free(res->files);
	res->files = NULL;
	res->count = 0;
	res->cap = 0;
}

int64_t discover_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool discover_stat_unchanged(const struct discover_stat *now, const struct discover_stat *then,
			     int64_t then_ns)
{
	const int64_t second = 1000LL * 1000 * 1000;
	int64_t written = then->mtime_ns > then->ctime_ns ? then->mtime_ns : then->ctime_ns;
	int64_t margin = then->mtime_ns % second == 0 && then->ctime_ns % second == 0
			     ? DISCOVER_RACY_COARSE_NS
			     : DISCOVER_RACY_NS;

	return now->size == then->size && now->mtime_ns == then->mtime_ns &&
	       now->ctime_ns == then->ctime_ns && now->ino == then->ino && then_ns > 0 &&
	       written < then_ns - margin;
}

const char *discover_skip_reason(enum discover_skip skip)
{
	switch (skip) {
	case DISCOVER_TAKE: return "take";
	case DISCOVER_SKIP_TOO_LARGE: return "too_large";
	case DISCOVER_SKIP_SYMLINK_OUTSIDE: return "symlink_outside";
	case DISCOVER_SKIP_SYMLINK_LOOP: return "symlink_loop";
	case DISCOVER_SKIP_NOT_REGULAR: return "not_regular";
	case DISCOVER_SKIP_UNREADABLE: return "unreadable";
	}
	return "unknown";
}
