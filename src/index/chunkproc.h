/*
 * chunkproc.h - reading and extracting the files of one chunk.
 *
 * Everything that does not need the database happens here, before the
 * chunk's transaction opens: read each file once (bounded by the job's
 * size limit), hash it, classify it (binary, too large, outside the
 * repository, unreadable), decode it and extract its entities.
 */
#ifndef DOCXP_CHUNKPROC_H
#define DOCXP_CHUNKPROC_H

#include <stdint.h>

#include "store/chunkstore.h"

struct arena;

/*
 * Fills *out for the file at path (relative to the real path root). Never
 * fails the chunk: problems become a skipped or failed outcome with a
 * reason. known_sha (incremental jobs; NULL otherwise) is the hash the
 * index holds: the same content gives FILE_UNCHANGED without extraction.
 * Memory is taken from a.
 */
void chunkproc_file(struct arena *a, const struct extract_options *opt, const char *root, const char *path,
		    int64_t max_file_bytes, const char *known_sha, struct file_result *out);

/*
 * Fills out->search_docs: the search document of each extracted entity
 * (src/index/codewords.h), computed here so that the chunk's transaction
 * only stores it. Entities it does not model get NULL (PostgreSQL computes
 * theirs). An entity with members longer than container_search_chars
 * (> 0) gets the document of that many first characters, and its metadata
 * says so ("search_chars", which the fallback in sql/013 reads too). Memory
 * is taken from a.
 */
void chunkproc_search_docs(struct arena *a, int container_search_chars, struct file_result *out);

/*
 * Fault injection for the test suite (docxp-worker reads the environment
 * variables DOCXP_FAULT_FAIL_GLOB and DOCXP_FAULT_CRASH_GLOB): extraction
 * of a path matching fail_glob fails, one matching crash_glob aborts the
 * process. NULL disables.
 */
void chunkproc_set_faults(const char *fail_glob, const char *crash_glob);

#endif
