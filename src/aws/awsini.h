/*
 * awsini.h - the AWS shared credentials and config files (profiles).
 *
 * Both files are INI. In the credentials file a section "[name]" is the
 * profile "name"; in the config file a profile is "[profile name]", except
 * "[default]" (a bare "[name]" there is ignored, as the AWS CLI does, and
 * so are "[sso-session x]" and "[services x]"). Comment lines start with
 * '#' or ';'; values are trimmed; indented lines continue a nested value
 * ("s3 =\n  max_concurrent_requests = 5") and are skipped. When both files
 * name a key of the same profile the credentials file wins.
 *
 * Pure parsing: no I/O besides awsini_load reading one capped file.
 */
#ifndef DOCXP_AWSINI_H
#define DOCXP_AWSINI_H

#include <stdbool.h>
#include <stddef.h>

#define AWSINI_MAX_BYTES   (1024 * 1024)
#define AWSINI_MAX_ENTRIES 10000

enum awsini_kind {
	AWSINI_CREDENTIALS, /* ~/.aws/credentials: [name] */
	AWSINI_CONFIG,	    /* ~/.aws/config: [profile name] and [default] */
};

struct awsini;

/* An empty set of profiles (never fails: aborts on OOM). */
struct awsini *awsini_new(void);

/*
 * Adds the profiles of len bytes of text of the given kind to ini (later
 * additions do not override keys already present, so add the credentials
 * file first). Returns 0, or DX_E_TOOLARGE / DX_E_VALIDATION (a line that
 * is neither a section, a key = value nor a comment; too many entries) with
 * "line N: reason" in errmsg. ini keeps what was added before the error.
 */
int awsini_add(struct awsini *ini, enum awsini_kind kind, const char *text, size_t len, char *errmsg,
	       size_t errlen);

/* Reads path (at most AWSINI_MAX_BYTES) and adds it. Returns as awsini_add,
 * or -errno (-ENOENT for a missing file) with errmsg "could not open ...". */
int awsini_load(struct awsini *ini, enum awsini_kind kind, const char *path, char *errmsg, size_t errlen);

/* True when a section for profile was seen (even an empty one). */
bool awsini_has_profile(const struct awsini *ini, const char *profile);

/* The value of key in profile, or NULL. Owned by ini. */
const char *awsini_get(const struct awsini *ini, const char *profile, const char *key);

/* Frees ini, wiping the values (they may be secrets). NULL-safe. */
void awsini_free(struct awsini *ini);

#endif
