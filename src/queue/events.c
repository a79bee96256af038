/*
 * events.c - per-job event log on Redis Streams.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <hiredis/hiredis.h>
#include <json-c/json.h>

#include "queue/events.h"
#include "queue/redisq.h"
#include "util/alloc.h"
#include "util/status.h"

static void events_key(const struct redisq *q, const char *job_id, char *key, size_t keylen)
{
	snprintf(key, keylen, "%sjob:%s:events", q->prefix, job_id);
}

int events_publish(struct redisq *q, const char *job_id, const char *const *types, const char *const *datas,
		   size_t n)
{
	char key[200], maxlen[16], ttl[16];
	redisContext *c;
	size_t i;

	if (n == 0)
		return 0;
	if (redisq_open_ctx(q) != 0)
		return DX_E_REDIS;
	c = q->ctx;
	events_key(q, job_id, key, sizeof(key));
	snprintf(maxlen, sizeof(maxlen), "%d", EVENTS_MAXLEN);
	snprintf(ttl, sizeof(ttl), "%d", EVENTS_TTL_SECONDS);
	/* Approximate trimming (~) keeps XADD O(1). */
	for (i = 0; i < n; i++)
		redisAppendCommand(c, "XADD %s MAXLEN ~ %s * type %s data %s", key, maxlen, types[i],
				   datas[i]);
	redisAppendCommand(c, "EXPIRE %s %s", key, ttl);
	return redisq_pipeline_wait(q, n + 1, "publish events");
}

int events_read(struct redisq *q, const char *job_id, const char *after_id, int block_ms, struct event *out,
		int max)
{
	char key[200], count[16], block[16];
	const redisReply *entries;
	redisReply *r;
	size_t i;
	int n = 0;

	events_key(q, job_id, key, sizeof(key));
	snprintf(count, sizeof(count), "%d", max);
	snprintf(block, sizeof(block), "%d", block_ms);
	if (block_ms > 0)
		r = redisq_raw_command(q, "XREAD COUNT %s BLOCK %s STREAMS %s %s", count, block, key,
				       after_id);
	else
		r = redisq_raw_command(q, "XREAD COUNT %s STREAMS %s %s", count, key, after_id);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(q->errmsg, sizeof(q->errmsg), "XREAD failed: %s", r->str);
		freeReplyObject(r);
		return DX_E_REDIS;
	}
	/* nil on timeout; else [[key, [[id, [field, value...]]...]]] */
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 && r->element[0]->element[1]->type == REDIS_REPLY_ARRAY) {
		entries = r->element[0]->element[1];
		for (i = 0; i < entries->elements && n < max; i++) {
			const redisReply *e = entries->element[i], *type, *data;

			if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
			    e->element[0]->type != REDIS_REPLY_STRING ||
			    e->element[1]->type != REDIS_REPLY_ARRAY)
				continue;
			type = redisq_field(e->element[1], "type");
			data = redisq_field(e->element[1], "data");
			if (!type || !data)
				continue;
			snprintf(out[n].id, sizeof(out[n].id), "%s", e->element[0]->str);
			snprintf(out[n].type, sizeof(out[n].type), "%s", type->str);
			out[n].data = xstrndup(data->str, data->len);
			n++;
		}
	}
	freeReplyObject(r);
	return n;
}

void events_release(struct event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(ev[i].data);
		ev[i].data = NULL;
	}
}

int events_last_id(struct redisq *q, const char *job_id, char *out, size_t outlen)
{
	char key[200];
	redisReply *r;

	events_key(q, job_id, key, sizeof(key));
	snprintf(out, outlen, "0-0");
	r = redisq_raw_command(q, "XREVRANGE %s + - COUNT 1", key);
	if (!r)
		return DX_E_REDIS;
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements >= 1 && r->element[0]->element[0]->type == REDIS_REPLY_STRING)
		snprintf(out, outlen, "%s", r->element[0]->element[0]->str);
	freeReplyObject(r);
	return 0;
}

int events_valid_id(const char *s)
{
	const char *dash = strchr(s, '-');
	size_t i;

	if (!dash || dash == s || !dash[1] || strlen(s) > 40)
		return 0;
	for (i = 0; s[i]; i++)
		if (s + i != dash && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

long long events_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int events_state(struct redisq *q, const char *job_id, const char *status, const char *reason,
		 const char *done_json)
{
	struct json_object *o = json_object_new_object();
	const char *types[2] = {"state", "done"};
	const char *datas[2];
	int rc;

	json_object_object_add(o, "job_id", json_object_new_string(job_id));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (reason)
		json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "ts", json_object_new_int64(events_now_ms()));
	datas[0] = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	datas[1] = done_json;
	rc = events_publish(q, job_id, types, datas, done_json ? 2 : 1);
	json_object_put(o);
	return rc;
}
