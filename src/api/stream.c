/*
 * stream.c - GET /api/v1/indexing/jobs/{id}/stream: a job's live events
 * as Server-Sent Events.
 *
 * The events come from the job's event log in Redis (src/queue/events.c),
 * read with blocking XREAD: workers publish, this thread relays, nobody
 * polls. The SSE id is the log entry id, so Last-Event-ID resumes exactly.
 * A first "snapshot" event carries the job's full status. Idle streams get
 * a heartbeat comment (which is also how a gone client is noticed), and
 * "stalled" says why nothing moves. The stream ends after "done".
 *
 * Each stream holds a responder thread; api.max_streams (below
 * api.threads) bounds them so that streams never starve the REST API.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api/api.h"
#include "queue/events.h"
#include "store/jobstore.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

#define STREAM_BATCH 64
/* The job's status is re-read from PostgreSQL at most this often, only
 * on idle streams: a safety net for a "done" event that Redis lost. */
#define STREAM_DB_CHECK_SECONDS 60

static atomic_int stream_count;

int api_streams_open(void)
{
	return atomic_load(&stream_count);
}

static int stream_terminal(const char *status)
{
	return strcmp(status, "completed") == 0 || strcmp(status, "completed_with_errors") == 0 ||
	       strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0;
}

/* The "status" of a status document. */
static const char *stream_doc_status(struct http_request *r, const char *json, char *out, size_t outlen)
{
	struct json_object *doc = json_tokener_parse(json), *st;

	snprintf(out, outlen, "%s",
		 doc && json_object_object_get_ex(doc, "status", &st) ? json_object_get_string(st)
								      : "unknown");
	json_object_put(doc);
	(void)r;
	return out;
}

/* Files done in a progress document, or -1. */
static int64_t progress_files_done(const char *json)
{
	static const char *const keys[] = {"files_processed", "files_skipped", "files_failed"};
	struct json_object *d = json_tokener_parse(json), *v;
	int64_t n = 0;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && n >= 0; i++)
		n = d && json_object_object_get_ex(d, keys[i], &v) ? n + json_object_get_int64(v) : -1;
	json_object_put(d);
	return n;
}

/* Sends a "stalled" event when the job should move but cannot. */
static int stream_check_stall(struct http_request *r, struct redisq *q, const char *id, const char *last,
			      const char *status)
{
	int64_t workers = 0;
	char data[256];

	if (strcmp(status, "pending") && strcmp(status, "planning") && strcmp(status, "running"))
		return 0;
	if (redisq_count_workers(q, &workers) != 0 || workers > 0)
		return 0;
	snprintf(data, sizeof(data),
		 "{\"job_id\":\"%s\",\"reason\":\"no_live_workers\",\"message\":\"no docxp-worker is alive;"
		 " start one (systemctl start docxp-workers.target)\",\"ts\":%lld}",
		 id, events_now_ms());
	return http_sse_event(r, last, "stalled", data);
}

void api_jobs_stream(struct http_request *r)
{
	struct api_ctx *ctx = r->thread_ctx;
	const struct conf *cfg = ctx->cfg;
	const char *id = r->params[0], *resume_from, *json;
	char last[64], status[32], why[256];
	struct event ev[STREAM_BATCH];
	int64_t sent_files = -1; /* files done in the last progress sent */
	time_t last_db_check = time(NULL), last_event = time(NULL);
	struct redisq *q;
	struct db *db;
	int rc, n, i, done = 0;

	if (!api_valid_uuid(id)) {
		http_respond_error(r, DX_E_NOTFOUND, "no job with id '%.64s' (job ids are UUIDs)", id);
		return;
	}
	resume_from = r->last_event_id[0] ? r->last_event_id : http_query_param(r, "last_event_id");
	if (resume_from && !events_valid_id(resume_from)) {
		http_respond_error(r, DX_E_BADREQUEST, "Last-Event-ID '%.64s' is not an event id of this API",
				   resume_from);
		return;
	}
	db = api_db(r);
	if (!db)
		return;
	q = api_redis(r);
	if (!q)
		return;
	if (atomic_fetch_add(&stream_count, 1) >= cfg->api_max_streams) {
		atomic_fetch_sub(&stream_count, 1);
		http_respond_error(
		    r, DX_E_UNAVAILABLE,
		    "too many open event streams (api.max_streams = %d); retry later or poll %s",
		    cfg->api_max_streams, "/api/v1/indexing/jobs/{id}/status");
		return;
	}
	/* The log position first, then the snapshot: an event between the
	 * two is sent after the snapshot rather than lost. */
	if (resume_from)
		snprintf(last, sizeof(last), "%s", resume_from);
	else if (events_last_id(q, id, last, sizeof(last)) != 0)
		snprintf(last, sizeof(last), "0-0");
	rc = jobstore_status_json(db, r->arena, id, &json);
	if (rc) {
		atomic_fetch_sub(&stream_count, 1);
		if (rc == DX_E_NOTFOUND)
			http_respond_error(r, rc, "no job with id %s", id);
		else
			http_respond_error(r, rc, "could not read the job");
		return;
	}
	stream_doc_status(r, json, status, sizeof(status));
	/* A stream may last hours: it must not hold a pooled connection. */
	api_db_release(r);
	if (http_sse_begin(r) != 0 || http_sse_retry(r, 3000) != 0)
		goto out;
	if (!resume_from && http_sse_event(r, last, "snapshot", json) != 0)
		goto out;
	log_info("stream opened | req=%s job=%s from=%s streams=%d", r->request_id, id, last,
		 atomic_load(&stream_count));
	while (!done && !http_server_stopping()) {
		/* A job that has ended gets what is left of its log without
		 * waiting, then "done". */
		n = events_read(q, id, last,
				stream_terminal(status) ? 0 : cfg->api_sse_heartbeat_seconds * 1000, ev,
				STREAM_BATCH);
		if (n < 0) {
			log_warn("event log unavailable: %s | req=%s job=%s", q->errmsg, r->request_id, id);
			if (http_sse_comment(r, "event log unavailable, retrying") != 0)
				break;
			sleep(1);
			continue;
		}
		for (i = 0; i < n; i++) {
			/* Workers read progress in commit order but publish it after
			 * their commits: one published late is older than what the
			 * client has, and is skipped so that progress never goes
			 * backwards. */
			bool stale = false;

			if (strcmp(ev[i].type, "progress") == 0) {
				int64_t files = progress_files_done(ev[i].data);

				stale = files >= 0 && files < sent_files;
				if (files > sent_files)
					sent_files = files;
			}
			if (!done && !stale && http_sse_event(r, ev[i].id, ev[i].type, ev[i].data) != 0)
				done = -1;
			snprintf(last, sizeof(last), "%s", ev[i].id);
			if (strcmp(ev[i].type, "done") == 0 && done == 0)
				done = 1;
			if (strcmp(ev[i].type, "state") == 0) {
				struct json_object *d = json_tokener_parse(ev[i].data), *st;

				if (d && json_object_object_get_ex(d, "status", &st))
					snprintf(status, sizeof(status), "%s", json_object_get_string(st));
				json_object_put(d);
			}
		}
		events_release(ev, n);
		if (done)
			break;
		if (n > 0) {
			last_event = time(NULL);
			continue;
		}
		if (stream_terminal(status)) {
			/* Ended, and the log had no "done" (Redis lost it). */
			db = api_db_quiet(r, why, sizeof(why));
			if (db && jobstore_status_json(db, r->arena, id, &json) == 0)
				http_sse_event(r, last, "done", json);
			break;
		}
		/* Idle: heartbeat, and now and then the safety-net check. */
		if (http_sse_comment(r, "heartbeat") != 0)
			break;
		if (time(NULL) - last_db_check >= STREAM_DB_CHECK_SECONDS &&
		    time(NULL) - last_event >= STREAM_DB_CHECK_SECONDS) {
			last_db_check = time(NULL);
			db = api_db_quiet(r, why, sizeof(why));
			if (db && jobstore_status_json(db, r->arena, id, &json) == 0)
				stream_doc_status(r, json, status, sizeof(status));
			api_db_release(r);
		}
		if (stream_check_stall(r, q, id, last, status) != 0)
			break;
	}
out:
	/* Streams are few and long: their thread's Redis connection (used for
	 * blocking reads) is closed rather than kept idle with the thread. */
	redisq_close(&ctx->q);
	ctx->redis_connected = 0;
	atomic_fetch_sub(&stream_count, 1);
	log_info("stream closed | req=%s job=%s last=%s", r->request_id, id, last);
}
