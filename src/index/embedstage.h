/*
 * embedstage.h - embedding the entities of a chunk: cache first, then the
 * provider, vectors quantised for storage.
 */
#ifndef DOCXP_EMBEDSTAGE_H
#define DOCXP_EMBEDSTAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/chunkstore.h"

struct arena;
struct embed_provider;
struct redisq;

/* Texts per provider call. */
#define EMBEDSTAGE_BATCH 64

/*
 * Fills files[i].vectors for every processed file's entities. Cached
 * vectors (same provider, model, dimensions, normalize flag and exact
 * text) are reused and their TTL refreshed; the others are embedded and
 * cached. A text the provider refuses gets no vector (counted as failed).
 * keepalive (may be NULL) is called between provider batches, which can
 * take long against a throttled provider: the worker renews its chunk
 * lease there; a non-zero return stops with that status.
 * Returns 0, or the provider's negative status when the batch must be
 * retried later (DX_E_THROTTLED, DX_E_CREDENTIALS, DX_E_UNAVAILABLE) with
 * the reason in errmsg. A Redis failure only costs the cache. Without
 * cache (embed_cache_wanted), everything is embedded and nothing stored.
 */
int embedstage_run(struct arena *a, struct embed_provider *p, struct redisq *q, bool cache, int ttl_seconds,
		   struct file_result *files, size_t nfiles, struct embed_stats *stats, char *errmsg,
		   size_t errlen, int (*keepalive)(void *arg), void *keepalive_arg);

/* "provider/model/dimensions", the model column of stored vectors. */
const char *embedstage_model_name(struct arena *a, const struct embed_provider *p);

/* Quantises v (dims floats) to int8 with one scale (max |v| / 127). */
void embedstage_quantize(const float *v, int dims, int8_t *q, float *scale);

#endif
