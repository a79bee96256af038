/*
 * jobstore.c - job creation and the job documents of the REST API.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/jobstore.h"
#include "util/arena.h"
#include "util/status.h"

/* The job document; j is jobs, r is repositories. The counters come from
 * docxp_job_progress (sql/), shared with the progress events. */
#define JOB_JSON                                                                              \
	"(docxp_job_progress(j) || jsonb_build_object("                                       \
	"'job_type', j.job_type, 'repository_id', r.id, 'repository_path', r.path,"           \
	"'repository_name', r.name, 'file_patterns', j.file_patterns,"                        \
	"'exclude_patterns', j.exclude_patterns, 'skip_reasons', j.skip_reasons,"             \
	"'commit', j.commit_sha, 'branch', j.branch, 'commit_time', j.commit_time,"           \
	"'chunk_size', j.chunk_size, 'max_concurrent_chunks', j.max_concurrent_chunks,"       \
	"'max_retries', j.max_retries, 'max_file_bytes', j.max_file_bytes, 'error', j.error," \
	"'created_at', j.created_at, 'started_at', j.started_at, 'finished_at', j.finished_at))"

static const char *const job_statuses[] = {
    "pending", "planning", "running", "paused", "completed", "completed_with_errors", "failed", "cancelled"};

int jobstore_status_valid(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(job_statuses) / sizeof(job_statuses[0]); i++)
		if (strcmp(job_statuses[i], s) == 0)
			return 1;
	return 0;
}

/* Advisory lock namespace (first key of the two-int form) of the per-key
 * job cap; the second key is the API key's id (folded into an int; two
 * keys sharing a lock only wait for each other). */
#define JOB_CAP_LOCK_NS "1685614704" /* "dxjp" */

/*
 * Opens the transaction of a capped job creation: the per-key lock first
 * (held until commit or rollback), then the count, which a READ COMMITTED
 * statement started after the lock sees with every job committed before.
 * Returns 0 inside the transaction, or DX_E_TOOMANY / DX_E_DB outside it.
 */
static int jobstore_cap_begin(struct db *db, struct arena *a, const struct job_request *req)
{
	char key[24], cap[16];
	const char *params[2] = {key, cap};
	struct pg_result *res;
	int rc;

	snprintf(key, sizeof(key), "%lld", (long long)req->api_key_id);
	snprintf(cap, sizeof(cap), "%d", req->max_jobs_per_key);
	rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_query(db, a,
		      "SELECT pg_advisory_xact_lock(" JOB_CAP_LOCK_NS ", ($1::bigint % 2147483647)::integer)",
		      1, params, &res);
	if (rc == 0)
		rc = db_query(db, a,
			      "SELECT count(*) >= $2::integer FROM jobs WHERE api_key_id = $1::bigint"
			      " AND status IN ('pending', 'planning', 'running', 'paused')",
			      2, params, &res);
	if (rc == 0 && strcmp(db_value(res, 0, 0), "t") == 0)
		rc = DX_E_TOOMANY;
	if (rc)
		db_rollback(db);
	return rc;
}

int jobstore_create(struct db *db, struct arena *a, const struct job_request *req, const char **job_id)
{
	char chunk_size[16], max_conc[16], max_retries[16], max_bytes[24], key[24];
	const char *name = strrchr(req->repository_path, '/');
	const char *params[11];
	struct pg_result *res;
	bool capped = req->api_key_id > 0 && req->max_jobs_per_key > 0;
	int rc, attempt;

	if (capped) {
		rc = jobstore_cap_begin(db, a, req);
		if (rc)
			return rc;
	}
	snprintf(key, sizeof(key), "%lld", (long long)req->api_key_id);

	snprintf(chunk_size, sizeof(chunk_size), "%d", req->chunk_size);
	snprintf(max_conc, sizeof(max_conc), "%d", req->max_concurrent_chunks);
	snprintf(max_retries, sizeof(max_retries), "%d", req->max_retries);
	snprintf(max_bytes, sizeof(max_bytes), "%ld", req->max_file_bytes);
	params[0] = req->repository_path;
	params[1] = name && name[1] ? name + 1 : req->repository_path;
	params[2] = req->job_type;
	params[3] = req->file_patterns;
	params[4] = req->exclude_patterns;
	params[5] = chunk_size;
	params[6] = max_conc;
	params[7] = max_retries;
	params[8] = max_bytes;
	params[9] = req->price_per_1k_tokens ? req->price_per_1k_tokens : "0";
	params[10] = req->api_key_id > 0 ? key : NULL;
	/* One statement: the repository upsert and the job insert commit
	 * together or not at all. */
	/* A repository created at this very moment by another request is
	 * not in this statement's snapshot: the second attempt sees it. */
	for (attempt = 0; attempt < 2; attempt++) {
		rc = db_query(
		    db, a,
		    /* DO NOTHING takes no lock on an existing repository row: an
		     * update here would deadlock with a planner that holds the
		     * active job's row and updates the repository. */
		    "WITH ins AS ("
		    " INSERT INTO repositories (path, name) VALUES ($1, $2)"
		    " ON CONFLICT (path) DO NOTHING RETURNING id),"
		    " repo AS (SELECT id FROM ins UNION ALL SELECT id FROM repositories WHERE path = $1"
		    " AND NOT EXISTS (SELECT 1 FROM ins))"
		    " INSERT INTO jobs (repository_id, job_type, file_patterns, exclude_patterns, chunk_size,"
		    "  max_concurrent_chunks, max_retries, max_file_bytes, price_per_1k_tokens, api_key_id)"
		    " SELECT repo.id, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10::numeric, $11::bigint"
		    " FROM repo RETURNING id",
		    11, params, &res);
		if (rc || db_nrows(res) > 0)
			break;
	}
	if (rc == 0 && db_nrows(res) == 0)
		rc = DX_E_CONFLICT;
	if (rc == 0)
		*job_id = arena_strdup(a, db_value(res, 0, 0));
	if (capped) {
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	return rc;
}

int jobstore_status_json(struct db *db, struct arena *a, const char *job_id, const char **json)
{
	struct pg_result *res;
	int rc;

	rc = db_query(db, a,
		      "SELECT " JOB_JSON " FROM jobs j JOIN repositories r ON r.id = j.repository_id"
		      " WHERE j.id = $1::uuid",
		      1, &job_id, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return DX_E_NOTFOUND;
	*json = db_value(res, 0, 0);
	return 0;
}

int jobstore_list_json(struct db *db, struct arena *a, const char *status, const char *repository, int limit,
		       int offset, const char **json)
{
	char lim[16], off[16];
	const char *params[4] = {status, repository, lim, off};
	struct pg_result *res;
	int rc;

	snprintf(lim, sizeof(lim), "%d", limit);
	snprintf(off, sizeof(off), "%d", offset);
	rc = db_query(
	    db, a,
	    "WITH page AS ("
	    " SELECT " JOB_JSON
	    " AS doc, j.created_at FROM jobs j JOIN repositories r ON r.id = j.repository_id"
	    " WHERE ($1::text IS NULL OR j.status = $1) AND ($2::text IS NULL OR r.path = $2)"
	    " ORDER BY j.created_at DESC, j.id LIMIT $3::int OFFSET $4::int)"
	    " SELECT json_build_object('jobs', coalesce((SELECT jsonb_agg(doc ORDER BY created_at DESC)"
	    " FROM page), '[]'::jsonb), 'total', (SELECT count(*) FROM jobs j JOIN repositories r"
	    " ON r.id = j.repository_id WHERE ($1::text IS NULL OR j.status = $1)"
	    " AND ($2::text IS NULL OR r.path = $2)), 'limit', $3::int, 'offset', $4::int)",
	    4, params, &res);
	if (rc)
		return rc;
	*json = db_value(res, 0, 0);
	return 0;
}

/*
 * Runs a transition statement that returns the job's new status when it
 * applied; when it did not, looks at the current status: "same" (already
 * there) is success, an ended job is DX_E_CONFLICT, none is DX_E_NOTFOUND.
 */
static int jobstore_transition(struct db *db, struct arena *a, const char *job_id, const char *sql,
			       const char *same, const char **status)
{
	struct pg_result *res;
	int rc;

	rc = db_query(db, a, sql, 1, &job_id, &res);
	if (rc)
		return rc;
	if (db_nrows(res) > 0) {
		*status = db_value(res, 0, 0);
		return 0;
	}
	rc = db_query(db, a, "SELECT status FROM jobs WHERE id = $1::uuid", 1, &job_id, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return DX_E_NOTFOUND;
	*status = db_value(res, 0, 0);
	return strstr(same, *status) ? 0 : DX_E_CONFLICT;
}

int jobstore_pause(struct db *db, struct arena *a, const char *job_id, const char **status)
{
	return jobstore_transition(
	    db, a, job_id,
	    "UPDATE jobs SET status = 'paused', planner = NULL, planner_lease_until = NULL,"
	    " updated_at = now() WHERE id = $1::uuid AND status IN ('pending', 'planning', 'running')"
	    " RETURNING status",
	    "|paused|", status);
}

int jobstore_resume(struct db *db, struct arena *a, const char *job_id, const char **status, int *plan,
		    int64_t **chunk_ids, size_t *nchunks)
{
	struct pg_result *res;
	size_t i;
	int rc;

	*plan = 0;
	*chunk_ids = NULL;
	*nchunks = 0;
	/* A job paused before its plan was recorded has no chunks: it goes
	 * back to pending and is planned again. */
	rc = jobstore_transition(
	    db, a, job_id,
	    "UPDATE jobs j SET status = CASE WHEN EXISTS (SELECT 1 FROM chunks c WHERE c.job_id = j.id)"
	    " OR j.chunks_total > 0 THEN 'running' ELSE 'pending' END, updated_at = now()"
	    " WHERE j.id = $1::uuid AND j.status = 'paused' RETURNING j.status",
	    "|pending|planning|running|", status);
	if (rc)
		return rc;
	if (strcmp(*status, "pending") == 0) {
		*plan = 1;
		return 0;
	}
	if (strcmp(*status, "running") != 0)
		return 0;
	/* The queue dropped this job's messages while it was paused. */
	rc = db_query(db, a,
		      "UPDATE chunks SET enqueued_at = now() WHERE job_id = $1::uuid AND status = 'queued'"
		      " RETURNING id",
		      1, &job_id, &res);
	if (rc)
		return rc;
	*nchunks = (size_t)db_nrows(res);
	*chunk_ids = arena_alloc(a, (*nchunks + 1) * sizeof(int64_t));
	for (i = 0; i < *nchunks; i++)
		(*chunk_ids)[i] = db_int64(res, (int)i, 0);
	return 0;
}

int jobstore_cancel(struct db *db, struct arena *a, const char *job_id, const char **status)
{
	return jobstore_transition(
	    db, a, job_id,
	    "UPDATE jobs SET status = 'cancelled', finished_at = now(), updated_at = now(),"
	    " planner = NULL, planner_lease_until = NULL"
	    " WHERE id = $1::uuid AND status IN ('pending', 'planning', 'running', 'paused')"
	    " RETURNING status",
	    "|cancelled|", status);
}

int jobstore_errors_json(struct db *db, struct arena *a, const char *job_id, const char *kind, int limit,
			 int offset, const char **json)
{
	char lim[16], off[16];
	const char *params[4] = {job_id, kind, lim, off};
	struct pg_result *res;
	int rc;

	snprintf(lim, sizeof(lim), "%d", limit);
	snprintf(off, sizeof(off), "%d", offset);
	rc = db_query(db, a, "SELECT 1 FROM jobs WHERE id = $1::uuid", 1, params, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return DX_E_NOTFOUND;
	rc = db_query(db, a,
		      "WITH sel AS (SELECT * FROM job_file_issues WHERE job_id = $1::uuid"
		      " AND ($2::text IS NULL OR kind = $2)),"
		      " page AS (SELECT * FROM sel ORDER BY path LIMIT $3::int OFFSET $4::int)"
		      " SELECT json_build_object('job_id', $1::uuid, 'errors', coalesce((SELECT json_agg("
		      " json_build_object('path', path, 'kind', kind, 'reason', reason, 'message', message,"
		      " 'created_at', created_at) ORDER BY path) FROM page), '[]'::json),"
		      " 'total', (SELECT count(*) FROM sel), 'limit', $3::int, 'offset', $4::int)",
		      4, params, &res);
	if (rc)
		return rc;
	*json = db_value(res, 0, 0);
	return 0;
}

int jobstore_count_by_status(struct db *db, const char *const *statuses, size_t n, int64_t *counts)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	size_t i;
	int rc, row;

	memset(counts, 0, n * sizeof(*counts));
	rc = db_query(db, a, "SELECT status, count(*) FROM jobs GROUP BY status", 0, NULL, &res);
	for (row = 0; rc == 0 && row < db_nrows(res); row++)
		for (i = 0; i < n; i++)
			if (strcmp(statuses[i], db_value(res, row, 0)) == 0)
				counts[i] = db_int64(res, row, 1);
	arena_free(a);
	return rc;
}

int jobstore_dead_letters(struct db *db, int64_t *active, int64_t *total)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	*active = *total = 0;
	rc = db_query(
	    db, a,
	    "SELECT count(*) FILTER (WHERE j.status IN ('pending', 'planning', 'running', 'paused')),"
	    " count(*) FROM chunks c JOIN jobs j ON j.id = c.job_id WHERE c.status = 'dead'",
	    0, NULL, &res);
	if (rc == 0) {
		*active = db_int64(res, 0, 0);
		*total = db_int64(res, 0, 1);
	}
	arena_free(a);
	return rc;
}
