/*
 * common.c - per-thread context and helpers shared by the API handlers.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <time.h>

#include <openssl/crypto.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api/api.h"
#include "embed/embed.h"
#include "store/dbpool.h"
#include "store/keystore.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/status.h"
#include "util/utf8.h"

/* Deep nesting is a denial-of-service vector, and no request needs it. */
#define API_JSON_MAX_DEPTH 16

/* The access column is the key scope a route needs (0: no key). */
const struct http_route api_routes[] = {
    {"GET", "/api/v1/livez", api_livez, 0},
    {"POST", "/api/v1/indexing/start", api_jobs_start, SCOPE_WRITE},
    {"GET", "/api/v1/indexing/jobs", api_jobs_list, SCOPE_READ},
    {"GET", "/api/v1/indexing/jobs/{id}/status", api_jobs_status, SCOPE_READ},
    {"GET", "/api/v1/indexing/jobs/{id}", api_jobs_status, SCOPE_READ},
    {"DELETE", "/api/v1/indexing/jobs/{id}", api_jobs_cancel, SCOPE_WRITE},
    {"POST", "/api/v1/indexing/jobs/{id}/pause", api_jobs_pause, SCOPE_WRITE},
    {"POST", "/api/v1/indexing/jobs/{id}/resume", api_jobs_resume, SCOPE_WRITE},
    {"POST", "/api/v1/indexing/jobs/{id}/cancel", api_jobs_cancel, SCOPE_WRITE},
    {"GET", "/api/v1/indexing/jobs/{id}/errors", api_jobs_errors, SCOPE_READ},
    {"GET", "/api/v1/indexing/jobs/{id}/stream", api_jobs_stream, SCOPE_READ},
    {"GET", "/api/v1/indexing/health", api_health, SCOPE_READ},
    {"GET", "/api/v1/indexing/metrics", api_metrics_json, SCOPE_ADMIN},
    /* Prometheus scrapes without a key; the shipped nginx config allows
     * only loopback (add your Prometheus server there). */
    {"GET", "/metrics", api_metrics_prometheus, 0},
    /* search is a read, even when its query comes as a POST body */
    {"POST", "/api/v1/search/hybrid", api_search_hybrid, SCOPE_READ},
    {"GET", "/api/v1/search", api_search_get, SCOPE_READ},
    {"GET", "/api/v1/search/health", api_search_health, SCOPE_READ},
    {"GET", "/api/v1/entities/{id}", api_entities_get, SCOPE_READ},
};
const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

static struct dbpool *api_pool;
static struct embed_provider *api_embedder;
/* the api_keys rows of verified keys, kept until a notification says
 * api_keys changed */
static struct keystore_cache *api_keys;

int api_init(const struct conf *cfg)
{
	char why[256];

	api_pool = dbpool_new(cfg->database_uri, cfg->database_pool_size);
	api_keys = keystore_cache_new(cfg->database_uri);
	/* For health: what the provider knows, without a (paid) call. */
	api_embedder = embed_provider_new(cfg, why, sizeof(why));
	if (!api_embedder)
		log_warn("no embedding provider: %s", why);
	api_search_init(cfg);
	return 0;
}

void api_fini(void)
{
	api_search_fini();
	keystore_cache_free(api_keys);
	api_keys = NULL;
	dbpool_free(api_pool);
	api_pool = NULL;
	embed_provider_free(api_embedder);
	api_embedder = NULL;
}

const struct embed_provider *api_provider(void)
{
	return api_embedder;
}

void *api_thread_init(void *cfg)
{
	struct api_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->cfg = cfg;
	return ctx;
}

void api_thread_fini(void *p)
{
	struct api_ctx *ctx = p;

	if (!ctx)
		return;
	if (ctx->redis_connected)
		redisq_close(&ctx->q);
	free(ctx);
}

static void api_db_cleanup(void *p)
{
	struct api_ctx *ctx = p;

	if (ctx->db) {
		dbpool_release(api_pool, ctx->db);
		ctx->db = NULL;
	}
}

void api_db_release(struct http_request *r)
{
	api_db_cleanup(r->thread_ctx);
}

struct db *api_db_quiet(struct http_request *r, char *errmsg, size_t errlen)
{
	struct api_ctx *ctx = r->thread_ctx;

	if (ctx->db)
		return ctx->db;
	/* A few seconds of queueing beats failing a burst of requests. */
	{
		char dummy[8];

		ctx->db =
		    dbpool_acquire(api_pool, 5000, errmsg ? errmsg : dummy, errmsg ? errlen : sizeof(dummy));
	}
	if (ctx->db)
		arena_on_cleanup(r->arena, api_db_cleanup, ctx);
	return ctx->db;
}

struct db *api_db(struct http_request *r)
{
	char why[512];
	struct db *db = api_db_quiet(r, why, sizeof(why));

	if (!db) {
		log_err("%s | req=%s", why, r->request_id);
		http_respond_error(r, DX_E_DB, "database unavailable");
	}
	return db;
}

struct redisq *api_redis_quiet(struct http_request *r)
{
	struct api_ctx *ctx = r->thread_ctx;

	if (!ctx->redis_connected) {
		if (redisq_connect(&ctx->q, ctx->cfg) != 0) {
			log_err("%s | req=%s", ctx->q.errmsg, r->request_id);
			redisq_close(&ctx->q);
			return NULL;
		}
		ctx->redis_connected = 1;
	}
	return &ctx->q;
}

struct redisq *api_redis(struct http_request *r)
{
	struct redisq *q = api_redis_quiet(r);

	if (!q)
		http_respond_error(r, DX_E_REDIS, "queue unavailable");
	return q;
}

static void api_json_put(void *obj)
{
	json_object_put(obj);
}

int api_check_fields(struct http_request *r, struct json_object *obj, const char *const *known, size_t nknown)
{
	json_object_object_foreach(obj, key, val)
	{
		size_t i = 0;

		(void)val;
		while (i < nknown && strcmp(key, known[i]) != 0)
			i++;
		if (i == nknown) {
			http_respond_error(r, DX_E_VALIDATION, "unknown field '%.64s'", key);
			return -1;
		}
	}
	return 0;
}

struct json_object *api_parse_body(struct http_request *r)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;

	/* "application/json" with or without parameters, not "application/jsonp". */
	if (r->content_type[0] &&
	    (strncasecmp(r->content_type, "application/json", 16) != 0 ||
	     (r->content_type[16] && r->content_type[16] != ';' && r->content_type[16] != ' '))) {
		http_respond_error(r, DX_E_MEDIATYPE, "Content-Type must be application/json");
		return NULL;
	}
	if (r->body_len == 0) {
		http_respond_error(r, DX_E_BADJSON, "request body is empty; a JSON object is required");
		return NULL;
	}
	/* Strings go to PostgreSQL, which refuses invalid UTF-8 (a 503 there);
	 * json-c's own check lets overlong forms and surrogates through. */
	if (!utf8_valid(r->body, r->body_len)) {
		http_respond_error(r, DX_E_BADJSON, "malformed JSON: the body is not valid UTF-8 text");
		return NULL;
	}
	tok = json_tokener_new_ex(API_JSON_MAX_DEPTH);
	obj = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success && json_tokener_get_parse_end(tok) < r->body_len) {
		/* Trailing garbage after the object, except white space. */
		size_t i;

		for (i = json_tokener_get_parse_end(tok); i < r->body_len; i++)
			if (!isspace((unsigned char)r->body[i])) {
				jerr = json_tokener_error_parse_unexpected;
				break;
			}
	}
	if (jerr != json_tokener_success || !obj) {
		http_respond_error(r, DX_E_BADJSON, "malformed JSON: %s",
				   jerr == json_tokener_continue ? "unexpected end of input"
								 : json_tokener_error_desc(jerr));
		json_object_put(obj);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	arena_on_cleanup(r->arena, api_json_put, obj);
	if (!json_object_is_type(obj, json_type_object)) {
		http_respond_error(r, DX_E_BADJSON, "the request body must be a JSON object");
		return NULL;
	}
	return obj;
}

int api_valid_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int api_query_int(struct http_request *r, const char *name, int def, int min, int max, int *out)
{
	const char *v = http_query_param(r, name);
	char *end;
	long n;

	*out = def;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	/* strtol would also take leading white space and a '+'. */
	if (!(isdigit((unsigned char)*v) || *v == '-') || *end || errno || n < min || n > max) {
		http_respond_error(r, DX_E_BADREQUEST, "query parameter %s must be an integer from %d to %d",
				   name, min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/*
 * Keys verified recently, by the SHA-256 of the key: used only when
 * PostgreSQL cannot be asked, so that health and status stay reachable
 * for monitoring during a database outage (revocation stays immediate
 * while the database is up).
 */
#define KEY_CACHE_SLOTS	  64
#define KEY_CACHE_SECONDS 600

static struct {
	uint8_t hash[DIGEST_SHA256_LEN];
	struct key_principal who;
	time_t at;
} key_cache[KEY_CACHE_SLOTS];
static pthread_mutex_t key_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void key_cache_put(const char *key, const struct key_principal *who)
{
	uint8_t h[DIGEST_SHA256_LEN];
	size_t i, victim = 0;

	digest_sha256(key, strlen(key), h);
	pthread_mutex_lock(&key_cache_lock);
	for (i = 0; i < KEY_CACHE_SLOTS; i++) {
		if (memcmp(key_cache[i].hash, h, sizeof(h)) == 0) {
			victim = i;
			break;
		}
		if (key_cache[i].at < key_cache[victim].at)
			victim = i;
	}
	memcpy(key_cache[victim].hash, h, sizeof(h));
	key_cache[victim].who = *who;
	key_cache[victim].at = time(NULL);
	pthread_mutex_unlock(&key_cache_lock);
}

static int key_cache_get(const char *key, struct key_principal *who)
{
	uint8_t h[DIGEST_SHA256_LEN];
	size_t i;
	int found = 0;

	digest_sha256(key, strlen(key), h);
	pthread_mutex_lock(&key_cache_lock);
	for (i = 0; i < KEY_CACHE_SLOTS && !found; i++)
		if (key_cache[i].at && time(NULL) - key_cache[i].at < KEY_CACHE_SECONDS &&
		    CRYPTO_memcmp(key_cache[i].hash, h, sizeof(h)) == 0) {
			*who = key_cache[i].who;
			found = 1;
		}
	pthread_mutex_unlock(&key_cache_lock);
	return found;
}

void api_key_cache_get_stats(struct pglisten_cache_stats *st)
{
	keystore_cache_get_stats(api_keys, st);
}

/* The request's connection, for keystore_verify_cached. */
static struct db *api_authorize_db(void *arg)
{
	char why[256];

	return api_db_quiet(arg, why, sizeof(why));
}

/*
 * The authorize hook: "Authorization: Bearer <key>" checked against the
 * stored hashes (constant time; the rows cached, see keystore.h), then the
 * route's scope. 401 for a missing, malformed, unknown or revoked key; 403
 * for too small a scope.
 */
int api_authorize(struct http_request *r, const struct http_route *route)
{
	struct api_ctx *ctx = r->thread_ctx;
	const char *h = r->authorization;
	int rc;

	memset(&ctx->who, 0, sizeof(ctx->who));
	if (route->access == 0)
		return 0;
	if (strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
		http_respond_error(
		    r, DX_E_UNAUTHORIZED,
		    "an API key is required: send \"Authorization: Bearer <key>\" (docxp apikey create)");
		return -1;
	}
	rc = keystore_verify_cached(api_keys, api_authorize_db, r, h + 7, &ctx->who);
	if (rc == 0)
		key_cache_put(h + 7, &ctx->who);
	else if (rc == DX_E_DB && key_cache_get(h + 7, &ctx->who))
		rc = 0;
	if (rc == DX_E_UNAUTHORIZED) {
		log_notice("rejected API key | req=%s", r->request_id);
		http_respond_error(r, rc, "the API key is not valid (unknown, malformed or revoked)");
		return -1;
	}
	if (rc) {
		http_respond_error(r, rc, "could not check the API key (database unavailable)");
		return -1;
	}
	if ((int)ctx->who.scope < route->access) {
		http_respond_error(
		    r, DX_E_FORBIDDEN, "the API key's scope '%s' does not allow this; it needs '%s'",
		    keystore_scope_name(ctx->who.scope), keystore_scope_name((enum key_scope)route->access));
		return -1;
	}
	return 0;
}

void api_livez(struct http_request *r)
{
	http_respond_text(r, 200, "application/json", "{\"status\":\"alive\"}");
}
