/*
 * planner.c - discovery, chunking and enqueueing of one job.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "index/discover.h"
#include "index/gitinfo.h"
#include "index/planner.h"
#include "queue/events.h"
#include "queue/metrics.h"
#include "queue/redisq.h"
#include "store/chunkstore.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

/* Enqueue in slices so that one pipeline stays small. */
#define PLANNER_ENQUEUE_BATCH 500

static void json_put(void *obj)
{
	json_object_put(obj);
}

/* Parses a JSON array of strings (validated by the API) into a
 * NULL-terminated vector. */
static const char **planner_patterns(struct arena *a, const char *json)
{
	struct json_object *arr = json_tokener_parse(json);
	const char **v;
	size_t i, n;

	if (!arr || !json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return NULL;
	}
	arena_on_cleanup(a, json_put, arr);
	n = json_object_array_length(arr);
	v = arena_alloc(a, (n + 1) * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_object_get_string(json_object_array_get_idx(arr, i));
	v[n] = NULL;
	return v;
}

static int known_compare(const void *key, const void *item)
{
	return strcmp(key, ((const struct known_file *)item)->path);
}

/*
 * Sorts the taken files of an incremental job into those to process and
 * those the index already holds unchanged (their stat says so, see
 * discover_stat_unchanged): only the former become chunks.
 */
static int planner_split_unchanged(struct db *db, struct arena *a, const char *job_id,
				   struct plan_result *plan, const struct discover_file **taken)
{
	struct known_file *known;
	size_t nknown, i, k = 0;
	int rc;

	rc = chunkstore_known_files(db, a, job_id, &known, &nknown);
	if (rc)
		return rc;
	plan->unchanged = arena_alloc(a, (nknown + 1) * sizeof(char *));
	for (i = 0; i < plan->npaths; i++) {
		const struct known_file *f =
		    nknown ? bsearch(plan->paths[i], known, nknown, sizeof(*known), known_compare) : NULL;
		struct discover_stat then;

		if (f && f->has_stat) {
			then.size = f->st.size;
			then.mtime_ns = f->st.mtime_ns;
			then.ctime_ns = f->st.ctime_ns;
			then.ino = f->st.ino;
			if (discover_stat_unchanged(&taken[i]->st, &then, f->stat_ns)) {
				plan->unchanged[plan->nunchanged++] = plan->paths[i];
				continue;
			}
		}
		plan->paths[k] = plan->paths[i];
		taken[k] = taken[i];
		k++;
	}
	plan->npaths = k;
	return 0;
}

int planner_plan_job(const struct conf *cfg, struct db *db, struct redisq *q, const char *worker,
		     const char *job_id)
{
	struct arena *a = arena_new();
	struct discover_options dopt;
	struct discover_result dres;
	struct plan_claim claim;
	struct plan_result plan;
	struct gitinfo git;
	struct plan_skip *skips;
	const struct discover_file **taken;
	struct plan_stat *stats;
	int64_t *chunk_ids, stat_ns;
	size_t nchunks, i, done;
	int rc;

	memset(&dres, 0, sizeof(dres));
	rc = chunkstore_claim_plan(db, a, worker, job_id, cfg->lease_seconds, &claim);
	if (rc) {
		if (rc < 0)
			log_err("could not claim job for planning: %s | job=%s", db->errmsg, job_id);
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	log_info("planning job | job=%s repository=%s", job_id, claim.repo_path);
	memset(&dopt, 0, sizeof(dopt));
	dopt.include = planner_patterns(a, claim.file_patterns);
	dopt.exclude = planner_patterns(a, claim.exclude_patterns);
	dopt.max_file_bytes = claim.max_file_bytes;
	events_state(q, job_id, "planning", NULL, NULL);
	stat_ns = discover_now_ns();
	rc = discover_walk(claim.repo_path, &dopt, &dres);
	if (rc) {
		const char *progress = NULL;

		log_err("could not walk repository: %s | job=%s", dres.errmsg, job_id);
		rc = chunkstore_fail_job(db, job_id, dres.errmsg);
		if (rc == 0 && chunkstore_progress_json(db, a, job_id, &progress) == 0)
			events_state(q, job_id, "failed", dres.errmsg, progress);
		goto out;
	}
	gitinfo_read(claim.repo_path, &git);

	memset(&plan, 0, sizeof(plan));
	plan.paths = arena_alloc(a, (dres.count + 1) * sizeof(char *));
	taken = arena_alloc(a, (dres.count + 1) * sizeof(*taken));
	skips = arena_alloc(a, (dres.count + 1) * sizeof(*skips));
	for (i = 0; i < dres.count; i++) {
		if (dres.files[i].skip == DISCOVER_TAKE) {
			taken[plan.npaths] = &dres.files[i];
			plan.paths[plan.npaths++] = dres.files[i].path;
		} else {
			skips[plan.nskips].path = dres.files[i].path;
			skips[plan.nskips].reason = discover_skip_reason(dres.files[i].skip);
			plan.nskips++;
		}
	}
	plan.skips = skips;
	if (strcmp(claim.job_type, "incremental") == 0) {
		rc = planner_split_unchanged(db, a, job_id, &plan, taken);
		if (rc) {
			log_err("could not read the indexed files: %s | job=%s", db->errmsg, job_id);
			goto out;
		}
	}
	/* Every job records what its walk saw of the files it processes. */
	stats = arena_alloc(a, (plan.npaths + 1) * sizeof(*stats));
	for (i = 0; i < plan.npaths; i++) {
		stats[i].size = taken[i]->st.size;
		stats[i].mtime_ns = taken[i]->st.mtime_ns;
		stats[i].ctime_ns = taken[i]->st.ctime_ns;
		stats[i].ino = taken[i]->st.ino;
	}
	plan.stats = stats;
	plan.stat_ns = stat_ns;
	if (git.is_git) {
		plan.commit_sha = git.commit;
		plan.branch = git.branch;
		plan.commit_time = git.commit_time;
	}
	rc = chunkstore_commit_plan(db, a, worker, &claim, &plan, &chunk_ids, &nchunks);
	if (rc) {
		log_err("could not record plan: %s | job=%s rc=%d", db->errmsg, job_id, rc);
		goto out;
	}
	{
		const char *progress = NULL, *type = "progress";

		if (chunkstore_progress_json(db, a, job_id, &progress) == 0) {
			events_state(q, job_id, nchunks ? "running" : "completed", NULL,
				     nchunks ? NULL : progress);
			events_publish(q, job_id, &type, &progress, 1);
		}
	}
	/* Unchanged files count as skipped in the deployment's counters too,
	 * as when workers read them (src/index/worker.c). */
	if (plan.nunchanged > 0) {
		struct metric_delta d;

		metric_counter(&d, "docxp_files_skipped_total", "", (double)plan.nunchanged);
		if (metrics_add(q, &d, 1) != 0)
			log_debug("could not add metrics: %s", q->errmsg);
	}
	/* PostgreSQL has the chunks now; if enqueueing fails the reconcile
	 * step enqueues them later, so a Redis failure is only logged. */
	for (done = 0; done < nchunks; done += PLANNER_ENQUEUE_BATCH) {
		size_t n = nchunks - done < PLANNER_ENQUEUE_BATCH ? nchunks - done : PLANNER_ENQUEUE_BATCH;

		if (redisq_enqueue_chunks(q, job_id, chunk_ids + done, (int)n)) {
			log_warn("could not enqueue chunks, reconcile will: %s | job=%s", q->errmsg, job_id);
			break;
		}
	}
	log_info("planned job | job=%s files=%zu unchanged=%zu skipped=%zu chunks=%zu commit=%s", job_id,
		 plan.npaths, plan.nunchanged, plan.nskips, nchunks, git.is_git ? git.commit : "-");
out:
	discover_result_release(&dres);
	arena_free(a);
	return rc;
}
