/* Unit tests for src/embed/local.c: determinism, normalisation, and the
 * similarity properties semantic search relies on. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "embed/embed.h"

#define DIMS 1024

static void embed1(struct embed_provider *p, const char *text, float *out)
{
	const char *texts[1] = {text};
	int tokens[1], status[1];
	bool trunc[1];
	struct embed_batch b;

	memset(&b, 0, sizeof(b));
	b.n = 1;
	b.texts = texts;
	b.vectors = out;
	b.tokens = tokens;
	b.status = status;
	b.truncated = trunc;
	assert_int_equal(p->embed(p, &b), 0);
	assert_int_equal(status[0], 0);
	assert_true(tokens[0] > 0);
}

static double cosine(const float *a, const float *b)
{
	double dot = 0, na = 0, nb = 0;
	int i;

	for (i = 0; i < DIMS; i++) {
		dot += (double)a[i] * b[i];
		na += (double)a[i] * a[i];
		nb += (double)b[i] * b[i];
	}
	return na > 0 && nb > 0 ? dot / sqrt(na * nb) : 0;
}

static void test_deterministic_and_normalised(void **state)
{
	struct embed_provider *p = embed_local_new(DIMS, true), *q = embed_local_new(DIMS, true);
	float a[DIMS], b[DIMS];
	double norm = 0;
	int i;

	(void)state;
	embed1(p, "public Order findOrderById(long orderId)", a);
	embed1(q, "public Order findOrderById(long orderId)", b);
	assert_memory_equal(a, b, sizeof(a));
	for (i = 0; i < DIMS; i++)
		norm += (double)a[i] * a[i];
	assert_true(fabs(norm - 1.0) < 1e-4);
	embed_provider_free(p);
	embed_provider_free(q);
}

static void test_subwords_bring_texts_together(void **state)
{
	struct embed_provider *p = embed_local_new(DIMS, true);
	float query[DIMS], related[DIMS], unrelated[DIMS], plural[DIMS], single[DIMS];

	(void)state;
	/* no whole word in common, but the sub-words "customer" and "search" */
	embed1(p, "search customers", query);
	embed1(p, "class CustomerSearchAction extends Action { ActionForward execute() }", related);
	embed1(p, "void recalcTotals(int[] lineAmounts) { total += vat; }", unrelated);
	assert_true(cosine(query, related) > 0.05);
	assert_true(cosine(query, related) > cosine(query, unrelated) + 0.04);
	/* 3-grams: singular and plural stay close */
	embed1(p, "customer", single);
	embed1(p, "customers", plural);
	assert_true(cosine(single, plural) > 0.2);
	embed1(p, "invoice", unrelated);
	assert_true(cosine(single, unrelated) < 0.05);
	embed_provider_free(p);
}

static void test_dimensions(void **state)
{
	struct embed_provider *p = embed_local_new(256, false);
	float v[256];
	const char *texts[1] = {"OrderService"};
	int tokens[1], status[1];
	struct embed_batch b;
	int i, nonzero = 0;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.n = 1;
	b.texts = texts;
	b.vectors = v;
	b.tokens = tokens;
	b.status = status;
	assert_int_equal(p->embed(p, &b), 0);
	for (i = 0; i < 256; i++)
		nonzero += v[i] != 0;
	assert_true(nonzero > 5);
	assert_string_equal(p->name, "local");
	assert_int_equal(p->dimensions, 256);
	embed_provider_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deterministic_and_normalised),
	    cmocka_unit_test(test_subwords_bring_texts_together),
	    cmocka_unit_test(test_dimensions),
	};

	return cmocka_run_group_tests_name("embed_local", tests, NULL, NULL);
}
