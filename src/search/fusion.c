/*
 * fusion.c - reciprocal-rank fusion.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "search/fusion.h"
#include "util/alloc.h"

static int fusion_best_rank(const struct fusion_item *it)
{
	int best = 0, i;

	for (i = 0; i < FUSION_MAX_LEGS; i++)
		if (it->rank[i] > 0 && (best == 0 || it->rank[i] < best))
			best = it->rank[i];
	return best;
}

static int fusion_cmp(const void *pa, const void *pb)
{
	const struct fusion_item *a = pa, *b = pb;
	int ra, rb;

	if (a->fused != b->fused)
		return a->fused > b->fused ? -1 : 1;
	ra = fusion_best_rank(a);
	rb = fusion_best_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

size_t fusion_rrf(const struct fusion_leg *legs, size_t nlegs, int k, struct fusion_item *out)
{
	size_t total = 0, n = 0, l, i, j, cap = 1;
	size_t *slots;

	if (nlegs > FUSION_MAX_LEGS)
		nlegs = FUSION_MAX_LEGS;
	for (l = 0; l < nlegs; l++)
		total += legs[l].n;
	if (total == 0)
		return 0;
	/* An open-addressing table of the ids seen: legs are at most a few
	 * hundred long, but stay linear anyway. */
	while (cap < total * 2)
		cap <<= 1;
	slots = xcalloc(cap, sizeof(*slots));
	for (l = 0; l < nlegs; l++) {
		for (i = 0; i < legs[l].n; i++) {
			int64_t id = legs[l].ids[i];
			size_t h = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 7) & (cap - 1);
			struct fusion_item *it = NULL;

			for (j = h;; j = (j + 1) & (cap - 1)) {
				if (slots[j] == 0) {
					it = &out[n];
					memset(it, 0, sizeof(*it));
					it->id = id;
					slots[j] = ++n;
					break;
				}
				if (out[slots[j] - 1].id == id) {
					it = &out[slots[j] - 1];
					break;
				}
			}
			if (it->rank[l] != 0)
				continue;
			it->rank[l] = (int)i + 1;
			it->score[l] = legs[l].scores ? legs[l].scores[i] : 0;
			it->fused += legs[l].weight / (double)(k + (int)i + 1);
		}
	}
	free(slots);
	qsort(out, n, sizeof(*out), fusion_cmp);
	return n;
}
