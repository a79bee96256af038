/*
 * events.h - the per-job event log in Redis (what SSE streams relay).
 *
 * Each job has a capped Redis Stream <prefix>job:<id>:events. Workers and
 * the API append events (snapshot-free, JSON data); SSE responders read
 * them with blocking XREAD, and the stream entry id is the SSE event id, so
 * a client reconnecting with Last-Event-ID resumes exactly. The log is a
 * convenience: PostgreSQL stays the truth, and a lost log (Redis flushed)
 * only means a client sees the next progress event instead of the
 * missed ones.
 */
#ifndef DOCXP_EVENTS_H
#define DOCXP_EVENTS_H

#include <stddef.h>

struct redisq;

/* Longest log kept per job, and how long it outlives the job's last event. */
#define EVENTS_MAXLEN	   10000
#define EVENTS_TTL_SECONDS (7 * 24 * 3600)

struct event {
	char id[64];   /* stream entry id, e.g. "1700000000000-0" */
	char type[32]; /* "progress", "chunk", "file_error", "state", "done", ... */
	char *data;    /* JSON text (malloc'd; events_release frees) */
};

/* Appends n events to the job's log in one round trip. Returns 0 or
 * DX_E_REDIS. */
int events_publish(struct redisq *q, const char *job_id, const char *const *types, const char *const *datas,
		   size_t n);

/* Reads up to max events after after_id ("0-0" = from the start), waiting
 * up to block_ms for the first (0 = do not wait). Returns the number read
 * (0 on timeout) or DX_E_REDIS. */
int events_read(struct redisq *q, const char *job_id, const char *after_id, int block_ms, struct event *out,
		int max);

/* Milliseconds since the epoch, the "ts" of every event (latency). */
long long events_now_ms(void);

/* Publishes a "state" event {job_id, status, ts[, reason]} and, when
 * done_json is not NULL (the job ended), a "done" event with it. */
int events_state(struct redisq *q, const char *job_id, const char *status, const char *reason,
		 const char *done_json);

/* Frees the data of n events. */
void events_release(struct event *ev, int n);

/* The id of the newest event into out ("0-0" when there is none). */
int events_last_id(struct redisq *q, const char *job_id, char *out, size_t outlen);

/* True when s looks like a stream entry id ("ms-seq"). */
int events_valid_id(const char *s);

#endif
