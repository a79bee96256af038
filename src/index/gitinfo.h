/*
 * gitinfo.h - the commit a repository's work tree is at.
 */
#ifndef DOCXP_GITINFO_H
#define DOCXP_GITINFO_H

#include <stdbool.h>
#include <stdint.h>

struct gitinfo {
	bool is_git;
	char commit[41];     /* full SHA-1 (or "" for an unborn branch) */
	char branch[256];    /* "" when detached */
	int64_t commit_time; /* unix seconds, 0 when unknown */
};

/* Fills info for the work tree that contains root (root itself or, as git
 * looks, a parent directory on the same file system). Returns 0 (also when it is not a
 * git work tree: is_git = false); never fails the job for git trouble. */
int gitinfo_read(const char *root, struct gitinfo *info);

#endif
