#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "queue/metrics.h"
#include "queue/redisq.h"
#include "util/arena.h"
#include "util/status.h"

int metrics_add(struct redisq *q, const struct metric_delta *d, size_t n)
{
	char key[160], val[64];
	redisContext *c;
	size_t i;

	if (n == 0)
		return 0;
	if (redisq_open_ctx(q) != 0)
		return DX_E_REDIS;
	c = q->ctx;
	snprintf(key, sizeof(key), "%smetrics", q->prefix);
	for (i = 0; i < n; i++) {
		snprintf(val, sizeof(val), "%.17g", d[i].value);
		redisAppendCommand(c, "HINCRBYFLOAT %s %s %s", key, d[i].field, val);
	}
	return redisq_pipeline_wait(q, n, "add metrics");
}

int metrics_read(struct redisq *q, struct arena *a, struct metric_delta **out, size_t *n)
{
	redisReply *r;
	size_t i;

	*out = NULL;
	*n = 0;
	r = redisq_raw_command(q, "HGETALL %smetrics", q->prefix);
	if (!r)
		return DX_E_REDIS;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return DX_E_REDIS;
	}
	*out = arena_zalloc(a, (r->elements / 2 + 1) * sizeof(**out));
	for (i = 0; i + 1 < r->elements; i += 2) {
		if (r->element[i]->type != REDIS_REPLY_STRING ||
		    r->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		snprintf((*out)[*n].field, sizeof((*out)[*n].field), "%s", r->element[i]->str);
		(*out)[*n].value = strtod(r->element[i + 1]->str, NULL);
		(*n)++;
	}
	freeReplyObject(r);
	return 0;
}
