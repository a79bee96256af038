/*
 * fuzz_request.c - libFuzzer target for one request decoder, chosen with
 * -DFUZZ_FN (fuzz_job_request, fuzz_query, fuzz_route, fuzz_glob; see
 * request_fuzz.h and tests/fuzz/local.mk). Run e.g.:
 *   ./configure CC=clang --enable-fuzzer && make tests/fuzz/fuzz_job_request
 *   tests/fuzz/fuzz_job_request -max_total_time=600 CORPUS tests/fuzz/requests/job_request
 * A crash input goes into tests/fuzz/requests/<target>/, where
 * tests/unit/api/test_request_regressions replays it in every build.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "request_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return FUZZ_FN(data, size);
}
