/*
 * embedstage.c - cache lookups, provider calls and quantisation.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "embed/embed.h"
#include "index/embedstage.h"
#include "queue/embcache.h"
#include "queue/metrics.h"
#include "queue/redisq.h"
#include "util/arena.h"
#include "util/log.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *embedstage_model_name(struct arena *a, const struct embed_provider *p)
{
	return arena_printf(a, "%s/%s/%d", p->name, p->model, p->dimensions);
}

/* Values per block of the loops below: a constant trip count lets the
 * compiler's cheapest vectoriser (-O2) use vector instructions. */
#define QUANT_BLOCK 16

void embedstage_quantize(const float *v, int dims, int8_t *q, float *scale)
{
	/* Adding and taking away 1.5 * 2^23 rounds |x| < 2^22 to the nearest
	 * integer, ties to even, as lrintf does in the default rounding mode,
	 * without a call per value. */
	const float round_magic = 12582912.0f;
	float m[QUANT_BLOCK] = {0}, max = 0, s;
	int i = 0, k;

	for (; i + QUANT_BLOCK <= dims; i += QUANT_BLOCK)
		for (k = 0; k < QUANT_BLOCK; k++) {
			float a = fabsf(v[i + k]);

			m[k] = a > m[k] ? a : m[k];
		}
	for (k = 0; k < QUANT_BLOCK; k++)
		max = m[k] > max ? m[k] : max;
	for (; i < dims; i++)
		max = fabsf(v[i]) > max ? fabsf(v[i]) : max;
	s = max > 0 ? max / 127.0f : 1.0f;
	*scale = s;
	for (i = 0; i + QUANT_BLOCK <= dims; i += QUANT_BLOCK) {
		float r[QUANT_BLOCK];

		for (k = 0; k < QUANT_BLOCK; k++)
			r[k] = (v[i + k] / s + round_magic) - round_magic;
		for (k = 0; k < QUANT_BLOCK; k++)
			q[i + k] = (int8_t)(int)r[k];
	}
	for (; i < dims; i++)
		q[i] = (int8_t)(int)((v[i] / s + round_magic) - round_magic);
}

/* One embedding text and where its vector goes. */
struct embed_item {
	const char *text;
	struct entity_vector *dest;
};

int embedstage_run(struct arena *a, struct embed_provider *p, struct redisq *q, bool cache, int ttl_seconds,
		   struct file_result *files, size_t nfiles, struct embed_stats *stats, char *errmsg,
		   size_t errlen, int (*keepalive)(void *arg), void *keepalive_arg)
{
	const int dims = p->dimensions;
	struct embed_item *items;
	char(*keys)[EMBCACHE_KEY_LEN + 1];
	float *vectors;
	int *tokens, *status;
	bool *hit, *truncated, *store;
	size_t i, j, w, n = 0, total = 0, start;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < nfiles; i++) {
		if (files[i].outcome != FILE_PROCESSED)
			continue;
		files[i].vectors = arena_zalloc(a, (files[i].entities.count + 1) * sizeof(*files[i].vectors));
		for (j = 0; j < files[i].entities.count; j++) {
			files[i].vectors[j] = arena_zalloc(a, (files[i].entities.items[j].nembed + 1) *
								  sizeof(struct entity_vector));
			total += files[i].entities.items[j].nembed;
		}
	}
	if (total == 0)
		return 0;
	items = arena_alloc(a, total * sizeof(*items));
	for (i = 0; i < nfiles; i++) {
		if (files[i].outcome != FILE_PROCESSED)
			continue;
		for (j = 0; j < files[i].entities.count; j++)
			for (w = 0; w < files[i].entities.items[j].nembed; w++) {
				items[n].text = files[i].entities.items[j].embed_texts[w];
				items[n].dest = &files[i].vectors[j][w];
				n++;
			}
	}
	keys = arena_alloc(a, n * sizeof(*keys));
	vectors = arena_alloc(a, n * (size_t)dims * sizeof(float));
	tokens = arena_zalloc(a, n * sizeof(int));
	status = arena_zalloc(a, n * sizeof(int));
	hit = arena_zalloc(a, n * sizeof(bool));
	truncated = arena_zalloc(a, n * sizeof(bool));
	store = arena_zalloc(a, n * sizeof(bool));
	for (i = 0; cache && i < n; i++)
		embcache_key(p->name, p->model, dims, p->normalize, items[i].text, keys[i]);
	if (cache && embcache_get(q, (const char(*)[EMBCACHE_KEY_LEN + 1]) keys, n, dims, ttl_seconds,
				  vectors, tokens, hit))
		log_warn("embedding cache unavailable, embedding everything: %s", q->errmsg);

	/* The misses, in batches. */
	for (start = 0; start < n && rc == 0;) {
		const char *texts[EMBEDSTAGE_BATCH];
		size_t idx[EMBEDSTAGE_BATCH], m = 0, k;
		struct embed_batch b;

		while (start < n && m < EMBEDSTAGE_BATCH) {
			if (!hit[start]) {
				texts[m] = items[start].text;
				idx[m++] = start;
			}
			start++;
		}
		if (m == 0)
			break;
		if (keepalive) {
			rc = keepalive(keepalive_arg);
			if (rc) {
				snprintf(errmsg, errlen, "the chunk's lease was lost while embedding");
				break;
			}
		}
		memset(&b, 0, sizeof(b));
		b.n = m;
		b.texts = texts;
		b.vectors = arena_alloc(a, m * (size_t)dims * sizeof(float));
		b.tokens = arena_zalloc(a, m * sizeof(int));
		b.status = arena_zalloc(a, m * sizeof(int));
		b.truncated = arena_zalloc(a, m * sizeof(bool));
		b.keepalive = keepalive;
		b.keepalive_arg = keepalive_arg;
		{
			struct metric_delta d[HISTOGRAM_NBUCKETS + 2];
			char labels[64];
			double t0 = now_seconds();
			size_t nd;

			rc = p->embed(p, &b);
			snprintf(labels, sizeof(labels), "provider=\"%s\"", p->name);
			nd = histogram_observe("docxp_embedding_batch_duration_seconds", labels,
					       now_seconds() - t0, d);
			metrics_add(q, d, nd);
		}
		if (rc) {
			snprintf(errmsg, errlen, "%s", b.errmsg[0] ? b.errmsg : "embedding failed");
			break;
		}
		for (k = 0; k < m; k++) {
			size_t t = idx[k];

			status[t] = b.status[k];
			tokens[t] = b.tokens[k];
			truncated[t] = b.truncated[k];
			if (b.status[k] == 0) {
				memcpy(vectors + t * (size_t)dims, b.vectors + k * (size_t)dims,
				       (size_t)dims * sizeof(float));
				store[t] = true;
			}
		}
	}
	if (rc)
		return rc;
	if (cache && embcache_put(q, (const char(*)[EMBCACHE_KEY_LEN + 1]) keys, n, dims, ttl_seconds,
				  vectors, tokens, store))
		log_warn("could not store embeddings in the cache: %s", q->errmsg);
	for (i = 0; i < n; i++) {
		stats->texts++;
		if (hit[i]) {
			stats->cache_hits++;
			stats->tokens_saved += tokens[i];
		} else if (status[i] == 0) {
			stats->tokens += tokens[i];
		} else {
			stats->failed++;
			continue;
		}
		if (truncated[i])
			stats->truncated++;
		items[i].dest->q = arena_alloc(a, (size_t)dims);
		embedstage_quantize(vectors + i * (size_t)dims, dims, items[i].dest->q,
				    &items[i].dest->scale);
	}
	return 0;
}
