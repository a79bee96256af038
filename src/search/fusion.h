/*
 * fusion.h - reciprocal-rank fusion of ranked result lists.
 *
 * fused(d) = sum over legs of weight[leg] / (k + rank_leg(d)), rank
 * 1-based; a leg that did not return d contributes nothing (Cormack,
 * Clarke and Buettcher 2009; k = 60). Pure, no I/O.
 */
#ifndef DOCXP_FUSION_H
#define DOCXP_FUSION_H

#include <stddef.h>
#include <stdint.h>

#define FUSION_MAX_LEGS 2
#define FUSION_K	60

/* One leg's answer, best first. */
struct fusion_leg {
	const int64_t *ids;
	const double *scores; /* the leg's own scores (reported, not used) */
	size_t n;
	double weight; /* 1.0 for plain RRF */
};

struct fusion_item {
	int64_t id;
	double fused;
	int rank[FUSION_MAX_LEGS];     /* 1-based, 0 = not returned by that leg */
	double score[FUSION_MAX_LEGS]; /* the leg's score when rank > 0 */
};

/*
 * Fuses nlegs (<= FUSION_MAX_LEGS) lists with constant k into out
 * (caller-allocated, room for the sum of the legs' n). A leg that lists an
 * id twice counts its first (best) rank. Returns the number of distinct
 * ids, sorted by fused score, then best single rank, then id.
 */
size_t fusion_rrf(const struct fusion_leg *legs, size_t nlegs, int k, struct fusion_item *out);

#endif
