/* Unit tests for src/index/discover.c: a real temporary tree with
 * symlinks in and out of the root, loops, a fifo, a big file, VCS
 * folders and excluded directories. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/discover.h"
#include "util/status.h"

struct tree {
	char base[64]; /* holds root/ and outside/ */
	char root[128];
	char outside[128];
};

static void put(const char *dir, const char *rel, size_t size)
{
	char path[512];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < size; i++)
		fputc(i % 64 == 63 ? '\n' : 'x', f);
	fclose(f);
}

static void mk(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void ln(const char *target, const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[512];
	char *real;

	strcpy(t->base, "/tmp/docxp-discover-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	/* The root must be a real path (/tmp may be a symlink somewhere). */
	real = realpath(t->base, NULL);
	snprintf(t->root, sizeof(t->root), "%s/root", real);
	snprintf(t->outside, sizeof(t->outside), "%s/outside", real);
	free(real);
	assert_int_equal(mkdir(t->root, 0755), 0);
	assert_int_equal(mkdir(t->outside, 0755), 0);
	put(t->outside, "secret.java", 10);

	put(t->root, "a.java", 100);
	put(t->root, "big.java", 2000);
	put(t->root, "src-old.java", 10);
	mk(t->root, "src");
	put(t->root, "src/B.java", 10);
	put(t->root, "src/notes.txt", 10);
	mk(t->root, "src/sub");
	put(t->root, "src/sub/C.java", 10);
	mk(t->root, "build");
	put(t->root, "build/out.java", 10);
	mk(t->root, "target");
	put(t->root, "target/x.java", 10);
	mk(t->root, ".git");
	put(t->root, ".git/HEAD", 10);
	put(t->root, ".git/config.java", 10);
	mk(t->root, ".svn");
	put(t->root, ".svn/x.java", 10);
	mk(t->root, "CVS");
	put(t->root, "CVS/y.java", 10);
	snprintf(path, sizeof(path), "%s/fifo.java", t->root);
	assert_int_equal(mkfifo(path, 0644), 0);

	ln("src/B.java", t->root, "link_in.java");
	snprintf(path, sizeof(path), "%s/secret.java", t->outside);
	ln(path, t->root, "link_out.java");
	ln("../outside/secret.java", t->root, "link_out_rel.java");
	ln("nothing.java", t->root, "dangling.java");
	ln("loop2.java", t->root, "loop1.java");
	ln("loop1.java", t->root, "loop2.java");
	ln("src", t->root, "linkdir");
	ln(t->outside, t->root, "outdir");
	ln("../..", t->root, "src/sub/up");
	ln(".git", t->root, "gitlink");
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->base);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static const struct discover_file *find(const struct discover_result *res, const char *path)
{
	size_t i;

	for (i = 0; i < res->count; i++)
		if (strcmp(res->files[i].path, path) == 0)
			return &res->files[i];
	return NULL;
}

static void test_java_only(void **state)
{
	struct tree *t = *state;
	static const char *const include[] = {"*.java", NULL};
	static const char *const exclude[] = {"build/**", "target", NULL};
	static const struct {
		const char *path;
		enum discover_skip skip;
	} want[] = {
	    {"a.java", DISCOVER_TAKE},
	    {"big.java", DISCOVER_SKIP_TOO_LARGE},
	    {"dangling.java", DISCOVER_SKIP_SYMLINK_LOOP},
	    {"fifo.java", DISCOVER_SKIP_NOT_REGULAR},
	    {"link_in.java", DISCOVER_TAKE},
	    {"link_out.java", DISCOVER_SKIP_SYMLINK_OUTSIDE},
	    {"link_out_rel.java", DISCOVER_SKIP_SYMLINK_OUTSIDE},
	    {"loop1.java", DISCOVER_SKIP_SYMLINK_LOOP},
	    {"loop2.java", DISCOVER_SKIP_SYMLINK_LOOP},
	    {"src-old.java", DISCOVER_TAKE},
	    {"src/B.java", DISCOVER_TAKE},
	    {"src/sub/C.java", DISCOVER_TAKE},
	};
	struct discover_options opt = {include, exclude, 1000, 0};
	struct discover_result res;
	size_t i;

	assert_int_equal(discover_walk(t->root, &opt, &res), 0);
	assert_int_equal(res.count, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < res.count; i++) {
		assert_string_equal(res.files[i].path, want[i].path);
		assert_int_equal(res.files[i].skip, want[i].skip);
	}
	assert_int_equal(find(&res, "a.java")->size, 100);
	assert_int_equal(find(&res, "big.java")->size, 2000);
	assert_int_equal(find(&res, "link_in.java")->size, 10);
	/* root, src, src/sub; build and target pruned, linkdir and up seen. */
	assert_int_equal(res.dirs_walked, 3);
	discover_result_release(&res);
}

static void test_everything(void **state)
{
	struct tree *t = *state;
	static const char *const include[] = {NULL};
	struct discover_options opt = {include, NULL, 1000, 0};
	struct discover_result res;
	const struct discover_file *f;
	size_t i;

	assert_int_equal(discover_walk(t->root, &opt, &res), 0);
	for (i = 0; i + 1 < res.count; i++)
		assert_true(strcmp(res.files[i].path, res.files[i + 1].path) < 0);
	for (i = 0; i < res.count; i++) {
		/* Never anything from a VCS folder, nor a second way to src. */
		assert_null(strstr(res.files[i].path, ".git/"));
		assert_null(strstr(res.files[i].path, ".svn"));
		assert_null(strstr(res.files[i].path, "CVS"));
		assert_null(strstr(res.files[i].path, "linkdir/"));
		assert_null(strstr(res.files[i].path, "up/"));
		assert_null(strstr(res.files[i].path, "secret"));
	}
	assert_non_null(find(&res, "src/notes.txt"));
	assert_non_null(find(&res, "build/out.java"));
	assert_non_null(find(&res, "target/x.java"));
	f = find(&res, "outdir");
	assert_non_null(f);
	assert_int_equal(f->skip, DISCOVER_SKIP_SYMLINK_OUTSIDE);
	/* A symlink to .git is treated as leaving the root. */
	f = find(&res, "gitlink");
	assert_non_null(f);
	assert_int_equal(f->skip, DISCOVER_SKIP_SYMLINK_OUTSIDE);
	discover_result_release(&res);
}

static void test_null_options_and_no_limit(void **state)
{
	struct tree *t = *state;
	struct discover_options opt = {NULL, NULL, 0, 0};
	struct discover_result res;
	const struct discover_file *f;

	assert_int_equal(discover_walk(t->root, &opt, &res), 0);
	f = find(&res, "big.java");
	assert_non_null(f);
	assert_int_equal(f->skip, DISCOVER_TAKE);
	discover_result_release(&res);
}

static void test_symlinked_dir_is_followed(void **state)
{
	struct tree *t = *state;
	static const char *const include[] = {"**/*.java", NULL};
	/* real/ is pruned by name, alias/ points to it from inside the root. */
	static const char *const exclude[] = {"real", NULL};
	struct discover_options opt = {include, exclude, 1000, 0};
	struct discover_result res;
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/src/sub", t->root);
	mk(dir, "real");
	put(dir, "real/D.java", 5);
	ln("real", dir, "alias");
	assert_int_equal(discover_walk(t->root, &opt, &res), 0);
	assert_null(find(&res, "src/sub/real/D.java"));
	assert_non_null(find(&res, "src/sub/alias/D.java"));
	assert_int_equal(find(&res, "src/sub/alias/D.java")->skip, DISCOVER_TAKE);
	discover_result_release(&res);
}

static void test_max_files(void **state)
{
	struct tree *t = *state;
	static const char *const include[] = {"*.java", NULL};
	struct discover_options opt = {include, NULL, 1000, 3};
	struct discover_result res;

	assert_int_equal(discover_walk(t->root, &opt, &res), DX_E_TOOLARGE);
	assert_non_null(strstr(res.errmsg, "more than 3"));
	discover_result_release(&res);
}

/* A root with nothing in it: no files, no error (the empty list is
 * not sorted: qsort must not get its NULL array; UBSan checks). */
static void test_empty_root(void **state)
{
	struct discover_options opt = {NULL, NULL, 1000, 0};
	struct discover_result res;
	char dir[] = "/tmp/docxp-discover-empty-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(discover_walk(dir, &opt, &res), 0);
	assert_int_equal(res.count, 0);
	discover_result_release(&res);
	assert_int_equal(rmdir(dir), 0);
}

static void test_missing_root(void **state)
{
	struct discover_options opt = {NULL, NULL, 1000, 0};
	struct discover_result res;

	(void)state;
	assert_int_equal(discover_walk("/nonexistent/docxp/root", &opt, &res), DX_E_IO);
	assert_non_null(strstr(res.errmsg, "could not"));
	discover_result_release(&res);
}

/* Walks root and checks the unreadable entries; no cmocka asserts, as it
 * may run in a forked child. Returns NULL or what went wrong. */
static const char *walk_unreadable(const char *root)
{
	static const struct {
		const char *path;
		enum discover_skip skip;
		const char *err;
	} want[] = {
	    {"locked", DISCOVER_SKIP_UNREADABLE, "locked is not unreadable"},
	    {"noread.java", DISCOVER_SKIP_UNREADABLE, "noread.java is not unreadable"},
	    {"a.java", DISCOVER_TAKE, "a.java is not taken"},
	};
	struct discover_options opt = {NULL, NULL, 1000, 0};
	struct discover_result res;
	const struct discover_file *f;
	const char *err = NULL;
	size_t i;

	if (discover_walk(root, &opt, &res) != 0)
		err = "walk failed";
	for (i = 0; !err && i < sizeof(want) / sizeof(want[0]); i++) {
		f = find(&res, want[i].path);
		if (!f || f->skip != want[i].skip)
			err = want[i].err;
	}
	discover_result_release(&res);
	return err;
}

static void test_unreadable(void **state)
{
	struct tree *t = *state;
	char path[512];
	const char *err;
	pid_t pid;
	int status;

	mk(t->root, "locked");
	put(t->root, "locked/x.java", 5);
	put(t->root, "noread.java", 5);
	snprintf(path, sizeof(path), "%s/noread.java", t->root);
	chmod(path, 0);
	snprintf(path, sizeof(path), "%s/locked", t->root);
	chmod(path, 0);
	if (geteuid() != 0) {
		err = walk_unreadable(t->root);
		if (err)
			fail_msg("%s", err);
	} else {
		/* Permission bits do not stop root: walk as nobody. */
		chmod(t->base, 0755);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			err = walk_unreadable(t->root);
			if (err)
				fprintf(stderr, "# %s\n", err);
			_exit(err ? 1 : 0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	chmod(path, 0755);
}

/* A taken file carries the stat of the walk (a symlink: its target's);
 * skipped ones carry none. */
static void test_stat_of_taken_files(void **state)
{
	struct tree *t = *state;
	static const char *const include[] = {"*.java", NULL};
	struct discover_options opt = {include, NULL, 1000, 0};
	struct discover_result res;
	const struct discover_file *f;
	char path[512];
	struct stat st;

	assert_int_equal(discover_walk(t->root, &opt, &res), 0);
	snprintf(path, sizeof(path), "%s/src/B.java", t->root);
	assert_int_equal(stat(path, &st), 0);
	f = find(&res, "src/B.java");
	assert_int_equal(f->st.size, st.st_size);
	assert_int_equal(f->st.mtime_ns, (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	assert_int_equal(f->st.ctime_ns, (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec);
	assert_int_equal(f->st.ino, (int64_t)st.st_ino);
	assert_int_equal(find(&res, "link_in.java")->st.size, 10);
	assert_int_equal(find(&res, "big.java")->st.ino, 0);
	discover_result_release(&res);
}

/* The "racily clean" rule. */
static void test_stat_unchanged(void **state)
{
	const int64_t s = 1000000000LL;
	const struct discover_stat then = {100, 50 * s + 123, 60 * s + 456, 7};
	const struct discover_stat coarse = {100, 50 * s, 60 * s, 7};
	struct discover_stat now = then;

	(void)state;
	/* Whole seconds (a coarse file system): the longer margin. */
	assert_false(discover_stat_unchanged(&coarse, &coarse, 60 * s + DISCOVER_RACY_COARSE_NS));
	assert_true(discover_stat_unchanged(&coarse, &coarse, 60 * s + DISCOVER_RACY_COARSE_NS + 1));
	/* Written long before the earlier walk: trusted. */
	assert_true(discover_stat_unchanged(&now, &then, 100 * s));
	/* Within the margin before that walk, or after it: read again. */
	assert_false(discover_stat_unchanged(&now, &then, 60 * s + 456 + DISCOVER_RACY_NS));
	assert_true(discover_stat_unchanged(&now, &then, 60 * s + 456 + DISCOVER_RACY_NS + 1));
	assert_false(discover_stat_unchanged(&now, &then, 61 * s));
	assert_false(discover_stat_unchanged(&now, &then, 10 * s));
	assert_false(discover_stat_unchanged(&now, &then, 0));
	/* A future mtime (touch -d tomorrow) is never trusted. */
	now.mtime_ns = 500 * s;
	assert_false(discover_stat_unchanged(&now, &now, 100 * s));
	/* Any difference means changed. */
	now = then;
	now.size = 101;
	assert_false(discover_stat_unchanged(&now, &then, 100 * s));
	now = then;
	now.mtime_ns++;
	assert_false(discover_stat_unchanged(&now, &then, 100 * s));
	now = then;
	now.ctime_ns++;
	assert_false(discover_stat_unchanged(&now, &then, 100 * s));
	now = then;
	now.ino = 8;
	assert_false(discover_stat_unchanged(&now, &then, 100 * s));
}

static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(discover_skip_reason(DISCOVER_SKIP_TOO_LARGE), "too_large");
	assert_string_equal(discover_skip_reason(DISCOVER_SKIP_SYMLINK_OUTSIDE), "symlink_outside");
	assert_string_equal(discover_skip_reason(DISCOVER_SKIP_SYMLINK_LOOP), "symlink_loop");
	assert_string_equal(discover_skip_reason(DISCOVER_SKIP_NOT_REGULAR), "not_regular");
	assert_string_equal(discover_skip_reason(DISCOVER_SKIP_UNREADABLE), "unreadable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_java_only, tree_setup, tree_teardown),
	    cmocka_unit_test(test_empty_root),
	    cmocka_unit_test_setup_teardown(test_everything, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_null_options_and_no_limit, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_symlinked_dir_is_followed, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_max_files, tree_setup, tree_teardown),
	    cmocka_unit_test(test_missing_root),
	    cmocka_unit_test_setup_teardown(test_unreadable, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_stat_of_taken_files, tree_setup, tree_teardown),
	    cmocka_unit_test(test_stat_unchanged),
	    cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests_name("discover", tests, NULL, NULL);
}
