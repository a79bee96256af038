/*
 * planner.c - discovery, chunking and enqueueing of one job.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "index/discover.h"
#include "index/gitinfo.h"
#include "index/planner.h"
#include "queue/events.h"
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
	int64_t *chunk_ids;
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
	skips = arena_alloc(a, (dres.count + 1) * sizeof(*skips));
	for (i = 0; i < dres.count; i++) {
		if (dres.files[i].skip == DISCOVER_TAKE) {
			plan.paths[plan.npaths++] = dres.files[i].path;
		} else {
			skips[plan.nskips].path = dres.files[i].path;
			skips[plan.nskips].reason = discover_skip_reason(dres.files[i].skip);
			plan.nskips++;
		}
	}
	plan.skips = skips;
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
	/* PostgreSQL has the chunks now; if enqueueing fails the reconcile
	 * step enqueues them later, so a Redis failure is only logged. */
	for (done = 0; done < nchunks; done += PLANNER_ENQUEUE_BATCH) {
		size_t n = nchunks - done < PLANNER_ENQUEUE_BATCH ? nchunks - done : PLANNER_ENQUEUE_BATCH;

		if (redisq_enqueue_chunks(q, job_id, chunk_ids + done, (int)n)) {
			log_warn("could not enqueue chunks, reconcile will: %s | job=%s", q->errmsg, job_id);
			break;
		}
	}
	log_info("planned job | job=%s files=%zu skipped=%zu chunks=%zu commit=%s", job_id, plan.npaths,
		 plan.nskips, nchunks, git.is_git ? git.commit : "-");
out:
	discover_result_release(&dres);
	arena_free(a);
	return rc;
}
