/*
 * request_fuzz.h - one input through docxp's request decoding, shared by the
 * libFuzzer targets (fuzz_request.c, one binary per function) and the unit
 * test that replays tests/fuzz/requests/<target>/ in every build.
 *
 * Each function returns 0 and calls abort() when an invariant of the decoder
 * breaks (an error without a 4xx status, a success with a value out of its
 * range), so that the fuzzer reports more than memory errors.
 */
#ifndef DOCXP_REQUEST_FUZZ_H
#define DOCXP_REQUEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The body of POST /api/v1/indexing/start (api_parse_body, api_jobs_decode). */
int fuzz_job_request(const uint8_t *data, size_t size);

/* A query string (http_query_validate, http_query_param, api_query_int, and
 * search_query_parse on its "q"). */
int fuzz_query(const uint8_t *data, size_t size);

/* A method byte and a request target (http_parse_target, routing on the API's
 * table, api_valid_uuid on the captured ids). */
int fuzz_route(const uint8_t *data, size_t size);

/* "pattern\npath" (glob_validate, and glob_match when the pattern is valid). */
int fuzz_glob(const uint8_t *data, size_t size);

/* The targets by name ("job_request", ...), NULL-terminated; for the replay. */
struct request_fuzz_target {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
};
extern const struct request_fuzz_target request_fuzz_targets[];

#endif
