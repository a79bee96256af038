/*
 * sigv4.h - AWS Signature Version 4 (HMAC-SHA256), header and query signing.
 *
 * The canonical request follows the published rules and the awslabs test
 * suite (../shared/testdata/aws-sig-v4-test-suite/v4, every case passes):
 *
 *   - the path is given as it goes on the wire (already percent-encoded
 *     where needed, e.g. Bedrock's "/model/amazon.titan-embed-text-v2%3A0/
 *     invoke"); every service but S3 encodes it once more for signing
 *     (double_encode: "%3A" is signed as "%253A") and removes dot segments
 *     and duplicate slashes (normalize_path);
 *   - query parameters are decoded, re-encoded with the unreserved set and
 *     sorted by name, then value;
 *   - header names are lower-cased, values trimmed with inner runs of
 *     white space (folded lines included) collapsed to one space, repeated
 *     headers joined with "," in their order, and the list sorted.
 *
 * Only OpenSSL is used (HMAC, SHA-256). No I/O, no global state.
 */
#ifndef DOCXP_SIGV4_H
#define DOCXP_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct aws_credentials;

struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_request {
	const char *method; /* "POST" */
	const char *path;   /* wire form, starts with '/', no query */
	const char *query;  /* wire form without '?', or NULL */
	/* Headers to sign; must include "host". Do not pass the x-amz-date,
	 * x-amz-security-token or x-amz-content-sha256 headers: the signer adds
	 * them. */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body; /* may be NULL when body_len is 0 */
	size_t body_len;
	bool normalize_path;	 /* remove "." / ".." segments and empty segments */
	bool double_encode;	 /* URI-encode the wire path again (all but S3) */
	bool sign_body_header;	 /* header signing: add and sign X-Amz-Content-Sha256 */
	bool omit_session_token; /* add the token after signing (unsigned; STS-style) */
	long expires;		 /* query signing: X-Amz-Expires in seconds (1..604800) */
};

#define SIGV4_MAX_ADD_HEADERS 4

struct sigv4_result {
	char *canonical_request; /* malloc'd */
	char *string_to_sign;	 /* malloc'd */
	char signature[65];	 /* lowercase hex */
	char amz_date[17];	 /* "20150830T123600Z" */
	char payload_hash[65];	 /* hex SHA-256 of the body */
	/* Header signing: the header lines to add to the request, "Name: value"
	 * (X-Amz-Date, X-Amz-Security-Token when there is a token,
	 * X-Amz-Content-Sha256 when asked for, Authorization), malloc'd. They
	 * contain secrets (the session token): never log them. */
	char *add_headers[SIGV4_MAX_ADD_HEADERS];
	size_t nadd_headers;
	/* Query signing: the complete query string to send (the request's own
	 * parameters plus the X-Amz-* ones and X-Amz-Signature), malloc'd. */
	char *signed_query;
};

/*
 * Signs req with cred for region and service at time now (UTC), with the
 * Authorization header. Fills out (release it with sigv4_result_release,
 * also after a failure). Returns 0, or DX_E_BADREQUEST for a request that
 * cannot be signed (no host header, path not starting with '/', missing
 * credentials).
 */
int sigv4_sign(const struct sigv4_request *req, const struct aws_credentials *cred, const char *region,
	       const char *service, time_t now, struct sigv4_result *out);

/* Like sigv4_sign, but signs with query parameters (a presigned URL valid
 * for req->expires seconds): out->signed_query holds the query to send. */
int sigv4_presign(const struct sigv4_request *req, const struct aws_credentials *cred, const char *region,
		  const char *service, time_t now, struct sigv4_result *out);

/* Frees what out holds (safe on a zeroed or released result). */
void sigv4_result_release(struct sigv4_result *out);

/*
 * Appends to dst (size dstlen) the URI encoding of n bytes of s: every
 * byte but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash) becomes %XX with
 * upper-case hex. Returns the length the full result needs (like
 * snprintf; the output is cut and NUL-terminated when dstlen is short).
 */
size_t sigv4_uri_encode(const char *s, size_t n, bool keep_slash, char *dst, size_t dstlen);

#endif
