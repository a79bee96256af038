/*
 * redisq.h - the work queue and job event fan-out in Redis.
 *
 * Only src/queue/ includes <hiredis/hiredis.h>. Work is delivered through
 * one Redis Stream read by the consumer group "workers"; each message says
 * what to do (plan a job, process a chunk). Redis only delivers: losing a
 * message is repaired by the reconcile step, which re-enqueues from
 * PostgreSQL. A struct redisq is used by one thread at a time.
 */
#ifndef DOCXP_REDISQ_H
#define DOCXP_REDISQ_H

#include <stdbool.h>
#include <stdint.h>

struct conf;

struct redisq {
	void *ctx; /* redisContext * */
	char *host, *socket, *password, *prefix;
	int port, db;
	char stream[128]; /* <prefix>tasks */
	char errmsg[256];
	bool stream_created; /* set whenever the stream had to be created (Redis lost it) */
};

enum redisq_kind { REDISQ_PLAN = 1, REDISQ_CHUNK = 2 };

struct redisq_msg {
	char id[64]; /* stream entry id, for redisq_ack */
	enum redisq_kind kind;
	char job_id[40];
	int64_t chunk_id; /* 0 for REDISQ_PLAN */
	int64_t deliveries;
};

/* For the other modules of src/queue: the connected context (reopened if
 * needed; 0 or DX_E_REDIS), dropping a broken one, and a command with one
 * reconnect-and-retry (reply freed by the caller; NULL on failure). */
int redisq_open_ctx(struct redisq *q);
void redisq_drop_ctx(struct redisq *q);
void *redisq_raw_command(struct redisq *q, const char *fmt, ...);
/* Reads the n replies of pipelined commands. Returns 0, or DX_E_REDIS
 * with errmsg "could not <what>: ..." (an I/O error drops the connection). */
int redisq_pipeline_wait(struct redisq *q, size_t n, const char *what);
/* The string value of field name in the field/value array of a stream
 * entry, or NULL. */
struct redisReply;
const struct redisReply *redisq_field(const struct redisReply *fields, const char *name);

/* Remembers where Redis is and connects. Returns 0 or DX_E_REDIS (errmsg
 * set). Later calls reconnect by themselves. Call redisq_close in any case. */
int redisq_connect(struct redisq *q, const struct conf *cfg);
void redisq_close(struct redisq *q);

/* PING round trip. Returns 0 or DX_E_REDIS. */
int redisq_ping(struct redisq *q, double *latency_ms);

/* Creates the stream and the consumer group if missing. Sets *created when
 * the stream had to be created (Redis lost its data or is new). */
int redisq_ensure_group(struct redisq *q, bool *created);

/* Enqueues one message (job_id: 36-char uuid; chunk_id 0 for plans). */
int redisq_enqueue(struct redisq *q, enum redisq_kind kind, const char *job_id, int64_t chunk_id);

/* Enqueues n chunk messages of one job in one pipeline. */
int redisq_enqueue_chunks(struct redisq *q, const char *job_id, const int64_t *chunk_ids, int n);

/* Waits up to block_ms for a message for consumer. Returns 0 with *msg
 * filled, 1 when nothing came, or a negative status. Malformed entries are
 * acknowledged and skipped. */
int redisq_read(struct redisq *q, const char *consumer, int block_ms, struct redisq_msg *msg);

/* Takes over one message that another consumer received but has not
 * acknowledged for min_idle_ms (the consumer died: XAUTOCLAIM). Returns 0
 * with *msg (msg->deliveries says how often it was delivered), 1 when
 * there is none, or a negative status. */
int redisq_reclaim(struct redisq *q, const char *consumer, int64_t min_idle_ms, struct redisq_msg *msg);

/* Acknowledges and deletes a handled message. */
int redisq_ack(struct redisq *q, const char *msg_id);

/* Number of entries in the stream and delivered-but-unacknowledged ones. */
int redisq_depth(struct redisq *q, int64_t *length, int64_t *pending);

/* Publishes a worker heartbeat (key with a TTL) with a short status text. */
int redisq_heartbeat(struct redisq *q, const char *worker, const char *status, int ttl_seconds);

/* Memory facts from INFO: used and max bytes (0 = no limit), eviction
 * policy, and keys with a TTL in the selected database. */
int redisq_memory(struct redisq *q, int64_t *used, int64_t *max, char *policy, size_t policylen,
		  int64_t *keys_with_ttl);

/* Age in milliseconds of the oldest delivered-but-unacknowledged message
 * (0 when none). */
int redisq_oldest_pending_ms(struct redisq *q, int64_t *age_ms);

/* Live workers: names (without prefix) and their heartbeat values, arena
 * allocated. */
struct arena;
int redisq_list_workers(struct redisq *q, struct arena *a, const char ***names, const char ***values,
			size_t *n);

/* Removes the worker's heartbeat (clean shutdown). */
int redisq_heartbeat_clear(struct redisq *q, const char *worker);

/* Counts live workers (heartbeat keys). */
int redisq_count_workers(struct redisq *q, int64_t *count);

#endif
