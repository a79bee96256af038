/*
 * api.h - the REST API's resources and what every handler shares.
 *
 * Each responder thread owns a struct api_ctx (its own PostgreSQL and
 * Redis connections); handlers get it as r->thread_ctx.
 */
#ifndef DOCXP_API_H
#define DOCXP_API_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "queue/redisq.h"
#include "store/db.h"
#include "store/keystore.h"

struct conf;

struct api_ctx {
	const struct conf *cfg;
	struct db *db; /* borrowed from the pool for the current request, or NULL */
	struct redisq q;
	int redis_connected;
	struct key_principal who; /* the API key of the current request */
};

/* The http_server_config authorize hook (API keys and scopes). */
int api_authorize(struct http_request *r, const struct http_route *route);
/* How the cache of API key rows does (store/keystore.h). */
struct pglisten_cache_stats;
void api_key_cache_get_stats(struct pglisten_cache_stats *st);

/* Creates what all threads share (the database pool). Returns 0. */
int api_init(const struct conf *cfg);
void api_fini(void);

/* The configured embedding provider (shared; NULL when it could not be
 * set up). Providers are used by one thread at a time: callers that embed
 * must lock (see search). */
struct embed_provider;
const struct embed_provider *api_provider(void);

/* The route table served by docxp-api. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* thread_init/thread_fini for http_server_config (arg: const struct conf *). */
void *api_thread_init(void *cfg);
void api_thread_fini(void *ctx);

/* A database connection borrowed from the pool until the request ends;
 * NULL (and a 503 error sent) when none can be had. api_db_quiet sends
 * nothing and puts the reason into errmsg. api_db_release gives it back
 * early (long-lived streams). Redis: one connection per thread. */
struct db *api_db(struct http_request *r);
struct db *api_db_quiet(struct http_request *r, char *errmsg, size_t errlen);
void api_db_release(struct http_request *r);
struct redisq *api_redis(struct http_request *r);
/* Like api_redis, but sends nothing on failure. */
struct redisq *api_redis_quiet(struct http_request *r);

/* Parses the body as a JSON object (depth-limited). Returns it (owned by
 * the request arena), or NULL after sending a 400/415 error. */
struct json_object *api_parse_body(struct http_request *r);

/* Refuses (422, naming it) the first member of obj that is not one of the
 * nknown names in known. Returns 0, or -1 after sending the error. */
int api_check_fields(struct http_request *r, struct json_object *obj, const char *const *known,
		     size_t nknown);

/* True when s is a canonical uuid (8-4-4-4-12 hex). */
int api_valid_uuid(const char *s);

/* Reads an integer query parameter in [min, max], default def. Returns 0,
 * or sends a 400 error and returns -1. */
int api_query_int(struct http_request *r, const char *name, int def, int min, int max, int *out);

/* Decodes the body of POST /api/v1/indexing/start into req (defaults from
 * the configuration; strings owned by the request's arena or its parsed
 * body) without touching the disk or the database: repository_path is only
 * checked for shape. Returns 0, or -1 after sending the 400/415/422 error.
 * Works without FastCGI (r->fcgi NULL): tests/fuzz/fuzz_job_request. */
struct job_request;
int api_jobs_decode(struct http_request *r, struct job_request *req);

/* Handlers (one file per resource). */
void api_jobs_start(struct http_request *r);
void api_jobs_status(struct http_request *r);
void api_jobs_list(struct http_request *r);
void api_jobs_pause(struct http_request *r);
void api_jobs_resume(struct http_request *r);
void api_jobs_cancel(struct http_request *r);
void api_jobs_errors(struct http_request *r);
void api_jobs_stream(struct http_request *r);
void api_health(struct http_request *r);
void api_livez(struct http_request *r);
void api_metrics_prometheus(struct http_request *r);
void api_metrics_json(struct http_request *r);

/* The http_server_config "after" hook: request counters and latency. */
void api_after_request(struct http_request *r, const struct http_route *route, int64_t usec);

/* Adds one observation of a latency histogram (e.g. search by mode). */
void api_observe(const char *name, const char *labels, double seconds);

/* Event streams open on this instance. */
int api_streams_open(void);

/* Search (search.c). api_search_init creates what all threads share (the
 * in-memory vector index, the embedding providers); api_init calls it. */
void api_search_init(const struct conf *cfg);
void api_search_fini(void);
void api_search_hybrid(struct http_request *r);
void api_search_get(struct http_request *r);
void api_search_health(struct http_request *r);
void api_entities_get(struct http_request *r);

#endif
