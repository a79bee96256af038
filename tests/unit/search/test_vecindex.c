/* Unit tests for src/search/vecindex.c: the exact int8 scan against a
 * brute-force reference and, result for result, against a plain row-major
 * scan, filters, windows, and the per-repository sets
 * (load on first use, reload on a new signature, memory budget). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "search/vecindex.h"
#include "util/glob.h"
#include "util/status.h"

#define DIMS 64

static uint64_t rng = 88172645463325252ULL;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void random_vec(int8_t *v, int dims, int sparse)
{
	int d;

	for (d = 0; d < dims; d++)
		v[d] = (sparse && next_rand() % 4) ? 0 : (int8_t)((int)(next_rand() % 255) - 127);
}

static double cosine(const float *q, const int8_t *v, int dims)
{
	double dot = 0, nq = 0, nv = 0;
	int d;

	for (d = 0; d < dims; d++) {
		dot += (double)q[d] * v[d];
		nq += (double)q[d] * q[d];
		nv += (double)v[d] * v[d];
	}
	return nq > 0 && nv > 0 ? dot / sqrt(nq * nv) : 0;
}

static void test_scan_matches_bruteforce(void **state)
{
	const size_t n = 2 * VECSET_BLOCK + 500; /* several blocks, the last one partial */
	int8_t *vecs = malloc(n * DIMS);
	struct vecset *s = vecset_new(DIMS, n);
	float q[DIMS];
	struct vec_hit hits[10];
	size_t i, nh;
	int d, round;

	(void)state;
	for (i = 0; i < n; i++) {
		random_vec(vecs + i * DIMS, DIMS, i % 2);
		assert_int_equal(vecset_add(s, (int64_t)i + 1, vecs + i * DIMS, "method", "java", "A.java"),
				 0);
	}
	assert_int_equal(vecset_count(s), n);
	for (round = 0; round < 5; round++) {
		int8_t qi[DIMS];

		/* an int8 query: quantising it again changes nothing, so the
		 * reference cosine is exact */
		random_vec(qi, DIMS, round % 2);
		qi[0] = 127; /* full scale: quantising again is exact */
		for (d = 0; d < DIMS; d++)
			q[d] = qi[d] / 127.0f;
		nh = vecset_search(s, q, NULL, 10, hits);
		assert_int_equal(nh, 10);
		for (i = 0; i < nh; i++) {
			double ref = cosine(q, vecs + (size_t)(hits[i].entity_id - 1) * DIMS, DIMS);
			size_t j, better = 0;

			assert_true(fabs(ref - hits[i].score) < 1e-4);
			/* nothing outside the answer beats the i-th hit */
			for (j = 0; j < n; j++)
				if (cosine(q, vecs + j * DIMS, DIMS) > hits[i].score + 1e-6)
					better++;
			assert_true(better <= i);
			if (i > 0)
				assert_true(hits[i - 1].score >= hits[i].score);
		}
	}
	/* a zero query finds nothing */
	memset(q, 0, sizeof(q));
	assert_int_equal(vecset_search(s, q, NULL, 10, hits), 0);
	vecset_free(s);
	free(vecs);
}

/* ---- the scan against a plain row-major reference -------------------- */

struct ref_cand {
	float score;
	size_t v;
};

/* best first; among equal scores the earlier vector (the scan's order) */
static int ref_cand_cmp(const void *pa, const void *pb)
{
	const struct ref_cand *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

static int ref_hit_cmp(const void *pa, const void *pb)
{
	const struct vec_hit *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->entity_id < b->entity_id ? -1 : a->entity_id > b->entity_id;
}

struct ref_set {
	int dims;
	size_t n;
	const int8_t *vecs; /* row-major */
	const int64_t *ids;
	const char *const *kind, *const *lang, *const *path;
};

/*
 * What vecset_search must return, computed the obvious way: the query
 * quantised like the scan does, one int32 dot product per vector, the
 * score rounded to float the same way, every passing vector sorted, the
 * 2k best kept, then the best window per entity.
 */
static size_t ref_search(const struct ref_set *rs, const float *query, const struct vec_filter *f, size_t k,
			 struct vec_hit *out)
{
	struct ref_cand *c = malloc((rs->n + 1) * sizeof(*c));
	struct vec_hit *h = malloc((rs->n + 1) * sizeof(*h));
	int *q = calloc((size_t)rs->dims, sizeof(int));
	float qmax = 0, qscale;
	double qnorm = 0;
	size_t v, nc = 0, nh, i, n = 0;
	int d;

	for (d = 0; d < rs->dims; d++)
		if (fabsf(query[d]) > qmax)
			qmax = fabsf(query[d]);
	if (k == 0 || !(qmax > 0))
		goto out;
	qscale = 127.0f / qmax;
	for (d = 0; d < rs->dims; d++) {
		q[d] = (int)lrintf(query[d] * qscale);
		qnorm += (double)q[d] * q[d];
	}
	if (qnorm == 0)
		goto out;
	qnorm = 1.0 / sqrt(qnorm);
	for (v = 0; v < rs->n; v++) {
		const int8_t *x = rs->vecs + v * (size_t)rs->dims;
		int32_t dot = 0;
		int64_t sum = 0;
		float inv;

		if (f &&
		    ((f->kind && strcmp(f->kind, rs->kind[v]) != 0) ||
		     (f->language && strcmp(f->language, rs->lang[v]) != 0) ||
		     (f->path_prefix && strncmp(rs->path[v], f->path_prefix, strlen(f->path_prefix)) != 0) ||
		     (f->path_glob && !glob_match(f->path_glob, rs->path[v]))))
			continue;
		for (d = 0; d < rs->dims; d++) {
			dot += q[d] * x[d];
			sum += (int64_t)x[d] * x[d];
		}
		inv = sum > 0 ? (float)(1.0 / sqrt((double)sum)) : 0.0f;
		c[nc].score = (float)dot * inv;
		c[nc++].v = v;
	}
	qsort(c, nc, sizeof(*c), ref_cand_cmp);
	nh = nc < 2 * k ? nc : 2 * k;
	for (i = 0; i < nh; i++) {
		h[i].entity_id = rs->ids[c[i].v];
		h[i].score = c[i].score;
	}
	qsort(h, nh, sizeof(*h), ref_hit_cmp);
	for (i = 0; i < nh && n < k; i++) {
		size_t j;
		bool seen = false;

		for (j = 0; j < n && !seen; j++)
			seen = out[j].entity_id == h[i].entity_id;
		if (!seen) {
			out[n] = h[i];
			out[n++].score = (float)(h[i].score * qnorm);
		}
	}
out:
	free(c);
	free(h);
	free(q);
	return n;
}

/* Vectors with few non-zero values (like the local provider's), dense
 * ones, zero ones and repeats (ties), several windows per entity. */
static void ref_fill(int8_t *vecs, int64_t *ids, size_t n, int dims)
{
	size_t i;
	int d;

	for (i = 0; i < n; i++) {
		int8_t *x = vecs + i * (size_t)dims;
		uint32_t r = next_rand() % 10;

		memset(x, 0, (size_t)dims);
		if (r < 6) {
			for (d = 0; d < 12; d++)
				x[next_rand() % (uint32_t)dims] = (int8_t)((int)(next_rand() % 256) - 128);
		} else if (r < 8) {
			for (d = 0; d < dims; d++)
				x[d] = (int8_t)((int)(next_rand() % 256) - 128);
		} else if (r == 8 && i > 0) {
			memcpy(x, vecs + (size_t)(next_rand() % i) * (size_t)dims, (size_t)dims);
		} /* else a zero vector */
		/* one to three windows per entity */
		ids[i] = i > 0 && next_rand() % 3 == 0 ? ids[i - 1] : (int64_t)i * 7 + 1000;
	}
}

static void ref_query(float *q, int dims, bool sparse)
{
	int d;

	memset(q, 0, sizeof(float) * (size_t)dims);
	if (sparse) {
		for (d = 0; d < 1 + (int)(next_rand() % 40); d++)
			q[next_rand() % (uint32_t)dims] = (float)((int)(next_rand() % 2001) - 1000) / 997.0f;
	} else {
		for (d = 0; d < dims; d++)
			q[d] = (float)((int)(next_rand() % 2001) - 1000) / 997.0f;
	}
}

static void test_scan_matches_reference(void **state)
{
	static const char *const kinds[] = {"method", "class", "jsp_page"};
	static const char *const langs[] = {"java", "jsp"};
	static const char *const paths[] = {"src/a/A.java", "src/a/B.java", "src/b/C.java", "web/x.jsp"};
	const size_t sizes[] = {
	    0, 1, 2, VECSET_BLOCK - 1, VECSET_BLOCK, VECSET_BLOCK + 1, 3 * VECSET_BLOCK + 17};
	const int dimss[] = {64, 1024, 13};
	const struct vec_filter filters[] = {
	    {NULL, NULL, NULL, NULL},
	    {"java", NULL, NULL, NULL},
	    {NULL, "class", NULL, NULL},
	    {NULL, NULL, "src/a/", NULL},
	    {NULL, NULL, NULL, "**/b/*.java"},
	    {"jsp", "jsp_page", "web/", "*.jsp"},
	    {NULL, "nosuchkind", NULL, NULL},
	    /* more path conditions than the dictionary memoises, some alike */
	    {NULL, NULL, "src/", NULL},
	    {NULL, NULL, NULL, "*.java"},
	    {NULL, NULL, "src/b/", "*.java"},
	    {NULL, NULL, "src/b/", "**/*.java"},
	};
	/* 150: more candidates than vecset_search keeps on its stack */
	const size_t ks[] = {1, 5, 20, 150};
	size_t si, fi, round;
	int di;

	(void)state;
	for (di = 0; di < 3; di++) {
		int dims = dimss[di];

		for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
			size_t n = sizes[si], i;
			int8_t *vecs = malloc(n * (size_t)dims + 1);
			int64_t *ids = malloc((n + 1) * sizeof(int64_t));
			const char **kind = malloc((n + 1) * sizeof(char *)),
				   **lang = malloc((n + 1) * sizeof(char *)),
				   **path = malloc((n + 1) * sizeof(char *));
			struct vecset *s = vecset_new(dims, n);
			struct ref_set rs = {dims, n, vecs, ids, kind, lang, path};
			float *q = malloc(sizeof(float) * (size_t)dims);
			struct vec_hit got[150], want[150];

			if (dims == 1024 && n > VECSET_BLOCK + 1) {
				vecset_free(s);
				s = vecset_new(dims, n = VECSET_BLOCK + 1);
				rs.n = n;
			}
			ref_fill(vecs, ids, n, dims);
			for (i = 0; i < n; i++) {
				/* files are contiguous, like a load */
				path[i] = paths[i * 4 / (n ? n : 1)];
				kind[i] = kinds[next_rand() % 3];
				lang[i] = strstr(path[i], ".jsp") ? langs[1] : langs[0];
				assert_int_equal(
				    vecset_add(s, ids[i], vecs + i * (size_t)dims, kind[i], lang[i], path[i]),
				    0);
			}
			for (round = 0; round < 6; round++) {
				for (fi = 0; fi < sizeof(filters) / sizeof(*filters); fi++) {
					size_t k = ks[(round + fi) % 4], ng, nw, j;

					ref_query(q, dims, round % 2 == 0);
					ng = vecset_search(s, q, fi ? &filters[fi] : NULL, k, got);
					nw = ref_search(&rs, q, fi ? &filters[fi] : NULL, k, want);
					assert_int_equal(ng, nw);
					for (j = 0; j < nw; j++) {
						assert_int_equal(got[j].entity_id, want[j].entity_id);
						assert_true(got[j].score == want[j].score);
					}
				}
			}
			/* a zero query finds nothing */
			memset(q, 0, sizeof(float) * (size_t)dims);
			assert_int_equal(vecset_search(s, q, NULL, 5, got), 0);
			vecset_free(s);
			free(vecs);
			free(ids);
			free(kind);
			free(lang);
			free(path);
			free(q);
		}
	}
}

/* A filtered search remembers which vectors pass; vectors added after it
 * are seen by the next search with the same filter. */
static void test_filter_memo_after_add(void **state)
{
	struct vecset *s = vecset_new(DIMS, 200);
	int8_t a[DIMS], b[DIMS];
	float q[DIMS];
	struct vec_hit hits[10];
	struct vec_filter f = {NULL, "class", "src/b/", NULL};
	int d, i;

	(void)state;
	for (d = 0; d < DIMS; d++) {
		a[d] = (int8_t)(d % 2 ? 100 : 1);
		b[d] = (int8_t)(d % 2 ? 100 : 0); /* nearer the query */
		q[d] = d % 2 ? 1.0f : 0.0f;
	}
	for (i = 0; i < 100; i++)
		vecset_add(s, i + 1, a, i % 2 ? "class" : "method", "java",
			   i < 50 ? "src/a/A.java" : "src/b/B.java");
	assert_int_equal(vecset_search(s, q, &f, 10, hits), 10);
	assert_int_equal(vecset_search(s, q, &f, 10, hits), 10);
	assert_int_equal(hits[0].entity_id, 52); /* ties by id: 52, 54, ... */
	for (i = 100; i < 200; i++)
		vecset_add(s, i + 1, b, "class", "java", "src/b/C.java");
	assert_int_equal(vecset_search(s, q, &f, 10, hits), 10);
	assert_int_equal(hits[0].entity_id, 101);
	vecset_free(s);
}

static void test_filters_and_windows(void **state)
{
	struct vecset *s = vecset_new(DIMS, 5);
	int8_t a[DIMS], b[DIMS];
	float q[DIMS];
	struct vec_hit hits[5];
	struct vec_filter f = {NULL, NULL, NULL, NULL};
	int d;

	(void)state;
	for (d = 0; d < DIMS; d++) {
		a[d] = (int8_t)(d % 2 ? 100 : 0);
		b[d] = (int8_t)(d % 3 ? 50 : -50);
		q[d] = d % 2 ? 1.0f : 0.0f;
	}
	vecset_add(s, 1, a, "method", "java", "src/A.java");
	vecset_add(s, 1, b, "method", "java", "src/A.java"); /* a second window of 1 */
	vecset_add(s, 2, b, "class", "java", "src/B.java");
	vecset_add(s, 3, a, "jsp_page", "jsp", "web/x.jsp");
	assert_int_equal(vecset_add(s, 4, a, "x", "y", "z"), 0);
	assert_int_equal(vecset_add(s, 5, a, "x", "y", "z"), DX_E_TOOLARGE);
	/* entity 1 counts once, with its best window */
	assert_int_equal(vecset_search(s, q, NULL, 5, hits), 4);
	assert_true(hits[0].entity_id == 1 || hits[0].entity_id == 3 || hits[0].entity_id == 4);
	f.language = "jsp";
	assert_int_equal(vecset_search(s, q, &f, 5, hits), 1);
	assert_int_equal(hits[0].entity_id, 3);
	f.language = NULL;
	f.kind = "class";
	assert_int_equal(vecset_search(s, q, &f, 5, hits), 1);
	assert_int_equal(hits[0].entity_id, 2);
	f.kind = "nosuchkind";
	assert_int_equal(vecset_search(s, q, &f, 5, hits), 0);
	f.kind = NULL;
	f.path_prefix = "src/";
	assert_int_equal(vecset_search(s, q, &f, 5, hits), 2);
	f.path_prefix = NULL;
	f.path_glob = "*.jsp";
	assert_int_equal(vecset_search(s, q, &f, 5, hits), 1);
	vecset_free(s);
}

struct fake_repo {
	int loads;
	size_t n;
	int fail;
};

static int fake_load(void *arg, size_t max_bytes, struct vecset **out, char *errmsg, size_t errlen)
{
	struct fake_repo *r = arg;
	struct vecset *s;
	int8_t v[DIMS];
	size_t i;

	r->loads++;
	if (r->fail) {
		snprintf(errmsg, errlen, "no database");
		return DX_E_DB;
	}
	if (vecset_estimate(DIMS, r->n) > max_bytes) {
		snprintf(errmsg, errlen, "too large");
		return DX_E_TOOLARGE;
	}
	s = vecset_new(DIMS, r->n);
	for (i = 0; i < r->n; i++) {
		random_vec(v, DIMS, 0);
		vecset_add(s, (int64_t)i + 1, v, "method", "java", "A.java");
	}
	*out = s;
	return 0;
}

static void test_index_load_refresh_budget(void **state)
{
	struct vecindex *vx = vecindex_new(vecset_estimate(DIMS, 2000) * 3 / 2, 0);
	struct fake_repo r1 = {0, 2000, 0}, r2 = {0, 2000, 0}, big = {0, 100000, 0};
	struct vecindex_stats st;
	struct vec_hit hits[5];
	float q[DIMS];
	char err[128];
	size_t nh;
	int d;

	(void)state;
	for (d = 0; d < DIMS; d++)
		q[d] = (float)(d % 5) - 2;
	assert_int_equal(vecindex_search(vx, 1, "m", "s1", false, fake_load, &r1, q, DIMS, NULL, 5, hits, &nh,
					 err, sizeof(err)),
			 0);
	assert_int_equal(nh, 5);
	assert_int_equal(r1.loads, 1);
	/* same signature: no reload */
	vecindex_search(vx, 1, "m", "s1", false, fake_load, &r1, q, DIMS, NULL, 5, hits, &nh, err,
			sizeof(err));
	assert_int_equal(r1.loads, 1);
	/* the index changed: reload */
	vecindex_search(vx, 1, "m", "s2", false, fake_load, &r1, q, DIMS, NULL, 5, hits, &nh, err,
			sizeof(err));
	assert_int_equal(r1.loads, 2);
	/* a failed reload keeps serving the old vectors */
	r1.fail = 1;
	assert_int_equal(vecindex_search(vx, 1, "m", "s3", false, fake_load, &r1, q, DIMS, NULL, 5, hits, &nh,
					 err, sizeof(err)),
			 0);
	assert_int_equal(nh, 5);
	r1.fail = 0;
	/* a second repository does not fit next to the first: the least
	 * recently used goes */
	assert_int_equal(vecindex_search(vx, 2, "m", "s1", false, fake_load, &r2, q, DIMS, NULL, 5, hits, &nh,
					 err, sizeof(err)),
			 0);
	vecindex_get_stats(vx, &st);
	assert_int_equal(st.sets, 1);
	assert_true(st.bytes <= st.budget);
	/* larger than the whole budget: refused, said why */
	assert_int_equal(vecindex_search(vx, 3, "m", "s1", false, fake_load, &big, q, DIMS, NULL, 5, hits,
					 &nh, err, sizeof(err)),
			 DX_E_TOOLARGE);
	assert_string_equal(err, "too large");
	/* dimensions must agree */
	assert_int_equal(vecindex_search(vx, 2, "m", "s1", false, fake_load, &r2, q, DIMS / 2, NULL, 5, hits,
					 &nh, err, sizeof(err)),
			 DX_E_INTERNAL);
	vecindex_free(vx);
}

/* While a job runs the signature moves with every chunk: reloads are
 * throttled then, and immediate once the repository is idle again. */
static void test_index_reload_throttle(void **state)
{
	struct vecindex *vx = vecindex_new(1 << 24, 60000);
	struct fake_repo r = {0, 100, 0};
	struct vec_hit hits[5];
	float q[DIMS] = {1};
	char err[128];
	size_t nh;

	(void)state;
	vecindex_search(vx, 1, "m", "s1", true, fake_load, &r, q, DIMS, NULL, 5, hits, &nh, err, sizeof(err));
	assert_int_equal(r.loads, 1);
	vecindex_search(vx, 1, "m", "s2", true, fake_load, &r, q, DIMS, NULL, 5, hits, &nh, err, sizeof(err));
	assert_int_equal(r.loads, 1); /* busy: the old vectors serve */
	assert_int_equal(nh, 5);
	vecindex_search(vx, 1, "m", "s3", false, fake_load, &r, q, DIMS, NULL, 5, hits, &nh, err,
			sizeof(err));
	assert_int_equal(r.loads, 2); /* idle: reloaded at once */
	vecindex_free(vx);
}

/* Not an assertion: prints what a scan costs (bench figures come from
 * bench/search; this is the scan alone). */
static void test_scan_speed(void **state)
{
	const size_t n = 100000;
	const int dims = 1024;
	struct vecset *s = vecset_new(dims, n);
	int8_t *v = calloc(dims, 1);
	float *q = calloc(dims, sizeof(float));
	struct vec_hit hits[20];
	struct timespec t0, t1;
	size_t i;
	int d, reps = 20;
	double sparse_ms, dense_ms;

	(void)state;
	for (i = 0; i < n; i++) {
		memset(v, 0, dims);
		for (d = 0; d < 60; d++)
			v[next_rand() % dims] = (int8_t)((int)(next_rand() % 255) - 127);
		vecset_add(s, (int64_t)i, v, "method", "java", "A.java");
	}
	for (d = 0; d < 40; d++)
		q[next_rand() % dims] = 0.1f * (float)(d % 7 + 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (d = 0; d < reps; d++)
		vecset_search(s, q, NULL, 20, hits);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sparse_ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / reps;
	for (d = 0; d < dims; d++)
		q[d] = (float)((int)(next_rand() % 200) - 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (d = 0; d < 3; d++)
		vecset_search(s, q, NULL, 20, hits);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dense_ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / 3;
	print_message(
	    "scan of 100,000 x 1024-dim int8 vectors: %.2f ms (40-dim sparse query), %.2f ms (dense query);"
	    " %.0f MiB per million vectors\n",
	    sparse_ms, dense_ms, (double)vecset_bytes(s) / (double)n * 1e6 / 1048576.0);
	vecset_free(s);
	free(v);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan_matches_bruteforce),
	    cmocka_unit_test(test_scan_matches_reference),
	    cmocka_unit_test(test_filter_memo_after_add),
	    cmocka_unit_test(test_filters_and_windows),
	    cmocka_unit_test(test_index_load_refresh_budget),
	    cmocka_unit_test(test_index_reload_throttle),
	    cmocka_unit_test(test_scan_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
