/*
 * sigv4.c - AWS Signature Version 4 signing (see sigv4.h for the rules).
 */
#include "config.h"

#include "aws/sigv4.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/credentials.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/status.h"
#include "util/hex.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

size_t sigv4_uri_encode(const char *s, size_t n, bool keep_slash, char *dst, size_t dstlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[3];
		size_t k, w;

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			tmp[0] = (char)c;
			w = 1;
		} else {
			tmp[0] = '%';
			tmp[1] = hex[c >> 4];
			tmp[2] = hex[c & 15];
			w = 3;
		}
		for (k = 0; k < w; k++, need++)
			if (need + 1 < dstlen)
				dst[need] = tmp[k];
	}
	if (dstlen > 0)
		dst[need < dstlen ? need : dstlen - 1] = '\0';
	return need;
}

/* Appends the URI encoding of n bytes of s to b. */
static void buf_uri_encode(struct buf *b, const char *s, size_t n, bool keep_slash)
{
	size_t need = sigv4_uri_encode(s, n, keep_slash, NULL, 0);
	char *tmp = xmalloc(need + 1);

	sigv4_uri_encode(s, n, keep_slash, tmp, need + 1);
	buf_add(b, tmp, need);
	free(tmp);
}

/* Percent-decodes n bytes of s into a new string (invalid escapes kept). */
static char *uri_decode(const char *s, size_t n, size_t *outlen)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex_digit_value(s[i + 1]) >= 0 &&
		    hex_digit_value(s[i + 2]) >= 0) {
			out[o++] = (char)(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* ---- path ------------------------------------------------------------- */

/*
 * Removes "." and ".." segments and empty segments (duplicate slashes),
 * keeping a trailing slash. The result starts with '/'.
 */
static char *normalize_path(const char *path)
{
	size_t len = strlen(path), nseg = 0, i;
	const char **seg = xcalloc(len + 1, sizeof(*seg));
	size_t *seglen = xcalloc(len + 1, sizeof(*seglen));
	const char *p = path;
	bool trailing = false;
	struct buf out;

	while (*p) {
		const char *s, *e;

		while (*p == '/')
			p++;
		if (!*p) {
			trailing = true;
			break;
		}
		s = p;
		e = strchr(s, '/');
		if (!e)
			e = s + strlen(s);
		p = e;
		trailing = false;
		if (e - s == 1 && s[0] == '.') {
			trailing = true;
			continue;
		}
		if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (nseg > 0)
				nseg--;
			trailing = true;
			continue;
		}
		seg[nseg] = s;
		seglen[nseg] = (size_t)(e - s);
		nseg++;
	}
	buf_init(&out, 0);
	for (i = 0; i < nseg; i++) {
		buf_addstr(&out, "/");
		buf_add(&out, seg[i], seglen[i]);
	}
	if (nseg == 0 || trailing)
		buf_addstr(&out, "/");
	free(seg);
	free(seglen);
	return buf_detach(&out);
}

static void canonical_uri(const struct sigv4_request *req, struct buf *b)
{
	const char *path = req->path && *req->path ? req->path : "/";
	char *norm = req->normalize_path ? normalize_path(path) : xstrdup(path);

	if (req->double_encode)
		buf_uri_encode(b, norm, strlen(norm), true);
	else
		buf_addstr(b, norm);
	free(norm);
}

/* ---- query ------------------------------------------------------------ */

struct qparam {
	char *key; /* encoded */
	char *value;
};

static int qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static char *encode_dup(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	buf_uri_encode(&b, s, n, false);
	return buf_detach(&b);
}

static void qparams_add_raw(struct qparam **v, size_t *n, const char *key, const char *value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].key = encode_dup(key, strlen(key));
	(*v)[*n].value = encode_dup(value, strlen(value));
	(*n)++;
}

/* Splits a wire query into decoded-then-encoded parameters. */
static void qparams_parse(const char *query, struct qparam **v, size_t *n)
{
	const char *p = query;

	while (p && *p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *kend = eq ? eq : end;
		size_t klen, vlen;
		char *k, *val;

		if (end > p) {
			k = uri_decode(p, (size_t)(kend - p), &klen);
			val = eq ? uri_decode(eq + 1, (size_t)(end - eq - 1), &vlen) : xstrdup("");
			if (!eq)
				vlen = 0;
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[*n].key = encode_dup(k, klen);
			(*v)[*n].value = encode_dup(val, vlen);
			(*n)++;
			free(k);
			free(val);
		}
		p = amp ? amp + 1 : NULL;
	}
}

static void qparams_free(struct qparam *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void qparams_join(struct qparam *v, size_t n, struct buf *b)
{
	size_t i;

	if (n > 1)
		qsort(v, n, sizeof(*v), qparam_cmp);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addstr(b, "&");
		buf_addstr(b, v[i].key);
		buf_addstr(b, "=");
		buf_addstr(b, v[i].value);
	}
}

/* ---- headers ---------------------------------------------------------- */

struct chdr {
	char *name;  /* lower case */
	char *value; /* trimmed, white space collapsed */
	size_t order;
};

static int chdr_cmp(const void *a, const void *b)
{
	const struct chdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s), *p;

	for (p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static char *trim_collapse(const char *s)
{
	char *d = xmalloc(strlen(s) + 1);
	size_t o = 0;
	bool space = false;

	while (is_ws(*s))
		s++;
	for (; *s; s++) {
		if (is_ws(*s)) {
			space = true;
			continue;
		}
		if (space && o > 0)
			d[o++] = ' ';
		space = false;
		d[o++] = *s;
	}
	d[o] = '\0';
	return d;
}

static void chdrs_add(struct chdr **v, size_t *n, const char *name, const char *value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].name = lower_dup(name);
	(*v)[*n].value = trim_collapse(value);
	(*v)[*n].order = *n;
	(*n)++;
}

static void chdrs_free(struct chdr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/* Sorts the headers and writes "name:v1,v2\n" lines into canon and the
 * "a;b;c" list into signed_list. */
static void chdrs_canonical(struct chdr *v, size_t n, struct buf *canon, struct buf *signed_list)
{
	size_t i;

	if (n > 1)
		qsort(v, n, sizeof(*v), chdr_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i].name, v[i - 1].name) == 0) {
			buf_addstr(canon, ",");
			buf_addstr(canon, v[i].value);
			continue;
		}
		if (i > 0)
			buf_addstr(canon, "\n");
		buf_printf(canon, "%s:%s", v[i].name, v[i].value);
		if (signed_list->len)
			buf_addstr(signed_list, ";");
		buf_addstr(signed_list, v[i].name);
	}
	if (n)
		buf_addstr(canon, "\n");
}

/* ---- signing ---------------------------------------------------------- */

static void hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, uint8_t out[32])
{
	unsigned int outlen = 32;

	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen))
		abort(); /* only on OOM inside OpenSSL */
}

static void signing_key(const char *secret, const char *date8, const char *region, const char *service,
			uint8_t out[32])
{
	char k0[160];
	uint8_t k1[32], k2[32], k3[32];

	snprintf(k0, sizeof(k0), "AWS4%s", secret);
	hmac_sha256(k0, strlen(k0), date8, strlen(date8), k1);
	hmac_sha256(k1, 32, region, strlen(region), k2);
	hmac_sha256(k2, 32, service, strlen(service), k3);
	hmac_sha256(k3, 32, "aws4_request", 12, out);
	OPENSSL_cleanse(k0, sizeof(k0));
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	OPENSSL_cleanse(k3, sizeof(k3));
}

static int sign_common(const struct sigv4_request *req, const struct aws_credentials *cred,
		       const char *region, const char *service, time_t now, bool query_mode,
		       struct sigv4_result *out)
{
	struct chdr *hdrs = NULL;
	size_t nhdrs = 0, nq = 0, i;
	struct qparam *q = NULL;
	struct buf cr, canon_hdrs, signed_list, sts, cq;
	char date8[9], scope[256], credential[512];
	uint8_t key[32], sig[32], hash[32];
	bool have_host = false, token;
	struct tm tm;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	buf_init(&cr, 0);
	buf_init(&canon_hdrs, 0);
	buf_init(&signed_list, 0);
	buf_init(&sts, 0);
	buf_init(&cq, 0);
	if (!req->method || !req->path || req->path[0] != '/' || !cred || !cred->access_key_id[0] ||
	    !cred->secret_access_key[0] || !region || !*region || !service || !*service) {
		rc = DX_E_BADREQUEST;
		goto out;
	}
	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, "host") == 0)
			have_host = true;
	if (!have_host) {
		rc = DX_E_BADREQUEST;
		goto out;
	}
	token = cred->session_token[0] != '\0';
	gmtime_r(&now, &tm);
	strftime(out->amz_date, sizeof(out->amz_date), "%Y%m%dT%H%M%SZ", &tm);
	memcpy(date8, out->amz_date, 8);
	date8[8] = '\0';
	snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date8, region, service);
	snprintf(credential, sizeof(credential), "%s/%s", cred->access_key_id, scope);
	digest_sha256_hex(req->body ? req->body : "", req->body ? req->body_len : 0, out->payload_hash);

	for (i = 0; i < req->nheaders; i++)
		chdrs_add(&hdrs, &nhdrs, req->headers[i].name, req->headers[i].value);
	if (!query_mode) {
		chdrs_add(&hdrs, &nhdrs, "x-amz-date", out->amz_date);
		if (token && !req->omit_session_token)
			chdrs_add(&hdrs, &nhdrs, "x-amz-security-token", cred->session_token);
		if (req->sign_body_header)
			chdrs_add(&hdrs, &nhdrs, "x-amz-content-sha256", out->payload_hash);
	}
	chdrs_canonical(hdrs, nhdrs, &canon_hdrs, &signed_list);

	qparams_parse(req->query, &q, &nq);
	if (query_mode) {
		char exp[32];

		snprintf(exp, sizeof(exp), "%ld", req->expires > 0 ? req->expires : 900);
		qparams_add_raw(&q, &nq, "X-Amz-Algorithm", ALGORITHM);
		qparams_add_raw(&q, &nq, "X-Amz-Credential", credential);
		qparams_add_raw(&q, &nq, "X-Amz-Date", out->amz_date);
		qparams_add_raw(&q, &nq, "X-Amz-Expires", exp);
		qparams_add_raw(&q, &nq, "X-Amz-SignedHeaders", buf_str(&signed_list));
		if (token && !req->omit_session_token)
			qparams_add_raw(&q, &nq, "X-Amz-Security-Token", cred->session_token);
	}
	qparams_join(q, nq, &cq);

	buf_printf(&cr, "%s\n", req->method);
	canonical_uri(req, &cr);
	buf_printf(&cr, "\n%s\n%s\n%s\n%s", buf_str(&cq), buf_str(&canon_hdrs), buf_str(&signed_list),
		   out->payload_hash);

	digest_sha256(cr.ptr, cr.len, hash);
	{
		char hexhash[65];

		digest_hex(hash, 32, hexhash);
		buf_printf(&sts, "%s\n%s\n%s\n%s", ALGORITHM, out->amz_date, scope, hexhash);
	}
	signing_key(cred->secret_access_key, date8, region, service, key);
	hmac_sha256(key, 32, sts.ptr, sts.len, sig);
	OPENSSL_cleanse(key, sizeof(key));
	digest_hex(sig, 32, out->signature);

	if (query_mode) {
		struct buf sq;

		buf_init(&sq, 0);
		buf_addstr(&sq, buf_str(&cq));
		buf_printf(&sq, "&X-Amz-Signature=%s", out->signature);
		if (token && req->omit_session_token) {
			buf_addstr(&sq, "&X-Amz-Security-Token=");
			buf_uri_encode(&sq, cred->session_token, strlen(cred->session_token), false);
		}
		out->signed_query = buf_detach(&sq);
	} else {
		struct buf h;

		buf_init(&h, 0);
		buf_printf(&h, "X-Amz-Date: %s", out->amz_date);
		out->add_headers[out->nadd_headers++] = buf_detach(&h);
		if (token) {
			buf_printf(&h, "X-Amz-Security-Token: %s", cred->session_token);
			out->add_headers[out->nadd_headers++] = buf_detach(&h);
		}
		if (req->sign_body_header) {
			buf_printf(&h, "X-Amz-Content-Sha256: %s", out->payload_hash);
			out->add_headers[out->nadd_headers++] = buf_detach(&h);
		}
		buf_printf(&h, "Authorization: %s Credential=%s, SignedHeaders=%s, Signature=%s", ALGORITHM,
			   credential, buf_str(&signed_list), out->signature);
		out->add_headers[out->nadd_headers++] = buf_detach(&h);
	}
	out->canonical_request = buf_detach(&cr);
	out->string_to_sign = buf_detach(&sts);
out:
	chdrs_free(hdrs, nhdrs);
	qparams_free(q, nq);
	buf_release(&cr);
	buf_release(&canon_hdrs);
	buf_release(&signed_list);
	buf_release(&sts);
	buf_release(&cq);
	return rc;
}

int sigv4_sign(const struct sigv4_request *req, const struct aws_credentials *cred, const char *region,
	       const char *service, time_t now, struct sigv4_result *out)
{
	return sign_common(req, cred, region, service, now, false, out);
}

int sigv4_presign(const struct sigv4_request *req, const struct aws_credentials *cred, const char *region,
		  const char *service, time_t now, struct sigv4_result *out)
{
	return sign_common(req, cred, region, service, now, true, out);
}

void sigv4_result_release(struct sigv4_result *out)
{
	size_t i;

	free(out->canonical_request);
	free(out->string_to_sign);
	for (i = 0; i < out->nadd_headers; i++) {
		OPENSSL_cleanse(out->add_headers[i], strlen(out->add_headers[i]));
		free(out->add_headers[i]);
	}
	if (out->signed_query) {
		OPENSSL_cleanse(out->signed_query, strlen(out->signed_query));
		free(out->signed_query);
	}
	memset(out, 0, sizeof(*out));
}
