/*
 * sts.c - STS AssumeRole / AssumeRoleWithWebIdentity: form-encoded POST,
 * XML answer.
 */
#include "config.h"

#include "aws/sts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/awshttp.h"
#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/status.h"

#define STS_VERSION "2011-06-15"

/* Decodes the five predefined XML entities and numeric ones of ASCII. */
static int xml_unescape(const char *s, size_t n, char *out, size_t outlen)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
	size_t i = 0, o = 0, k;

	while (i < n) {
		char c = s[i];
		size_t adv = 1;

		if (c == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				size_t l = strlen(ents[k].name);

				if (n - i >= l && memcmp(s + i, ents[k].name, l) == 0) {
					c = ents[k].c;
					adv = l;
					break;
				}
			}
			if (adv == 1 && n - i > 3 && s[i + 1] == '#') {
				char num[12];
				size_t l = 0;
				long v;

				while (i + 2 + l < n && l < sizeof(num) - 1 && s[i + 2 + l] != ';') {
					num[l] = s[i + 2 + l];
					l++;
				}
				num[l] = '\0';
				if (i + 2 + l < n && s[i + 2 + l] == ';') {
					v = num[0] == 'x' ? strtol(num + 1, NULL, 16) : strtol(num, NULL, 10);
					if (v > 0 && v < 128) {
						c = (char)v;
						adv = l + 3;
					}
				}
			}
		}
		if (o + 1 >= outlen)
			return DX_E_TOOLARGE;
		out[o++] = c;
		i += adv;
	}
	out[o] = '\0';
	return 0;
}

/* Finds "<tag>" or "<tag attr...>" in [p, end). Returns the position after
 * the '>' or NULL. */
static const char *find_open(const char *p, const char *end, const char *tag)
{
	size_t tl = strlen(tag);

	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));

		if (!lt)
			return NULL;
		if ((size_t)(end - lt) > tl + 1 && memcmp(lt + 1, tag, tl) == 0 &&
		    (lt[tl + 1] == '>' || lt[tl + 1] == ' ')) {
			const char *gt = memchr(lt, '>', (size_t)(end - lt));

			return gt ? gt + 1 : NULL;
		}
		p = lt + 1;
	}
	return NULL;
}

static const char *find_close(const char *p, const char *end, const char *tag)
{
	size_t tl = strlen(tag);

	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));

		if (!lt)
			return NULL;
		if ((size_t)(end - lt) >= tl + 3 && lt[1] == '/' && memcmp(lt + 2, tag, tl) == 0 &&
		    lt[tl + 2] == '>')
			return lt;
		p = lt + 1;
	}
	return NULL;
}

int sts_xml_text(const char *xml, size_t len, const char *tag, char *out, size_t outlen)
{
	const char *end = xml + len, *start = find_open(xml, end, tag), *stop;

	if (outlen)
		out[0] = '\0';
	if (!start)
		return -ENOENT;
	stop = find_close(start, end, tag);
	if (!stop)
		return -ENOENT;
	return xml_unescape(start, (size_t)(stop - start), out, outlen);
}

/* The element <tag>...</tag> as a range, for looking inside it. */
static int xml_element(const char *xml, size_t len, const char *tag, const char **inner, size_t *inner_len)
{
	const char *end = xml + len, *start = find_open(xml, end, tag), *stop;

	if (!start)
		return -ENOENT;
	stop = find_close(start, end, tag);
	if (!stop)
		return -ENOENT;
	*inner = start;
	*inner_len = (size_t)(stop - start);
	return 0;
}

int sts_parse_credentials(const char *xml, size_t len, const char *action, struct aws_credentials *c,
			  char *errmsg, size_t errlen)
{
	char tag[64], code[128], msg[512], exp[64];
	const char *in, *cr;
	size_t in_len, cr_len;

	aws_credentials_clear(c);
	if (len > STS_MAX_ANSWER) {
		snprintf(errmsg, errlen, "STS answer larger than %d bytes", STS_MAX_ANSWER);
		return DX_E_TOOLARGE;
	}
	if (xml_element(xml, len, "ErrorResponse", &in, &in_len) == 0) {
		if (sts_xml_text(in, in_len, "Code", code, sizeof(code)) < 0)
			snprintf(code, sizeof(code), "(no code)");
		if (sts_xml_text(in, in_len, "Message", msg, sizeof(msg)) < 0)
			snprintf(msg, sizeof(msg), "(no message)");
		snprintf(errmsg, errlen, "STS %s refused: %s: %s", action, code, msg);
		return DX_E_UNAUTHORIZED;
	}
	snprintf(tag, sizeof(tag), "%sResult", action);
	if (xml_element(xml, len, tag, &in, &in_len) < 0 ||
	    xml_element(in, in_len, "Credentials", &cr, &cr_len) < 0) {
		snprintf(errmsg, errlen, "STS %s answer has no %s/Credentials element", action, tag);
		return DX_E_VALIDATION;
	}
	if (sts_xml_text(cr, cr_len, "AccessKeyId", c->access_key_id, sizeof(c->access_key_id)) < 0 ||
	    sts_xml_text(cr, cr_len, "SecretAccessKey", c->secret_access_key, sizeof(c->secret_access_key)) <
		0 ||
	    sts_xml_text(cr, cr_len, "SessionToken", c->session_token, sizeof(c->session_token)) < 0 ||
	    sts_xml_text(cr, cr_len, "Expiration", exp, sizeof(exp)) < 0) {
		aws_credentials_clear(c);
		snprintf(
		    errmsg, errlen,
		    "STS %s answer: AccessKeyId, SecretAccessKey, SessionToken and Expiration are required "
		    "(and must fit)",
		    action);
		return DX_E_VALIDATION;
	}
	if (!c->access_key_id[0] || !c->secret_access_key[0] || !c->session_token[0] ||
	    aws_parse_rfc3339(exp, &c->expiration) < 0) {
		aws_credentials_clear(c);
		snprintf(errmsg, errlen, "STS %s answer: empty key or bad Expiration", action);
		return DX_E_VALIDATION;
	}
	return 0;
}

/* Appends "&name=value" (value URI-encoded) to b. */
static void form_add(struct buf *b, const char *name, const char *value)
{
	size_t n = sigv4_uri_encode(value, strlen(value), false, NULL, 0);
	char *enc = xmalloc(n + 1);

	sigv4_uri_encode(value, strlen(value), false, enc, n + 1);
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, enc);
	explicit_bzero(enc, n);
	free(enc);
}

/* Splits an endpoint URL into the authority (for Host) and the path. */
static int split_endpoint(const char *url, char *host, size_t hostlen, const char **path)
{
	const char *a = strstr(url, "://"), *slash;
	size_t n;

	if (!a)
		return -EINVAL;
	a += 3;
	slash = strchr(a, '/');
	n = slash ? (size_t)(slash - a) : strlen(a);
	if (!n || n >= hostlen || memchr(a, '@', n) || memchr(a, '?', n))
		return -EINVAL;
	memcpy(host, a, n);
	host[n] = '\0';
	*path = slash ? slash : "/";
	return 0;
}

static int sts_post(const struct sts_call *call, const char *action, struct buf *form,
		    const struct aws_credentials *src, struct aws_credentials *out, char *errmsg,
		    size_t errlen)
{
	char url[1024], host[512], hostline[600], why[600];
	const char *path, *hdrs[8];
	struct sigv4_result sig;
	struct buf answer;
	long status;
	size_t nh = 0, k;
	int rc;

	memset(&sig, 0, sizeof(sig));
	if (call->endpoint && *call->endpoint)
		snprintf(url, sizeof(url), "%s", call->endpoint);
	else
		snprintf(url, sizeof(url), "https://sts.%s.amazonaws.com/", call->region);
	if (split_endpoint(url, host, sizeof(host), &path) < 0 || strchr(path, '?')) {
		snprintf(errmsg, errlen, "STS endpoint is not a usable URL: '%s'", url);
		return DX_E_CONFIG;
	}
	snprintf(hostline, sizeof(hostline), "Host: %s", host);
	hdrs[nh++] = hostline;
	hdrs[nh++] = "Content-Type: application/x-www-form-urlencoded; charset=utf-8";
	hdrs[nh++] = "Accept: text/xml";
	if (src) {
		struct sigv4_header h[2] = {
		    {"Host", host}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
		struct sigv4_request req = {.method = "POST",
					    .path = path,
					    .headers = h,
					    .nheaders = 2,
					    .body = form->ptr,
					    .body_len = form->len,
					    .normalize_path = true,
					    .double_encode = true};

		if (sigv4_sign(&req, src, call->region, "sts", time(NULL), &sig) < 0) {
			sigv4_result_release(&sig);
			snprintf(errmsg, errlen, "could not sign the STS %s request", action);
			return DX_E_INTERNAL;
		}
		for (k = 0; k < sig.nadd_headers && nh < 7; k++)
			hdrs[nh++] = sig.add_headers[k];
	}
	hdrs[nh] = NULL;
	buf_init(&answer, STS_MAX_ANSWER);
	{
		struct awshttp_request hr = {.method = "POST",
					     .url = url,
					     .headers = hdrs,
					     .body = form->ptr,
					     .body_len = form->len,
					     .timeout_ms = call->timeout_ms > 0 ? call->timeout_ms : 10000};

		rc = awshttp_perform(&hr, &status, &answer, why, sizeof(why));
	}
	sigv4_result_release(&sig);
	if (rc < 0) {
		snprintf(errmsg, errlen, "STS %s: %s", action, why);
		goto out;
	}
	rc = sts_parse_credentials(answer.ptr ? answer.ptr : "", answer.len, action, out, why, sizeof(why));
	if (rc < 0) {
		snprintf(errmsg, errlen, "%s (HTTP %ld)", why, status);
		goto out;
	}
	if (status != 200) {
		aws_credentials_clear(out);
		snprintf(errmsg, errlen, "STS %s answered HTTP %ld", action, status);
		rc = DX_E_UNAVAILABLE;
		goto out;
	}
	snprintf(out->source, sizeof(out->source), "%s:%s",
		 strcmp(action, "AssumeRole") == 0 ? "assume-role" : "web-identity", call->role_arn);
out:
	if (answer.ptr)
		explicit_bzero(answer.ptr, answer.len);
	buf_release(&answer);
	return rc;
}

static void common_form(struct buf *form, const char *action, const struct sts_call *call)
{
	char name[64], dur[16];

	form_add(form, "Action", action);
	form_add(form, "Version", STS_VERSION);
	form_add(form, "RoleArn", call->role_arn);
	if (call->session_name && *call->session_name)
		form_add(form, "RoleSessionName", call->session_name);
	else {
		snprintf(name, sizeof(name), "docxp-%lld", (long long)time(NULL));
		form_add(form, "RoleSessionName", name);
	}
	if (call->duration_seconds > 0) {
		snprintf(dur, sizeof(dur), "%d", call->duration_seconds);
		form_add(form, "DurationSeconds", dur);
	}
}

int sts_assume_role(const struct sts_call *call, const struct aws_credentials *src,
		    struct aws_credentials *out, char *errmsg, size_t errlen)
{
	struct buf form;
	int rc;

	aws_credentials_clear(out);
	buf_init(&form, 64 * 1024);
	common_form(&form, "AssumeRole", call);
	if (call->external_id && *call->external_id)
		form_add(&form, "ExternalId", call->external_id);
	rc = sts_post(call, "AssumeRole", &form, src, out, errmsg, errlen);
	buf_release(&form);
	return rc;
}

int sts_assume_role_with_web_identity(const struct sts_call *call, const char *token,
				      struct aws_credentials *out, char *errmsg, size_t errlen)
{
	struct buf form;
	int rc;

	aws_credentials_clear(out);
	buf_init(&form, 256 * 1024);
	common_form(&form, "AssumeRoleWithWebIdentity", call);
	form_add(&form, "WebIdentityToken", token);
	rc = sts_post(call, "AssumeRoleWithWebIdentity", &form, NULL, out, errmsg, errlen);
	if (form.ptr)
		explicit_bzero(form.ptr, form.len);
	buf_release(&form);
	return rc;
}
