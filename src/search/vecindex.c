/*
 * vecindex.c - exact int8 vector scans and the per-repository sets.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/vecindex.h"
#include "util/alloc.h"
#include "util/glob.h"
#include "util/status.h"

/* Interned strings (paths, kinds, languages) of one set. */
struct vecset {
	int dims;
	size_t n, cap, nblocks;
	int8_t *data;	 /* [block][dim][width of the block], see vec_width */
	float *inv_norm; /* 1/|v| of the int8 vector, 0 for a zero vector */
	int64_t *ids;
	uint32_t *file;
	uint16_t *kind, *lang;
	struct vec_dict paths, kinds, langs;
	size_t bytes;
	struct vec_passmemo *pass; /* the last filters' vectors, see vec_pass_get */
};

/* A query with up to this many dimensions, and a search for up to half
 * this many hits, need no malloc. */
#define VEC_STACK_DIMS 2048
#define VEC_STACK_HITS 256

/* A scan looks at a block's scores in 64 chunks (see vec_scores). */
#define VEC_CHUNK (VECSET_BLOCK / 64)

/* Vectors stored for a set of n: whole chunks (a scan scores them whole,
 * zeros past the end); only the last block is narrower than
 * VECSET_BLOCK. */
static size_t vec_padded(size_t n)
{
	return (n + VEC_CHUNK - 1) / VEC_CHUNK * VEC_CHUNK;
}

/* The width of block b (its vectors, padded) in a set of n. */
static size_t vec_width(size_t n, size_t b)
{
	size_t rest = vec_padded(n) - b * VECSET_BLOCK;

	return rest < VECSET_BLOCK ? rest : VECSET_BLOCK;
}

size_t vecset_estimate(int dims, size_t n)
{
	/* vectors, id, inverse norm, file, kind, language; paths about one
	 * per few vectors */
	return vec_padded(n) * (size_t)dims + n * (8 + 4 + 4 + 2 + 2) + n / 4 * 64;
}

/* The vectors that pass the last filters searched with, a bit each (a
 * 64-bit word per VEC_CHUNK vectors): a filtered scan skips the chunks
 * without one, and checks a bit, not three arrays, per candidate. */
#define VEC_PASS_SLOTS 4
_Static_assert(VEC_CHUNK == 64, "a chunk is a word of pass bits");

struct vec_passmemo {
	pthread_mutex_t mu;
	struct {
		char *kind, *lang, *prefix, *glob;
		uint64_t *bits; /* NULL: an empty slot */
		unsigned long used;
	} e[VEC_PASS_SLOTS];
	unsigned long clock;
};

struct vecset *vecset_new(int dims, size_t n)
{
	struct vecset *s = xcalloc(1, sizeof(*s));

	s->dims = dims;
	s->cap = n;
	s->nblocks = (n + VECSET_BLOCK - 1) / VECSET_BLOCK;
	s->data = xcalloc(vec_padded(n) * (size_t)dims + 1, 1);
	s->inv_norm = xcalloc(vec_padded(n) + 1, sizeof(float));
	s->ids = xcalloc(n + 1, sizeof(int64_t));
	s->file = xcalloc(n + 1, sizeof(uint32_t));
	s->kind = xcalloc(n + 1, sizeof(uint16_t));
	s->lang = xcalloc(n + 1, sizeof(uint16_t));
	s->pass = xcalloc(1, sizeof(*s->pass));
	pthread_mutex_init(&s->pass->mu, NULL);
	s->bytes = sizeof(*s) + vec_padded(n) * (size_t)dims + (vec_padded(n) + 1) * 4 +
		   (n + 1) * (8 + 4 + 2 + 2) + sizeof(*s->pass) + VEC_PASS_SLOTS * (vec_padded(n) / 8);
	return s;
}

/* The path conditions of the last filters resolved against a dictionary
 * and their flags (one per string). */
#define VEC_MEMO_SLOTS 4
_Static_assert(VEC_DICT_BYTES_PER_ITEM == sizeof(char *) + VEC_MEMO_SLOTS, "a memo slot is a byte a string");

struct vec_memo {
	pthread_mutex_t mu;
	struct {
		char *prefix, *glob; /* NULL: none; ok NULL: an empty slot */
		unsigned char *ok;
		unsigned long used;
	} e[VEC_MEMO_SLOTS];
	unsigned long clock;
};

void vec_dict_release(struct vec_dict *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->items[i]);
	free(d->items);
	if (d->memo) {
		for (i = 0; i < VEC_MEMO_SLOTS; i++) {
			free(d->memo->e[i].prefix);
			free(d->memo->e[i].glob);
			free(d->memo->e[i].ok);
		}
		pthread_mutex_destroy(&d->memo->mu);
		free(d->memo);
	}
	memset(d, 0, sizeof(*d));
}

size_t vec_dict_bytes(const struct vec_dict *d)
{
	size_t i, b = d->cap * sizeof(char *) + d->n * VEC_MEMO_SLOTS + (d->memo ? sizeof(*d->memo) : 0);

	for (i = 0; i < d->n; i++)
		b += strlen(d->items[i]) + 1;
	return b;
}

static bool vec_str_eq(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static char *vec_strdup_or_null(const char *str)
{
	return str ? xstrdup(str) : NULL;
}

/* Copies the flags memoised for f's path condition into ok (d->n bytes);
 * false when there are none. */
static bool vec_memo_get(const struct vec_dict *d, const struct vec_filter *f, unsigned char *ok)
{
	struct vec_memo *m = d->memo;
	bool found = false;
	int i;

	if (!m)
		return false;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < VEC_MEMO_SLOTS && !found; i++)
		if (m->e[i].ok && vec_str_eq(m->e[i].prefix, f->path_prefix) &&
		    vec_str_eq(m->e[i].glob, f->path_glob)) {
			memcpy(ok, m->e[i].ok, d->n);
			m->e[i].used = ++m->clock;
			found = true;
		}
	pthread_mutex_unlock(&m->mu);
	return found;
}

/* Keeps ok (d->n flags) for f's path condition in the least recently
 * used slot. */
static void vec_memo_put(const struct vec_dict *d, const struct vec_filter *f, const unsigned char *ok)
{
	struct vec_memo *m = d->memo;
	int i, lru = 0;

	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	for (i = 1; i < VEC_MEMO_SLOTS; i++)
		if (m->e[i].used < m->e[lru].used)
			lru = i;
	free(m->e[lru].prefix);
	free(m->e[lru].glob);
	free(m->e[lru].ok);
	m->e[lru].prefix = vec_strdup_or_null(f->path_prefix);
	m->e[lru].glob = vec_strdup_or_null(f->path_glob);
	m->e[lru].ok = xmalloc(d->n + 1);
	memcpy(m->e[lru].ok, ok, d->n);
	m->e[lru].used = ++m->clock;
	pthread_mutex_unlock(&m->mu);
}

/* Empties every slot (a set that grows invalidates them). */
static void vec_pass_forget(struct vec_passmemo *m)
{
	int i;

	for (i = 0; i < VEC_PASS_SLOTS; i++) {
		free(m->e[i].kind);
		free(m->e[i].lang);
		free(m->e[i].prefix);
		free(m->e[i].glob);
		free(m->e[i].bits);
		memset(&m->e[i], 0, sizeof(m->e[i]));
	}
	m->clock = 0;
}

static void vec_pass_free(struct vec_passmemo *m)
{
	if (!m)
		return;
	vec_pass_forget(m);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* Copies the pass bits memoised for f into bits (nwords words); false
 * when there are none. */
static bool vec_pass_get(const struct vecset *s, const struct vec_filter *f, uint64_t *bits, size_t nwords)
{
	struct vec_passmemo *m = s->pass;
	bool found = false;
	int i;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < VEC_PASS_SLOTS && !found; i++)
		if (m->e[i].bits && vec_str_eq(m->e[i].kind, f->kind) &&
		    vec_str_eq(m->e[i].lang, f->language) && vec_str_eq(m->e[i].prefix, f->path_prefix) &&
		    vec_str_eq(m->e[i].glob, f->path_glob)) {
			memcpy(bits, m->e[i].bits, nwords * sizeof(uint64_t));
			m->e[i].used = ++m->clock;
			found = true;
		}
	pthread_mutex_unlock(&m->mu);
	return found;
}

/* Keeps bits (nwords words) for f in the least recently used slot. */
static void vec_pass_put(const struct vecset *s, const struct vec_filter *f, const uint64_t *bits,
			 size_t nwords)
{
	struct vec_passmemo *m = s->pass;
	int i, lru = 0;

	pthread_mutex_lock(&m->mu);
	for (i = 1; i < VEC_PASS_SLOTS; i++)
		if (m->e[i].used < m->e[lru].used)
			lru = i;
	free(m->e[lru].kind);
	free(m->e[lru].lang);
	free(m->e[lru].prefix);
	free(m->e[lru].glob);
	free(m->e[lru].bits);
	m->e[lru].kind = vec_strdup_or_null(f->kind);
	m->e[lru].lang = vec_strdup_or_null(f->language);
	m->e[lru].prefix = vec_strdup_or_null(f->path_prefix);
	m->e[lru].glob = vec_strdup_or_null(f->path_glob);
	m->e[lru].bits = xmalloc(nwords * sizeof(uint64_t));
	memcpy(m->e[lru].bits, bits, nwords * sizeof(uint64_t));
	m->e[lru].used = ++m->clock;
	pthread_mutex_unlock(&m->mu);
}

void vecset_free(struct vecset *s)
{
	if (!s)
		return;
	vec_pass_free(s->pass);
	free(s->data);
	free(s->inv_norm);
	free(s->ids);
	free(s->file);
	free(s->kind);
	free(s->lang);
	vec_dict_release(&s->paths);
	vec_dict_release(&s->kinds);
	vec_dict_release(&s->langs);
	free(s);
}

size_t vec_dict_intern(struct vec_dict *d, const char *str, bool last_only)
{
	size_t i;

	if (d->n > 0 && strcmp(d->items[d->n - 1], str) == 0)
		return d->n - 1;
	if (!last_only)
		for (i = 0; i < d->n; i++)
			if (strcmp(d->items[i], str) == 0)
				return i;
	if (!d->memo) {
		d->memo = xcalloc(1, sizeof(*d->memo));
		pthread_mutex_init(&d->memo->mu, NULL);
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->items = xrealloc(d->items, d->cap * sizeof(*d->items));
	}
	d->items[d->n] = xstrdup(str);
	return d->n++;
}

/* vec_dict_intern, counting a new string in the set's size. */
static size_t vecset_intern(struct vecset *s, struct vec_dict *d, const char *str, bool last_only)
{
	size_t n = d->n, i = vec_dict_intern(d, str, last_only);

	if (d->n != n)
		s->bytes += strlen(str) + 1 + VEC_DICT_BYTES_PER_ITEM;
	return i;
}

int vecset_add(struct vecset *s, int64_t entity_id, const int8_t *vec, const char *kind, const char *language,
	       const char *path)
{
	size_t i = s->n, b = i / VECSET_BLOCK, w = vec_width(s->cap, b), kidx, lidx;
	int8_t *base = s->data + b * (size_t)s->dims * VECSET_BLOCK + i % VECSET_BLOCK;
	int64_t sum = 0;
	int d;

	if (i >= s->cap)
		return DX_E_TOOLARGE;
	if (s->pass->clock) {
		pthread_mutex_lock(&s->pass->mu);
		vec_pass_forget(s->pass);
		pthread_mutex_unlock(&s->pass->mu);
	}
	for (d = 0; d < s->dims; d++) {
		base[(size_t)d * w] = vec[d];
		sum += (int64_t)vec[d] * vec[d];
	}
	kidx = vecset_intern(s, &s->kinds, kind, false);
	lidx = vecset_intern(s, &s->langs, language, false);
	s->inv_norm[i] = sum > 0 ? (float)(1.0 / sqrt((double)sum)) : 0.0f;
	s->ids[i] = entity_id;
	s->file[i] = (uint32_t)vecset_intern(s, &s->paths, path, true);
	s->kind[i] = (uint16_t)(kidx > UINT16_MAX ? UINT16_MAX : kidx);
	s->lang[i] = (uint16_t)(lidx > UINT16_MAX ? UINT16_MAX : lidx);
	s->n++;
	return 0;
}

size_t vecset_count(const struct vecset *s)
{
	return s->n;
}

int vecset_dims(const struct vecset *s)
{
	return s->dims;
}

size_t vecset_bytes(const struct vecset *s)
{
	return s->bytes;
}

/* A candidate: a vector's score before the query's norm is applied. */
struct vec_cand {
	float score;
	size_t v; /* the vector's index in the set */
};

/* The order of candidates: by score, then the earlier vector first (the
 * scan's order), so that which vectors make the cut among equal scores
 * does not depend on the heap's shape. */
static bool vec_cand_worse(const struct vec_cand *a, float score, size_t v)
{
	return a->score < score || (a->score == score && a->v > v);
}

/* A min-heap of the best candidates so far (the worst at the root). */
struct vec_heap {
	struct vec_cand *h;
	size_t n, cap;
};

/* Offers vector v; the scan offers vectors in increasing v, so a later
 * vector must score strictly more than the root to replace it. */
static void vec_heap_push(struct vec_heap *hp, size_t v, float score)
{
	size_t i;

	if (hp->n == hp->cap) {
		if (!vec_cand_worse(&hp->h[0], score, v))
			return;
		/* replace the root and sift down */
		i = 0;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, m = i;
			float ms = score;
			size_t mv = v;

			if (l < hp->n && vec_cand_worse(&hp->h[l], ms, mv)) {
				m = l;
				ms = hp->h[l].score;
				mv = hp->h[l].v;
			}
			if (r < hp->n && vec_cand_worse(&hp->h[r], ms, mv))
				m = r;
			if (m == i)
				break;
			hp->h[i] = hp->h[m];
			i = m;
		}
		hp->h[i].score = score;
		hp->h[i].v = v;
		return;
	}
	i = hp->n++;
	while (i > 0 && !vec_cand_worse(&hp->h[(i - 1) / 2], score, v)) {
		hp->h[i] = hp->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	hp->h[i].score = score;
	hp->h[i].v = v;
}

static int vec_hit_cmp(const void *pa, const void *pb)
{
	const struct vec_hit *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->entity_id < b->entity_id ? -1 : a->entity_id > b->entity_id;
}

/*
 * acc[i] += q[0] * c[0][i] + ... + q[7] * c[7][i] over a block of width w
 * (a multiple of VEC_CHUNK): the hot loop, eight dimensions per pass so
 * that the accumulators are read and written once for eight columns. q and the stored values are int8 (the
 * query quantised to -127..127), so a product is at most 127 * 128 and
 * the sum of two fits 16 bits: 16-bit multiplies and adds, widened once
 * per pair. That vectorises on plain SSE2 (32-bit multiplies exist from
 * SSE4.1 on; emulated, the old loop took 40 instructions per 16 bytes);
 * where the compiler can, an AVX2 clone is picked at load time on
 * machines that have it.
 */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VEC_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef VEC_CLONES
#define VEC_CLONES
#endif
#define VEC_PAIR(j) ((int32_t)(int16_t)(q##j * c##j[i] + q##j##b * c##j##b[i]))
VEC_CLONES static void vec_axpy8(int32_t *restrict acc, const int8_t *const *cols, const int16_t *q, int w)
{
	const int8_t *restrict c0 = cols[0], *restrict c0b = cols[1], *restrict c1 = cols[2],
			       *restrict c1b = cols[3], *restrict c2 = cols[4], *restrict c2b = cols[5],
			       *restrict c3 = cols[6], *restrict c3b = cols[7];
	int16_t q0 = q[0], q0b = q[1], q1 = q[2], q1b = q[3], q2 = q[4], q2b = q[5], q3 = q[6], q3b = q[7];
	int i, n = w / VEC_CHUNK * VEC_CHUNK; /* = w; saying so lets gcc 12 vectorise */

	for (i = 0; i < n; i++)
		acc[i] += VEC_PAIR(0) + VEC_PAIR(1) + VEC_PAIR(2) + VEC_PAIR(3);
}
#undef VEC_PAIR

bool vec_filter_resolve(const struct vec_filter *f, const struct vec_dict *kinds,
			const struct vec_dict *langs, const struct vec_dict *paths, long *want_kind,
			long *want_lang, unsigned char **file_ok)
{
	size_t i;

	*want_kind = *want_lang = -1;
	*file_ok = NULL;
	if (f->kind) {
		for (i = 0; i < kinds->n; i++)
			if (strcmp(kinds->items[i], f->kind) == 0)
				*want_kind = (long)i;
		if (*want_kind < 0)
			return false;
	}
	if (f->language) {
		for (i = 0; i < langs->n; i++)
			if (strcmp(langs->items[i], f->language) == 0)
				*want_lang = (long)i;
		if (*want_lang < 0)
			return false;
	}
	if (f->path_prefix || f->path_glob) {
		*file_ok = xmalloc(paths->n + 1);
		if (!vec_memo_get(paths, f, *file_ok)) {
			for (i = 0; i < paths->n; i++)
				(*file_ok)[i] = (!f->path_prefix || strncmp(paths->items[i], f->path_prefix,
									    strlen(f->path_prefix)) == 0) &&
						(!f->path_glob || glob_match(f->path_glob, paths->items[i]));
			vec_memo_put(paths, f, *file_ok);
		}
	}
	return true;
}

/*
 * sc[i] = acc[i] * inv_norm[i] over one block of width w, and a bit per
 * chunk of VEC_CHUNK scores of which some exceed thr: the heap's
 * threshold only rises, so the chunks without a bit hold no candidate and
 * are never looked at one by one (most chunks, once the heap is full).
 */
VEC_CLONES static uint64_t vec_scores(float *restrict sc, const int32_t *restrict acc,
				      const float *restrict inv_norm, float thr, size_t w)
{
	uint64_t mask = 0;
	size_t c, i;

	for (c = 0; c < w / VEC_CHUNK; c++) {
		int above = 0;

		for (i = c * VEC_CHUNK; i < (c + 1) * VEC_CHUNK; i++) {
			sc[i] = (float)acc[i] * inv_norm[i];
			above |= sc[i] > thr;
		}
		mask |= (uint64_t)above << c;
	}
	return mask;
}

size_t vecset_search(const struct vecset *s, const float *query, const struct vec_filter *f, size_t k,
		     struct vec_hit *out)
{
	int32_t acc[VECSET_BLOCK] __attribute__((aligned(64)));
	/* the query's norm scales every score alike: applied to the
	 * winners only */
	float sc[VECSET_BLOCK] __attribute__((aligned(64))), thr;
	int dims = s->dims, d, nnz = 0;
	/* the query's non-zero dimensions and values, zero-padded to groups
	 * of 8; on the stack up to VEC_STACK_DIMS (a malloc that size costs a
	 * consolidation of malloc's fast bins) */
	int nz_stack[VEC_STACK_DIMS],
	    *nz = dims <= VEC_STACK_DIMS ? nz_stack : xmalloc(sizeof(int) * (size_t)dims);
	int16_t qnz_stack[VEC_STACK_DIMS + 8],
	    *qnz = dims <= VEC_STACK_DIMS ? qnz_stack : xmalloc(sizeof(int16_t) * ((size_t)dims + 8));
	unsigned char *file_ok = NULL;
	long want_kind = -1, want_lang = -1;
	uint64_t *pass = NULL;
	struct vec_heap hp;
	struct vec_cand cand_stack[VEC_STACK_HITS];
	struct vec_hit hit_stack[VEC_STACK_HITS], *hits = NULL;
	uint64_t mask;
	float qmax = 0, qscale;
	double qnorm = 0;
	size_t b, i, n = 0;
	bool filtered = f && (f->kind || f->language || f->path_prefix || f->path_glob);

	hp.h = NULL;
	hp.n = 0;
	if (k == 0 || s->n == 0)
		goto out;
	for (d = 0; d < dims; d++)
		if (fabsf(query[d]) > qmax)
			qmax = fabsf(query[d]);
	if (!(qmax > 0))
		goto out;
	/* The query is quantised like the stored vectors; cosine between the
	 * int8 vectors is what is ranked. */
	qscale = 127.0f / qmax;
	for (d = 0; d < dims; d++) {
		long v = lrintf(query[d] * qscale);

		if (v) {
			nz[nnz] = d;
			qnz[nnz++] = (int16_t)v;
			qnorm += (double)v * v;
		}
	}
	if (nnz == 0)
		goto out;
	memset(qnz + nnz, 0, 8 * sizeof(*qnz));
	qnorm = 1.0 / sqrt(qnorm);
	if (filtered) {
		size_t nwords = vec_padded(s->n) / VEC_CHUNK;

		pass = xmalloc((nwords + 1) * sizeof(uint64_t));
		if (!vec_pass_get(s, f, pass, nwords)) {
			if (!vec_filter_resolve(f, &s->kinds, &s->langs, &s->paths, &want_kind, &want_lang,
						&file_ok))
				goto out;
			memset(pass, 0, nwords * sizeof(uint64_t));
			for (i = 0; i < s->n; i++)
				if ((want_kind < 0 || s->kind[i] == want_kind) &&
				    (want_lang < 0 || s->lang[i] == want_lang) &&
				    (!file_ok || file_ok[s->file[i]]))
					pass[i / 64] |= (uint64_t)1 << (i % 64);
			vec_pass_put(s, f, pass, nwords);
		}
	}
	/* Several windows of one entity may be among the best: keep room. */
	hp.cap = k * 2;
	hp.h = hp.cap <= VEC_STACK_HITS ? cand_stack : xmalloc(hp.cap * sizeof(*hp.h));
	for (b = 0; b < s->nblocks && b * VECSET_BLOCK < s->n; b++) {
		const int8_t *blk = s->data + b * (size_t)dims * VECSET_BLOCK;
		size_t base = b * VECSET_BLOCK, m = s->n - base < VECSET_BLOCK ? s->n - base : VECSET_BLOCK,
		       w = vec_width(s->cap, b);

		memset(acc, 0, w * sizeof(*acc));
		for (d = 0; d < nnz; d += 8) {
			const int8_t *cols[8];
			int j;

			/* a short last group multiplies column 0 by zero */
			for (j = 0; j < 8; j++)
				cols[j] = blk + (size_t)nz[d + j < nnz ? d + j : 0] * w;
			vec_axpy8(acc, cols, qnz + d, (int)w);
		}
		/* the scores of the block (vectorised), then the few that can
		 * enter the heap */
		thr = hp.n < hp.cap ? -INFINITY : hp.h[0].score;
		mask = vec_scores(sc, acc, s->inv_norm + base, thr, w);
		while (mask) {
			int c = __builtin_ctzll(mask);
			size_t end = (size_t)(c + 1) * VEC_CHUNK < m ? (size_t)(c + 1) * VEC_CHUNK : m;
			uint64_t ok;

			mask &= mask - 1;
			/* The block's width follows the set's capacity: chunks past
			 * its last vector hold no vector (nor a bit in pass). */
			if ((size_t)c * VEC_CHUNK >= m)
				break;
			ok = pass ? pass[base / 64 + (size_t)c] : ~(uint64_t)0;
			for (i = (size_t)c * VEC_CHUNK; i < end && ok; i++) {
				size_t v = base + i;

				if (!(sc[i] > thr) || !(ok >> (i % 64) & 1))
					continue;
				vec_heap_push(&hp, v, sc[i]);
				thr = hp.n < hp.cap ? -INFINITY : hp.h[0].score;
			}
		}
	}
	/* best first, ties by entity id; then the best window per entity */
	hits = hp.n <= VEC_STACK_HITS ? hit_stack : xmalloc(hp.n * sizeof(*hits));
	for (i = 0; i < hp.n; i++) {
		hits[i].entity_id = s->ids[hp.h[i].v];
		hits[i].score = hp.h[i].score;
	}
	qsort(hits, hp.n, sizeof(*hits), vec_hit_cmp);
	for (i = 0; i < hp.n && n < k; i++) {
		size_t j;
		bool seen = false;

		for (j = 0; j < n && !seen; j++)
			seen = out[j].entity_id == hits[i].entity_id;
		if (!seen) {
			out[n] = hits[i];
			out[n++].score = (float)(hits[i].score * qnorm);
		}
	}
out:
	if (hp.h != cand_stack)
		free(hp.h);
	if (hits != hit_stack)
		free(hits);
	free(file_ok);
	free(pass);
	if (nz != nz_stack)
		free(nz);
	if (qnz != qnz_stack)
		free(qnz);
	return n;
}

/* ---- the sets of all repositories ------------------------------------ */

struct vec_entry {
	int64_t repo;
	char *model;	  /* the key: a model, or another kind's name */
	char *signature;  /* of the held set */
	double loaded_at; /* monotonic seconds of the last load attempt */
	void *set;
	const struct vecindex_setops *ops;
	bool loading;
	atomic_ulong last_used;
	struct vec_entry *next;
};

struct vecindex {
	pthread_rwlock_t lock; /* scans read; swapping a set writes */
	pthread_mutex_t mu;    /* entries, loading flags */
	pthread_cond_t loaded;
	struct vec_entry *entries;
	size_t bytes, budget;
	double min_reload_s;
	atomic_ulong clock;
	unsigned long loads;
};

static double vec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct vecindex *vecindex_new(size_t budget_bytes, int min_reload_ms)
{
	struct vecindex *vx = xcalloc(1, sizeof(*vx));

	pthread_rwlock_init(&vx->lock, NULL);
	pthread_mutex_init(&vx->mu, NULL);
	pthread_cond_init(&vx->loaded, NULL);
	vx->budget = budget_bytes;
	vx->min_reload_s = min_reload_ms / 1000.0;
	return vx;
}

void vecindex_free(struct vecindex *vx)
{
	struct vec_entry *e, *next;

	if (!vx)
		return;
	for (e = vx->entries; e; e = next) {
		next = e->next;
		if (e->set)
			e->ops->free(e->set);
		free(e->model);
		free(e->signature);
		free(e);
	}
	pthread_cond_destroy(&vx->loaded);
	pthread_mutex_destroy(&vx->mu);
	pthread_rwlock_destroy(&vx->lock);
	free(vx);
}

static struct vec_entry *vecindex_entry(struct vecindex *vx, int64_t repo, const char *model)
{
	struct vec_entry *e;

	for (e = vx->entries; e; e = e->next)
		if (e->repo == repo && strcmp(e->model, model) == 0)
			return e;
	e = xcalloc(1, sizeof(*e));
	e->repo = repo;
	e->model = xstrdup(model);
	e->next = vx->entries;
	vx->entries = e;
	return e;
}

/* Drops least recently used sets other than keep until the total fits.
 * Caller holds mu and the write lock. */
static void vecindex_evict(struct vecindex *vx, struct vec_entry *keep)
{
	while (vx->bytes > vx->budget) {
		struct vec_entry *e, *lru = NULL;

		for (e = vx->entries; e; e = e->next)
			if (e != keep && e->set && !e->loading &&
			    (!lru || atomic_load(&e->last_used) < atomic_load(&lru->last_used)))
				lru = e;
		if (!lru)
			return;
		vx->bytes -= lru->ops->bytes(lru->set);
		lru->ops->free(lru->set);
		lru->set = NULL;
		free(lru->signature);
		lru->signature = NULL;
	}
}

int vecindex_use(struct vecindex *vx, int64_t repo, const char *key, const char *signature, bool busy,
		 const struct vecindex_setops *ops, vecindex_loadset_fn load, void *load_arg,
		 vecindex_use_fn use, void *use_arg, char *errmsg, size_t errlen)
{
	struct vec_entry *e;
	void *fresh = NULL, *old = NULL;
	int rc = 0, attempts = 0;

again:
	pthread_mutex_lock(&vx->mu);
	e = vecindex_entry(vx, repo, key);
	while (e->loading && !e->set)
		pthread_cond_wait(&vx->loaded, &vx->mu);
	/* A held set is reloaded when the signature moved, but not more often
	 * than min_reload_s while the repository is busy (a job running: the
	 * signature moves with every chunk); the old set serves meanwhile. */
	if (!e->loading && attempts == 0 &&
	    (!e->set || ((!e->signature || strcmp(e->signature, signature) != 0) &&
			 (!busy || vec_now() - e->loaded_at >= vx->min_reload_s)))) {
		e->loading = true;
		e->loaded_at = vec_now();
		pthread_mutex_unlock(&vx->mu);
		rc = load(load_arg, vx->budget, &fresh, errmsg, errlen);
		pthread_mutex_lock(&vx->mu);
		if (rc == 0) {
			pthread_rwlock_wrlock(&vx->lock);
			old = e->set;
			if (old)
				vx->bytes -= e->ops->bytes(old);
			e->set = fresh;
			e->ops = ops;
			vx->bytes += ops->bytes(fresh);
			free(e->signature);
			e->signature = xstrdup(signature);
			vx->loads++;
			vecindex_evict(vx, e);
			pthread_rwlock_unlock(&vx->lock);
		}
		e->loading = false;
		pthread_cond_broadcast(&vx->loaded);
		attempts++;
		if (rc && !e->set) {
			pthread_mutex_unlock(&vx->mu);
			return rc;
		}
		/* a failed reload keeps serving the old set */
		rc = 0;
	}
	pthread_rwlock_rdlock(&vx->lock);
	pthread_mutex_unlock(&vx->mu);
	if (!e->set) {
		/* evicted between the load and now by another repository's load */
		pthread_rwlock_unlock(&vx->lock);
		if (attempts++ < 2)
			goto again;
		snprintf(errmsg, errlen,
			 "the index does not fit into search.memory_budget_mb next to the others");
		rc = DX_E_UNAVAILABLE;
		goto out;
	}
	atomic_store(&e->last_used, atomic_fetch_add(&vx->clock, 1) + 1);
	rc = use(use_arg, e->set, errmsg, errlen);
	pthread_rwlock_unlock(&vx->lock);
out:
	if (old)
		ops->free(old);
	return rc;
}

static size_t vecset_bytes_op(const void *set)
{
	return vecset_bytes(set);
}

static size_t vecset_count_op(const void *set)
{
	return vecset_count(set);
}

static void vecset_free_op(void *set)
{
	vecset_free(set);
}

static const struct vecindex_setops vecset_ops = {vecset_bytes_op, vecset_count_op, vecset_free_op};

/* vecindex_search's loader and scan, in vecindex_use's terms */
struct vec_search_args {
	vecindex_load_fn load;
	void *load_arg;
	const float *query;
	int dims;
	const struct vec_filter *f;
	size_t k;
	struct vec_hit *out;
	size_t *nout;
};

static int vec_load_op(void *arg, size_t max_bytes, void **out, char *errmsg, size_t errlen)
{
	struct vec_search_args *a = arg;
	struct vecset *set = NULL;
	int rc = a->load(a->load_arg, max_bytes, &set, errmsg, errlen);

	*out = set;
	return rc;
}

static int vec_use_op(void *arg, const void *set, char *errmsg, size_t errlen)
{
	struct vec_search_args *a = arg;

	if (vecset_dims(set) != a->dims) {
		snprintf(errmsg, errlen, "the stored vectors have %d dimensions, the query %d",
			 vecset_dims(set), a->dims);
		return DX_E_INTERNAL;
	}
	*a->nout = vecset_search(set, a->query, a->f, a->k, a->out);
	return 0;
}

int vecindex_search(struct vecindex *vx, int64_t repo, const char *model, const char *signature, bool busy,
		    vecindex_load_fn load, void *arg, const float *query, int dims,
		    const struct vec_filter *f, size_t k, struct vec_hit *out, size_t *nout, char *errmsg,
		    size_t errlen)
{
	struct vec_search_args a = {load, arg, query, dims, f, k, out, nout};

	*nout = 0;
	return vecindex_use(vx, repo, model, signature, busy, &vecset_ops, vec_load_op, &a, vec_use_op, &a,
			    errmsg, errlen);
}

void vecindex_get_stats(struct vecindex *vx, struct vecindex_stats *st)
{
	struct vec_entry *e;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&vx->mu);
	pthread_rwlock_rdlock(&vx->lock);
	for (e = vx->entries; e; e = e->next) {
		if (!e->set)
			continue;
		if (e->ops == &vecset_ops) {
			st->sets++;
			st->vectors += vecset_count(e->set);
			st->bytes += vecset_bytes(e->set);
		} else {
			st->other_sets++;
			st->other_items += e->ops->count(e->set);
			st->other_bytes += e->ops->bytes(e->set);
		}
	}
	st->budget = vx->budget;
	st->loads = vx->loads;
	pthread_rwlock_unlock(&vx->lock);
	pthread_mutex_unlock(&vx->mu);
}
