/*
 * chunkstore.c - planning, leases and chunk commits in PostgreSQL.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/chunkstore.h"
#include "store/copybin.h"
#include "store/db.h"
#include "store/veccodec.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

/* pg_try_advisory_xact_lock key of chunkstore_settle_after_job ("dxpS"). */
#define SETTLE_LOCK_KEY "1685614675"

static const char *fmt_int(struct arena *a, int64_t v)
{
	return arena_printf(a, "%lld", (long long)v);
}

int chunkstore_claim_plan(struct db *db, struct arena *a, const char *worker, const char *job_id,
			  int lease_seconds, struct plan_claim *claim)
{
	const char *params[3] = {job_id, worker, fmt_int(a, lease_seconds)};
	struct pg_result *res;
	int rc;

	rc = db_query(
	    db, a,
	    "UPDATE jobs j SET status = 'planning', planner = $2,"
	    " planner_lease_until = now() + $3::int * interval '1 second',"
	    " started_at = coalesce(started_at, now()), updated_at = now()"
	    " FROM repositories r WHERE r.id = j.repository_id AND j.id = $1::uuid"
	    " AND (j.status = 'pending' OR (j.status = 'planning' AND j.planner_lease_until < now()))"
	    " RETURNING j.job_type, r.path, j.file_patterns::text, j.exclude_patterns::text,"
	    " j.chunk_size, j.max_file_bytes",
	    3, params, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return 1;
	claim->job_id = arena_strdup(a, job_id);
	claim->job_type = db_value(res, 0, 0);
	claim->repo_path = db_value(res, 0, 1);
	claim->file_patterns = db_value(res, 0, 2);
	claim->exclude_patterns = db_value(res, 0, 3);
	claim->chunk_size = (int)db_int64(res, 0, 4);
	claim->max_file_bytes = db_int64(res, 0, 5);
	return 0;
}

/* Appends s (NULL: SQL NULL) as an element of a PostgreSQL array literal. */
static int array_add_elem(struct buf *b, const char *s, bool first)
{
	int rc;

	if (!s)
		return buf_addstr(b, first ? "NULL" : ",NULL");
	rc = buf_addstr(b, first ? "\"" : ",\"");

	for (; *s && rc == 0; s++) {
		if (*s == '"' || *s == '\\')
			rc = buf_add(b, "\\", 1);
		if (rc == 0)
			rc = buf_add(b, s, 1);
	}
	return rc ? rc : buf_addstr(b, "\"");
}

/* Rows passed as one PostgreSQL array literal per column (to unnest()). */
#define ARRAY_COLS_MAX 5
struct array_cols {
	struct buf col[ARRAY_COLS_MAX];
	size_t ncols, nrows;
	int rc;
};

static void array_cols_init(struct array_cols *c, size_t ncols)
{
	size_t k;

	c->ncols = ncols;
	c->nrows = 0;
	c->rc = 0;
	for (k = 0; k < ncols; k++)
		buf_init(&c->col[k], 0);
}

/* Adds one row: values[k] (NULL: SQL NULL) to column k. */
static void array_cols_row(struct array_cols *c, const char *const *values)
{
	size_t k;

	for (k = 0; k < c->ncols && c->rc == 0; k++)
		c->rc = array_add_elem(&c->col[k], values[k], c->nrows == 0);
	c->nrows++;
}

/* The columns' literals as params[0 .. ncols), on arena a; the buffers
 * are released. Returns what building them returned. */
static int array_cols_params(struct array_cols *c, struct arena *a, const char **params)
{
	size_t k;

	for (k = 0; k < c->ncols; k++) {
		params[k] = arena_printf(a, "{%s}", buf_str(&c->col[k]));
		buf_release(&c->col[k]);
	}
	return c->rc;
}

/* Appends one COPY text field (escaped) and its separator. */
static int copy_field(struct buf *b, const char *s, bool last)
{
	int rc = s ? db_copy_escape(b, s, strlen(s)) : buf_addstr(b, "\\N");

	return rc ? rc : buf_add(b, last ? "\n" : "\t", 1);
}

static int copy_flush(struct db *db, struct buf *b)
{
	int rc = db_copy_put(db, b->ptr ? b->ptr : "", (int)b->len);

	buf_reset(b);
	return rc;
}

/* Sends what is left and ends the COPY (always ended, also after an error,
 * so that the connection leaves COPY mode); frees the line buffer. */
static int copy_done(struct db *db, struct buf *line, int rc)
{
	if (rc == 0)
		rc = copy_flush(db, line);
	if (rc == 0)
		rc = db_copy_end(db);
	else
		(void)db_copy_end(db);
	buf_release(line);
	return rc;
}

/*
 * The files a plan keeps (to process or unchanged), in plan_files (a temp
 * table of the plan's transaction): files of the index not among them
 * (deleted from the repository, excluded, now skipped) leave it, so that
 * after the job it equals a clean run's, and so do their stats; the stats
 * of the files to process are recorded unconfirmed (sql/007). The number
 * of removed files goes to *removed. NOT IN over a subquery is a hashed
 * anti-join.
 */
static int plan_record_files(struct db *db, struct arena *a, const char *job_id,
			     const struct plan_result *plan, const char **removed)
{
	const char *params[2] = {job_id, fmt_int(a, plan->stat_ns)};
	struct pg_result *res;
	struct buf line;
	size_t i;
	int rc;

	buf_init(&line, 0);
	rc = db_exec(db, "CREATE TEMP TABLE plan_files (path text, size_bytes bigint, mtime_ns bigint,"
			 " ctime_ns bigint, inode bigint) ON COMMIT DROP");
	if (rc == 0)
		rc = db_copy_begin(db, "COPY plan_files FROM STDIN");
	for (i = 0; rc == 0 && i < plan->npaths + plan->nunchanged; i++) {
		const struct plan_stat *st = i < plan->npaths && plan->stats ? &plan->stats[i] : NULL;

		rc = copy_field(&line, i < plan->npaths ? plan->paths[i] : plan->unchanged[i - plan->npaths],
				false);
		if (rc == 0)
			rc = copy_field(&line, st ? fmt_int(a, st->size) : NULL, false);
		if (rc == 0)
			rc = copy_field(&line, st ? fmt_int(a, st->mtime_ns) : NULL, false);
		if (rc == 0)
			rc = copy_field(&line, st ? fmt_int(a, st->ctime_ns) : NULL, false);
		if (rc == 0)
			rc = copy_field(&line, st ? fmt_int(a, st->ino) : NULL, true);
		if (rc == 0 && line.len > 65536)
			rc = copy_flush(db, &line);
	}
	if (rc == 0)
		rc = copy_flush(db, &line);
	if (rc == 0)
		rc = db_copy_end(db);
	else
		(void)db_copy_end(db);
	buf_release(&line);
	if (rc == 0)
		rc = db_query(db, a,
			      "WITH gone AS (DELETE FROM files WHERE repository_id = (SELECT repository_id"
			      " FROM jobs WHERE id = $1::uuid) AND path NOT IN (SELECT path FROM plan_files)"
			      " RETURNING 1) SELECT count(*) FROM gone",
			      1, params, &res);
	if (rc)
		return rc;
	*removed = arena_strdup(a, db_value(res, 0, 0));
	rc = db_query(db, a,
		      "DELETE FROM file_stats WHERE repository_id = (SELECT repository_id FROM jobs"
		      " WHERE id = $1::uuid) AND path NOT IN (SELECT path FROM plan_files)",
		      1, params, NULL);
	if (rc == 0)
		rc = db_query(
		    db, a,
		    "INSERT INTO file_stats AS s (repository_id, path, size_bytes, mtime_ns, ctime_ns, inode,"
		    " stat_ns, job_id) SELECT j.repository_id, p.path, p.size_bytes, p.mtime_ns, p.ctime_ns,"
		    " p.inode, $2::bigint, j.id FROM plan_files p, jobs j WHERE j.id = $1::uuid"
		    " AND p.size_bytes IS NOT NULL"
		    " ON CONFLICT (repository_id, path) DO UPDATE SET size_bytes = EXCLUDED.size_bytes,"
		    " mtime_ns = EXCLUDED.mtime_ns, ctime_ns = EXCLUDED.ctime_ns, inode = EXCLUDED.inode,"
		    " stat_ns = EXCLUDED.stat_ns, job_id = EXCLUDED.job_id, content_sha256 = NULL",
		    2, params, NULL);
	/* Statistics for the workers' per-chunk confirmations: without them
	 * the first job of a repository joined its 25 paths against all of
	 * its rows (a nested loop, 17 ms per chunk on java.base's 3,102). */
	if (rc == 0)
		rc = db_exec(db, "ANALYZE file_stats");
	return rc;
}

int chunkstore_commit_plan(struct db *db, struct arena *a, const char *worker, const struct plan_claim *claim,
			   const struct plan_result *plan, int64_t **chunk_ids, size_t *nchunks)
{
	const char *params[9];
	struct pg_result *res;
	struct buf line, arr;
	size_t i, seq, n = 0, nfull, nlonger = 0;
	int rc;

	buf_init(&line, 0);
	buf_init(&arr, 0);
	*chunk_ids = NULL;
	*nchunks = 0;
	rc = db_begin(db);
	if (rc)
		goto out;
	params[0] = claim->job_id;
	params[1] = worker;
	rc = db_query(
	    db, a,
	    "SELECT 1 FROM jobs WHERE id = $1::uuid AND status = 'planning' AND planner = $2 FOR UPDATE", 2,
	    params, &res);
	if (rc)
		goto fail;
	if (db_nrows(res) == 0) {
		rc = DX_E_LEASE_LOST;
		goto fail;
	}

	/*
	 * Chunks: COPY is one round trip for thousands of rows. An
	 * incremental job's few changed files are spread evenly over as many
	 * chunks as chunk_size requires (32 files: 16 + 16, not 25 + 7), so
	 * that workers share them; a full job's chunks are cut as always.
	 */
	nfull = (size_t)claim->chunk_size;
	if (strcmp(claim->job_type, "incremental") == 0 && plan->npaths > 0) {
		size_t count = (plan->npaths + nfull - 1) / nfull;

		nfull = plan->npaths / count;
		nlonger = plan->npaths % count;
	}
	rc = db_copy_begin(db, "COPY chunks (job_id, seq, paths) FROM STDIN");
	for (i = 0, seq = 0; rc == 0 && i < plan->npaths; seq++) {
		size_t end = i + nfull + (seq < nlonger), j;

		if (end > plan->npaths)
			end = plan->npaths;
		buf_reset(&arr);
		buf_addstr(&arr, "{");
		for (j = i; j < end && rc == 0; j++)
			rc = array_add_elem(&arr, plan->paths[j], j == i);
		if (rc == 0)
			rc = buf_addstr(&arr, "}");
		if (rc == 0)
			rc = copy_field(&line, claim->job_id, false);
		if (rc == 0)
			rc = copy_field(&line, fmt_int(a, (int64_t)seq), false);
		if (rc == 0)
			rc = copy_field(&line, buf_str(&arr), true);
		if (rc == 0 && line.len > 65536)
			rc = copy_flush(db, &line);
		i = end;
		n++;
	}
	if (rc == 0)
		rc = copy_flush(db, &line);
	if (rc == 0)
		rc = db_copy_end(db);
	else
		(void)db_copy_end(db);
	if (rc)
		goto fail;

	if (plan->nskips > 0) {
		rc = db_copy_begin(db, "COPY job_file_issues (job_id, path, kind, reason) FROM STDIN");
		for (i = 0; rc == 0 && i < plan->nskips; i++) {
			rc = copy_field(&line, claim->job_id, false);
			if (rc == 0)
				rc = copy_field(&line, plan->skips[i].path, false);
			if (rc == 0)
				rc = copy_field(&line, "skipped", false);
			if (rc == 0)
				rc = copy_field(&line, plan->skips[i].reason, true);
			if (rc == 0 && line.len > 65536)
				rc = copy_flush(db, &line);
		}
		if (rc == 0)
			rc = copy_flush(db, &line);
		if (rc == 0)
			rc = db_copy_end(db);
		else
			(void)db_copy_end(db);
		if (rc)
			goto fail;
	}

	rc = plan_record_files(db, a, claim->job_id, plan, &params[7]);
	if (rc)
		goto fail;
	params[1] = fmt_int(a, (int64_t)(plan->npaths + plan->nunchanged + plan->nskips));
	params[2] = fmt_int(a, (int64_t)(plan->nskips + plan->nunchanged));
	params[3] = fmt_int(a, (int64_t)n);
	params[4] = plan->commit_sha;
	params[5] = plan->commit_sha ? plan->branch : NULL;
	params[6] = plan->commit_time > 0 ? fmt_int(a, plan->commit_time) : NULL;
	params[8] = fmt_int(a, (int64_t)plan->nunchanged);
	/* Unchanged files count as skipped, with the reason the workers
	 * give them ("unchanged"), as if they had been read. */
	rc = db_query(
	    db, a,
	    "UPDATE jobs SET total_files = $2::int, files_skipped = $3::int, chunks_total = $4::int,"
	    " skip_reasons = coalesce((SELECT jsonb_object_agg(reason, n) FROM (SELECT reason, count(*) AS n"
	    "  FROM job_file_issues WHERE job_id = $1::uuid AND kind = 'skipped' GROUP BY reason) s),"
	    "  '{}'::jsonb) || CASE WHEN $9::int > 0 THEN jsonb_build_object('unchanged', $9::int)"
	    "  ELSE '{}'::jsonb END,"
	    " commit_sha = $5, branch = nullif($6, ''), commit_time = to_timestamp($7::bigint),"
	    " files_removed = $8::int,"
	    " status = CASE WHEN $4::int = 0 THEN 'completed' ELSE 'running' END,"
	    " finished_at = CASE WHEN $4::int = 0 THEN now() END,"
	    " planner = NULL, planner_lease_until = NULL, updated_at = now()"
	    " WHERE id = $1::uuid",
	    9, params, NULL);
	if (rc)
		goto fail;
	/* A job with nothing to process ends here, like its last chunk would
	 * end it (chunkstore_finish_job). */
	rc = db_query(db, a,
		      "UPDATE repositories r SET last_commit = j.commit_sha, last_branch = j.branch,"
		      " last_indexed_at = CASE WHEN j.status = 'completed' THEN now()"
		      " ELSE r.last_indexed_at END"
		      " FROM jobs j WHERE j.id = $1::uuid AND r.id = j.repository_id",
		      1, params, NULL);
	if (rc)
		goto fail;
	rc = db_query(db, a, "SELECT id FROM chunks WHERE job_id = $1::uuid ORDER BY seq", 1, params, &res);
	if (rc)
		goto fail;
	rc = db_commit(db);
	if (rc)
		goto fail;
	*nchunks = (size_t)db_nrows(res);
	*chunk_ids = arena_alloc(a, (*nchunks + 1) * sizeof(int64_t));
	for (i = 0; i < *nchunks; i++)
		(*chunk_ids)[i] = db_int64(res, (int)i, 0);
	goto out;
fail:
	db_rollback(db);
out:
	buf_release(&line);
	buf_release(&arr);
	return rc;
}

int chunkstore_fail_job(struct db *db, const char *job_id, const char *reason)
{
	const char *params[2] = {job_id, reason};

	return db_query(
	    db, NULL,
	    "UPDATE jobs SET status = 'failed', error = $2, finished_at = now(), updated_at = now(),"
	    " planner = NULL, planner_lease_until = NULL"
	    " WHERE id = $1::uuid AND status IN ('pending', 'planning', 'running')",
	    2, params, NULL);
}

int chunkstore_claim_chunk(struct db *db, struct arena *a, const char *worker, int64_t chunk_id,
			   int lease_seconds, struct chunk_claim *claim)
{
	const char *params[3] = {fmt_int(a, chunk_id), worker, fmt_int(a, lease_seconds)};
	struct pg_result *res;
	int rc, i;

	/*
	 * The job row is locked first, in its own statement: a second
	 * claimer of the same job waits, and its claim statement then starts
	 * with a snapshot that sees the first claim. That keeps the chunks in
	 * flight at most max_concurrent_chunks (one statement would count
	 * with the snapshot taken before the lock was granted).
	 */
	rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_query_prepared(
	    db, a, "docxp_claim_lock",
	    "SELECT 1 FROM jobs WHERE id = (SELECT job_id FROM chunks WHERE id = $1::bigint)"
	    " FOR NO KEY UPDATE",
	    1, params, NULL);
	if (rc == 0)
		rc = db_query_prepared(
		    db, a, "docxp_claim_chunk",
		    "WITH j AS (SELECT j.id, j.status, j.max_concurrent_chunks, j.max_retries, j.job_type,"
		    "  j.commit_sha, j.max_file_bytes, r.id AS repo_id, r.path AS repo_path, c.status AS "
		    "chunk_status,"
		    "  c.lease_until < now() AS lease_expired"
		    "  FROM chunks c JOIN jobs j ON j.id = c.job_id JOIN repositories r ON r.id = "
		    "j.repository_id"
		    "  WHERE c.id = $1::bigint FOR NO KEY UPDATE OF j),"
		    " busy AS (SELECT count(*) AS n FROM chunks c2, j WHERE c2.job_id = j.id"
		    "  AND c2.status = 'running' AND c2.lease_until > now() AND c2.id <> $1::bigint),"
		    " upd AS (UPDATE chunks c SET status = 'running', attempts = c.attempts + 1, lease_owner "
		    "= $2,"
		    "  lease_until = now() + $3::int * interval '1 second', started_at = now()"
		    "  FROM j, busy WHERE c.id = $1::bigint AND j.status = 'running'"
		    "  AND busy.n < j.max_concurrent_chunks"
		    "  AND (c.status = 'queued' OR (c.status = 'running' AND c.lease_until < now()))"
		    "  RETURNING c.job_id, c.seq, c.attempts, c.current_path)"
		    " SELECT upd.job_id, upd.seq, upd.attempts, j.max_retries, j.job_type, j.repo_id, "
		    "j.repo_path,"
		    "  j.commit_sha, j.max_file_bytes, upd.current_path,"
		    "  (j.status = 'running' AND (j.chunk_status = 'queued' OR (j.chunk_status = 'running'"
		    "   AND j.lease_expired))) AS claimable"
		    " FROM j LEFT JOIN upd ON true",
		    3, params, &res);
	if (rc == 0)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (db_nrows(res) == 0)
		return 1;
	if (db_isnull(res, 0, 0))
		return strcmp(db_value(res, 0, 10), "t") == 0 ? 2 : 1;
	claim->chunk_id = chunk_id;
	claim->job_id = db_value(res, 0, 0);
	claim->seq = (int)db_int64(res, 0, 1);
	claim->attempts = (int)db_int64(res, 0, 2);
	claim->max_retries = (int)db_int64(res, 0, 3);
	claim->job_type = db_value(res, 0, 4);
	claim->repo_id = db_int64(res, 0, 5);
	claim->repo_path = db_value(res, 0, 6);
	claim->commit_sha = db_isnull(res, 0, 7) ? NULL : db_value(res, 0, 7);
	claim->max_file_bytes = db_int64(res, 0, 8);
	claim->crashed_path = db_isnull(res, 0, 9) ? NULL : db_value(res, 0, 9);
	rc = db_query_prepared(db, a, "docxp_claim_paths",
			       "SELECT u.p FROM chunks c, unnest(c.paths) WITH ORDINALITY AS u(p, n)"
			       " WHERE c.id = $1::bigint ORDER BY u.n",
			       1, params, &res);
	if (rc)
		return rc;
	claim->npaths = (size_t)db_nrows(res);
	claim->paths = arena_alloc(a, (claim->npaths + 1) * sizeof(char *));
	for (i = 0; i < (int)claim->npaths; i++)
		claim->paths[i] = db_value(res, i, 0);
	return 0;
}

int chunkstore_mark_current(struct db *db, const char *worker, int64_t chunk_id, const char *path)
{
	char id[24];
	const char *params[3] = {id, worker, path};

	snprintf(id, sizeof(id), "%lld", (long long)chunk_id);
	return db_query_prepared(
	    db, NULL, "docxp_mark_current",
	    "UPDATE chunks SET current_path = $3 WHERE id = $1::bigint AND lease_owner = $2"
	    " AND status = 'running'",
	    3, params, NULL);
}

int chunkstore_job_status(struct db *db, const char *job_id, char *out, size_t outlen)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	rc = db_query_prepared(db, a, "docxp_job_status", "SELECT status FROM jobs WHERE id = $1::uuid", 1,
			       &job_id, &res);
	if (rc == 0 && db_nrows(res) == 0)
		rc = DX_E_NOTFOUND;
	if (rc == 0)
		snprintf(out, outlen, "%s", db_value(res, 0, 0));
	arena_free(a);
	return rc;
}

int chunkstore_known_hashes(struct db *db, struct arena *a, const struct chunk_claim *claim,
			    const char ***hashes)
{
	const char *params[2];
	struct array_cols paths;
	struct pg_result *res;
	size_t i;
	int rc, row;

	array_cols_init(&paths, 1);
	for (i = 0; i < claim->npaths; i++)
		array_cols_row(&paths, &claim->paths[i]);
	params[0] = fmt_int(a, claim->repo_id);
	rc = array_cols_params(&paths, a, &params[1]);
	if (rc)
		return rc;
	*hashes = arena_zalloc(a, (claim->npaths + 1) * sizeof(char *));
	rc = db_query(db, a,
		      "SELECT u.n, f.content_sha256 FROM unnest($2::text[]) WITH ORDINALITY AS u(p, n)"
		      " JOIN files f ON f.repository_id = $1::bigint AND f.path = u.p",
		      2, params, &res);
	if (rc)
		return rc;
	for (row = 0; row < db_nrows(res); row++) {
		int64_t n = db_int64(res, row, 0);

		if (n >= 1 && (size_t)n <= claim->npaths)
			(*hashes)[n - 1] = db_value(res, row, 1);
	}
	return 0;
}

int chunkstore_known_files(struct db *db, struct arena *a, const char *job_id, struct known_file **files,
			   size_t *nfiles)
{
	struct pg_result *res;
	int rc, i, n;

	*files = NULL;
	*nfiles = 0;
	/* COLLATE "C": byte order, the order of strcmp (bsearch). */
	rc = db_query(db, a,
		      "SELECT f.path, s.content_sha256 = f.content_sha256, s.size_bytes, s.mtime_ns,"
		      " s.ctime_ns, s.inode, s.stat_ns FROM jobs j"
		      " JOIN files f ON f.repository_id = j.repository_id"
		      " LEFT JOIN file_stats s ON s.repository_id = f.repository_id AND s.path = f.path"
		      " WHERE j.id = $1::uuid ORDER BY f.path COLLATE \"C\"",
		      1, &job_id, &res);
	if (rc)
		return rc;
	n = db_nrows(res);
	*files = arena_zalloc(a, ((size_t)n + 1) * sizeof(**files));
	for (i = 0; i < n; i++) {
		struct known_file *f = &(*files)[i];

		f->path = db_value(res, i, 0);
		f->has_stat = !db_isnull(res, i, 1) && strcmp(db_value(res, i, 1), "t") == 0;
		if (!f->has_stat)
			continue;
		f->st.size = db_int64(res, i, 2);
		f->st.mtime_ns = db_int64(res, i, 3);
		f->st.ctime_ns = db_int64(res, i, 4);
		f->st.ino = db_int64(res, i, 5);
		f->stat_ns = db_int64(res, i, 6);
	}
	*nfiles = (size_t)n;
	return 0;
}

int chunkstore_confirm_stats(struct db *db, struct arena *a, const struct chunk_claim *claim,
			     const struct file_result *files, size_t nfiles)
{
	const char *params[4];
	struct array_cols cols;
	size_t i;
	int rc;

	array_cols_init(&cols, 2);
	for (i = 0; i < nfiles; i++) {
		const char *row[2] = {files[i].path, files[i].sha256};

		if (files[i].outcome == FILE_PROCESSED || files[i].outcome == FILE_UNCHANGED)
			array_cols_row(&cols, row);
	}
	params[0] = fmt_int(a, claim->repo_id);
	params[1] = claim->job_id;
	rc = array_cols_params(&cols, a, &params[2]);
	/* Only rows of this job's plan: its walk took the stat before this
	 * read; a later plan's row is newer than the content read here. */
	if (rc == 0 && cols.nrows > 0)
		rc = db_query(db, a,
			      "UPDATE file_stats s SET content_sha256 = u.h"
			      " FROM unnest($3::text[], $4::text[]) AS u(p, h)"
			      " WHERE s.repository_id = $1::bigint AND s.path = u.p AND s.job_id = $2::uuid",
			      4, params, NULL);
	return rc;
}

int chunkstore_renew_lease(struct db *db, const char *worker, int64_t chunk_id, int lease_seconds)
{
	struct arena *a = arena_new();
	const char *params[3] = {fmt_int(a, chunk_id), worker, fmt_int(a, lease_seconds)};
	struct pg_result *res;
	int rc;

	rc = db_query_prepared(
	    db, a, "docxp_renew_lease",
	    "UPDATE chunks SET lease_until = now() + $3::int * interval '1 second'"
	    " WHERE id = $1::bigint AND lease_owner = $2 AND status = 'running' RETURNING 1",
	    3, params, &res);
	if (rc == 0 && db_nrows(res) == 0)
		rc = DX_E_LEASE_LOST;
	arena_free(a);
	return rc;
}

/*
 * Ends the job when no chunk is left. Runs inside the caller's transaction
 * after the job row was updated (and so locked) by it: exactly one chunk
 * commit sees the last chunk.
 */
static int chunkstore_finish_job(struct db *db, struct arena *a, const char *job_id, bool *job_done)
{
	const char *params[1] = {job_id};
	struct pg_result *res;
	int rc;

	*job_done = false;
	rc = db_query_prepared(
	    db, a, "docxp_finish_job",
	    "UPDATE jobs SET status = CASE WHEN files_failed > 0 OR chunks_failed > 0"
	    " THEN 'completed_with_errors' ELSE 'completed' END, finished_at = now(), updated_at = now()"
	    " WHERE id = $1::uuid AND status IN ('running', 'paused')"
	    " AND chunks_done + chunks_failed >= chunks_total RETURNING repository_id, job_type",
	    1, params, &res);
	if (rc || db_nrows(res) == 0)
		return rc;
	*job_done = true;
	return db_query(db, a,
			"UPDATE repositories r SET last_indexed_at = now() FROM jobs j"
			" WHERE j.id = $1::uuid AND r.id = j.repository_id",
			1, params, NULL);
}

/* The rows of one chunk's files: the ids its entities and their links
 * and vectors are written with. */
struct chunk_rows {
	int64_t repo_id;
	int64_t *file_ids;   /* by index in files[]; 0 unless processed */
	int64_t *entity_ids; /* the processed files' entities, in order */
	size_t nentities;
};

/*
 * Replaces the rows of the chunk's processed files: upserts the files
 * (their columns passed as arrays), removes the old entities (with their
 * links and vectors) of the files that were already indexed, and takes
 * ids for the new entities, so that entities, links and vectors are
 * copied straight into their tables. A file new to the index costs no
 * deletion: the first index of a repository deletes nothing.
 */
static int chunk_rows_prepare(struct db *db, struct arena *a, const struct chunk_claim *claim,
			      const struct file_result *files, size_t nfiles, struct chunk_rows *rows)
{
	const char *params[8];
	struct pg_result *res;
	struct array_cols cols, existed;
	size_t i;
	int rc, r;

	memset(rows, 0, sizeof(*rows));
	rows->repo_id = claim->repo_id;
	rows->file_ids = arena_zalloc(a, (nfiles + 1) * sizeof(*rows->file_ids));
	array_cols_init(&cols, 5);
	for (i = 0; i < nfiles; i++) {
		const struct file_result *f = &files[i];

		if (f->outcome == FILE_PROCESSED) {
			const char *row[5] = {f->path, f->language, fmt_int(a, f->size), fmt_int(a, f->lines),
					      f->sha256};

			array_cols_row(&cols, row);
			rows->nentities += f->entities.count;
		}
	}
	params[0] = fmt_int(a, rows->repo_id);
	params[1] = claim->job_id;
	params[2] = claim->commit_sha;
	rc = array_cols_params(&cols, a, &params[3]);
	if (rc || cols.nrows == 0)
		return rc;
	/* "old" is read with the statement's snapshot: the files indexed
	 * before this chunk (an upsert keeps their ids). */
	rc = db_query(
	    db, a,
	    "WITH old AS (SELECT id FROM files WHERE repository_id = $1::bigint AND path = ANY($4::text[]))"
	    " INSERT INTO files AS f (repository_id, path, language, size_bytes, line_count, content_sha256,"
	    " job_id, commit_sha, indexed_at)"
	    " SELECT $1::bigint, u.path, u.language, u.size_bytes, u.line_count, u.content_sha256, $2::uuid,"
	    " $3, now() FROM unnest($4::text[], $5::text[], $6::bigint[], $7::int[], $8::text[])"
	    " AS u(path, language, size_bytes, line_count, content_sha256)"
	    " ON CONFLICT (repository_id, path) DO UPDATE SET language = EXCLUDED.language,"
	    " size_bytes = EXCLUDED.size_bytes, line_count = EXCLUDED.line_count,"
	    " content_sha256 = EXCLUDED.content_sha256, job_id = EXCLUDED.job_id,"
	    " commit_sha = EXCLUDED.commit_sha, indexed_at = EXCLUDED.indexed_at"
	    " RETURNING f.path, f.id, f.id IN (SELECT id FROM old)",
	    8, params, &res);
	if (rc)
		return rc;
	array_cols_init(&existed, 1);
	for (r = 0; r < db_nrows(res); r++) {
		const char *id = db_value(res, r, 1);

		for (i = 0; i < nfiles; i++)
			if (files[i].outcome == FILE_PROCESSED && !rows->file_ids[i] &&
			    strcmp(files[i].path, db_value(res, r, 0)) == 0) {
				rows->file_ids[i] = db_int64(res, r, 1);
				break;
			}
		if (strcmp(db_value(res, r, 2), "t") == 0)
			array_cols_row(&existed, &id);
	}
	rc = array_cols_params(&existed, a, params);
	if (rc == 0 && existed.nrows > 0)
		rc = db_query(db, a, "DELETE FROM entities WHERE file_id = ANY($1::bigint[])", 1, params,
			      NULL);
	if (rc)
		return rc;
	for (i = 0; i < nfiles; i++)
		if (files[i].outcome == FILE_PROCESSED && !rows->file_ids[i])
			return DX_E_INTERNAL;
	if (rows->nentities == 0)
		return 0;
	params[0] = fmt_int(a, (int64_t)rows->nentities);
	rc = db_query_prepared(db, a, "docxp_chunk_entity_ids",
			       "SELECT nextval('entities_id_seq') FROM generate_series(1, $1::int)", 1,
			       params, &res);
	if (rc)
		return rc;
	if ((size_t)db_nrows(res) != rows->nentities)
		return DX_E_INTERNAL;
	rows->entity_ids = arena_alloc(a, rows->nentities * sizeof(*rows->entity_ids));
	for (i = 0; i < rows->nentities; i++)
		rows->entity_ids[i] = db_int64(res, (int)i, 0);
	return 0;
}

/* Sends a binary COPY stream's buffer when it is large, or (last) all of
 * it with the trailer. */
static int copybin_flush(struct db *db, struct buf *b, bool last)
{
	int rc = 0;

	if (last)
		rc = copybin_trailer(b);
	if (rc == 0 && (last || b->len > 256 * 1024))
		rc = copy_flush(db, b);
	return rc;
}

static int copy_entities(struct db *db, const struct chunk_rows *rows, const struct file_result *files,
			 size_t nfiles)
{
	struct buf b;
	size_t i, j, n = 0;
	int rc;

	buf_init(&b, 0);
	rc = db_copy_begin(db,
			   "COPY entities (id, file_id, repository_id, ordinal, kind, name, qualified_name,"
			   " parent, signature, metadata, language, start_line, end_line, content,"
			   " search_tsv) FROM STDIN (FORMAT binary)");
	if (rc == 0)
		rc = copybin_header(&b);
	for (i = 0; rc == 0 && i < nfiles; i++) {
		const struct file_result *f = &files[i];

		if (f->outcome != FILE_PROCESSED)
			continue;
		for (j = 0; rc == 0 && j < f->entities.count; j++) {
			const struct entity *e = &f->entities.items[j];
			const struct search_doc *doc = f->search_docs ? &f->search_docs[j] : NULL;

			rc = copybin_row(&b, 15);
			if (rc == 0)
				rc = copybin_int8(&b, rows->entity_ids[n++]);
			if (rc == 0)
				rc = copybin_int8(&b, rows->file_ids[i]);
			if (rc == 0)
				rc = copybin_int8(&b, rows->repo_id);
			if (rc == 0)
				rc = copybin_int4(&b, (int32_t)j);
			if (rc == 0)
				rc = copybin_text(&b, e->kind);
			if (rc == 0)
				rc = copybin_text(&b, e->name);
			if (rc == 0)
				rc = copybin_text(&b, e->qualified_name);
			if (rc == 0)
				rc = copybin_text(&b, e->parent);
			if (rc == 0)
				rc = copybin_text(&b, e->signature);
			if (rc == 0)
				rc = copybin_jsonb(&b, e->metadata ? e->metadata : "{}");
			if (rc == 0)
				rc = copybin_text(&b, f->language);
			if (rc == 0)
				rc = copybin_int4(&b, e->start_line);
			if (rc == 0)
				rc = copybin_int4(&b, e->end_line);
			if (rc == 0)
				rc = copybin_text(&b, e->text);
			if (rc == 0)
				rc = doc && doc->data ? copybin_bytes(&b, doc->data, doc->len)
						      : copybin_null(&b);
			if (rc == 0)
				rc = copybin_flush(db, &b, false);
		}
	}
	if (rc == 0)
		rc = copybin_flush(db, &b, true);
	return copy_done(db, &b, rc);
}

static int copy_links(struct db *db, const struct chunk_rows *rows, const struct file_result *files,
		      size_t nfiles)
{
	struct buf b;
	size_t i, j, k, n = 0;
	int rc;

	buf_init(&b, 0);
	rc = db_copy_begin(db, "COPY entity_links (entity_id, repository_id, ordinal, kind, target)"
			       " FROM STDIN (FORMAT binary)");
	if (rc == 0)
		rc = copybin_header(&b);
	for (i = 0; rc == 0 && i < nfiles; i++) {
		const struct file_result *f = &files[i];

		if (f->outcome != FILE_PROCESSED)
			continue;
		for (j = 0; rc == 0 && j < f->entities.count; j++, n++) {
			const struct entity *e = &f->entities.items[j];

			for (k = 0; rc == 0 && k < e->nlinks; k++) {
				rc = copybin_row(&b, 5);
				if (rc == 0)
					rc = copybin_int8(&b, rows->entity_ids[n]);
				if (rc == 0)
					rc = copybin_int8(&b, rows->repo_id);
				if (rc == 0)
					rc = copybin_int4(&b, (int32_t)k);
				if (rc == 0)
					rc = copybin_text(&b, e->links[k].kind);
				if (rc == 0)
					rc = copybin_text(&b, e->links[k].target);
				if (rc == 0)
					rc = copybin_flush(db, &b, false);
			}
		}
	}
	if (rc == 0)
		rc = copybin_flush(db, &b, true);
	return copy_done(db, &b, rc);
}

static int copy_vectors(struct db *db, const struct chunk_rows *rows, const struct file_result *files,
			size_t nfiles, const char *model, int dims)
{
	struct buf b;
	size_t i, j, w, n = 0;
	uint8_t *enc;
	int rc;

	enc = xmalloc((size_t)dims);
	buf_init(&b, 0);
	rc = db_copy_begin(db,
			   "COPY entity_embeddings (entity_id, repository_id, model, window_no, scale, vec)"
			   " FROM STDIN (FORMAT binary)");
	if (rc == 0)
		rc = copybin_header(&b);
	for (i = 0; rc == 0 && i < nfiles; i++) {
		const struct file_result *f = &files[i];

		if (f->outcome != FILE_PROCESSED)
			continue;
		if (!f->vectors) {
			n += f->entities.count;
			continue;
		}
		for (j = 0; rc == 0 && j < f->entities.count; j++, n++) {
			for (w = 0; rc == 0 && w < f->entities.items[j].nembed; w++) {
				const struct entity_vector *v = &f->vectors[j][w];

				if (!v->q)
					continue;
				rc = copybin_row(&b, 6);
				if (rc == 0)
					rc = copybin_int8(&b, rows->entity_ids[n]);
				if (rc == 0)
					rc = copybin_int8(&b, rows->repo_id);
				if (rc == 0)
					rc = copybin_text(&b, model);
				if (rc == 0)
					rc = copybin_int2(&b, (int16_t)w);
				if (rc == 0)
					rc = copybin_float4(&b, v->scale);
				if (rc == 0)
					rc = copybin_bytes(&b, enc, veccodec_encode(v->q, dims, enc));
				if (rc == 0)
					rc = copybin_flush(db, &b, false);
			}
		}
	}
	if (rc == 0)
		rc = copybin_flush(db, &b, true);
	free(enc);
	return copy_done(db, &b, rc);
}

/* The chunk's skipped and failed files: they leave the index (a file that
 * is now skipped or failed has no entities) and join the job's issues.
 * Most chunks have none and send nothing. */
static int write_issues(struct db *db, struct arena *a, const struct chunk_claim *claim,
			const struct file_result *files, size_t nfiles)
{
	const char *params[5];
	struct array_cols cols;
	size_t i;
	int rc;

	array_cols_init(&cols, 4);
	for (i = 0; i < nfiles; i++) {
		const struct file_result *f = &files[i];
		const char *row[4] = {f->path, f->outcome == FILE_SKIPPED ? "skipped" : "failed",
				      f->reason ? f->reason : "unknown", f->message};

		if (f->outcome != FILE_PROCESSED && f->outcome != FILE_UNCHANGED)
			array_cols_row(&cols, row);
	}
	params[0] = fmt_int(a, claim->repo_id);
	rc = array_cols_params(&cols, a, &params[1]);
	if (rc || cols.nrows == 0)
		return rc;
	rc = db_query(db, a, "DELETE FROM files WHERE repository_id = $1::bigint AND path = ANY($2::text[])",
		      2, params, NULL);
	params[0] = claim->job_id;
	if (rc == 0)
		rc = db_query(db, a,
			      "INSERT INTO job_file_issues (job_id, path, kind, reason, message)"
			      " SELECT $1::uuid, u.path, u.kind, u.reason, u.message"
			      " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])"
			      " AS u(path, kind, reason, message)"
			      " ON CONFLICT (job_id, path) DO UPDATE SET kind = EXCLUDED.kind,"
			      " reason = EXCLUDED.reason, message = EXCLUDED.message, created_at = now()",
			      5, params, NULL);
	return rc;
}

#define PROGRESS_SQL                                               \
	"SELECT docxp_job_progress(j) || jsonb_build_object('ts'," \
	" (extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM jobs j WHERE j.id = $1::uuid"

int chunkstore_progress_json(struct db *db, struct arena *a, const char *job_id, const char **json)
{
	struct pg_result *res;
	int rc;

	rc = db_query_prepared(db, a, "docxp_progress", PROGRESS_SQL, 1, &job_id, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return DX_E_NOTFOUND;
	*json = db_value(res, 0, 0);
	return 0;
}

int chunkstore_commit_chunk(struct db *db, struct arena *a, const char *worker,
			    const struct chunk_claim *claim, const struct file_result *files, size_t nfiles,
			    const char *embed_model, const struct embed_stats *stats, bool *job_done,
			    const char **progress)
{
	static const struct embed_stats no_stats;
	int dims = 0;
	int64_t processed = 0, skipped = 0, failed = 0, entities = 0, bytes = 0;
	const char *params[9];
	struct chunk_rows rows;
	struct pg_result *res;
	struct buf reasons;
	size_t i, j;
	int rc;

	*job_done = false;
	buf_init(&reasons, 0);
	buf_addstr(&reasons, "{");
	for (i = 0; i < nfiles; i++) {
		if (files[i].outcome == FILE_PROCESSED) {
			processed++;
			entities += (int64_t)files[i].entities.count;
			bytes += files[i].size;
		} else if (files[i].outcome == FILE_FAILED) {
			failed++;
		} else {
			int n = 0;

			skipped++;
			/* Count each reason once, at its first file. */
			for (j = 0; j < i && n == 0; j++)
				n = files[j].outcome != FILE_PROCESSED && files[j].outcome != FILE_FAILED &&
				    strcmp(files[j].reason, files[i].reason) == 0;
			if (n)
				continue;
			for (j = i; j < nfiles; j++)
				n += files[j].outcome != FILE_PROCESSED && files[j].outcome != FILE_FAILED &&
				     strcmp(files[j].reason, files[i].reason) == 0;
			buf_printf(&reasons, "%s\"%s\":%d", reasons.len > 1 ? "," : "", files[i].reason, n);
		}
	}
	buf_addstr(&reasons, "}");
	rc = db_begin(db);
	if (rc) {
		buf_release(&reasons);
		return rc;
	}
	params[0] = fmt_int(a, claim->chunk_id);
	params[1] = worker;
	/*
	 * The fence: only the lease holder commits, and only while the job
	 * runs (a pause must stop the counters). Checked here without locks,
	 * to give up early, and again at the end with the job row and then
	 * the chunk row locked (the order claims lock them in): holding the
	 * job row through the whole transaction would make every chunk
	 * commit, and every claim, of a job wait for the one in progress.
	 */
	rc = db_query_prepared(db, a, "docxp_commit_fence",
			       "SELECT c.lease_owner = $2 AND c.status = 'running', j.status FROM chunks c"
			       " JOIN jobs j ON j.id = c.job_id WHERE c.id = $1::bigint",
			       2, params, &res);
	if (rc)
		goto fail;
	if (db_nrows(res) == 0 || strcmp(db_value(res, 0, 0), "t") != 0) {
		rc = DX_E_LEASE_LOST;
		goto fail;
	}
	if (strcmp(db_value(res, 0, 1), "running") != 0) {
		rc = DX_E_JOB_STOPPED;
		goto fail;
	}
	rc = chunk_rows_prepare(db, a, claim, files, nfiles, &rows);
	if (rc == 0 && rows.nentities > 0)
		rc = copy_entities(db, &rows, files, nfiles);
	if (rc == 0 && rows.nentities > 0)
		rc = copy_links(db, &rows, files, nfiles);
	/* The model name ends with the dimensions: "local/docxp-hash-v1/1024". */
	if (embed_model && strrchr(embed_model, '/'))
		dims = atoi(strrchr(embed_model, '/') + 1);
	if (rc == 0 && rows.nentities > 0 && embed_model && dims > 0)
		rc = copy_vectors(db, &rows, files, nfiles, embed_model, dims);
	if (rc == 0)
		rc = write_issues(db, a, claim, files, nfiles);
	if (rc)
		goto fail;

	/* The fence, locked: the job row orders this commit with pause and
	 * cancel, the chunk row with a takeover of the lease. NO KEY UPDATE
	 * (like the claims' lock): the foreign keys of the rows written above
	 * already hold KEY SHARE on the job row, which FOR UPDATE would wait
	 * for (two commits, each waiting for the other). */
	rc = db_query_prepared(db, a, "docxp_commit_lock",
			       "SELECT status FROM jobs WHERE id = $1::uuid FOR NO KEY UPDATE", 1,
			       &claim->job_id, &res);
	if (rc)
		goto fail;
	if (db_nrows(res) == 0 || strcmp(db_value(res, 0, 0), "running") != 0) {
		rc = DX_E_JOB_STOPPED;
		goto fail;
	}
	params[0] = fmt_int(a, claim->chunk_id);
	params[1] = fmt_int(a, processed);
	params[2] = fmt_int(a, skipped);
	params[3] = fmt_int(a, failed);
	params[4] = fmt_int(a, entities);
	params[5] = worker;
	rc = db_query_prepared(
	    db, a, "docxp_commit_chunk",
	    "UPDATE chunks SET status = 'done', finished_at = now(), lease_owner = NULL, lease_until = NULL,"
	    " last_error = NULL, files_processed = $2::int, files_skipped = $3::int, files_failed = $4::int,"
	    " entities = $5::int WHERE id = $1::bigint AND lease_owner = $6 AND status = 'running'"
	    " RETURNING 1",
	    6, params, &res);
	if (rc)
		goto fail;
	if (db_nrows(res) == 0) {
		rc = DX_E_LEASE_LOST;
		goto fail;
	}
	if (!stats)
		stats = &no_stats;
	params[0] = claim->job_id;
	params[5] = fmt_int(a, bytes);
	params[6] = arena_strdup(a, buf_str(&reasons));
	params[7] =
	    arena_printf(a, "{%lld,%lld,%lld,%lld,%lld,%lld}", (long long)stats->texts,
			 (long long)stats->cache_hits, (long long)stats->failed, (long long)stats->truncated,
			 (long long)stats->tokens, (long long)stats->tokens_saved);
	rc = db_query_prepared(
	    db, a, "docxp_commit_job",
	    "UPDATE jobs SET files_processed = files_processed + $2::int,"
	    " files_skipped = files_skipped + $3::int, files_failed = files_failed + $4::int,"
	    " entities = entities + $5::bigint, bytes_processed = bytes_processed + $6::bigint,"
	    " chunks_done = chunks_done + 1, skip_reasons = docxp_add_counts(skip_reasons, $7::jsonb),"
	    " embed_texts = embed_texts + ($8::bigint[])[1], embed_cache_hits = embed_cache_hits + "
	    "($8::bigint[])[2],"
	    " embed_failed = embed_failed + ($8::bigint[])[3], embed_truncated = embed_truncated + "
	    "($8::bigint[])[4],"
	    " embed_tokens = embed_tokens + ($8::bigint[])[5],"
	    " embed_tokens_saved = embed_tokens_saved + ($8::bigint[])[6],"
	    " updated_at = now() WHERE id = $1::uuid",
	    8, params, NULL);
	if (rc)
		goto fail;
	rc = chunkstore_finish_job(db, a, claim->job_id, job_done);
	/* Read inside the transaction, with the job row locked: progress
	 * documents are taken in commit order, so they never go backwards. */
	if (rc == 0)
		rc = chunkstore_progress_json(db, a, claim->job_id, progress);
	if (rc)
		goto fail;
	rc = db_commit(db);
	buf_release(&reasons);
	return rc;
fail:
	db_rollback(db);
	buf_release(&reasons);
	return rc;
}

int chunkstore_dead_letter(struct db *db, struct arena *a, const struct chunk_claim *claim,
			   const char *reason, bool *job_done)
{
	const char *params[3] = {fmt_int(a, claim->chunk_id), claim->job_id, reason};
	int rc;

	rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_query(db, a,
		      "UPDATE chunks SET status = 'dead', finished_at = now(), lease_owner = NULL,"
		      " lease_until = NULL, last_error = $3, files_failed = cardinality(paths)"
		      " WHERE id = $1::bigint AND status <> 'done'",
		      3, params, NULL);
	if (rc == 0)
		rc = db_query(
		    db, a,
		    "INSERT INTO job_file_issues (job_id, path, kind, reason, message)"
		    " SELECT $2::uuid, p, 'failed', 'dead_letter', $3 FROM chunks, unnest(paths) AS p"
		    " WHERE id = $1::bigint"
		    " ON CONFLICT (job_id, path) DO UPDATE SET kind = 'failed', reason = 'dead_letter',"
		    " message = EXCLUDED.message",
		    3, params, NULL);
	/* Like a failed file, a dead-lettered one leaves the index. */
	if (rc == 0)
		rc = db_query(
		    db, a,
		    "DELETE FROM files f USING chunks c, jobs j WHERE c.id = $1::bigint AND j.id = c.job_id"
		    " AND f.repository_id = j.repository_id AND f.path = ANY (c.paths)",
		    1, params, NULL);
	if (rc == 0)
		rc = db_query(
		    db, a,
		    "UPDATE jobs SET files_failed = files_failed + (SELECT cardinality(paths) FROM chunks"
		    " WHERE id = $1::bigint), chunks_failed = chunks_failed + 1, updated_at = now()"
		    " WHERE id = $2::uuid",
		    2, params, NULL);
	if (rc == 0)
		rc = chunkstore_finish_job(db, a, claim->job_id, job_done);
	if (rc == 0)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

int chunkstore_release_chunk(struct db *db, const char *worker, int64_t chunk_id, const char *error,
			     bool count_attempt)
{
	char id[24];
	const char *params[4] = {id, worker, error, count_attempt ? "true" : "false"};

	snprintf(id, sizeof(id), "%lld", (long long)chunk_id);
	return db_query(db, NULL,
			"UPDATE chunks SET status = 'queued', lease_owner = NULL, lease_until = NULL,"
			" last_error = coalesce($3, last_error), enqueued_at = now(),"
			" attempts = CASE WHEN $4::bool THEN attempts ELSE greatest(attempts - 1, 0) END"
			" WHERE id = $1::bigint AND lease_owner = $2 AND status = 'running'",
			4, params, NULL);
}

int chunkstore_reconcile(struct db *db, struct arena *a, bool everything_open, struct reconcile_item **items,
			 size_t *nitems)
{
	const char *params[1] = {everything_open ? "true" : "false"};
	struct pg_result *jobs, *chunks;
	size_t i, n;
	int rc;

	*items = NULL;
	*nitems = 0;
	rc = db_query(db, a,
		      "SELECT id FROM jobs WHERE (status = 'pending' AND ($1::bool OR created_at < now() -"
		      " interval '30 seconds')) OR (status = 'planning' AND planner_lease_until < now())",
		      1, params, &jobs);
	if (rc)
		return rc;
	rc = db_query(db, a,
		      "UPDATE chunks c SET enqueued_at = now() FROM jobs j"
		      " WHERE j.id = c.job_id AND j.status = 'running' AND ("
		      " (c.status = 'queued' AND ($1::bool OR c.enqueued_at < now() - interval '10 minutes'))"
		      " OR (c.status = 'running' AND c.lease_until < now() AND ($1::bool"
		      "  OR c.enqueued_at < c.lease_until OR c.enqueued_at < now() - interval '10 minutes')))"
		      " RETURNING c.job_id, c.id",
		      1, params, &chunks);
	if (rc)
		return rc;
	n = (size_t)(db_nrows(jobs) + db_nrows(chunks));
	*items = arena_alloc(a, (n + 1) * sizeof(**items));
	for (i = 0; i < (size_t)db_nrows(jobs); i++) {
		(*items)[i].job_id = db_value(jobs, (int)i, 0);
		(*items)[i].chunk_id = 0;
	}
	for (; i < n; i++) {
		int row = (int)(i - (size_t)db_nrows(jobs));

		(*items)[i].job_id = db_value(chunks, row, 0);
		(*items)[i].chunk_id = db_int64(chunks, row, 1);
	}
	*nitems = n;
	return 0;
}

int chunkstore_settle_after_job(struct db *db)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	struct buf sql;
	int rc, i;

	/*
	 * ANALYZE costs about a second on a large index whatever the job
	 * changed. Only tables whose rows changed by a tenth since their last
	 * analysis (autovacuum's default threshold; never analysed: always)
	 * are analysed now, so that searches right after a first index or a
	 * big change get good plans; autovacuum handles small changes. One
	 * worker at a time (the advisory lock): a second one would wait for
	 * the first's ANALYZE and then repeat it.
	 */
	buf_init(&sql, 0);
	rc = db_begin(db);
	if (rc == 0)
		rc = db_query(db, a, "SELECT pg_try_advisory_xact_lock(" SETTLE_LOCK_KEY ")", 0, NULL, &res);
	if (rc == 0 && strcmp(db_value(res, 0, 0), "t") == 0)
		rc = db_query(db, a,
			      "SELECT c.oid::regclass::text FROM pg_class c"
			      " JOIN pg_stat_user_tables t ON t.relid = c.oid"
			      " WHERE c.oid IN ('entities'::regclass, 'files'::regclass,"
			      " 'entity_links'::regclass, 'entity_embeddings'::regclass)"
			      " AND (c.reltuples < 0 OR t.n_mod_since_analyze > 50 + 0.1 * c.reltuples)",
			      0, NULL, &res);
	else
		res = NULL;
	for (i = 0; rc == 0 && res && i < db_nrows(res); i++)
		rc = buf_printf(&sql, "%s%s", i ? ", " : "ANALYZE ", db_value(res, i, 0));
	if (rc == 0 && sql.len > 0)
		rc = db_exec(db, buf_str(&sql));
	if (rc == 0)
		rc = db_commit(db);
	else
		db_rollback(db);
	buf_release(&sql);
	arena_free(a);
	if (rc == 0)
		rc = db_exec(db, "SELECT gin_clean_pending_list(x.indexrelid) FROM pg_index x"
				 " JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam"
				 " WHERE x.indrelid = 'entities'::regclass AND am.amname = 'gin'");
	return rc;
}
