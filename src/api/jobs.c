/*
 * jobs.c - /api/v1/indexing/start, /jobs and /jobs/{id}/status.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "api/api.h"
#include "queue/events.h"
#include "util/glob.h"
#include "store/jobstore.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"
#include "util/utf8.h"

#define API_MAX_PATTERNS 1000
#define API_MAX_PATH	 4096

/* Validates an optional array of glob strings; sends 422 and returns -1 on
 * error, else 0 with the array's JSON text ("[]" when absent). */
static int jobs_patterns(struct http_request *r, struct json_object *body, const char *field,
			 const char **out)
{
	struct json_object *arr;
	size_t i, n;

	*out = "[]";
	if (!json_object_object_get_ex(body, field, &arr) || json_object_is_type(arr, json_type_null))
		return 0;
	if (!json_object_is_type(arr, json_type_array)) {
		http_respond_error(r, DX_E_VALIDATION, "%s must be an array of strings", field);
		return -1;
	}
	n = json_object_array_length(arr);
	if (n > API_MAX_PATTERNS) {
		http_respond_error(r, DX_E_VALIDATION, "%s has %zu entries; at most %d are allowed", field, n,
				   API_MAX_PATTERNS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);
		const char *why;

		if (!json_object_is_type(p, json_type_string)) {
			http_respond_error(r, DX_E_VALIDATION, "%s[%zu] must be a string", field, i);
			return -1;
		}
		/* "\u0000" would cut the C string here, and jsonb refuses it and
		 * the invalid UTF-8 a "\ud800" escape decodes to. */
		why = !utf8_valid(json_object_get_string(p), (size_t)json_object_get_string_len(p))
			  ? "it is not UTF-8 text without NUL characters"
			  : glob_validate(json_object_get_string(p));
		if (why) {
			http_respond_error(r, DX_E_VALIDATION, "%s[%zu] is not an acceptable pattern: %s",
					   field, i, why);
			return -1;
		}
	}
	*out = arena_strdup(r->arena, json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	return 0;
}

/* Reads an optional integer field of limits in [min, max]. */
static int jobs_limit(struct http_request *r, struct json_object *limits, const char *field, long min,
		      long max, long *value)
{
	struct json_object *v;

	if (!limits || !json_object_object_get_ex(limits, field, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		http_respond_error(r, DX_E_VALIDATION, "limits.%s must be an integer", field);
		return -1;
	}
	errno = 0;
	*value = (long)json_object_get_int64(v);
	if (errno || *value < min || *value > max) {
		http_respond_error(r, DX_E_VALIDATION, "limits.%s must be from %ld to %ld", field, min, max);
		return -1;
	}
	return 0;
}

/* True when real lies inside one of the colon-separated roots. */
static int jobs_inside_roots(const char *roots, const char *real)
{
	const char *p = roots;

	while (*p) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		char root[PATH_MAX], rroot[PATH_MAX];

		if (n > 0 && n < sizeof(root)) {
			memcpy(root, p, n);
			root[n] = '\0';
			if (realpath(root, rroot)) {
				size_t m = strlen(rroot);

				if (strcmp(rroot, "/") == 0 ||
				    (strncmp(real, rroot, m) == 0 && (real[m] == '/' || real[m] == '\0')))
					return 1;
			}
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	return 0;
}

int api_jobs_decode(struct http_request *r, struct job_request *req)
{
	static const char *const known[] = {"repository_path", "job_type", "file_patterns",
					    "exclude_patterns", "limits"};
	struct api_ctx *ctx = r->thread_ctx;
	const struct conf *cfg = ctx->cfg;
	struct json_object *body, *v, *limits = NULL;
	const char *path;
	long chunk_size = cfg->chunk_size, max_conc = cfg->max_concurrent_chunks;
	long max_retries = cfg->max_retries, max_bytes = cfg->max_file_bytes;

	memset(req, 0, sizeof(*req));
	body = api_parse_body(r);
	if (!body || api_check_fields(r, body, known, sizeof(known) / sizeof(known[0])) != 0)
		return -1;
	if (!json_object_object_get_ex(body, "repository_path", &v)) {
		http_respond_error(r, DX_E_VALIDATION, "repository_path is required");
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		http_respond_error(r, DX_E_VALIDATION, "repository_path must be a string");
		return -1;
	}
	path = json_object_get_string(v);
	if (!utf8_valid(path, (size_t)json_object_get_string_len(v))) {
		http_respond_error(r, DX_E_VALIDATION,
				   "repository_path must be UTF-8 text without NUL characters");
		return -1;
	}
	if (strlen(path) == 0 || strlen(path) > API_MAX_PATH || path[0] != '/') {
		http_respond_error(r, DX_E_VALIDATION,
				   "repository_path must be an absolute path of at most %d bytes",
				   API_MAX_PATH);
		return -1;
	}
	req->job_type = "full";
	if (json_object_object_get_ex(body, "job_type", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    (strcmp(json_object_get_string(v), "full") != 0 &&
		     strcmp(json_object_get_string(v), "incremental") != 0)) {
			http_respond_error(r, DX_E_VALIDATION,
					   "job_type must be \"full\" or \"incremental\"");
			return -1;
		}
		req->job_type = json_object_get_string(v);
	}
	if (jobs_patterns(r, body, "file_patterns", &req->file_patterns) ||
	    jobs_patterns(r, body, "exclude_patterns", &req->exclude_patterns))
		return -1;
	if (json_object_object_get_ex(body, "limits", &limits) &&
	    !json_object_is_type(limits, json_type_null)) {
		if (!json_object_is_type(limits, json_type_object)) {
			http_respond_error(r, DX_E_VALIDATION, "limits must be an object");
			return -1;
		}
		json_object_object_foreach(limits, lkey, lval)
		{
			(void)lval;
			if (strcmp(lkey, "chunk_size") && strcmp(lkey, "max_concurrent_chunks") &&
			    strcmp(lkey, "max_retries") && strcmp(lkey, "max_file_bytes")) {
				http_respond_error(r, DX_E_VALIDATION, "unknown field 'limits.%.64s'", lkey);
				return -1;
			}
		}
		if (jobs_limit(r, limits, "chunk_size", 1, 10000, &chunk_size) ||
		    jobs_limit(r, limits, "max_concurrent_chunks", 1, 10000, &max_conc) ||
		    jobs_limit(r, limits, "max_retries", 1, 100, &max_retries) ||
		    jobs_limit(r, limits, "max_file_bytes", 1, 1L << 30, &max_bytes))
			return -1;
	}
	req->repository_path = path;
	req->chunk_size = (int)chunk_size;
	req->max_concurrent_chunks = (int)max_conc;
	req->max_retries = (int)max_retries;
	req->max_file_bytes = max_bytes;
	req->price_per_1k_tokens = cfg->embedding_price_per_1k_tokens;
	return 0;
}

/* Seconds a client that hit the per-key job cap is told to wait: jobs take
 * minutes, so asking sooner only adds load. */
#define JOBS_CAP_RETRY_AFTER 30

void api_jobs_start(struct http_request *r)
{
	struct api_ctx *ctx = r->thread_ctx;
	const struct conf *cfg = ctx->cfg;
	struct job_request req;
	char real[PATH_MAX];
	const char *path, *job_id;
	struct json_object *reply;
	struct redisq *q;
	struct db *db;
	struct stat st;
	int rc;

	if (api_jobs_decode(r, &req))
		return;
	path = req.repository_path;
	if (!realpath(path, real)) {
		http_respond_error(r, DX_E_VALIDATION, "repository_path %s: %s",
				   errno == ENOENT ? "does not exist" : "cannot be resolved",
				   errno == ENOENT ? "no such directory" : strerror(errno));
		return;
	}
	if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		http_respond_error(r, DX_E_VALIDATION, "repository_path is not a directory");
		return;
	}
	if (!jobs_inside_roots(cfg->repository_roots, real)) {
		http_respond_error(
		    r, DX_E_FORBIDDEN,
		    "repository_path is outside the configured repository roots (indexing.repository_roots)");
		return;
	}
	req.repository_path = real;
	req.api_key_id = ctx->who.id;
	req.max_jobs_per_key = cfg->api_max_running_jobs_per_key;

	db = api_db(r);
	if (!db)
		return;
	rc = jobstore_create(db, r->arena, &req, &job_id);
	if (rc == DX_E_CONFLICT) {
		http_respond_error(
		    r, rc,
		    "a job for %s is already active; wait for it, or pause or cancel it first (GET "
		    "/api/v1/indexing/jobs?repository=...)",
		    real);
		return;
	}
	if (rc == DX_E_TOOMANY) {
		log_notice("job refused: key at its cap | key=%s cap=%d req=%s", ctx->who.key_id,
			   req.max_jobs_per_key, r->request_id);
		http_respond_error_hdr(
		    r, rc, arena_printf(r->arena, "Retry-After: %d\r\n", JOBS_CAP_RETRY_AFTER),
		    "the API key '%s' already has %d jobs that have not ended"
		    " ([api] max_running_jobs_per_key); wait for one to end, or cancel one",
		    ctx->who.name, req.max_jobs_per_key);
		return;
	}
	if (rc) {
		log_err("could not create job: %s | req=%s", db->errmsg, r->request_id);
		http_respond_error(r, rc, "could not create the job");
		return;
	}
	/* The job is safe in PostgreSQL; if Redis is down now, a worker's
	 * reconcile step plans it later. */
	q = api_redis_quiet(r);
	if (q)
		events_state(q, job_id, "pending", NULL, NULL);
	if (!q || redisq_enqueue(q, REDISQ_PLAN, job_id, 0) != 0)
		log_warn("could not enqueue plan, reconcile will | job=%s", job_id);
	log_info("job created | job=%s repository=%s type=%s req=%s", job_id, real, req.job_type,
		 r->request_id);
	reply = json_object_new_object();
	json_object_object_add(reply, "job_id", json_object_new_string(job_id));
	json_object_object_add(reply, "status", json_object_new_string("pending"));
	json_object_object_add(reply, "repository_path", json_object_new_string(real));
	json_object_object_add(reply, "job_type", json_object_new_string(req.job_type));
	json_object_object_add(
	    reply, "status_url",
	    json_object_new_string(arena_printf(r->arena, "/api/v1/indexing/jobs/%s/status", job_id)));
	json_object_object_add(
	    reply, "stream_url",
	    json_object_new_string(arena_printf(r->arena, "/api/v1/indexing/jobs/%s/stream", job_id)));
	http_respond_json(r, 202, reply);
	json_object_put(reply);
}

void api_jobs_status(struct http_request *r)
{
	const char *id = r->params[0], *json;
	struct db *db;
	int rc;

	if (!api_valid_uuid(id)) {
		http_respond_error(r, DX_E_NOTFOUND, "no job with id '%.64s' (job ids are UUIDs)", id);
		return;
	}
	db = api_db(r);
	if (!db)
		return;
	rc = jobstore_status_json(db, r->arena, id, &json);
	if (rc == DX_E_NOTFOUND) {
		http_respond_error(r, rc, "no job with id %s", id);
		return;
	}
	if (rc) {
		log_err("could not read job: %s | req=%s job=%s", db->errmsg, r->request_id, id);
		http_respond_error(r, rc, "could not read the job");
		return;
	}
	http_respond_text(r, 200, "application/json", json);
}

void api_jobs_list(struct http_request *r)
{
	const char *status = http_query_param(r, "status_filter"), *repo = http_query_param(r, "repository");
	const char *json;
	struct db *db;
	int limit, offset, rc;

	if (!status)
		status = http_query_param(r, "status");
	if (status && !jobstore_status_valid(status)) {
		http_respond_error(
		    r, DX_E_BADREQUEST,
		    "status_filter must be one of pending, planning, running, paused, completed,"
		    " completed_with_errors, failed, cancelled");
		return;
	}
	if (api_query_int(r, "limit", 20, 1, 100, &limit) ||
	    api_query_int(r, "offset", 0, 0, 1000000, &offset))
		return;
	db = api_db(r);
	if (!db)
		return;
	rc = jobstore_list_json(db, r->arena, status, repo, limit, offset, &json);
	if (rc) {
		log_err("could not list jobs: %s | req=%s", db->errmsg, r->request_id);
		http_respond_error(r, rc, "could not list jobs");
		return;
	}
	http_respond_text(r, 200, "application/json", json);
}
