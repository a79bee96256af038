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
 * reason. Memory is taken from a.
 */
void chunkproc_file(struct arena *a, const struct extract_options *opt, const char *root, const char *path,
		    int64_t max_file_bytes, struct file_result *out);

/* True when buf holds valid UTF-8 without NUL bytes. */
int chunkproc_valid_utf8(const unsigned char *buf, size_t len);

#endif
