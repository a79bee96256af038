/* Unit tests for src/store/veccodec.c: the stored forms of int8 vectors. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/veccodec.h"

#define DIMS 1024

static void roundtrip(const int8_t *q, int dims, size_t want_len)
{
	uint8_t enc[DIMS];
	int8_t dec[DIMS];
	size_t len = veccodec_encode(q, dims, enc);

	assert_int_equal(len, want_len);
	memset(dec, 0x55, sizeof(dec));
	assert_int_equal(veccodec_decode(enc, len, dims, dec), 0);
	assert_memory_equal(dec, q, (size_t)dims);
}

static void test_sparse_vector_is_short(void **state)
{
	int8_t q[DIMS] = {0};

	(void)state;
	q[0] = 1;
	q[7] = -128;
	q[8] = 127;
	q[1023] = -1;
	q[500] = 3;
	roundtrip(q, DIMS, DIMS / 8 + 5);
}

static void test_zero_vector(void **state)
{
	int8_t q[DIMS] = {0};

	(void)state;
	roundtrip(q, DIMS, DIMS / 8);
}

static void test_dense_vector_stays_dense(void **state)
{
	int8_t q[DIMS];
	int i;

	(void)state;
	for (i = 0; i < DIMS; i++)
		q[i] = (int8_t)(i % 7 - 3 ? i % 7 - 3 : 1);
	roundtrip(q, DIMS, DIMS);
}

static void test_break_even(void **state)
{
	int8_t q[DIMS] = {0};
	int i;

	(void)state;
	/* dims/8 + nnz < dims: sparse up to 895 non-zero values of 1024 */
	for (i = 0; i < 895; i++)
		q[i] = 1;
	roundtrip(q, DIMS, DIMS - 1);
	q[895] = 1;
	roundtrip(q, DIMS, DIMS);
}

static void test_dims_not_multiple_of_8(void **state)
{
	int8_t q[12] = {0, 0, 5};

	(void)state;
	roundtrip(q, 12, 12);
}

static void test_decode_rejects_bad_lengths(void **state)
{
	uint8_t enc[DIMS] = {0};
	int8_t dec[DIMS];

	(void)state;
	enc[0] = 0x3; /* two dimensions set: length must be 128 + 2 */
	assert_int_equal(veccodec_decode(enc, DIMS / 8 + 2, DIMS, dec), 0);
	assert_int_equal(veccodec_decode(enc, DIMS / 8 + 1, DIMS, dec), -1);
	assert_int_equal(veccodec_decode(enc, DIMS / 8 + 3, DIMS, dec), -1);
	assert_int_equal(veccodec_decode(enc, DIMS / 8 - 1, DIMS, dec), -1);
	assert_int_equal(veccodec_decode(enc, 0, DIMS, dec), -1);
	assert_int_equal(veccodec_decode(enc, DIMS + 1, DIMS, dec), -1);
	assert_int_equal(veccodec_decode(enc, 5, 12, dec), -1);
	assert_int_equal(veccodec_decode(enc, 0, 0, dec), -1);
	memset(enc, 0xff, DIMS / 8); /* every bit set: only the dense form fits */
	assert_int_equal(veccodec_decode(enc, DIMS - 1, DIMS, dec), -1);
}

static void test_random_densities(void **state)
{
	int8_t q[DIMS];
	uint8_t enc[DIMS];
	int8_t dec[DIMS];
	unsigned seed = 12345;
	int it, i;

	(void)state;
	for (it = 0; it < 2000; it++) {
		int permille = it % 1001;
		size_t len, nnz = 0;

		for (i = 0; i < DIMS; i++) {
			seed = seed * 1103515245u + 12345u;
			q[i] = (int)((seed >> 16) % 1000) < permille ? (int8_t)((seed >> 8) | 1) : 0;
			nnz += q[i] != 0;
		}
		len = veccodec_encode(q, DIMS, enc);
		assert_int_equal(len, DIMS / 8 + nnz < DIMS ? DIMS / 8 + nnz : DIMS);
		assert_int_equal(veccodec_decode(enc, len, DIMS, dec), 0);
		assert_memory_equal(dec, q, DIMS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sparse_vector_is_short),
	    cmocka_unit_test(test_zero_vector),
	    cmocka_unit_test(test_dense_vector_stays_dense),
	    cmocka_unit_test(test_break_even),
	    cmocka_unit_test(test_dims_not_multiple_of_8),
	    cmocka_unit_test(test_decode_rejects_bad_lengths),
	    cmocka_unit_test(test_random_densities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
