/*
 * redisq.c - Redis Streams work queue (hiredis 0.14).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "queue/redisq.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

#define REDISQ_GROUP "workers"

static void redisq_set_error(struct redisq *q, const char *what, const char *detail)
{
	snprintf(q->errmsg, sizeof(q->errmsg), "%s: %s", what, detail ? detail : "unknown error");
}

static void redisq_drop(struct redisq *q)
{
	if (q->ctx)
		redisFree(q->ctx);
	q->ctx = NULL;
}

/* Replies are checked by the callers; this only runs setup commands. */
static int redisq_setup_command(struct redisq *q, const char *fmt, const char *arg)
{
	redisReply *r = redisCommand(q->ctx, fmt, arg);
	int rc = 0;

	if (!r || r->type == REDIS_REPLY_ERROR) {
		redisq_set_error(q, "Redis refused setup", r ? r->str : ((redisContext *)q->ctx)->errstr);
		rc = DX_E_REDIS;
	}
	if (r)
		freeReplyObject(r);
	return rc;
}

static int redisq_open(struct redisq *q)
{
	struct timeval tv = {5, 0};
	redisContext *c;
	char dbnum[16];

	if (q->ctx)
		return 0;
	if (q->socket && *q->socket)
		c = redisConnectUnixWithTimeout(q->socket, tv);
	else
		c = redisConnectWithTimeout(q->host, q->port, tv);
	if (!c || c->err) {
		redisq_set_error(q, "could not connect to Redis", c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return DX_E_REDIS;
	}
	q->ctx = c;
	if (q->password && *q->password && redisq_setup_command(q, "AUTH %s", q->password)) {
		redisq_drop(q);
		return DX_E_REDIS;
	}
	snprintf(dbnum, sizeof(dbnum), "%d", q->db);
	if (q->db && redisq_setup_command(q, "SELECT %s", dbnum)) {
		redisq_drop(q);
		return DX_E_REDIS;
	}
	return 0;
}

int redisq_open_ctx(struct redisq *q)
{
	return redisq_open(q);
}

void redisq_drop_ctx(struct redisq *q)
{
	redisq_drop(q);
}

void *redisq_raw_command(struct redisq *q, const char *fmt, ...)
{
	redisReply *r = NULL;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		va_list ap;

		if (redisq_open(q))
			return NULL;
		va_start(ap, fmt);
		r = redisvCommand(q->ctx, fmt, ap);
		va_end(ap);
		if (r)
			return r;
		redisq_set_error(q, "Redis command failed", ((redisContext *)q->ctx)->errstr);
		redisq_drop(q);
	}
	return NULL;
}

int redisq_pipeline_wait(struct redisq *q, size_t n, const char *what)
{
	redisContext *c = q->ctx;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		redisReply *r = NULL;

		if (redisGetReply(c, (void **)&r) != REDIS_OK) {
			snprintf(q->errmsg, sizeof(q->errmsg), "could not %s: %s", what, c->errstr);
			redisq_drop(q);
			return DX_E_REDIS;
		}
		if (r->type == REDIS_REPLY_ERROR && rc == 0) {
			snprintf(q->errmsg, sizeof(q->errmsg), "could not %s: %s", what, r->str);
			rc = DX_E_REDIS;
		}
		freeReplyObject(r);
	}
	return rc;
}

int redisq_connect(struct redisq *q, const struct conf *cfg)
{
	memset(q, 0, sizeof(*q));
	q->host = xstrdup(cfg->redis_host);
	q->port = cfg->redis_port;
	q->socket = xstrdup(cfg->redis_socket);
	q->password = xstrdup(cfg->redis_password);
	q->prefix = xstrdup(cfg->redis_prefix);
	q->db = cfg->redis_db;
	snprintf(q->stream, sizeof(q->stream), "%stasks", q->prefix);
	return redisq_open(q);
}

void redisq_close(struct redisq *q)
{
	redisq_drop(q);
	free(q->host);
	free(q->socket);
	free(q->password);
	free(q->prefix);
	q->host = q->socket = q->password = q->prefix = NULL;
}

/*
 * Runs a command built by redisvCommand. A broken connection is reopened
 * and the command retried once. Returns the reply (caller frees) or NULL
 * with errmsg set. Error replies are returned as replies.
 */
#define redisq_command(q, ...) ((redisReply *)redisq_raw_command((q), __VA_ARGS__))

/* Frees r and maps an error reply to DX_E_REDIS with errmsg. */
static int redisq_check(struct redisq *q, redisReply *r, const char *what)
{
	int rc = 0;

	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ERROR) {
		redisq_set_error(q, what, r->str);
		rc = DX_E_REDIS;
	}
	freeReplyObject(r);
	return rc;
}

int redisq_ping(struct redisq *q, double *latency_ms)
{
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = redisq_check(q, redisq_command(q, "PING"), "PING failed");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (latency_ms)
		*latency_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}

int redisq_ensure_group(struct redisq *q, bool *created)
{
	redisReply *r;
	int rc = 0;

	if (created)
		*created = false;
	r = redisq_command(q, "XGROUP CREATE %s %s 0 MKSTREAM", q->stream, REDISQ_GROUP);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ERROR) {
		if (strncmp(r->str, "BUSYGROUP", 9) != 0) {
			redisq_set_error(q, "could not create consumer group", r->str);
			rc = DX_E_REDIS;
		}
	} else {
		/* Remembered on the handle too: whoever recreated it, the
		 * reconcile step must learn that the queue lost its data. */
		q->stream_created = true;
		if (created)
			*created = true;
	}
	freeReplyObject(r);
	return rc;
}

static const char *redisq_kind_name(enum redisq_kind kind)
{
	return kind == REDISQ_PLAN ? "plan" : "chunk";
}

int redisq_enqueue(struct redisq *q, enum redisq_kind kind, const char *job_id, int64_t chunk_id)
{
	char chunk[32];

	snprintf(chunk, sizeof(chunk), "%lld", (long long)chunk_id);
	return redisq_check(q,
			    redisq_command(q, "XADD %s * kind %s job %s chunk %s", q->stream,
					   redisq_kind_name(kind), job_id, chunk),
			    "could not enqueue");
}

int redisq_enqueue_chunks(struct redisq *q, const char *job_id, const int64_t *chunk_ids, int n)
{
	redisContext *c;
	int i, rc = 0;

	if (redisq_open(q))
		return DX_E_REDIS;
	c = q->ctx;
	for (i = 0; i < n; i++) {
		char chunk[32];

		snprintf(chunk, sizeof(chunk), "%lld", (long long)chunk_ids[i]);
		redisAppendCommand(c, "XADD %s * kind chunk job %s chunk %s", q->stream, job_id, chunk);
	}
	for (i = 0; i < n; i++) {
		void *reply = NULL;

		if (redisGetReply(c, &reply) != REDIS_OK) {
			redisq_set_error(q, "could not enqueue chunks", c->errstr);
			redisq_drop(q);
			return DX_E_REDIS;
		}
		if (rc == 0)
			rc = redisq_check(q, reply, "could not enqueue chunk");
		else
			freeReplyObject(reply);
	}
	return rc;
}

const redisReply *redisq_field(const redisReply *fields, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, name) == 0 &&
		    fields->element[i + 1]->type == REDIS_REPLY_STRING)
			return fields->element[i + 1];
	return NULL;
}

/* Fills msg from one stream entry [id, [field, value, ...]]. */
static int redisq_parse_entry(const redisReply *entry, struct redisq_msg *msg)
{
	const redisReply *fields, *kind, *job, *chunk;

	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
	    entry->element[0]->type != REDIS_REPLY_STRING || entry->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	snprintf(msg->id, sizeof(msg->id), "%s", entry->element[0]->str);
	fields = entry->element[1];
	kind = redisq_field(fields, "kind");
	job = redisq_field(fields, "job");
	chunk = redisq_field(fields, "chunk");
	if (!kind || !job || !chunk || job->len != 36)
		return -1;
	if (strcmp(kind->str, "plan") == 0)
		msg->kind = REDISQ_PLAN;
	else if (strcmp(kind->str, "chunk") == 0)
		msg->kind = REDISQ_CHUNK;
	else
		return -1;
	snprintf(msg->job_id, sizeof(msg->job_id), "%s", job->str);
	msg->chunk_id = strtoll(chunk->str, NULL, 10);
	if (msg->kind == REDISQ_CHUNK && msg->chunk_id <= 0)
		return -1;
	return 0;
}

int redisq_read(struct redisq *q, const char *consumer, int block_ms, struct redisq_msg *msg)
{
	char block[16];
	redisReply *r;
	const redisReply *entries;
	int rc;

	snprintf(block, sizeof(block), "%d", block_ms);
	memset(msg, 0, sizeof(*msg));
	r = redisq_command(q, "XREADGROUP GROUP %s %s COUNT 1 BLOCK %s STREAMS %s >", REDISQ_GROUP, consumer,
			   block, q->stream);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_NIL) {
		freeReplyObject(r);
		return 1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		/* NOGROUP: Redis lost the stream; recreate it and let the
		 * reconcile step refill it from PostgreSQL. */
		if (strncmp(r->str, "NOGROUP", 7) == 0) {
			freeReplyObject(r);
			rc = redisq_ensure_group(q, NULL);
			return rc ? rc : 1;
		}
		return redisq_check(q, r, "XREADGROUP failed");
	}
	/* [[stream, [[id, fields]]]] */
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || r->element[0]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->elements != 2 || r->element[0]->element[1]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->element[1]->elements < 1) {
		freeReplyObject(r);
		return 1;
	}
	entries = r->element[0]->element[1];
	if (redisq_parse_entry(entries->element[0], msg)) {
		char id[64];

		snprintf(id, sizeof(id), "%s", msg->id);
		log_warn("dropping malformed queue entry | id=%s", id);
		freeReplyObject(r);
		if (id[0])
			redisq_ack(q, id);
		return 1;
	}
	msg->deliveries = 1;
	freeReplyObject(r);
	return 0;
}

int redisq_reclaim(struct redisq *q, const char *consumer, int64_t min_idle_ms, struct redisq_msg *msg)
{
	char idle[24];
	redisReply *r;
	int rc = 1;

	snprintf(idle, sizeof(idle), "%lld", (long long)min_idle_ms);
	memset(msg, 0, sizeof(*msg));
	r = redisq_command(q, "XAUTOCLAIM %s %s %s %s 0-0 COUNT 1", q->stream, REDISQ_GROUP, consumer, idle);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ERROR)
		return redisq_check(q, r, "XAUTOCLAIM failed");
	/* Redis 7: [next-id, [[id, [fields]]...], [deleted ids]] */
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[1]->type == REDIS_REPLY_ARRAY &&
	    r->element[1]->elements >= 1) {
		const redisReply *entry = r->element[1]->element[0];

		if (redisq_parse_entry(entry, msg) == 0) {
			rc = 0;
		} else if (entry->type == REDIS_REPLY_ARRAY && entry->elements >= 1 &&
			   entry->element[0]->type == REDIS_REPLY_STRING) {
			log_warn("dropping malformed queue entry | id=%s", entry->element[0]->str);
			redisq_ack(q, entry->element[0]->str);
		}
	}
	freeReplyObject(r);
	if (rc != 0)
		return rc;
	/* XAUTOCLAIM does not say how often the entry was delivered. */
	r = redisq_command(q, "XPENDING %s %s %s %s 1", q->stream, REDISQ_GROUP, msg->id, msg->id);
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 4 &&
	    r->element[0]->element[3]->type == REDIS_REPLY_INTEGER)
		msg->deliveries = r->element[0]->element[3]->integer;
	if (r)
		freeReplyObject(r);
	return 0;
}

int redisq_ack(struct redisq *q, const char *msg_id)
{
	redisContext *c;
	void *reply = NULL;
	int rc = 0, i;

	if (redisq_open(q))
		return DX_E_REDIS;
	c = q->ctx;
	/* Deleting handled entries keeps the stream as long as the backlog. */
	redisAppendCommand(c, "XACK %s %s %s", q->stream, REDISQ_GROUP, msg_id);
	redisAppendCommand(c, "XDEL %s %s", q->stream, msg_id);
	for (i = 0; i < 2; i++) {
		if (redisGetReply(c, &reply) != REDIS_OK) {
			redisq_set_error(q, "could not acknowledge", c->errstr);
			redisq_drop(q);
			return DX_E_REDIS;
		}
		if (rc == 0)
			rc = redisq_check(q, reply, "could not acknowledge");
		else
			freeReplyObject(reply);
	}
	return rc;
}

static int64_t redisq_integer(redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	return 0;
}

int redisq_depth(struct redisq *q, int64_t *length, int64_t *pending)
{
	redisReply *r;

	*length = 0;
	*pending = 0;
	r = redisq_command(q, "XLEN %s", q->stream);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		redisq_check(q, r, "XLEN failed");
		return DX_E_REDIS;
	}
	*length = redisq_integer(r);
	freeReplyObject(r);
	r = redisq_command(q, "XPENDING %s %s", q->stream, REDISQ_GROUP);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1)
		*pending = redisq_integer(r->element[0]);
	freeReplyObject(r);
	return 0;
}

int redisq_heartbeat(struct redisq *q, const char *worker, const char *status, int ttl_seconds)
{
	char ttl[16];

	snprintf(ttl, sizeof(ttl), "%d", ttl_seconds);
	return redisq_check(q, redisq_command(q, "SET %sworker:%s %s EX %s", q->prefix, worker, status, ttl),
			    "could not send heartbeat");
}

int redisq_heartbeat_clear(struct redisq *q, const char *worker)
{
	return redisq_check(q, redisq_command(q, "DEL %sworker:%s", q->prefix, worker),
			    "could not clear heartbeat");
}

int redisq_count_workers(struct redisq *q, int64_t *count)
{
	char cursor[32] = "0";
	int64_t n = 0;

	/* SCAN, not KEYS: a large Redis must not stall for a health check. */
	do {
		redisReply *r = redisq_command(q, "SCAN %s MATCH %sworker:* COUNT 1000", cursor, q->prefix);

		if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
			redisq_check(q, r, "SCAN failed");
			return DX_E_REDIS;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		n += (int64_t)r->element[1]->elements;
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	*count = n;
	return 0;
}

/* The value of "name:" in an INFO reply, or NULL. */
static const char *info_field(const char *info, const char *name, char *out, size_t outlen)
{
	const char *p = info;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == info || p[-1] == '\n') && p[n] == ':') {
			size_t len = strcspn(p + n + 1, "\r\n");

			snprintf(out, outlen, "%.*s", (int)len, p + n + 1);
			return out;
		}
		p += n;
	}
	return NULL;
}

int redisq_memory(struct redisq *q, int64_t *used, int64_t *max, char *policy, size_t policylen,
		  int64_t *keys_with_ttl)
{
	redisReply *r = redisq_command(q, "INFO");
	char v[256], dbname[16];
	const char *e;

	*used = *max = *keys_with_ttl = 0;
	snprintf(policy, policylen, "unknown");
	if (!r || r->type != REDIS_REPLY_STRING) {
		if (r)
			freeReplyObject(r);
		return DX_E_REDIS;
	}
	if (info_field(r->str, "used_memory", v, sizeof(v)))
		*used = strtoll(v, NULL, 10);
	if (info_field(r->str, "maxmemory", v, sizeof(v)))
		*max = strtoll(v, NULL, 10);
	info_field(r->str, "maxmemory_policy", policy, policylen);
	snprintf(dbname, sizeof(dbname), "db%d", q->db);
	/* db0:keys=12,expires=7,avg_ttl=... */
	if (info_field(r->str, dbname, v, sizeof(v)) && (e = strstr(v, "expires=")) != NULL)
		*keys_with_ttl = strtoll(e + 8, NULL, 10);
	freeReplyObject(r);
	return 0;
}

int redisq_oldest_pending_ms(struct redisq *q, int64_t *age_ms)
{
	redisReply *r = redisq_command(q, "XPENDING %s %s", q->stream, REDISQ_GROUP);
	struct timespec ts;

	*age_ms = 0;
	if (!r)
		return DX_E_REDIS;
	/* [count, smallest id, greatest id, consumers]; ids are "ms-seq". */
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[1]->type == REDIS_REPLY_STRING) {
		clock_gettime(CLOCK_REALTIME, &ts);
		*age_ms =
		    (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - strtoll(r->element[1]->str, NULL, 10);
		if (*age_ms < 0)
			*age_ms = 0;
	}
	freeReplyObject(r);
	return 0;
}

int redisq_list_workers(struct redisq *q, struct arena *a, const char ***names, const char ***values,
			size_t *n)
{
	char cursor[32] = "0";
	size_t cap = 16, plen = strlen(q->prefix) + strlen("worker:"), i;
	const char **nm = arena_alloc(a, cap * sizeof(char *));

	*n = 0;
	do {
		redisReply *r = redisq_command(q, "SCAN %s MATCH %sworker:* COUNT 1000", cursor, q->prefix);

		if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
			if (r)
				freeReplyObject(r);
			return DX_E_REDIS;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			if (*n == cap) {
				const char **bigger = arena_alloc(a, cap * 2 * sizeof(char *));

				memcpy(bigger, nm, cap * sizeof(char *));
				nm = bigger;
				cap *= 2;
			}
			nm[(*n)++] = arena_strdup(a, r->element[1]->element[i]->str);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	*values = arena_zalloc(a, (*n + 1) * sizeof(char *));
	for (i = 0; i < *n; i++) {
		redisReply *r = redisq_command(q, "GET %s", nm[i]);

		(*values)[i] = r && r->type == REDIS_REPLY_STRING ? arena_strdup(a, r->str) : "";
		if (r)
			freeReplyObject(r);
		nm[i] += plen;
	}
	*names = nm;
	return 0;
}
