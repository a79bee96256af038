/* Unit tests for src/search/fusion.c: reciprocal-rank fusion. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include <cmocka.h>

#include "search/fusion.h"

static void test_rrf_both_legs(void **state)
{
	const int64_t a[] = {1, 2, 3}, b[] = {3, 1, 4};
	const double sa[] = {9, 8, 7}, sb[] = {0.9, 0.8, 0.7};
	struct fusion_leg legs[2] = {{a, sa, 3, 1.0}, {b, sb, 3, 1.0}};
	struct fusion_item out[6];
	size_t n;

	(void)state;
	n = fusion_rrf(legs, 2, 60, out);
	assert_int_equal(n, 4);
	/* 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62; 4: 1/63 */
	assert_int_equal(out[0].id, 1);
	assert_int_equal(out[1].id, 3);
	assert_int_equal(out[2].id, 2);
	assert_int_equal(out[3].id, 4);
	assert_true(fabs(out[0].fused - (1.0 / 61 + 1.0 / 62)) < 1e-12);
	assert_int_equal(out[0].rank[0], 1);
	assert_int_equal(out[0].rank[1], 2);
	assert_int_equal(out[3].rank[0], 0);
	assert_int_equal(out[3].rank[1], 3);
	assert_true(out[1].score[1] == 0.9);
}

static void test_rrf_single_leg_keeps_order(void **state)
{
	const int64_t a[] = {5, 4, 3, 2, 1};
	struct fusion_leg leg = {a, NULL, 5, 1.0};
	struct fusion_item out[5];
	size_t i, n;

	(void)state;
	n = fusion_rrf(&leg, 1, 60, out);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		assert_int_equal(out[i].id, a[i]);
		assert_int_equal(out[i].rank[0], (int)i + 1);
	}
}

static void test_rrf_duplicates_and_empty(void **state)
{
	const int64_t a[] = {7, 7, 8};
	struct fusion_leg legs[2] = {{a, NULL, 3, 1.0}, {NULL, NULL, 0, 1.0}};
	struct fusion_item out[3];
	size_t n;

	(void)state;
	assert_int_equal(fusion_rrf(legs + 1, 1, 60, out), 0);
	n = fusion_rrf(legs, 2, 60, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 7);
	assert_int_equal(out[0].rank[0], 1); /* the best rank counts, once */
	assert_true(fabs(out[0].fused - 1.0 / 61) < 1e-12);
}

static void test_rrf_weights_and_ties(void **state)
{
	const int64_t a[] = {1, 2}, b[] = {2, 1};
	struct fusion_leg legs[2] = {{a, NULL, 2, 1.0}, {b, NULL, 2, 1.0}};
	struct fusion_item out[4];

	(void)state;
	/* equal fused scores: the lower id first (stable, deterministic) */
	assert_int_equal(fusion_rrf(legs, 2, 60, out), 2);
	assert_int_equal(out[0].id, 1);
	/* a light second leg only breaks ties */
	legs[1].weight = 0.01;
	fusion_rrf(legs, 2, 60, out);
	assert_int_equal(out[0].id, 1);
	legs[1].weight = 2.0;
	fusion_rrf(legs, 2, 60, out);
	assert_int_equal(out[0].id, 2);
}

/* A leg that does not vote (weight 0, search.c: loose keyword matches of
 * a question) keeps its hits, after every hit of the other leg, in its
 * own order; shared hits rank by the voting leg alone. */
static void test_rrf_zero_weight_leg_follows(void **state)
{
	const int64_t kw[] = {7, 8, 3}, sem[] = {3, 4, 5};
	struct fusion_leg legs[2] = {{kw, NULL, 3, 0.0}, {sem, NULL, 3, 0.5}};
	struct fusion_item out[6];

	(void)state;
	assert_int_equal(fusion_rrf(legs, 2, 60, out), 5);
	assert_int_equal(out[0].id, 3);
	assert_int_equal(out[1].id, 4);
	assert_int_equal(out[2].id, 5);
	assert_int_equal(out[3].id, 7);
	assert_int_equal(out[4].id, 8);
	assert_true(out[3].fused == 0.0 && out[3].rank[0] == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rrf_both_legs),
	    cmocka_unit_test(test_rrf_single_leg_keeps_order),
	    cmocka_unit_test(test_rrf_duplicates_and_empty),
	    cmocka_unit_test(test_rrf_weights_and_ties),
	    cmocka_unit_test(test_rrf_zero_weight_leg_follows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
