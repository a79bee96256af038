/* Unit tests for src/index/gitinfo.c against repositories made by the git
 * binary (only the test runs git; gitinfo never does). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/gitinfo.h"

/* 2023-11-14 22:13:20 UTC, written with a non-UTC offset on purpose. */
#define COMMIT_TIME 1700000000

struct repo {
	char dir[64];
};

/* Runs a shell command in dir with a git environment that ignores the
 * user's and the system's configuration. */
static void sh(const char *dir, const char *cmd)
{
	char line[2048];

	snprintf(line, sizeof(line),
		 "cd '%s' && HOME='%s' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME='A <U> Thor' "
		 "GIT_AUTHOR_EMAIL=a@example.invalid GIT_COMMITTER_NAME=Committer "
		 "GIT_COMMITTER_EMAIL=c@example.invalid GIT_AUTHOR_DATE='@%d +0200' "
		 "GIT_COMMITTER_DATE='@%d +0200' sh -c '%s' >/dev/null 2>&1",
		 dir, dir, COMMIT_TIME, COMMIT_TIME, cmd);
	if (system(line) != 0)
		fail_msg("command failed: %s", cmd);
}

/* Full SHA-1 of a revision, via git. */
static void rev_parse(const char *dir, const char *rev, char out[41])
{
	char line[512];
	FILE *p;

	snprintf(line, sizeof(line), "cd '%s' && HOME='%s' GIT_CONFIG_NOSYSTEM=1 git rev-parse %s", dir, dir,
		 rev);
	p = popen(line, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 41, p));
	pclose(p);
	assert_int_equal(strlen(out), 40);
}

static int repo_setup(void **state)
{
	struct repo *r = calloc(1, sizeof(*r));

	if (system("git --version >/dev/null 2>&1") != 0) {
		free(r);
		return -1;
	}
	strcpy(r->dir, "/tmp/docxp-gitinfo-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	sh(r->dir, "git init -q -b main . && echo hello >a.txt && git add a.txt && "
		   "git commit -q -m first && echo more >>a.txt && git commit -q -am second");
	*state = r;
	return 0;
}

static int repo_teardown(void **state)
{
	struct repo *r = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	assert_int_equal(system(cmd), 0);
	free(r);
	return 0;
}

static void test_branch(void **state)
{
	struct repo *r = *state;
	struct gitinfo info;
	char sha[41];

	rev_parse(r->dir, "HEAD", sha);
	assert_int_equal(gitinfo_read(r->dir, &info), 0);
	assert_true(info.is_git);
	assert_string_equal(info.branch, "main");
	assert_string_equal(info.commit, sha);
	assert_int_equal(info.commit_time, COMMIT_TIME);
}

static void test_detached(void **state)
{
	struct repo *r = *state;
	struct gitinfo info;
	char sha[41];

	rev_parse(r->dir, "HEAD~1", sha);
	sh(r->dir, "git checkout -q --detach HEAD~1");
	assert_int_equal(gitinfo_read(r->dir, &info), 0);
	assert_true(info.is_git);
	assert_string_equal(info.branch, "");
	assert_string_equal(info.commit, sha);
	assert_int_equal(info.commit_time, COMMIT_TIME);
}

static void test_packed_refs(void **state)
{
	struct repo *r = *state;
	struct gitinfo info;
	char sha[41], path[256];

	rev_parse(r->dir, "HEAD", sha);
	sh(r->dir, "git checkout -q -b feature/x && git pack-refs --all");
	snprintf(path, sizeof(path), "%s/.git/refs/heads/feature/x", r->dir);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(gitinfo_read(r->dir, &info), 0);
	assert_string_equal(info.branch, "feature/x");
	assert_string_equal(info.commit, sha);
	assert_int_equal(info.commit_time, COMMIT_TIME);
}

static void test_packed_objects(void **state)
{
	struct repo *r = *state;
	struct gitinfo info;
	char sha[41];

	/* Once the commit is in a pack only its time is unknown. */
	rev_parse(r->dir, "HEAD", sha);
	sh(r->dir, "git repack -q -a -d && git prune-packed");
	assert_int_equal(gitinfo_read(r->dir, &info), 0);
	assert_string_equal(info.branch, "main");
	assert_string_equal(info.commit, sha);
	assert_int_equal(info.commit_time, 0);
}

static void test_worktree(void **state)
{
	struct repo *r = *state;
	struct gitinfo info;
	char sha[41], wt[128];

	rev_parse(r->dir, "HEAD~1", sha);
	sh(r->dir, "git worktree add -q -b wt-branch wt HEAD~1");
	snprintf(wt, sizeof(wt), "%s/wt", r->dir);
	assert_int_equal(gitinfo_read(wt, &info), 0);
	assert_true(info.is_git);
	assert_string_equal(info.branch, "wt-branch");
	assert_string_equal(info.commit, sha);
	assert_int_equal(info.commit_time, COMMIT_TIME);
}

static void test_unborn(void **state)
{
	struct gitinfo info;
	char dir[64] = "/tmp/docxp-gitinfo-XXXXXX", cmd[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	sh(dir, "git init -q -b trunk .");
	assert_int_equal(gitinfo_read(dir, &info), 0);
	assert_true(info.is_git);
	assert_string_equal(info.branch, "trunk");
	assert_string_equal(info.commit, "");
	assert_int_equal(info.commit_time, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_not_git(void **state)
{
	struct gitinfo info;
	char dir[64] = "/tmp/docxp-gitinfo-XXXXXX", cmd[160];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(gitinfo_read(dir, &info), 0);
	assert_false(info.is_git);
	assert_string_equal(info.commit, "");
	assert_string_equal(info.branch, "");
	/* An empty .git folder and a .git file pointing nowhere are no repositories. */
	snprintf(cmd, sizeof(cmd), "mkdir '%s/.git'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(gitinfo_read(dir, &info), 0);
	assert_false(info.is_git);
	snprintf(cmd, sizeof(cmd), "rmdir '%s/.git' && echo 'gitdir: /nonexistent' >'%s/.git'", dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(gitinfo_read(dir, &info), 0);
	assert_false(info.is_git);
	assert_int_equal(gitinfo_read("/nonexistent/docxp", &info), 0);
	assert_false(info.is_git);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_hostile_head(void **state)
{
	struct gitinfo info;
	char dir[64] = "/tmp/docxp-gitinfo-XXXXXX", cmd[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* A ref name climbing out of .git must not be read. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/.git/refs' && echo 'ref: refs/../../secret' >'%s/.git/HEAD' && "
		 "echo 0123456789012345678901234567890123456789 >'%s/secret'",
		 dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(gitinfo_read(dir, &info), 0);
	assert_true(info.is_git);
	assert_string_equal(info.commit, "");
	assert_string_equal(info.branch, "");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_branch, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_detached, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_packed_refs, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_packed_objects, repo_setup, repo_teardown),
	    cmocka_unit_test_setup_teardown(test_worktree, repo_setup, repo_teardown),
	    cmocka_unit_test(test_unborn),
	    cmocka_unit_test(test_not_git),
	    cmocka_unit_test(test_hostile_head),
	};

	return cmocka_run_group_tests_name("gitinfo", tests, NULL, NULL);
}
