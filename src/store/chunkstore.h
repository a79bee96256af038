/*
 * chunkstore.h - the worker's side of jobs: planning, chunk leases, the
 * one-transaction chunk commit, dead letters and reconciliation.
 *
 * Invariants kept here: a chunk's effects commit in one transaction, fenced
 * by the worker's lease (a worker whose lease was taken over commits
 * nothing); redelivery is harmless (file rows are upserted, entity rows of
 * a file replaced); a job ends when every chunk is done or dead.
 */
#ifndef DOCXP_CHUNKSTORE_H
#define DOCXP_CHUNKSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"

struct arena;
struct db;

/* A job claimed for planning. */
struct plan_claim {
	const char *job_id;
	const char *job_type;
	const char *repo_path;
	const char *file_patterns;    /* JSON array text */
	const char *exclude_patterns; /* JSON array text */
	int chunk_size;
	int64_t max_file_bytes;
};

struct plan_skip {
	const char *path;
	const char *reason;
};

/* What the planner's walk saw of a file (see sql/007_file_stats.sql). */
struct plan_stat {
	int64_t size, mtime_ns, ctime_ns, ino;
};

struct plan_result {
	const char *commit_sha; /* NULL when not a git work tree */
	const char *branch;
	int64_t commit_time; /* unix seconds, 0 = unknown */
	const char **paths;  /* files to process, in order */
	size_t npaths;
	const struct plan_stat *stats; /* stats[i]: paths[i]'s, recorded; NULL: none */
	int64_t stat_ns;	       /* when the walk began (ns since the epoch) */
	const char **unchanged;	       /* incremental: files kept as indexed, unread */
	size_t nunchanged;
	const struct plan_skip *skips; /* candidates skipped while planning */
	size_t nskips;
};

/* A file the index holds with the stat its last confirmed read had. */
struct known_file {
	const char *path;
	bool has_stat; /* false: no confirmed stat (read it) */
	struct plan_stat st;
	int64_t stat_ns;
};

/* The indexed files of job_id's repository, sorted by path (strcmp
 * order), arena-owned. Returns 0 or DX_E_DB. */
int chunkstore_known_files(struct db *db, struct arena *a, const char *job_id, struct known_file **files,
			   size_t *nfiles);

/* Claims job_id for planning (pending, or planning with an expired lease).
 * Returns 0 with *claim filled, 1 when the job is not (or no longer) to be
 * planned, or DX_E_DB. */
int chunkstore_claim_plan(struct db *db, struct arena *a, const char *worker, const char *job_id,
			  int lease_seconds, struct plan_claim *claim);

/* Records the plan in one transaction: chunks, skips, totals, git info,
 * file stats; files of the index that the plan neither processes nor
 * keeps unchanged leave it; the unchanged ones count as skipped
 * ("unchanged"); the job becomes running (or completed when there is
 * nothing to do).
 * Returns 0 with the new chunk ids (arena-owned) in *chunk_ids, or
 * DX_E_LEASE_LOST when another planner took over, or DX_E_DB. */
int chunkstore_commit_plan(struct db *db, struct arena *a, const char *worker, const struct plan_claim *claim,
			   const struct plan_result *plan, int64_t **chunk_ids, size_t *nchunks);

/* Marks a job failed with a reason (planning failed for good). */
int chunkstore_fail_job(struct db *db, const char *job_id, const char *reason);

/* A chunk claimed for processing. */
struct chunk_claim {
	int64_t chunk_id;
	const char *job_id;
	int seq;
	int attempts; /* including this one */
	int max_retries;
	const char *job_type;
	int64_t repo_id;
	const char *repo_path;
	const char *commit_sha; /* may be NULL */
	int64_t max_file_bytes;
	const char **paths;
	size_t npaths;
	/* The file a previous attempt was working on when it died (retry
	 * attempts record it), or NULL. */
	const char *crashed_path;
};

/* Claims a chunk with a lease. Returns 0 with *claim filled; 1 when the
 * chunk is done, leased by a live worker, or its job is not running (drop
 * the message); 2 when the job already has max_concurrent_chunks chunks in
 * flight (put the message back for later); or DX_E_DB. */
int chunkstore_claim_chunk(struct db *db, struct arena *a, const char *worker, int64_t chunk_id,
			   int lease_seconds, struct chunk_claim *claim);

/* Extends the lease. Returns 0, DX_E_LEASE_LOST, or DX_E_DB. */
int chunkstore_renew_lease(struct db *db, const char *worker, int64_t chunk_id, int lease_seconds);

enum file_outcome {
	FILE_PROCESSED = 0,
	FILE_SKIPPED,  /* binary, too large, ...: recorded, leaves the index */
	FILE_FAILED,   /* read or extraction error: recorded, leaves the index */
	FILE_UNCHANGED /* incremental job, same content hash: counted as skipped, index kept */
};

/* The vector of one embedding text, int8-quantised (value = q[i] * scale). */
struct entity_vector {
	int8_t *q; /* dimensions values, or NULL: not embedded (failed) */
	float scale;
};

/* What the embedding stage did for a chunk (for the job's accounting). */
struct embed_stats {
	int64_t texts, cache_hits, failed, truncated, tokens, tokens_saved;
};

/* What processing one file produced. */
struct file_result {
	const char *path;
	enum file_outcome outcome;
	const char *reason;  /* skip or failure reason ("binary", "read_error", ...) */
	const char *message; /* detail for failures, may be NULL */
	const char *language;
	int64_t size;
	int lines;
	char sha256[65];
	struct entity_list entities;
	/* vectors[j][w]: entity j's embedding window w (NULL: no embedding stage) */
	struct entity_vector **vectors;
	/* search_docs[j]: entity j's search document (search_tsv) in the
	 * tsvector's binary form (src/index/codewords.h); data NULL (or the
	 * array NULL): PostgreSQL computes it */
	struct search_doc {
		const char *data;
		size_t len;
	} *search_docs;
};

/* Commits a chunk's results in one transaction (see the file comment).
 * Returns 0 (and whether this finished the job in *job_done), or
 * DX_E_LEASE_LOST or DX_E_JOB_STOPPED (job paused or cancelled; nothing
 * written either way), or DX_E_DB. */
int chunkstore_commit_chunk(struct db *db, struct arena *a, const char *worker,
			    const struct chunk_claim *claim, const struct file_result *files, size_t nfiles,
			    const char *embed_model, const struct embed_stats *stats, bool *job_done,
			    const char **progress);

/* The job's progress document (docxp_job_progress, plus "ts" in epoch
 * milliseconds), arena-owned. Returns 0, DX_E_NOTFOUND or DX_E_DB. */
int chunkstore_progress_json(struct db *db, struct arena *a, const char *job_id, const char **json);

/* Dead-letters a chunk: its files are marked failed with reason, the job
 * goes on. Returns 0 (whether that ended the job in *job_done) or DX_E_DB. */
int chunkstore_dead_letter(struct db *db, struct arena *a, const struct chunk_claim *claim,
			   const char *reason, bool *job_done);

/* Gives a chunk back: it is queued again with error recorded (NULL: keep
 * the last one). count_attempt false undoes the claim's attempt (the job
 * was paused, the worker stopped). Returns 0 or DX_E_DB. */
int chunkstore_release_chunk(struct db *db, const char *worker, int64_t chunk_id, const char *error,
			     bool count_attempt);

/* Records which file a retry attempt works on (see crashed_path). */
int chunkstore_mark_current(struct db *db, const char *worker, int64_t chunk_id, const char *path);

/* The job's status into out ("running", "paused", ...). Returns 0,
 * DX_E_NOTFOUND or DX_E_DB. */
int chunkstore_job_status(struct db *db, const char *job_id, char *out, size_t outlen);

/* For incremental jobs: the content hashes the index holds for the
 * claim's paths; (*hashes)[i] is NULL for a path not indexed yet. */
int chunkstore_known_hashes(struct db *db, struct arena *a, const struct chunk_claim *claim,
			    const char ***hashes);

/* After a chunk committed: confirms the stats its job's plan recorded for
 * the files whose content was read (processed or unchanged) with the hash
 * of that content, so that the next incremental plan can trust them.
 * Returns 0 or DX_E_DB (harmless: the files are read again next time). */
int chunkstore_confirm_stats(struct db *db, struct arena *a, const struct chunk_claim *claim,
			     const struct file_result *files, size_t nfiles);

/* Work whose queue message may be lost. */
struct reconcile_item {
	const char *job_id;
	int64_t chunk_id; /* 0: the job needs planning */
};

/* Lists (and stamps as re-enqueued) what must be put back on the queue:
 * pending jobs nobody planned, chunks of running jobs whose lease expired,
 * and - when everything_open (Redis lost its stream) - every unfinished
 * chunk. Returns 0 or DX_E_DB. */
int chunkstore_reconcile(struct db *db, struct arena *a, bool everything_open, struct reconcile_item **items,
			 size_t *nitems);

/*
 * After a job: fresh planner statistics for the tables the job changed by
 * a good share (a first index, a big change; autovacuum handles the rest)
 * and the GIN pending lists of the entities' search indexes merged, so
 * that searches do not scan them. Returns 0 or DX_E_DB.
 */
int chunkstore_settle_after_job(struct db *db);

#endif
