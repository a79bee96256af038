/*
 * credchain.h - the AWS credential provider chain docxp-credentials uses.
 *
 * Sources, in the AWS SDKs' default order (configurable with
 * aws.credential_sources):
 *
 *   environment   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *   profile       the shared credentials and config files (AWS_PROFILE or
 *                 aws.profile, else "default"): static keys, role_arn with
 *                 source_profile / credential_source / web_identity_token_file
 *                 (STS AssumeRole signed with our SigV4), credential_process
 *   web_identity  AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *                 (STS AssumeRoleWithWebIdentity)
 *   container     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
 *                 AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
 *   imds          EC2 instance metadata, IMDSv2 only (PUT a token, GET the
 *                 role, GET its credentials)
 *
 * The first source that yields credentials wins; every source tried before
 * it is reported with the reason it gave nothing. Endpoints can be pointed
 * elsewhere (aws.sts_endpoint, else AWS_ENDPOINT_URL_STS;
 * aws.metadata_endpoint, else AWS_EC2_METADATA_SERVICE_ENDPOINT): the tests use
 * tests/harness/fake_aws.py.
 */
#ifndef DOCXP_CREDCHAIN_H
#define DOCXP_CREDCHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/credentials.h"

#define CREDCHAIN_DEFAULT_ORDER "environment,profile,web_identity,container,imds"
#define CREDCHAIN_MAX_SOURCES	8

enum credchain_source {
	CRED_SRC_ENVIRONMENT,
	CRED_SRC_PROFILE,
	CRED_SRC_WEB_IDENTITY,
	CRED_SRC_CONTAINER,
	CRED_SRC_IMDS,
};

struct credchain_config {
	const char *order;	   /* comma-separated source names; NULL/"" = default */
	const char *profile;	   /* NULL/"" = $AWS_PROFILE, else "default" */
	const char *region;	   /* for STS (a profile's region wins) */
	const char *sts_endpoint;  /* NULL/"" = $AWS_ENDPOINT_URL_STS, else regional */
	const char *imds_endpoint; /* NULL/"" = $AWS_EC2_METADATA_SERVICE_ENDPOINT, else 169.254.169.254 */
	long timeout_ms;	   /* per HTTP request and credential_process; 0 = 10 s */
	int duration_seconds;	   /* of assumed roles; 0 = STS default */
};

struct credchain_attempt {
	char source[32];
	int rc;
	char why[600];
};

struct credchain_result {
	struct aws_credentials cred; /* the winner's (source set) */
	struct credchain_attempt tried[CREDCHAIN_MAX_SOURCES];
	int ntried; /* the last one is the winner on success */
};

/* The name of a source ("environment", ...). */
const char *credchain_source_name(enum credchain_source s);

/*
 * Parses a comma-separated list of source names into out (at most max).
 * Returns the count, or DX_E_CONFIG with the reason in errmsg (unknown or
 * repeated name, empty list).
 */
int credchain_parse_order(const char *order, enum credchain_source *out, int max, char *errmsg,
			  size_t errlen);

/*
 * Tries the sources in order. Returns 0 with res->cred set, DX_E_CONFIG
 * for a bad order, or DX_E_CREDENTIALS when no source worked (every
 * attempt in res->tried). Wipe res->cred with aws_credentials_clear.
 */
int credchain_resolve(const struct credchain_config *cfg, struct credchain_result *res);

/* "environment: why; profile: why; ..." of the failed attempts into out. */
void credchain_describe_failures(const struct credchain_result *res, char *out, size_t outlen);

/*
 * Parses the credentials JSON of the container endpoint (AccessKeyId,
 * SecretAccessKey, Token, Expiration) or of instance metadata (the same
 * plus "Code": "Success"). Returns 0, DX_E_BADJSON or DX_E_VALIDATION with
 * the reason in errmsg (never a secret).
 */
int credchain_parse_metadata_json(const char *json, size_t len, bool imds, struct aws_credentials *c,
				  char *errmsg, size_t errlen);

/* Whether an http:// container credentials URL may be used: loopback or
 * the ECS / EKS link-local addresses (as the SDKs require). */
bool credchain_container_host_allowed(const char *url);

#endif
