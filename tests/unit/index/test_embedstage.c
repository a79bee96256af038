/* Unit tests for src/index/embedstage.c: int8 quantisation. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "index/embedstage.h"

/* The definition: scale = max |v| / 127, q = lrintf(v / scale). */
static void reference(const float *v, int dims, int8_t *q, float *scale)
{
	float max = 0;
	int i;

	for (i = 0; i < dims; i++)
		if (fabsf(v[i]) > max)
			max = fabsf(v[i]);
	*scale = max > 0 ? max / 127.0f : 1.0f;
	for (i = 0; i < dims; i++)
		q[i] = (int8_t)lrintf(v[i] / *scale);
}

/* Random, half-integer (ties), tiny and sparse vectors, and all zeros:
 * the same scale and values as the definition. */
static void test_quantize_matches_definition(void **state)
{
	float v[1024], sa, sb;
	int8_t a[1024], b[1024];
	int t, i;

	(void)state;
	srand(7);
	for (t = 0; t < 5000; t++) {
		for (i = 0; i < 1024; i++) {
			float r = (float)rand() / (float)RAND_MAX * 2 - 1;

			switch (t % 5) {
			case 0: v[i] = r; break;
			case 1: v[i] = (float)(rand() % 7 - 3) * 0.5f; break;
			case 2: v[i] = r * 1e-30f; break;
			case 3: v[i] = i % 9 == 0 ? r : 0; break;
			default: v[i] = 0; break;
			}
		}
		reference(v, 1024, a, &sa);
		embedstage_quantize(v, 1024, b, &sb);
		assert_true(sa == sb);
		assert_memory_equal(a, b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quantize_matches_definition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
