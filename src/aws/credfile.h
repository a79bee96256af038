/*
 * credfile.h - writing the credentials state file (credential_process JSON)
 * so that a reader never sees it half-written: a temporary file in the same
 * directory, written, fsync'ed, renamed over the old one, and the directory
 * fsync'ed. Mode 0600.
 */
#ifndef DOCXP_CREDFILE_H
#define DOCXP_CREDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct aws_credentials;

/*
 * The credential_process JSON of c ({"Version": 1, "AccessKeyId", ...;
 * SessionToken and Expiration only when set}) as a malloc'd string (it
 * holds secrets: wipe before free).
 */
char *credfile_format_json(const struct aws_credentials *c);

/*
 * Writes c to path atomically with mode 0600, owned by uid:gid unless uid
 * is (uid_t)-1. Returns 0 or -errno with "could not X PATH: reason" in
 * errmsg; the old file is untouched on failure.
 */
int credfile_write(const char *path, const struct aws_credentials *c, uid_t uid, gid_t gid, char *errmsg,
		   size_t errlen);

#endif
