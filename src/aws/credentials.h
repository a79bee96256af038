/*
 * credentials.h - AWS credentials for signing: from the environment or from
 * the state file docxp-credentials writes.
 *
 * The state file has the credential_process JSON format:
 *   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *    "SessionToken": "...", "Expiration": "2024-05-01T12:00:00Z"}
 * (SessionToken and Expiration optional: static keys never expire.)
 * Workers keep a provider handle that re-reads the file when it changes
 * (inode, size or mtime), so a refresh by the timer reaches running jobs.
 *
 * Never log what a struct aws_credentials holds but its source, its
 * expiration and the access key id's first characters.
 */
#ifndef DOCXP_CREDENTIALS_H
#define DOCXP_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct aws_credentials {
	char access_key_id[128];
	char secret_access_key[128];
	char session_token[4096];
	time_t expiration; /* 0 = never */
	char source[64];   /* "environment", "file:/path" (cut) */
};

/*
 * Loads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
 * (optional) from the environment. Returns 0, -ENOENT when the two keys
 * are not both set, DX_E_TOOLARGE when a value does not fit.
 */
int aws_credentials_from_env(struct aws_credentials *c, char *errmsg, size_t errlen);

/*
 * Parses credential_process JSON (at most 64 KiB). Returns 0, DX_E_BADJSON
 * or DX_E_VALIDATION (Version not 1, keys missing or too long, bad
 * Expiration) with the reason in errmsg (never a secret).
 */
int aws_credentials_parse_json(const char *json, size_t len, struct aws_credentials *c, char *errmsg,
			       size_t errlen);

/* Parses json (len bytes) as one complete JSON object: the object (free
 * with json_object_put) or NULL. */
struct json_object;
struct json_object *aws_json_object(const char *json, size_t len);

/* The string member key of o, or NULL. */
const char *aws_json_str(struct json_object *o, const char *key);

/*
 * Fills c from the values of a credentials document: id and secret
 * required, token optional (NULL), exp an optional RFC 3339 time (NULL or
 * "": never expires). what names the document in errmsg ("credentials
 * JSON"). Returns 0, or DX_E_VALIDATION with the reason (c wiped).
 */
int aws_credentials_set(struct aws_credentials *c, const char *id, const char *secret, const char *token,
			const char *exp, const char *what, char *errmsg, size_t errlen);

/* Reads and parses the state file at path. Returns as
 * aws_credentials_parse_json, or -errno when the file cannot be read. */
int aws_credentials_from_file(const char *path, struct aws_credentials *c, char *errmsg, size_t errlen);

/* Parses an RFC 3339 UTC time ("2024-05-01T12:00:00Z", fractions and
 * +hh:mm offsets accepted). Returns 0 and sets *t, or -EINVAL. */
int aws_parse_rfc3339(const char *s, time_t *t);

/* Formats t as "2024-05-01T12:00:00Z" into out (21 bytes). */
void aws_format_rfc3339(time_t t, char out[21]);

/* True when c has credentials that do not expire within margin seconds. */
bool aws_credentials_valid(const struct aws_credentials *c, time_t now, int margin);

/* Wipes the secrets (explicit_bzero). */
void aws_credentials_clear(struct aws_credentials *c);

/*
 * Refresh windows, as the AWS SDKs use them: inside the advisory window
 * (15 minutes before expiry) the provider looks at the file on every call;
 * inside the mandatory window (10 minutes) it re-reads it and warns that no
 * fresh credentials came (health reports it). Credentials that live
 * shorter than 45 minutes (tests) get windows of a half and a third of
 * their lifetime instead, so that a healthy refresh cycle never warns.
 */
#define AWS_CRED_ADVISORY_SECONDS  900
#define AWS_CRED_MANDATORY_SECONDS 600

/* The windows (seconds before expiration) for credentials written at
 * issued and expiring at expiration (not 0). */
void aws_cred_windows(time_t issued, time_t expiration, long *advisory, long *mandatory);

/* What health may show of the state file: never a secret. */
struct aws_cred_status {
	char source[96];    /* the chain's source docxp-credentials recorded, else "file:PATH" */
	char key_prefix[8]; /* the access key id's first four characters */
	time_t expiration;  /* 0 = never */
	time_t written;	    /* mtime of the file */
	long seconds_left;  /* 0 when never expiring */
	bool expired;
	bool refresh_overdue; /* inside the mandatory window: no refresh came */
};

/* Reads the state file at path (as aws_credentials_from_file) and fills
 * st for time now. Returns 0 or the error of aws_credentials_from_file. */
int aws_credentials_file_status(const char *path, time_t now, struct aws_cred_status *st, char *errmsg,
				size_t errlen);

/*
 * A credentials provider: the environment when AWS_ACCESS_KEY_ID is set
 * (as the AWS SDKs' chain starts), else the state file, re-read when it
 * changes. Used by one thread at a time.
 */
struct aws_cred_provider;

/* Creates a provider for the state file at path (may be NULL or "" when
 * only the environment is to be used). Never fails (aborts on OOM). */
struct aws_cred_provider *aws_cred_provider_new(const char *path);

/*
 * Copies the current credentials to *out. Looks at the file again when the
 * last look is more than a second old (stat; re-read on a change), on
 * every call inside the advisory window, with a re-read at least once a
 * second inside the mandatory window, or always when force is true (after
 * an expired-token answer). Returns 0,
 * or a negative status with the reason in errmsg when no credentials are
 * available (the last good ones are kept and still returned when the file
 * merely became unreadable or half-written).
 */
int aws_cred_provider_get(struct aws_cred_provider *p, bool force, struct aws_credentials *out, char *errmsg,
			  size_t errlen);

/* How many times the credentials were (re)loaded with a change. */
unsigned long aws_cred_provider_generation(const struct aws_cred_provider *p);

/* Frees the provider and wipes its secrets (NULL-safe). */
void aws_cred_provider_free(struct aws_cred_provider *p);

#endif
