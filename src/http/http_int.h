/*
 * http_int.h - functions shared by the files of src/http only (server.c,
 * request.c, response.c) and by their unit tests. Not for src/api.
 */
#ifndef DOCXP_HTTP_INT_H
#define DOCXP_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Longest request target (path and query) we accept. */
#define HTTP_MAX_TARGET 8192

/*
 * Percent-decodes n bytes of src into dst (room for n + 1 bytes), turning
 * '+' into a space when plus_is_space. Returns 0 and the decoded length in
 * *outlen, or DX_E_BADREQUEST on a malformed escape or a decoded NUL.
 */
int http_percent_decode(char *dst, const char *src, size_t n, bool plus_is_space, size_t *outlen);

/*
 * Splits a raw request target ("/a%20b?x=1") into its percent-decoded path
 * and its raw query ("" if none), both arena-owned. Returns 0, or
 * DX_E_BADREQUEST with a static reason in *why (no leading '/', too long,
 * bad escape, %00, malformed query string).
 */
int http_parse_target(struct arena *a, const char *target, const char **path, const char **query,
		      const char **why);

/* Returns 0 when every name and value of query decodes to valid UTF-8,
 * else DX_E_BADREQUEST. */
int http_query_validate(const char *query);

/*
 * Finds the route for method and path. Returns 0 with *route and the
 * captures; DX_E_NOTFOUND when no pattern matches; DX_E_METHOD when a
 * pattern matches under other methods, listed in *allow ("GET, POST",
 * arena-owned).
 */
int http_router_find(struct arena *a, const struct http_route *routes, size_t nroutes, const char *method,
		     const char *path, const struct http_route **route, const char **params, int *nparams,
		     const char **allow);

#endif
