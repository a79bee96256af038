/*
 * worker.c - the docxp-worker loop: dispatch, heartbeat, reconcile.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <json-c/json.h>
#include <systemd/sd-daemon.h>

#include "extract/extract.h"
#include "embed/embed.h"
#include "index/chunkproc.h"
#include "index/embedstage.h"
#include "index/planner.h"
#include "index/worker.h"
#include "queue/events.h"
#include "queue/metrics.h"
#include "queue/redisq.h"
#include "store/chunkstore.h"
#include "store/db.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

static volatile sig_atomic_t worker_stop;

static void worker_on_signal(int sig)
{
	(void)sig;
	worker_stop = 1;
}

struct worker {
	const struct conf *cfg;
	const char *name;
	struct db db;
	struct redisq q;
	struct embed_provider *provider;
	int stalls; /* consecutive embedding stalls, for the backoff */
	char last_status[32];
	char current_job[40]; /* job of the chunk or plan at hand, "" when idle */
	bool db_ok, redis_ok;
	time_t last_heartbeat;
	time_t last_reconcile;
	time_t last_reclaim;
	uint64_t watchdog_usec;
	/* Chunks put back in a row (see worker_requeue_pause) and the queue
	 * length when that run began. */
	int64_t requeues, requeue_base;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The heartbeat says what the worker does: a small JSON document under a
 * key with a TTL of three heartbeats (health lists these keys). A change
 * of activity is sent at once, the same activity once per period.
 */
static void worker_heartbeat(struct worker *w, const char *status)
{
	time_t now = time(NULL);
	char doc[512];

	if (w->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
	if (now - w->last_heartbeat < w->cfg->worker_heartbeat_seconds && strcmp(status, w->last_status) == 0)
		return;
	w->last_heartbeat = now;
	snprintf(w->last_status, sizeof(w->last_status), "%s", status);
	snprintf(doc, sizeof(doc),
		 "{\"status\":\"%s\",\"job\":\"%s\",\"pid\":%d,\"ts\":%lld,\"provider\":\"%s\"}", status,
		 w->current_job, (int)getpid(), events_now_ms(), w->provider ? w->provider->name : "");
	if (redisq_heartbeat(&w->q, w->name, doc, w->cfg->worker_heartbeat_seconds * 3))
		log_warn("could not send heartbeat: %s | worker=%s", w->q.errmsg, w->name);
}

/* Sleeps up to seconds, waking early on a stop request. */
static void worker_sleep(struct worker *w, double seconds)
{
	double end = now_seconds() + seconds;

	while (!worker_stop && now_seconds() < end) {
		if (w->watchdog_usec)
			sd_notify(0, "WATCHDOG=1");
		usleep(100000);
	}
}

static void worker_reconcile(struct worker *w)
{
	struct arena *a = arena_new();
	struct reconcile_item *items;
	int64_t depth = -1, pending = -1;
	size_t n, i;
	bool everything;
	int rc;

	rc = redisq_ensure_group(&w->q, NULL);
	if (rc) {
		log_warn("could not check queue: %s", w->q.errmsg);
		goto out;
	}
	/* Everything unfinished goes back on the queue when Redis lost the
	 * stream, or when the queue is empty (nothing can be on its way). */
	redisq_depth(&w->q, &depth, &pending);
	everything = w->q.stream_created || (depth == 0 && pending == 0);
	rc = chunkstore_reconcile(&w->db, a, everything, &items, &n);
	if (rc) {
		log_warn("could not reconcile: %s", w->db.errmsg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = redisq_enqueue(&w->q, items[i].chunk_id ? REDISQ_CHUNK : REDISQ_PLAN, items[i].job_id,
				    items[i].chunk_id);
		if (rc) {
			log_warn("could not re-enqueue: %s", w->q.errmsg);
			goto out;
		}
	}
	if (n)
		log_notice("re-enqueued work the queue had lost | items=%zu everything=%d", n, everything);
	w->q.stream_created = false;
out:
	w->last_reconcile = time(NULL);
	arena_free(a);
}

/* Exponential backoff with full jitter (AWS "standard" retry style). */
static double worker_backoff(int attempt)
{
	double cap = 0.25 * (double)(1 << (attempt < 8 ? attempt : 8));

	if (cap > 30)
		cap = 30;
	return cap * ((double)rand() / (double)RAND_MAX);
}

/* The fields every "chunk" event has; the caller adds the rest. */
static struct json_object *chunk_event_new(const struct chunk_claim *claim, const char *status)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "job_id", json_object_new_string(claim->job_id));
	json_object_object_add(c, "chunk_id", json_object_new_int64(claim->chunk_id));
	json_object_object_add(c, "seq", json_object_new_int(claim->seq));
	json_object_object_add(c, "status", json_object_new_string(status));
	json_object_object_add(c, "files", json_object_new_int((int)claim->npaths));
	return c;
}

/* The "state" and "done" events of a job that has just ended, with the
 * status its progress document (JSON) gives. */
static void worker_job_ended_events(struct worker *w, const char *job_id, const char *progress,
				    const char *fallback_status)
{
	struct json_object *p = json_tokener_parse(progress), *st;
	const char *status =
	    p && json_object_object_get_ex(p, "status", &st) ? json_object_get_string(st) : fallback_status;

	if (events_state(&w->q, job_id, status, NULL, progress) != 0)
		log_warn("could not publish events: %s | job=%s", w->q.errmsg, job_id);
	json_object_put(p);
}

/*
 * Tells the job's SSE followers what this chunk did: a "chunk" event, a
 * "file_error" per failed file, the job's "progress", and when the job
 * ended, its "state" and "done". Redis trouble only costs events.
 */
static void worker_chunk_events(struct worker *w, const struct chunk_claim *claim,
				const struct file_result *files, const char *progress, bool job_done,
				double ms)
{
	size_t i, n = 0, cap = claim->npaths + 3;
	const char **types = calloc(cap, sizeof(char *)), **datas = calloc(cap, sizeof(char *));
	struct json_object **objs = calloc(cap, sizeof(*objs));
	struct json_object *c = chunk_event_new(claim, "done");
	int processed = 0, skipped = 0, failed = 0, entities = 0;

	for (i = 0; i < claim->npaths; i++) {
		struct json_object *e;

		if (files[i].outcome == FILE_PROCESSED) {
			processed++;
			entities += (int)files[i].entities.count;
			continue;
		}
		if (files[i].outcome != FILE_FAILED) {
			skipped++;
			continue;
		}
		failed++;
		e = json_object_new_object();
		json_object_object_add(e, "job_id", json_object_new_string(claim->job_id));
		json_object_object_add(e, "path", json_object_new_string(files[i].path));
		json_object_object_add(e, "reason",
				       json_object_new_string(files[i].reason ? files[i].reason : ""));
		if (files[i].message)
			json_object_object_add(e, "message", json_object_new_string(files[i].message));
		json_object_object_add(e, "ts", json_object_new_int64(events_now_ms()));
		objs[n] = e;
		types[n] = "file_error";
		datas[n] = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
		n++;
	}
	json_object_object_add(c, "processed", json_object_new_int(processed));
	json_object_object_add(c, "skipped", json_object_new_int(skipped));
	json_object_object_add(c, "failed", json_object_new_int(failed));
	json_object_object_add(c, "entities", json_object_new_int(entities));
	json_object_object_add(c, "attempt", json_object_new_int(claim->attempts));
	json_object_object_add(c, "ms", json_object_new_double((double)(long long)(ms * 10) / 10));
	json_object_object_add(c, "worker", json_object_new_string(w->name));
	json_object_object_add(c, "ts", json_object_new_int64(events_now_ms()));
	objs[n] = c;
	types[n] = "chunk";
	datas[n] = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN);
	n++;
	if (progress) {
		types[n] = "progress";
		datas[n] = progress;
		n++;
	}
	if (events_publish(&w->q, claim->job_id, types, datas, n) != 0)
		log_warn("could not publish events: %s | job=%s", w->q.errmsg, claim->job_id);
	if (job_done && progress)
		worker_job_ended_events(w, claim->job_id, progress, "completed");
	for (i = 0; i < n; i++)
		json_object_put(objs[i]);
	free(objs);
	free(types);
	free(datas);
}

/* Deployment-wide counters of a committed chunk (see src/queue/metrics.h). */
static void worker_chunk_metrics(struct worker *w, const struct file_result *files, size_t n,
				 const struct embed_stats *st, double seconds)
{
	struct metric_delta d[32];
	double processed = 0, skipped = 0, failed = 0, entities = 0, bytes = 0, price;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (files[i].outcome == FILE_PROCESSED) {
			processed++;
			entities += (double)files[i].entities.count;
			bytes += (double)files[i].size;
		} else if (files[i].outcome == FILE_FAILED) {
			failed++;
		} else {
			skipped++;
		}
	}
	price = strtod(w->cfg->embedding_price_per_1k_tokens, NULL);
	metric_counter(&d[k++], "docxp_files_processed_total", "", processed);
	metric_counter(&d[k++], "docxp_files_skipped_total", "", skipped);
	metric_counter(&d[k++], "docxp_files_failed_total", "", failed);
	metric_counter(&d[k++], "docxp_entities_total", "", entities);
	metric_counter(&d[k++], "docxp_bytes_processed_total", "", bytes);
	metric_counter(&d[k++], "docxp_chunks_done_total", "", 1);
	metric_counter(&d[k++], "docxp_embedding_texts_total", "", (double)st->texts);
	metric_counter(&d[k++], "docxp_embedding_cache_hits_total", "", (double)st->cache_hits);
	metric_counter(&d[k++], "docxp_embedding_cache_misses_total", "",
		       (double)(st->texts - st->cache_hits));
	metric_counter(&d[k++], "docxp_embedding_failed_total", "", (double)st->failed);
	metric_counter(&d[k++], "docxp_embedding_tokens_total", "", (double)st->tokens);
	metric_counter(&d[k++], "docxp_embedding_tokens_saved_total", "", (double)st->tokens_saved);
	metric_counter(&d[k++], "docxp_embedding_cost_usd_total", "", (double)st->tokens * price / 1000);
	metric_counter(&d[k++], "docxp_embedding_cost_saved_usd_total", "",
		       (double)st->tokens_saved * price / 1000);
	k += histogram_observe("docxp_chunk_duration_seconds", "", seconds, &d[k]);
	if (metrics_add(&w->q, d, k) != 0)
		log_debug("could not add metrics: %s", w->q.errmsg);
}

/* One counter increment (dead letters, retries, stalls). */
static void worker_count(struct worker *w, const char *name, const char *labels)
{
	struct metric_delta d;

	metric_counter(&d, name, labels, 1);
	metrics_add(&w->q, &d, 1);
}

/* Lease renewal while embedding (see embedstage_run). */
struct lease_keeper {
	struct worker *w;
	int64_t chunk_id;
	double *last_renew;
};

static int worker_keep_lease(void *arg)
{
	struct lease_keeper *k = arg;

	if (k->w->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
	if (now_seconds() - *k->last_renew <= k->w->cfg->lease_seconds / 3.0)
		return 0;
	*k->last_renew = now_seconds();
	return chunkstore_renew_lease(&k->w->db, k->w->name, k->chunk_id, k->w->cfg->lease_seconds);
}

/* What extraction takes from the configuration (the chunk's files and the
 * crash check of one file extract alike). */
static struct extract_options worker_extract_options(const struct conf *cfg)
{
	struct extract_options o = {cfg->window_lines, cfg->window_overlap, cfg->embedding_container_windows,
				    cfg->container_search_chars};

	return o;
}

/*
 * A worker died while the previous attempt of this chunk was on path: the
 * file may kill every worker (a poison file), or the death had another
 * cause (a kill, an OOM elsewhere, a restart). Decides by processing the
 * file once in a child process: false when the child dies or does not end
 * within half a lease (or cannot be started), true when it finishes.
 */
static bool worker_file_survives(struct worker *w, const struct chunk_claim *claim, const char *path)
{
	double deadline = now_seconds() + w->cfg->lease_seconds / 2.0;
	int status = 0;
	pid_t pid, got;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_warn("could not fork to retry a file that crashed a worker: %s | path=%s",
			 strerror(errno), path);
		return false;
	}
	if (pid == 0) {
		const struct extract_options xopt = worker_extract_options(w->cfg);
		struct arena *a = arena_new();
		struct file_result r;

		memset(&r, 0, sizeof(r));
		chunkproc_file(a, &xopt, claim->repo_path, path, claim->max_file_bytes, NULL, &r);
		_exit(0);
	}
	while ((got = waitpid(pid, &status, WNOHANG)) == 0 && now_seconds() < deadline)
		usleep(20000);
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		log_warn("a file that crashed a worker hangs a test process too | path=%s", path);
		return false;
	}
	if (got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_notice("a file that was being processed when a worker died is fine on its own | path=%s",
			   path);
		return true;
	}
	return false;
}

/* What became of a chunk message. */
enum chunk_fate {
	CHUNK_HANDLED, /* done, dead-lettered, or not ours to do: acknowledge */
	CHUNK_REQUEUE, /* the job has enough chunks in flight: put it back */
};

/*
 * Works one chunk: claim, read and extract every file (outside any
 * transaction), then commit everything in one transaction. Between files
 * the job's status is checked (at most twice a second) so that pause and
 * cancel take effect within seconds.
 */
static enum chunk_fate worker_process_chunk(struct worker *w, const struct redisq_msg *msg)
{
	struct arena *a = arena_new();
	const struct conf *cfg = w->cfg;
	const struct extract_options xopt = worker_extract_options(cfg);
	struct chunk_claim claim;
	struct file_result *files;
	const char **known = NULL, *progress = NULL;
	struct embed_stats estats;
	struct lease_keeper keeper;
	char why[256];
	double t0 = now_seconds(), last_renew = t0, last_check = t0;
	enum chunk_fate fate = CHUNK_HANDLED;
	bool job_done = false, tracking;
	size_t i;
	int rc;

	rc = chunkstore_claim_chunk(&w->db, a, w->name, msg->chunk_id, cfg->lease_seconds, &claim);
	if (rc == 2) {
		fate = CHUNK_REQUEUE;
		goto out;
	}
	if (rc < 0) {
		/* The database is unreachable: keep the message (back on the
		 * queue) and let the main loop reconnect with backoff. */
		log_err("could not claim chunk: %s | chunk=%lld", w->db.errmsg, (long long)msg->chunk_id);
		if (db_ping(&w->db, NULL) != 0)
			w->db_ok = false;
		fate = CHUNK_REQUEUE;
		goto out;
	}
	if (rc)
		goto out;
	if (msg->deliveries > 1)
		log_notice("chunk delivered again | job=%s chunk=%lld deliveries=%lld attempt=%d",
			   claim.job_id, (long long)claim.chunk_id, (long long)msg->deliveries,
			   claim.attempts);
	if (claim.attempts > claim.max_retries) {
		rc = chunkstore_dead_letter(&w->db, a, &claim, "chunk failed too many times", &job_done);
		log_warn("dead-lettered chunk | job=%s chunk=%lld attempts=%d rc=%d", claim.job_id,
			 (long long)claim.chunk_id, claim.attempts - 1, rc);
		worker_count(w, "docxp_chunks_dead_lettered_total", "");
		if (rc == 0 && chunkstore_progress_json(&w->db, a, claim.job_id, &progress) == 0) {
			struct json_object *d = chunk_event_new(&claim, "dead");
			const char *types[2] = {"chunk", "progress"};
			const char *datas[2];

			json_object_object_add(d, "attempts", json_object_new_int(claim.attempts - 1));
			json_object_object_add(d, "ts", json_object_new_int64(events_now_ms()));
			datas[0] = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN);
			datas[1] = progress;
			events_publish(&w->q, claim.job_id, types, datas, 2);
			json_object_put(d);
			if (job_done)
				worker_job_ended_events(w, claim.job_id, progress, "completed_with_errors");
		}
		goto out;
	}
	sd_notifyf(0, "STATUS=processing chunk %lld (%zu files) of job %s", (long long)claim.chunk_id,
		   claim.npaths, claim.job_id);
	snprintf(w->current_job, sizeof(w->current_job), "%s", claim.job_id);
	worker_heartbeat(w, "busy");
	if (strcmp(claim.job_type, "incremental") == 0 &&
	    chunkstore_known_hashes(&w->db, a, &claim, &known) != 0) {
		log_err("could not read known hashes: %s | job=%s", w->db.errmsg, claim.job_id);
		goto release;
	}
	/* A retry tracks the file it works on: when a file kills workers, the
	 * next attempt knows it and fails that file alone. */
	tracking = claim.attempts > 1;
	files = arena_zalloc(a, (claim.npaths + 1) * sizeof(*files));
	for (i = 0; i < claim.npaths; i++) {
		if (claim.crashed_path && strcmp(claim.crashed_path, claim.paths[i]) == 0 &&
		    !worker_file_survives(w, &claim, claim.paths[i])) {
			files[i].path = claim.paths[i];
			files[i].outcome = FILE_FAILED;
			files[i].reason = "worker_crash";
			files[i].message = "a worker died while processing this file";
			files[i].language = "";
			log_warn("failing file that crashed a worker | job=%s path=%s", claim.job_id,
				 claim.paths[i]);
			continue;
		}
		if (tracking && chunkstore_mark_current(&w->db, w->name, claim.chunk_id, claim.paths[i]) != 0)
			goto release;
		chunkproc_file(a, &xopt, claim.repo_path, claim.paths[i], claim.max_file_bytes,
			       known ? known[i] : NULL, &files[i]);
		if (now_seconds() - last_check > 0.5) {
			char status[32];

			last_check = now_seconds();
			if (chunkstore_job_status(&w->db, claim.job_id, status, sizeof(status)) == 0 &&
			    strcmp(status, "running") != 0) {
				log_info("job no longer running, giving the chunk back | job=%s chunk=%lld "
					 "status=%s",
					 claim.job_id, (long long)claim.chunk_id, status);
				chunkstore_release_chunk(&w->db, w->name, claim.chunk_id, NULL, false);
				goto out;
			}
		}
		/* Renew at a third of the lease so that a slow file does not
		 * cost the lease. */
		if (now_seconds() - last_renew > cfg->lease_seconds / 3.0) {
			rc = chunkstore_renew_lease(&w->db, w->name, claim.chunk_id, cfg->lease_seconds);
			if (rc) {
				log_warn("lost lease while working | job=%s chunk=%lld", claim.job_id,
					 (long long)claim.chunk_id);
				goto out;
			}
			last_renew = now_seconds();
		}
		if (w->watchdog_usec)
			sd_notify(0, "WATCHDOG=1");
	}
	/* Embedding needs no database: it also happens before the
	 * transaction. A provider that cannot work now (throttled, expired
	 * credentials) stalls the chunk; it does not fail it. */
	keeper.w = w;
	keeper.chunk_id = claim.chunk_id;
	keeper.last_renew = &last_renew;
	rc = embedstage_run(a, w->provider, &w->q, embed_cache_wanted(cfg->embedding_cache, w->provider),
			    cfg->embedding_cache_ttl_hours * 3600, files, claim.npaths, &estats, why,
			    sizeof(why), worker_keep_lease, &keeper);
	if (rc == DX_E_LEASE_LOST) {
		log_warn("lost lease while embedding | job=%s chunk=%lld", claim.job_id,
			 (long long)claim.chunk_id);
		goto out;
	}
	if (rc) {
		const char *reason = rc == DX_E_CREDENTIALS ? "credentials_expired"
				     : rc == DX_E_THROTTLED ? "provider_throttled"
							    : "provider_unavailable";
		struct json_object *ev = json_object_new_object();
		const char *type = "stalled", *datap;

		w->stalls++;
		worker_count(w, "docxp_embedding_stalls_total",
			     rc == DX_E_CREDENTIALS ? "reason=\"credentials_expired\""
			     : rc == DX_E_THROTTLED ? "reason=\"provider_throttled\""
						    : "reason=\"provider_unavailable\"");
		log_warn("embedding stalled, will retry: %s | job=%s chunk=%lld reason=%s", why, claim.job_id,
			 (long long)claim.chunk_id, reason);
		json_object_object_add(ev, "job_id", json_object_new_string(claim.job_id));
		json_object_object_add(ev, "reason", json_object_new_string(reason));
		json_object_object_add(ev, "worker", json_object_new_string(w->name));
		json_object_object_add(ev, "ts", json_object_new_int64(events_now_ms()));
		datap = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN);
		events_publish(&w->q, claim.job_id, &type, &datap, 1);
		json_object_put(ev);
		worker_heartbeat(w, reason);
		worker_sleep(w, worker_backoff(w->stalls));
		if (chunkstore_release_chunk(&w->db, w->name, claim.chunk_id, why, false) == 0)
			redisq_enqueue(&w->q, REDISQ_CHUNK, claim.job_id, claim.chunk_id);
		goto out;
	}
	w->stalls = 0;
	rc = chunkstore_commit_chunk(&w->db, a, w->name, &claim, files, claim.npaths,
				     embedstage_model_name(a, w->provider), &estats, &job_done, &progress);
	if (rc == DX_E_LEASE_LOST) {
		log_warn("lease taken over before commit, discarding | job=%s chunk=%lld", claim.job_id,
			 (long long)claim.chunk_id);
		goto out;
	}
	if (rc == DX_E_JOB_STOPPED) {
		log_info("job paused or cancelled before commit, giving the chunk back | job=%s chunk=%lld",
			 claim.job_id, (long long)claim.chunk_id);
		chunkstore_release_chunk(&w->db, w->name, claim.chunk_id, NULL, false);
		goto out;
	}
	if (rc) {
		log_err("could not commit chunk: %s | job=%s chunk=%lld", w->db.errmsg, claim.job_id,
			(long long)claim.chunk_id);
		goto release;
	}
	log_debug("chunk done | job=%s chunk=%lld files=%zu ms=%.1f", claim.job_id, (long long)claim.chunk_id,
		  claim.npaths, (now_seconds() - t0) * 1e3);
	/* The next incremental plan may skip what was read here unchanged
	 * (sql/007); losing this only costs reading the files again. */
	if (chunkstore_confirm_stats(&w->db, a, &claim, files, claim.npaths) != 0)
		log_warn("could not confirm file stats: %s | job=%s chunk=%lld", w->db.errmsg, claim.job_id,
			 (long long)claim.chunk_id);
	worker_chunk_events(w, &claim, files, progress, job_done, (now_seconds() - t0) * 1e3);
	worker_chunk_metrics(w, files, claim.npaths, &estats, now_seconds() - t0);
	if (job_done) {
		double t1 = now_seconds();

		log_info("job finished | job=%s", claim.job_id);
		if (chunkstore_settle_after_job(&w->db) != 0)
			log_warn("could not settle the indexes after the job: %s | job=%s", w->db.errmsg,
				 claim.job_id);
		log_debug("settled the indexes after the job | job=%s ms=%.1f", claim.job_id,
			  (now_seconds() - t1) * 1e3);
	}
	goto out;
release:
	/* A transient failure: wait a little (the attempt stays counted),
	 * then queue the chunk again. If even that fails, the lease runs out
	 * and reconcile re-enqueues it. */
	worker_count(w, "docxp_chunks_retried_total", "");
	worker_sleep(w, worker_backoff(claim.attempts));
	if (chunkstore_release_chunk(&w->db, w->name, claim.chunk_id, w->db.errmsg, true) == 0)
		redisq_enqueue(&w->q, REDISQ_CHUNK, claim.job_id, claim.chunk_id);
out:
	sd_notify(0, "STATUS=waiting for work");
	w->current_job[0] = '\0';
	arena_free(a);
	return fate;
}

/* Handles one message and acknowledges it. */
/*
 * A chunk whose job is at its max_concurrent_chunks (or whose provider is
 * throttled) goes back to the end of the stream. Other jobs' messages may
 * wait behind many such chunks: put them back at full speed, and pause
 * (50 ms per message) only once this worker has put back as many as the
 * queue holds without new messages arriving, i.e. when nothing in it can
 * be worked on now. A pause per message from the first one made a small
 * job wait behind a throttled large one for its whole queue (200 chunks:
 * 5 s).
 */
static void worker_requeue_pause(struct worker *w)
{
	int64_t length = 0, pending = 0;

	if (redisq_depth(&w->q, &length, &pending) != 0) {
		worker_sleep(w, 0.05);
		return;
	}
	if (w->requeues == 0 || length > w->requeue_base) {
		w->requeues = 0; /* new messages: look at them first */
		w->requeue_base = length;
	}
	if (++w->requeues > length)
		worker_sleep(w, 0.05);
}

static void worker_handle(struct worker *w, const struct redisq_msg *msg)
{
	int rc = 0;

	if (msg->kind == REDISQ_PLAN) {
		w->requeues = 0;
		sd_notifyf(0, "STATUS=planning job %s", msg->job_id);
		snprintf(w->current_job, sizeof(w->current_job), "%s", msg->job_id);
		worker_heartbeat(w, "planning");
		rc = planner_plan_job(w->cfg, &w->db, &w->q, w->name, msg->job_id);
		w->current_job[0] = '\0';
		sd_notify(0, "STATUS=waiting for work");
	} else if (worker_process_chunk(w, msg) == CHUNK_REQUEUE) {
		/* Put it at the end of the stream. */
		if (redisq_enqueue(&w->q, REDISQ_CHUNK, msg->job_id, msg->chunk_id) != 0) {
			w->redis_ok = false;
			return;
		}
		worker_requeue_pause(w);
	} else {
		w->requeues = 0;
	}
	if (rc == DX_E_DB && db_ping(&w->db, NULL) != 0)
		w->db_ok = false;
	/* Handled or not, the message is acknowledged: PostgreSQL knows what
	 * is unfinished and reconcile re-enqueues it. */
	if (redisq_ack(&w->q, msg->id))
		w->redis_ok = false;
}

/* (Re)connects what is down. Returns true when both are usable. */
static bool worker_connect(struct worker *w)
{
	if (!w->db_ok) {
		db_close(&w->db);
		w->db_ok = db_connect(&w->db, w->cfg->database_uri) == 0;
		if (!w->db_ok)
			log_err("%s", w->db.errmsg);
	}
	if (!w->redis_ok) {
		redisq_close(&w->q);
		w->redis_ok = redisq_connect(&w->q, w->cfg) == 0 && redisq_ensure_group(&w->q, NULL) == 0;
		if (!w->redis_ok)
			log_err("%s", w->q.errmsg);
	}
	return w->db_ok && w->redis_ok;
}

int worker_run(const struct conf *cfg, const char *name)
{
	struct worker w;
	struct sigaction sa;
	double backoff = 0.5;
	bool ready = false;

	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.name = name;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sd_watchdog_enabled(0, &w.watchdog_usec) <= 0)
		w.watchdog_usec = 0;
	{
		char why[256];

		w.provider = embed_provider_new(cfg, why, sizeof(why));
		if (!w.provider) {
			log_err("could not set up the embedding provider: %s", why);
			return DX_E_CONFIG;
		}
		log_info("embedding provider ready | provider=%s model=%s dimensions=%d", w.provider->name,
			 w.provider->model, w.provider->dimensions);
	}

	while (!worker_stop) {
		struct redisq_msg msg;
		int rc;

		if (!worker_connect(&w)) {
			sd_notifyf(0, "STATUS=waiting for %s", !w.db_ok ? "PostgreSQL" : "Redis");
			worker_sleep(&w, backoff);
			backoff = backoff * 2 > 30 ? 30 : backoff * 2;
			continue;
		}
		backoff = 0.5;
		if (!ready) {
			log_info("worker ready | worker=%s", name);
			sd_notify(0, "READY=1\nSTATUS=waiting for work");
			ready = true;
			worker_reconcile(&w);
		}
		worker_heartbeat(&w, "idle");
		if (time(NULL) - w.last_reconcile >= cfg->worker_reconcile_seconds)
			worker_reconcile(&w);
		/* Messages of dead consumers first (their lease has run out
		 * by the time they are this idle). */
		if (time(NULL) - w.last_reclaim >= 5) {
			w.last_reclaim = time(NULL);
			rc = redisq_reclaim(&w.q, name, (int64_t)cfg->lease_seconds * 1000, &msg);
			if (rc == 0) {
				log_notice("reclaimed a message of a dead consumer | id=%s deliveries=%lld",
					   msg.id, (long long)msg.deliveries);
				w.last_reclaim = 0;
				worker_handle(&w, &msg);
				continue;
			}
		}
		rc = redisq_read(&w.q, name, 1000, &msg);
		if (rc < 0) {
			log_err("%s", w.q.errmsg);
			w.redis_ok = false;
			continue;
		}
		if (rc > 0)
			continue;
		worker_handle(&w, &msg);
	}
	sd_notify(0, "STOPPING=1");
	log_info("worker stopping | worker=%s", name);
	if (w.redis_ok)
		redisq_heartbeat_clear(&w.q, name);
	db_close(&w.db);
	redisq_close(&w.q);
	embed_provider_free(w.provider);
	return 0;
}
