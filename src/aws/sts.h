/*
 * sts.h - AWS STS AssumeRole and AssumeRoleWithWebIdentity (Query API,
 * Version 2011-06-15, XML answers).
 *
 * AssumeRole is signed with our SigV4 (service "sts"); the web identity
 * call is unsigned, as AWS specifies. The endpoint is the regional one
 * (https://sts.REGION.amazonaws.com) unless one is given (tests point it
 * at tests/harness/fake_aws.py).
 */
#ifndef DOCXP_STS_H
#define DOCXP_STS_H

#include <stddef.h>

struct aws_credentials;

#define STS_MAX_ANSWER (64 * 1024)

/*
 * Parses the XML answer to action ("AssumeRole" or
 * "AssumeRoleWithWebIdentity"): <ActionResponse><ActionResult><Credentials>
 * <AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/>. An
 * <ErrorResponse> gives DX_E_UNAUTHORIZED with "Code: Message" in errmsg;
 * anything else (not XML, a missing or oversized key, a bad time) gives
 * DX_E_VALIDATION. Never puts a secret into errmsg.
 */
int sts_parse_credentials(const char *xml, size_t len, const char *action, struct aws_credentials *c,
			  char *errmsg, size_t errlen);

/* Finds the text of the first <tag>...</tag> in xml[0..len) (entities
 * &amp; &lt; &gt; &quot; &apos; decoded) into out. Returns 0, -ENOENT when
 * absent, DX_E_TOOLARGE when it does not fit in outlen. */
int sts_xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen);

struct sts_call {
	const char *endpoint; /* base URL, "" or NULL = https://sts.REGION.amazonaws.com */
	const char *region;
	const char *role_arn;
	const char *session_name; /* NULL = "docxp-<unix time>" */
	int duration_seconds;	  /* 0 = STS's default (1 hour) */
	const char *external_id;  /* AssumeRole only, may be NULL */
	long timeout_ms;
};

/* AssumeRole with the source credentials src. Returns 0 and fills out
 * (source "assume-role:ROLE_ARN", cut), or a negative status with the
 * reason in errmsg. */
int sts_assume_role(const struct sts_call *call, const struct aws_credentials *src,
		    struct aws_credentials *out, char *errmsg, size_t errlen);

/* AssumeRoleWithWebIdentity with the OIDC token (contents of the token
 * file). Returns as sts_assume_role. */
int sts_assume_role_with_web_identity(const struct sts_call *call, const char *token,
				      struct aws_credentials *out, char *errmsg, size_t errlen);

#endif
