/*
 * jobcontrol.c - pause, resume and cancel a job; list its per-file errors.
 *
 * Transitions are idempotent (pausing a paused job answers 200) and a
 * transition that makes no sense for an ended job answers 409. Every
 * answer carries the job's status document.
 */
#include "config.h"

#include <string.h>

#include "api/api.h"
#include "queue/events.h"
#include "store/jobstore.h"
#include "util/log.h"
#include "util/status.h"

/* Validates {id}; sends 404 and returns NULL when it is not a job id. */
static const char *control_job_id(struct http_request *r)
{
	const char *id = r->params[0];

	if (!api_valid_uuid(id)) {
		http_respond_error(r, DX_E_NOTFOUND, "no job with id '%.64s' (job ids are UUIDs)", id);
		return NULL;
	}
	return id;
}

/* Answers a transition's outcome with the status document. */
static void control_reply(struct http_request *r, struct db *db, const char *id, const char *verb, int rc,
			  const char *status)
{
	const char *json;

	if (rc == DX_E_NOTFOUND) {
		http_respond_error(r, rc, "no job with id %s", id);
		return;
	}
	if (rc == DX_E_CONFLICT) {
		http_respond_error(r, rc, "cannot %s job %s: it is %s", verb, id, status);
		return;
	}
	if (rc == 0)
		rc = jobstore_status_json(db, r->arena, id, &json);
	if (rc) {
		log_err("could not %s job: %s | req=%s job=%s", verb, db->errmsg, r->request_id, id);
		http_respond_error(r, rc, "could not %s the job", verb);
		return;
	}
	log_info("job %s | job=%s status=%s req=%s", verb, id, status, r->request_id);
	/* Followers learn of the change at once; "done" ends their streams. */
	{
		struct redisq *q = api_redis_quiet(r);

		if (q &&
		    events_state(q, id, status, NULL, strcmp(status, "cancelled") == 0 ? json : NULL) != 0)
			log_warn("could not publish state event: %s | job=%s", q->errmsg, id);
	}
	http_respond_text(r, 200, "application/json", json);
}

/* Pause and cancel: one transition of the job store, then the reply. */
static void control_simple(struct http_request *r, const char *verb,
			   int (*transition)(struct db *, struct arena *, const char *, const char **))
{
	const char *id = control_job_id(r), *status = "";
	struct db *db;
	int rc;

	if (!id)
		return;
	db = api_db(r);
	if (!db)
		return;
	rc = transition(db, r->arena, id, &status);
	control_reply(r, db, id, verb, rc, status);
}

void api_jobs_pause(struct http_request *r)
{
	control_simple(r, "pause", jobstore_pause);
}

void api_jobs_resume(struct http_request *r)
{
	const char *id = control_job_id(r), *status = "";
	int64_t *chunks = NULL;
	size_t n = 0;
	struct redisq *q;
	struct db *db;
	int plan = 0, rc;

	if (!id)
		return;
	db = api_db(r);
	if (!db)
		return;
	rc = jobstore_resume(db, r->arena, id, &status, &plan, &chunks, &n);
	if (rc == 0 && (plan || n > 0)) {
		/* PostgreSQL already says what is to be done; if Redis fails
		 * here, reconcile enqueues it within a few minutes. */
		q = api_redis_quiet(r);
		if (!q || (plan ? redisq_enqueue(q, REDISQ_PLAN, id, 0)
				: redisq_enqueue_chunks(q, id, chunks, (int)n)))
			log_warn("could not enqueue resumed work, reconcile will | job=%s", id);
	}
	control_reply(r, db, id, "resume", rc, status);
}

void api_jobs_cancel(struct http_request *r)
{
	control_simple(r, "cancel", jobstore_cancel);
}

void api_jobs_errors(struct http_request *r)
{
	const char *id = control_job_id(r), *kind = http_query_param(r, "kind"), *json;
	struct db *db;
	int limit, offset, rc;

	if (!id)
		return;
	if (kind && strcmp(kind, "all") == 0)
		kind = NULL;
	else if (!kind)
		kind = "failed";
	else if (strcmp(kind, "failed") != 0 && strcmp(kind, "skipped") != 0) {
		http_respond_error(r, DX_E_BADREQUEST, "kind must be failed, skipped or all");
		return;
	}
	if (api_query_int(r, "limit", 50, 1, 500, &limit) ||
	    api_query_int(r, "offset", 0, 0, 10000000, &offset))
		return;
	db = api_db(r);
	if (!db)
		return;
	rc = jobstore_errors_json(db, r->arena, id, kind, limit, offset, &json);
	if (rc == DX_E_NOTFOUND) {
		http_respond_error(r, rc, "no job with id %s", id);
		return;
	}
	if (rc) {
		log_err("could not list errors: %s | req=%s job=%s", db->errmsg, r->request_id, id);
		http_respond_error(r, rc, "could not list the job's errors");
		return;
	}
	http_respond_text(r, 200, "application/json", json);
}
