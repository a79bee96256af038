/*
 * jobstore.h - jobs as the API sees them: create, read, list.
 *
 * Job documents are built as JSON by PostgreSQL itself (one query, no
 * per-field C code) and handed to the API as text.
 */
#ifndef DOCXP_JOBSTORE_H
#define DOCXP_JOBSTORE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct job_request {
	const char *repository_path;  /* absolute real path of a directory */
	const char *job_type;	      /* "full" or "incremental" */
	const char *file_patterns;    /* JSON array of strings */
	const char *exclude_patterns; /* JSON array of strings */
	int chunk_size;
	int max_concurrent_chunks;
	int max_retries;
	long max_file_bytes;
	const char *price_per_1k_tokens; /* decimal text */
	int64_t api_key_id;		 /* the key that starts the job (0: none, e.g. tests) */
	int max_jobs_per_key;		 /* cap on that key's jobs not ended (0: none) */
};

/* Inserts the repository (if new) and a pending job. Returns 0 with the job
 * id (36 chars, arena-owned) in *job_id, DX_E_CONFLICT (the repository has
 * an active job), DX_E_TOOMANY (api_key_id already has max_jobs_per_key
 * jobs that have not ended; the count and the insert are serialised per key
 * by an advisory lock, so concurrent requests cannot both pass), or DX_E_DB. */
int jobstore_create(struct db *db, struct arena *a, const struct job_request *req, const char **job_id);

/* The status document of one job. Returns 0, DX_E_NOTFOUND, or DX_E_DB.
 * job_id must already be a syntactically valid uuid. */
int jobstore_status_json(struct db *db, struct arena *a, const char *job_id, const char **json);

/* {"jobs":[...],"total":N,"limit":L,"offset":O}, newest first. status and
 * repository (a path) filter when not NULL. */
int jobstore_list_json(struct db *db, struct arena *a, const char *status, const char *repository, int limit,
		       int offset, const char **json);

/* Pauses a pending, planning or running job (idempotent for a paused
 * one). Returns 0, DX_E_NOTFOUND, DX_E_CONFLICT (the job has ended; *status
 * says how), or DX_E_DB. */
int jobstore_pause(struct db *db, struct arena *a, const char *job_id, const char **status);

/* Resumes a paused job (idempotent for an active one). On 0, *plan tells
 * that the job needs planning again, else *chunk_ids (arena) lists the
 * queued chunks to enqueue. Errors as jobstore_pause. */
int jobstore_resume(struct db *db, struct arena *a, const char *job_id, const char **status, int *plan,
		    int64_t **chunk_ids, size_t *nchunks);

/* Cancels a job that has not ended (idempotent for a cancelled one).
 * Errors as jobstore_pause. */
int jobstore_cancel(struct db *db, struct arena *a, const char *job_id, const char **status);

/* {"errors":[{path,kind,reason,message,created_at}],"total":N,...} of a
 * job; kind is "failed", "skipped" or NULL for both. Returns 0,
 * DX_E_NOTFOUND or DX_E_DB. */
int jobstore_errors_json(struct db *db, struct arena *a, const char *job_id, const char *kind, int limit,
			 int offset, const char **json);

/* Counts jobs with each of the n statuses into counts. */
int jobstore_count_by_status(struct db *db, const char *const *statuses, size_t n, int64_t *counts);

/* Dead-lettered chunks of jobs that have not ended, and of all jobs. */
int jobstore_dead_letters(struct db *db, int64_t *active, int64_t *total);

/* True when s is a job status name. */
int jobstore_status_valid(const char *s);

#endif
