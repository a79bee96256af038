/*
 * request.c - request decoding (target, query string) and routing.
 *
 * Everything here works on strings that come straight from the client via
 * nginx, so it is strict: a malformed escape or an encoded NUL is an error
 * rather than something to guess around, because a C string cut at a NUL
 * would make the handler see something else than what was sent.
 */
#include "config.h"

#include <string.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/arena.h"
#include "util/status.h"
#include "util/utf8.h"
#include "util/hex.h"

int http_percent_decode(char *dst, const char *src, size_t n, bool plus_is_space, size_t *outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return DX_E_BADREQUEST;
			hi = hex_digit_value((unsigned char)src[i + 1]);
			lo = hex_digit_value((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0)
				return DX_E_BADREQUEST;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return DX_E_BADREQUEST;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	if (outlen)
		*outlen = o;
	return 0;
}

/* One name=value pair of a query string, as spans of the raw string. */
struct query_pair {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Steps *cursor over the next non-empty pair; returns false at the end. */
static bool query_next(const char **cursor, struct query_pair *qp)
{
	const char *s = *cursor, *end, *eq;

	while (*s == '&')
		s++;
	if (*s == '\0') {
		*cursor = s;
		return false;
	}
	end = strchr(s, '&');
	if (!end)
		end = s + strlen(s);
	eq = memchr(s, '=', (size_t)(end - s));
	qp->name = s;
	if (eq) {
		qp->name_len = (size_t)(eq - s);
		qp->value = eq + 1;
		qp->value_len = (size_t)(end - eq - 1);
	} else {
		qp->name_len = (size_t)(end - s);
		qp->value = end;
		qp->value_len = 0;
	}
	*cursor = end;
	return true;
}

int http_query_validate(const char *query)
{
	struct query_pair qp;
	char tmp[HTTP_MAX_TARGET + 1];
	size_t n;

	if (!query)
		return 0;
	if (strlen(query) > HTTP_MAX_TARGET)
		return DX_E_BADREQUEST;
	/* Values reach PostgreSQL, which refuses invalid UTF-8 (a 503 there). */
	while (query_next(&query, &qp)) {
		if (http_percent_decode(tmp, qp.name, qp.name_len, true, &n) < 0 || !utf8_valid(tmp, n))
			return DX_E_BADREQUEST;
		if (http_percent_decode(tmp, qp.value, qp.value_len, true, &n) < 0 || !utf8_valid(tmp, n))
			return DX_E_BADREQUEST;
	}
	return 0;
}

const char *http_query_param(struct http_request *r, const char *name)
{
	const char *cursor = r->query;
	size_t want = strlen(name);
	struct query_pair qp;

	if (!cursor || !r->arena)
		return NULL;
	while (query_next(&cursor, &qp)) {
		char *key, *value;
		size_t klen;

		/* A decoded name is never longer than its encoding. */
		if (qp.name_len < want)
			continue;
		key = arena_alloc(r->arena, qp.name_len + 1);
		if (http_percent_decode(key, qp.name, qp.name_len, true, &klen) < 0)
			continue;
		if (klen != want || memcmp(key, name, want) != 0)
			continue;
		value = arena_alloc(r->arena, qp.value_len + 1);
		if (http_percent_decode(value, qp.value, qp.value_len, true, NULL) < 0)
			return NULL;
		return value;
	}
	return NULL;
}

int http_parse_target(struct arena *a, const char *target, const char **path, const char **query,
		      const char **why)
{
	const char *q;
	size_t len, plen;
	char *p;

	*why = NULL;
	len = strnlen(target, HTTP_MAX_TARGET + 1);
	if (len > HTTP_MAX_TARGET) {
		*why = "request target too long";
		return DX_E_BADREQUEST;
	}
	if (target[0] != '/') {
		*why = "request target must start with '/'";
		return DX_E_BADREQUEST;
	}
	q = memchr(target, '?', len);
	plen = q ? (size_t)(q - target) : len;
	p = arena_alloc(a, plen + 1);
	/* '+' is a plain character in a path; only the query uses it for space. */
	if (http_percent_decode(p, target, plen, false, NULL) < 0) {
		*why = "invalid percent-encoding in path";
		return DX_E_BADREQUEST;
	}
	*path = p;
	*query = q ? arena_strdup(a, q + 1) : "";
	if (http_query_validate(*query) < 0) {
		*why = "invalid percent-encoding or UTF-8 in query string";
		return DX_E_BADREQUEST;
	}
	return 0;
}

bool http_route_match(struct arena *a, const char *pattern, const char *path, const char **params,
		      int *nparams)
{
	const char *cap[HTTP_MAX_PARAMS];
	size_t caplen[HTTP_MAX_PARAMS];
	const char *p = pattern, *s = path;
	int n = 0, i;

	*nparams = 0;
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t seglen = strcspn(s, "/");

			/* A capture is one whole, non-empty segment. */
			if (!close || n == HTTP_MAX_PARAMS || seglen == 0)
				return false;
			if (close[1] != '/' && close[1] != '\0')
				return false;
			cap[n] = s;
			caplen[n] = seglen;
			n++;
			s += seglen;
			p = close + 1;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*s != '\0')
		return false;
	for (i = 0; i < n; i++)
		params[i] = arena_strndup(a, cap[i], caplen[i]);
	*nparams = n;
	return true;
}

int http_router_find(struct arena *a, const struct http_route *routes, size_t nroutes, const char *method,
		     const char *path, const struct http_route **route, const char **params, int *nparams,
		     const char **allow)
{
	const char *seen[32];
	size_t nseen = 0, i, j, len = 0;
	char *list;

	*route = NULL;
	*allow = NULL;
	for (i = 0; i < nroutes; i++) {
		const char *tmp[HTTP_MAX_PARAMS];
		int ntmp;
		bool dup = false;

		if (!http_route_match(a, routes[i].pattern, path, tmp, &ntmp))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			memcpy(params, tmp, sizeof(tmp[0]) * (size_t)ntmp);
			*nparams = ntmp;
			*route = &routes[i];
			return 0;
		}
		for (j = 0; j < nseen; j++)
			if (strcmp(seen[j], routes[i].method) == 0)
				dup = true;
		if (!dup && nseen < sizeof(seen) / sizeof(seen[0])) {
			seen[nseen++] = routes[i].method;
			len += strlen(routes[i].method) + 2;
		}
	}
	*nparams = 0;
	if (nseen == 0)
		return DX_E_NOTFOUND;
	list = arena_alloc(a, len + 1);
	list[0] = '\0';
	for (j = 0; j < nseen; j++) {
		if (j)
			strcat(list, ", ");
		strcat(list, seen[j]);
	}
	*allow = list;
	return DX_E_METHOD;
}
