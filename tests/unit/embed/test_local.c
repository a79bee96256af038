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

#define DIMS		1024
#define STABLE_CHECKSUM 0x6be6ca77766f980aULL

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

/* Texts with repeated identifiers (within a text and across the batch),
 * stop words, numbers, long identifiers and separators. */
static const char *const stable_texts[] = {
    "method com.acme.OrderService#saveOrder(Order)\n"
    "public void saveOrder(Order order) { orderDao.save(order); order.setSaved(true); }",
    "class HTTPServer extends AbstractServer_v2 implements Runnable { int port = 8080; "
    "String $name; HTTPServer server = new HTTPServer(); }",
    "thisIsAnIdentifierThatIsLongerThanSixtyFourCharactersAndKeepsGoingOnAndOnUntilTheEnd "
    "thisIsAnIdentifierThatIsLongerThanSixtyFourCharactersAndKeepsGoingOnAndOnUntilTheEnd x",
    "saveOrder orderDao ORDER_STATUS order_status a1b2 9lives the and if function",
    "// 42 ;;",
};
#define NSTABLE (sizeof(stable_texts) / sizeof(stable_texts[0]))

/*
 * The vectors of "docxp-hash-v1" are stored and compared with vectors
 * computed later (queries, other workers, other versions): the same text
 * must give the same bits in a batch and alone, in every version. The
 * checksum was taken from the first implementation; a change of the
 * features or their hashing must come with a new model name.
 */
static void test_vectors_are_stable(void **state)
{
	struct embed_provider *p = embed_local_new(DIMS, true);
	static float batch[NSTABLE * DIMS], one[DIMS];
	int tokens[NSTABLE], status[NSTABLE];
	struct embed_batch b;
	uint64_t h = 14695981039346656037ULL;
	size_t i, k;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.n = NSTABLE;
	b.texts = (const char **)stable_texts;
	b.vectors = batch;
	b.tokens = tokens;
	b.status = status;
	assert_int_equal(p->embed(p, &b), 0);
	for (i = 0; i < NSTABLE; i++) {
		embed1(p, stable_texts[i], one);
		assert_memory_equal(one, batch + i * DIMS, sizeof(one));
	}
	for (k = 0; k < sizeof(batch); k++) {
		h ^= ((const unsigned char *)batch)[k];
		h *= 1099511628211ULL;
	}
	print_message("checksum %016llx\n", (unsigned long long)h);
	assert_true(h == STABLE_CHECKSUM);
	embed_provider_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deterministic_and_normalised),
	    cmocka_unit_test(test_subwords_bring_texts_together),
	    cmocka_unit_test(test_dimensions),
	    cmocka_unit_test(test_vectors_are_stable),
	};

	return cmocka_run_group_tests_name("embed_local", tests, NULL, NULL);
}
