/*
 * metrics.h - deployment-wide counters in Redis.
 *
 * Every docxp process adds its counter increments to one Redis hash,
 * <prefix>metrics (field = name{labels}, value = float), so that a scrape
 * of any API instance sees the whole deployment. Workers send theirs with
 * each chunk (one pipelined round trip); the API batches its own.
 */
#ifndef DOCXP_METRICS_H
#define DOCXP_METRICS_H

#include <stddef.h>

#include "util/histogram.h"

struct arena;
struct redisq;

/* Adds n deltas (HINCRBYFLOAT, pipelined). Returns 0 or DX_E_REDIS. */
int metrics_add(struct redisq *q, const struct metric_delta *d, size_t n);

/* Reads every counter; *out is arena-allocated. Returns 0 or DX_E_REDIS. */
int metrics_read(struct redisq *q, struct arena *a, struct metric_delta **out, size_t *n);

#endif
