/*
 * request_fuzz.c - see request_fuzz.h.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"
#include "http/http_int.h"
#include "search/query.h"
#include "store/jobstore.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/status.h"

#include "request_fuzz.h"

const struct request_fuzz_target request_fuzz_targets[] = {
    {"job_request", fuzz_job_request},
    {"query", fuzz_query},
    {"route", fuzz_route},
    {"glob", fuzz_glob},
    {NULL, NULL},
};

/* The configuration defaults (no file, no environment surprises). */
static const struct conf *fuzz_conf(void)
{
	static struct conf cfg;
	static bool loaded;

	if (!loaded) {
		if (conf_load(&cfg, "/dev/null") != 0)
			abort();
		log_set_level(LOG_CRIT);
		loaded = true;
	}
	return &cfg;
}

/* A request as server.c builds it, without FastCGI (responses record only
 * their status). */
static void fuzz_request_init(struct http_request *r, struct arena *a, struct api_ctx *ctx)
{
	memset(r, 0, sizeof(*r));
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = fuzz_conf();
	r->arena = a;
	r->method = "POST";
	r->path = "/";
	r->query = "";
	r->content_type = "application/json";
	r->authorization = "";
	r->last_event_id = "";
	r->request_id = "fuzz";
	r->body = "";
	r->thread_ctx = ctx;
}

/* A copy of data as a C string; NULL when data holds a NUL (FastCGI
 * parameters are C strings: such input cannot arrive). */
static char *fuzz_cstr(struct arena *a, const uint8_t *data, size_t size)
{
	char *s;

	if (memchr(data, '\0', size))
		return NULL;
	s = arena_alloc(a, size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void fuzz_expect_error(const struct http_request *r)
{
	if (!r->responded || r->status < 400 || r->status > 499)
		abort();
}

int fuzz_job_request(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct http_request r;
	struct api_ctx ctx;
	struct job_request req;
	char *body = arena_alloc(a, size + 1);

	fuzz_request_init(&r, a, &ctx);
	memcpy(body, data, size);
	body[size] = '\0';
	r.body = body;
	r.body_len = size;
	if (api_jobs_decode(&r, &req) == 0) {
		if (r.responded || !req.repository_path || req.repository_path[0] != '/' ||
		    strlen(req.repository_path) > 4096 || req.chunk_size < 1 || req.chunk_size > 10000 ||
		    req.max_concurrent_chunks < 1 || req.max_retries < 1 || req.max_file_bytes < 1 ||
		    (strcmp(req.job_type, "full") != 0 && strcmp(req.job_type, "incremental") != 0) ||
		    req.file_patterns[0] != '[' || req.exclude_patterns[0] != '[')
			abort();
	} else {
		fuzz_expect_error(&r);
	}
	arena_free(a);
	return 0;
}

int fuzz_query(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"limit", "offset", "status_filter", "status",   "repository",
					    "q",     "kind",   "mode",		"language", "path_prefix"};
	struct arena *a = arena_new();
	struct http_request r;
	struct api_ctx ctx;
	char *query = fuzz_cstr(a, data, size);
	size_t i;
	int n;

	fuzz_request_init(&r, a, &ctx);
	if (!query || http_query_validate(query) != 0)
		goto done;
	r.query = query;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = http_query_param(&r, names[i]);

		/* A validated query string decodes: what is present reads. */
		if (v && strlen(v) > size)
			abort();
	}
	if (api_query_int(&r, "limit", 20, 1, 100, &n) == 0) {
		if (n < 1 || n > 100)
			abort();
	} else {
		fuzz_expect_error(&r);
		r.responded = false;
	}
	{
		const char *q = http_query_param(&r, "q");
		struct search_query sq;
		char why[256];

		if (q)
			(void)search_query_parse(a, q, strlen(q), &sq, why, sizeof(why));
	}
done:
	arena_free(a);
	return 0;
}

int fuzz_route(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", ""};
	struct arena *a = arena_new();
	const char *params[HTTP_MAX_PARAMS], *path, *query, *why, *allow;
	const struct http_route *route;
	char *target;
	int nparams, rc, i;

	if (size < 1)
		goto done;
	target = fuzz_cstr(a, data + 1, size - 1);
	if (!target || http_parse_target(a, target, &path, &query, &why) != 0)
		goto done;
	rc = http_router_find(a, api_routes, api_routes_count,
			      methods[data[0] % (sizeof(methods) / sizeof(methods[0]))], path, &route, params,
			      &nparams, &allow);
	if (rc == 0) {
		if (!route || nparams < 0 || nparams > HTTP_MAX_PARAMS)
			abort();
		for (i = 0; i < nparams; i++) {
			/* A capture is one whole, non-empty segment. */
			if (!params[i][0] || strchr(params[i], '/'))
				abort();
			(void)api_valid_uuid(params[i]);
		}
	} else if (rc == DX_E_METHOD) {
		if (!allow || !allow[0])
			abort();
	} else if (rc != DX_E_NOTFOUND) {
		abort();
	}
done:
	arena_free(a);
	return 0;
}

/* True when a '/'-separated segment of s is "..". */
static bool fuzz_has_dotdot(const char *s)
{
	for (;;) {
		size_t len = strcspn(s, "/");

		if (len == 2 && s[0] == '.' && s[1] == '.')
			return true;
		if (!s[len])
			return false;
		s += len + 1;
	}
}

int fuzz_glob(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *in = fuzz_cstr(a, data, size), *nl;

	if (!in)
		goto done;
	nl = strchr(in, '\n');
	if (nl)
		*nl = '\0';
	if (glob_validate(in) == NULL) {
		/* Accepted patterns are relative and free of ".." segments. */
		if (in[0] == '/' || fuzz_has_dotdot(in))
			abort();
		(void)glob_match(in, nl ? nl + 1 : "");
		(void)glob_match(in, in);
	}
done:
	arena_free(a);
	return 0;
}
