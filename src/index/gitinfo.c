/*
 * gitinfo.c - reading HEAD without the git binary.
 *
 * Running git would need a PATH, a HOME and a git version we do not
 * control, and costs a fork per job; the little we need (HEAD, one ref,
 * the committer line of one commit) is plain files plus zlib.
 *
 * Limits, all of which give empty fields rather than errors:
 * - only root/.git is looked at, not parent directories: a job indexes a
 *   checkout, and a stray repository in $HOME must not be picked up;
 * - commit_time is read from loose objects only; a commit that lives in a
 *   pack file (after "git gc" or a clone) gives commit_time = 0, since
 *   reading packs means idx lookups and delta chains;
 * - SHA-256 repositories and the reftable ref format give commit = "".
 * Everything read from the repository is bounded, as it is input we do
 * not control.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "index/gitinfo.h"
#include "util/alloc.h"
#include "util/buf.h"

#define GIT_SMALL_FILE_MAX  4096	/* HEAD, refs, .git files */
#define GIT_OBJECT_READ_MAX (64 * 1024) /* compressed bytes of a commit read */
#define GIT_OBJECT_HEAD_MAX (64 * 1024) /* inflated bytes of a commit kept */
#define GIT_REF_DEPTH_MAX   5

/* Reads at most max bytes of path into out (replacing its content).
 * Returns 0 or -errno. */
static int read_small(const char *path, size_t max, struct buf *out)
{
	char chunk[1024];
	ssize_t n;
	int fd, rc = 0;

	buf_reset(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (out->len < max) {
		size_t want = max - out->len < sizeof(chunk) ? max - out->len : sizeof(chunk);

		n = read(fd, chunk, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return rc;
}

static void trim_end(struct buf *b)
{
	while (b->len > 0 && isspace((unsigned char)b->ptr[b->len - 1]))
		b->ptr[--b->len] = '\0';
}

static bool is_sha1_hex(const char *s, size_t n)
{
	size_t i;

	if (n != 40)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A ref name read from the repository becomes a file name: refuse anything
 * that could leave the git directory. */
static bool is_safe_ref(const char *ref)
{
	size_t i;

	if (strncmp(ref, "refs/", 5) != 0 || strlen(ref) > 250)
		return false;
	if (strstr(ref, "..") || strstr(ref, "//") || ref[strlen(ref) - 1] == '/')
		return false;
	for (i = 0; ref[i]; i++)
		if ((unsigned char)ref[i] <= ' ' || ref[i] == '\\' || ref[i] == 0x7f)
			return false;
	return true;
}

/* Joins base and a path read from a file: absolute paths stay as they are. */
static void join_path(struct buf *out, const char *base, const char *path)
{
	buf_reset(out);
	if (path[0] != '/') {
		buf_addstr(out, base);
		buf_addstr(out, "/");
	}
	buf_addstr(out, path);
}

/*
 * Finds the git directory of the work tree at root: root/.git itself, or
 * where a "gitdir: ..." file (worktrees, submodules) points. Returns 0 and
 * fills gitdir, or -1 when root is not a work tree.
 */
static int find_gitdir(const char *root, struct buf *gitdir, struct buf *tmp)
{
	struct stat st;
	int rc = -1;

	buf_reset(gitdir);
	buf_printf(gitdir, "%s/.git", root);
	if (stat(gitdir->ptr, &st) < 0)
		goto out;
	if (S_ISREG(st.st_mode)) {
		if (read_small(gitdir->ptr, GIT_SMALL_FILE_MAX, tmp) < 0)
			goto out;
		trim_end(tmp);
		if (strncmp(buf_str(tmp), "gitdir:", 7) != 0)
			goto out;
		join_path(gitdir, root, buf_str(tmp) + 7 + strspn(buf_str(tmp) + 7, " \t"));
	} else if (!S_ISDIR(st.st_mode)) {
		goto out;
	}
	/* Every git directory has a HEAD; an empty ".git" folder is no repository. */
	buf_reset(tmp);
	buf_printf(tmp, "%s/HEAD", gitdir->ptr);
	if (access(tmp->ptr, F_OK) < 0)
		goto out;
	rc = 0;
out:
	return rc;
}

/* The directory that holds refs and objects: a linked worktree's git
 * directory names it in its "commondir" file. */
static void find_commondir(const char *gitdir, struct buf *common, struct buf *tmp)
{
	buf_reset(common);
	buf_printf(common, "%s/commondir", gitdir);
	if (read_small(common->ptr, GIT_SMALL_FILE_MAX, tmp) == 0) {
		trim_end(tmp);
		if (tmp->len > 0) {
			join_path(common, gitdir, buf_str(tmp));
			return;
		}
	}
	buf_reset(common);
	buf_addstr(common, gitdir);
}

/* Looks ref up in common/packed-refs; copies its SHA-1 into sha. */
static int lookup_packed(const char *common, const char *ref, char *sha, struct buf *tmp)
{
	char line[1024];
	size_t reflen = strlen(ref);
	bool partial = false;
	FILE *f;
	int rc = -1;

	buf_reset(tmp);
	buf_printf(tmp, "%s/packed-refs", common);
	f = fopen(tmp->ptr, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		bool was_partial = partial;

		/* The tail of an over-long line is not the start of an entry. */
		partial = n > 0 && line[n - 1] != '\n';
		if (was_partial || line[0] == '#' || line[0] == '^')
			continue;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 41 + reflen && line[40] == ' ' && strcmp(line + 41, ref) == 0 &&
		    is_sha1_hex(line, 40)) {
			memcpy(sha, line, 40);
			sha[40] = '\0';
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* Resolves ref (loose file first, then packed-refs, following symbolic
 * refs a few levels). Returns 0 with sha filled, or -1. */
static int resolve_ref(const char *common, const char *ref, char *sha, int depth)
{
	struct buf path, content;
	int rc = -1;

	buf_init(&path, 0);
	buf_init(&content, GIT_SMALL_FILE_MAX);
	if (depth > GIT_REF_DEPTH_MAX || !is_safe_ref(ref))
		goto out;
	buf_printf(&path, "%s/%s", common, ref);
	if (read_small(path.ptr, GIT_SMALL_FILE_MAX, &content) == 0) {
		trim_end(&content);
		if (strncmp(buf_str(&content), "ref:", 4) == 0) {
			const char *target = buf_str(&content) + 4;

			rc = resolve_ref(common, target + strspn(target, " \t"), sha, depth + 1);
		} else if (is_sha1_hex(buf_str(&content), content.len)) {
			memcpy(sha, content.ptr, 41);
			rc = 0;
		}
		goto out;
	}
	rc = lookup_packed(common, ref, sha, &path);
out:
	buf_release(&content);
	buf_release(&path);
	return rc;
}

/* The committer timestamp from an inflated "commit <size>\0headers\n\n..." */
static int64_t parse_commit_time(const char *obj, size_t n)
{
	const char *p, *end = obj + n, *nul;

	nul = memchr(obj, '\0', n);
	if (!nul || strncmp(obj, "commit ", 7) != 0)
		return 0;
	for (p = nul + 1; p < end && *p != '\n';) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *gt;

		if (!eol)
			break;
		if ((size_t)(eol - p) > 10 && memcmp(p, "committer ", 10) == 0) {
			/* "committer Name <mail> 1700000000 +0100": the name may
			 * contain anything, the time follows the last '>'. */
			for (gt = eol; gt > p && gt[-1] != '>'; gt--)
				;
			if (gt > p) {
				char num[24];
				size_t len = (size_t)(eol - gt);

				if (len >= sizeof(num))
					len = sizeof(num) - 1;
				memcpy(num, gt, len);
				num[len] = '\0';
				return strtoll(num, NULL, 10);
			}
			return 0;
		}
		p = eol + 1;
	}
	return 0;
}

/* Reads the committer time of a loose commit object; 0 when the object is
 * packed or unreadable. */
static int64_t read_commit_time(const char *common, const char *sha)
{
	unsigned char *in = NULL, *out = NULL;
	struct buf path;
	z_stream zs;
	ssize_t n;
	size_t inlen = 0;
	int64_t t = 0;
	int fd = -1, zrc;

	buf_init(&path, 0);
	memset(&zs, 0, sizeof(zs));
	buf_printf(&path, "%s/objects/%.2s/%s", common, sha, sha + 2);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	in = xmalloc(GIT_OBJECT_READ_MAX);
	out = xmalloc(GIT_OBJECT_HEAD_MAX);
	/* The headers are at the start: a prefix of the object is enough, and
	 * inflating a prefix of a deflate stream is fine. */
	while (inlen < GIT_OBJECT_READ_MAX) {
		n = read(fd, in + inlen, GIT_OBJECT_READ_MAX - inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		inlen += (size_t)n;
	}
	if (inflateInit(&zs) != Z_OK)
		goto out;
	zs.next_in = in;
	zs.avail_in = (uInt)inlen;
	zs.next_out = out;
	zs.avail_out = GIT_OBJECT_HEAD_MAX;
	zrc = inflate(&zs, Z_SYNC_FLUSH);
	if (zrc == Z_OK || zrc == Z_STREAM_END || zrc == Z_BUF_ERROR)
		t = parse_commit_time((const char *)out, GIT_OBJECT_HEAD_MAX - zs.avail_out);
	inflateEnd(&zs);
out:
	if (fd >= 0)
		close(fd);
	free(out);
	free(in);
	buf_release(&path);
	return t;
}

/*
 * A repository is often indexed from a subdirectory of a work tree (a
 * module of a monorepo): like git, look in root and then its parents, but
 * never across a file system boundary.
 */
static int find_gitdir_upwards(const char *root, struct buf *gitdir, struct buf *tmp)
{
	struct buf dir;
	struct stat st;
	dev_t dev;
	int rc = -1;

	if (stat(root, &st) < 0)
		return -1;
	dev = st.st_dev;
	buf_init(&dir, 0);
	buf_addstr(&dir, root);
	for (;;) {
		char *slash;

		if (find_gitdir(dir.len ? dir.ptr : "/", gitdir, tmp) == 0) {
			rc = 0;
			break;
		}
		slash = strrchr(buf_str(&dir), '/');
		if (!slash || dir.len <= 1)
			break;
		*slash = '\0';
		dir.len = (size_t)(slash - dir.ptr);
		if (stat(dir.len ? dir.ptr : "/", &st) < 0 || st.st_dev != dev)
			break;
	}
	buf_release(&dir);
	return rc;
}

int gitinfo_read(const char *root, struct gitinfo *info)
{
	struct buf gitdir, common, path, tmp;
	const char *head, *ref;

	memset(info, 0, sizeof(*info));
	buf_init(&gitdir, 0);
	buf_init(&path, 0);
	buf_init(&common, 0);
	buf_init(&tmp, 0);

	if (find_gitdir_upwards(root, &gitdir, &tmp) < 0)
		goto out;
	info->is_git = true;
	find_commondir(gitdir.ptr, &common, &tmp);

	buf_printf(&path, "%s/HEAD", gitdir.ptr);
	if (read_small(path.ptr, GIT_SMALL_FILE_MAX, &tmp) < 0)
		goto out;
	trim_end(&tmp);
	head = buf_str(&tmp);
	if (strncmp(head, "ref:", 4) == 0) {
		ref = head + 4 + strspn(head + 4, " \t");
		/* reftable repositories keep this placeholder in HEAD. */
		if (strcmp(ref, "refs/heads/.invalid") == 0)
			goto out;
		if (strncmp(ref, "refs/heads/", 11) == 0 && strlen(ref + 11) < sizeof(info->branch))
			strcpy(info->branch, ref + 11);
		/* No such ref: an unborn branch, commit stays "". */
		if (resolve_ref(common.ptr, ref, info->commit, 0) < 0)
			info->commit[0] = '\0';
	} else if (is_sha1_hex(head, tmp.len)) {
		memcpy(info->commit, head, 41);
	}
	if (info->commit[0])
		info->commit_time = read_commit_time(common.ptr, info->commit);
out:
	buf_release(&tmp);
	buf_release(&path);
	buf_release(&common);
	buf_release(&gitdir);
	return 0;
}
