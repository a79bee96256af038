/*
 * api.h - the REST API's resources and what every handler shares.
 *
 * Each responder thread owns a struct api_ctx (its own PostgreSQL and
 * Redis connections); handlers get it as r->thread_ctx.
 */
#ifndef DOCXP_API_H
#define DOCXP_API_H

#include <stddef.h>

#include "http/http.h"
#include "queue/redisq.h"
#include "store/db.h"

struct conf;

struct api_ctx {
	const struct conf *cfg;
	struct db db;
	struct redisq q;
	int db_connected;
	int redis_connected;
};

/* The route table served by docxp-api. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* thread_init/thread_fini for http_server_config (arg: const struct conf *). */
void *api_thread_init(void *cfg);
void api_thread_fini(void *ctx);

/* The thread's database, connected on demand; NULL (and a 503 error sent)
 * when PostgreSQL is unreachable. Same for Redis. */
struct db *api_db(struct http_request *r);
struct redisq *api_redis(struct http_request *r);
/* Like api_redis, but sends nothing on failure. */
struct redisq *api_redis_quiet(struct http_request *r);

/* Parses the body as a JSON object (depth-limited). Returns it (owned by
 * the request arena), or NULL after sending a 400/415 error. */
struct json_object *api_parse_body(struct http_request *r);

/* True when s is a canonical uuid (8-4-4-4-12 hex). */
int api_valid_uuid(const char *s);

/* Reads an integer query parameter in [min, max], default def. Returns 0,
 * or sends a 400 error and returns -1. */
int api_query_int(struct http_request *r, const char *name, int def, int min, int max, int *out);

/* Handlers (one file per resource). */
void api_jobs_start(struct http_request *r);
void api_jobs_status(struct http_request *r);
void api_jobs_list(struct http_request *r);
void api_jobs_pause(struct http_request *r);
void api_jobs_resume(struct http_request *r);
void api_jobs_cancel(struct http_request *r);
void api_jobs_errors(struct http_request *r);
void api_health(struct http_request *r);

#endif
