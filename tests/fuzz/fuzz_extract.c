/*
 * fuzz_extract.c - libFuzzer target for one language extractor.
 *
 * Built once per language with FUZZ_PATH naming a file of that language
 * (see tests/fuzz/local.mk). Run e.g.:
 *   ./configure CC=clang --enable-fuzzer && make tests/fuzz/fuzz_java
 *   tests/fuzz/fuzz_java -max_total_time=60 tests/fuzz/regressions
 * A crash input goes into tests/fuzz/regressions/ (named with the
 * language's extension), where test_fuzz_regressions replays it forever.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract/extract.h"
#include "index/chunkproc.h"
#include "util/arena.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct extract_options opt = {60, 10, 0, 0};
	struct arena *a;
	struct entity_list out = {0};
	char *copy;

	/* The worker only hands valid UTF-8 without NUL to extractors. */
	if (!utf8_valid((const char *)data, size))
		return 0;
	a = arena_new();
	copy = arena_alloc(a, size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	extract_file(a, &opt, FUZZ_PATH, copy, size, &out);
	arena_free(a);
	return 0;
}
