/*
 * worker.c - the docxp-worker loop: dispatch, heartbeat, reconcile.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "extract/extract.h"
#include "index/chunkproc.h"
#include "index/planner.h"
#include "index/worker.h"
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
	bool db_ok, redis_ok;
	time_t last_heartbeat;
	time_t last_reconcile;
	bool stream_lost; /* the stream had to be recreated: re-enqueue everything */
	uint64_t watchdog_usec;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void worker_heartbeat(struct worker *w, const char *status)
{
	time_t now = time(NULL);

	if (w->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
	if (now - w->last_heartbeat < w->cfg->worker_heartbeat_seconds)
		return;
	w->last_heartbeat = now;
	if (redisq_heartbeat(&w->q, w->name, status, w->cfg->worker_heartbeat_seconds * 3))
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
	size_t n, i;
	bool created = false;
	int rc;

	rc = redisq_ensure_group(&w->q, &created);
	if (rc) {
		log_warn("could not check queue: %s", w->q.errmsg);
		goto out;
	}
	if (created)
		w->stream_lost = true;
	rc = chunkstore_reconcile(&w->db, a, w->stream_lost, &items, &n);
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
		log_notice("re-enqueued work the queue had lost | items=%zu everything=%d", n, w->stream_lost);
	w->stream_lost = false;
out:
	w->last_reconcile = time(NULL);
	arena_free(a);
}

static void worker_process_chunk(struct worker *w, const struct redisq_msg *msg)
{
	struct arena *a = arena_new();
	const struct conf *cfg = w->cfg;
	struct extract_options xopt = {cfg->window_lines, cfg->window_overlap};
	struct chunk_claim claim;
	struct file_result *files;
	double t0 = now_seconds(), last_renew = t0;
	bool job_done = false;
	size_t i;
	int rc;

	rc = chunkstore_claim_chunk(&w->db, a, w->name, msg->chunk_id, cfg->lease_seconds, &claim);
	if (rc) {
		if (rc < 0)
			log_err("could not claim chunk: %s | chunk=%lld", w->db.errmsg, (long long)msg->chunk_id);
		goto out;
	}
	if (claim.attempts > claim.max_retries) {
		rc = chunkstore_dead_letter(&w->db, a, &claim, "chunk failed too many times");
		log_warn("dead-lettered chunk | job=%s chunk=%lld attempts=%d rc=%d", claim.job_id,
			 (long long)claim.chunk_id, claim.attempts - 1, rc);
		goto out;
	}
	files = arena_zalloc(a, (claim.npaths + 1) * sizeof(*files));
	for (i = 0; i < claim.npaths; i++) {
		chunkproc_file(a, &xopt, claim.repo_path, claim.paths[i], claim.max_file_bytes, &files[i]);
		/* Renew at a third of the lease so that one slow file does not
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
	rc = chunkstore_commit_chunk(&w->db, a, w->name, &claim, files, claim.npaths, &job_done);
	if (rc == DX_E_LEASE_LOST) {
		log_warn("lease taken over before commit, discarding | job=%s chunk=%lld", claim.job_id,
			 (long long)claim.chunk_id);
		goto out;
	}
	if (rc) {
		log_err("could not commit chunk: %s | job=%s chunk=%lld", w->db.errmsg, claim.job_id,
			(long long)claim.chunk_id);
		if (chunkstore_release_chunk(&w->db, w->name, claim.chunk_id, w->db.errmsg) == 0)
			redisq_enqueue(&w->q, REDISQ_CHUNK, claim.job_id, claim.chunk_id);
		goto out;
	}
	log_debug("chunk done | job=%s chunk=%lld files=%zu ms=%.1f", claim.job_id, (long long)claim.chunk_id,
		  claim.npaths, (now_seconds() - t0) * 1e3);
	if (job_done)
		log_info("job finished | job=%s", claim.job_id);
out:
	arena_free(a);
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
		rc = redisq_read(&w.q, name, 1000, &msg);
		if (rc < 0) {
			log_err("%s", w.q.errmsg);
			w.redis_ok = false;
			continue;
		}
		if (rc > 0)
			continue;
		if (msg.kind == REDISQ_PLAN)
			rc = planner_plan_job(cfg, &w.db, &w.q, name, msg.job_id);
		else
			worker_process_chunk(&w, &msg);
		if (rc == DX_E_DB && db_ping(&w.db, NULL) != 0)
			w.db_ok = false;
		/* Handled or not, the message is acknowledged: PostgreSQL
		 * knows what is unfinished and reconcile re-enqueues it. */
		if (redisq_ack(&w.q, msg.id))
			w.redis_ok = false;
	}
	sd_notify(0, "STOPPING=1");
	log_info("worker stopping | worker=%s", name);
	db_close(&w.db);
	redisq_close(&w.q);
	return 0;
}
