/*
 * chunkproc.c - per-file work of a chunk: read, classify, hash, extract.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/extract.h"
#include "index/chunkproc.h"
#include "index/codewords.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/utf8.h"

static const char *fault_fail_glob;
static const char *fault_crash_glob;

void chunkproc_set_faults(const char *fail_glob, const char *crash_glob)
{
	fault_fail_glob = fail_glob && *fail_glob ? fail_glob : NULL;
	fault_crash_glob = crash_glob && *crash_glob ? crash_glob : NULL;
}

/*
 * Legacy Java code bases are full of ISO-8859-1 (properties files by
 * definition, sources written on Windows). Rather than losing those files,
 * they are decoded as Latin-1; NUL bytes were excluded before.
 */
static char *latin1_to_utf8(struct arena *a, const unsigned char *s, size_t len, size_t *outlen)
{
	char *out = arena_alloc(a, len * 2 + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] < 0x80) {
			out[o++] = (char)s[i];
		} else {
			out[o++] = (char)(0xc0 | (s[i] >> 6));
			out[o++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static void set_outcome(struct file_result *out, enum file_outcome outcome, const char *reason,
			const char *msg)
{
	out->outcome = outcome;
	out->reason = reason;
	out->message = msg;
}

/* Returns whether real (an absolute real path) lies inside root. */
static int path_inside(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

void chunkproc_file(struct arena *a, const struct extract_options *opt, const char *root, const char *path,
		    int64_t max_file_bytes, const char *known_sha, struct file_result *out)
{
	char *full = arena_printf(a, "%s/%s", root, path);
	char real[PATH_MAX];
	unsigned char *data;
	size_t len = 0, textlen, cap;
	const char *text;
	struct stat st;
	ssize_t n;
	int fd;

	memset(out, 0, sizeof(*out));
	out->path = path;
	out->language = extract_language(path);
	/* The tree may have changed since planning: check again that the
	 * file (after symlinks) is still inside the repository. */
	if (!realpath(full, real)) {
		set_outcome(out, FILE_FAILED, "read_error",
			    arena_printf(a, "could not resolve path: %s", strerror(errno)));
		return;
	}
	if (!path_inside(root, real)) {
		set_outcome(out, FILE_SKIPPED, "symlink_outside", NULL);
		return;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		set_outcome(out, FILE_FAILED, "read_error",
			    arena_printf(a, "could not open file: %s", strerror(errno)));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		set_outcome(out, FILE_SKIPPED, "not_regular", NULL);
		return;
	}
	if (st.st_size > max_file_bytes) {
		close(fd);
		set_outcome(out, FILE_SKIPPED, "too_large", NULL);
		return;
	}
	/* Read at most the limit plus one byte: a file that grew since
	 * fstat is still caught, and memory stays bounded. The buffer starts
	 * at the size fstat saw (not at the limit: 25 buffers of the limit
	 * per chunk made a worker's RSS grow to a chunk of limits) and grows
	 * only if the file did. */
	cap = (size_t)st.st_size + 1;
	data = arena_alloc(a, cap + 1);
	while (len <= (size_t)max_file_bytes) {
		if (len == cap) {
			unsigned char *bigger;

			cap = cap * 2 > (size_t)max_file_bytes + 1 ? (size_t)max_file_bytes + 1 : cap * 2;
			bigger = arena_alloc(a, cap + 1);
			memcpy(bigger, data, len);
			data = bigger;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			set_outcome(out, FILE_FAILED, "read_error",
				    arena_printf(a, "could not read file: %s", strerror(errno)));
			return;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > (size_t)max_file_bytes) {
		set_outcome(out, FILE_SKIPPED, "too_large", NULL);
		return;
	}
	data[len] = '\0';
	/* Any NUL byte means binary (git looks at the first 8000 bytes only,
	 * but PostgreSQL text cannot hold NUL at all). */
	if (memchr(data, 0, len)) {
		set_outcome(out, FILE_SKIPPED, "binary", NULL);
		return;
	}
	out->size = (int64_t)len;
	digest_sha256_hex(data, len, out->sha256);
	if (known_sha && strcmp(known_sha, out->sha256) == 0) {
		set_outcome(out, FILE_UNCHANGED, "unchanged", NULL);
		return;
	}
	if (fault_crash_glob && glob_match(fault_crash_glob, path)) {
		log_err("crashing on purpose (DOCXP_FAULT_CRASH_GLOB) | path=%s", path);
		abort();
	}
	if (fault_fail_glob && glob_match(fault_fail_glob, path)) {
		set_outcome(out, FILE_FAILED, "extract_error", "injected failure (DOCXP_FAULT_FAIL_GLOB)");
		return;
	}
	if (utf8_valid((const char *)data, len)) {
		text = (const char *)data;
		textlen = len;
	} else {
		text = latin1_to_utf8(a, data, len, &textlen);
	}
	out->lines = extract_count_lines(text, textlen);
	if (extract_file(a, opt, path, text, textlen, &out->entities) != 0) {
		set_outcome(out, FILE_FAILED, "extract_error", "entity extraction failed");
		return;
	}
	chunkproc_search_docs(a, opt->container_search_chars, out);
	out->outcome = FILE_PROCESSED;
}

/*
 * The number of bytes of an entity's text its keyword document covers: a
 * container's first cap characters. Cut within plain ASCII only (there a
 * character is a byte, as for PostgreSQL's left()); a longer prefix with
 * other characters is left whole to codewords, which hands such text to
 * PostgreSQL anyway. Marks a cut in the metadata.
 */
static size_t search_doc_length(struct arena *a, struct entity *e, int cap)
{
	const char *m = e->metadata;
	size_t i, n;

	if (!e->container || cap <= 0 || e->text_len <= (size_t)cap)
		return e->text_len;
	for (i = 0; i < (size_t)cap; i++)
		if ((unsigned char)e->text[i] >= 0x80)
			return e->text_len;
	/* {...} -> {...,"search_chars":cap}; metadata that is not an object
	 * (no extractor writes such) cannot carry the mark: no cut */
	n = m ? strlen(m) : 0;
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\n'))
		n--;
	if (!m)
		e->metadata = arena_printf(a, "{\"search_chars\":%d}", cap);
	else if (n >= 2 && m[0] == '{' && m[n - 1] == '}')
		e->metadata =
		    arena_printf(a, "%.*s%s\"search_chars\":%d}", (int)(n - 1), m, n > 2 ? "," : "", cap);
	else
		return e->text_len;
	return (size_t)cap;
}

void chunkproc_search_docs(struct arena *a, int container_search_chars, struct file_result *out)
{
	struct codewords_scratch *scratch;
	struct buf b;
	size_t j;

	out->search_docs = arena_zalloc(a, (out->entities.count + 1) * sizeof(*out->search_docs));
	if (out->entities.count == 0)
		return;
	buf_init(&b, 0);
	scratch = codewords_scratch_new();
	for (j = 0; j < out->entities.count; j++) {
		struct entity *e = &out->entities.items[j];
		size_t len = search_doc_length(a, e, container_search_chars);

		buf_reset(&b);
		/* e->javadoc is what the SQL reads as metadata ->> 'javadoc'. */
		if (codewords_entity_tsv(scratch, &b, CODEWORDS_BINARY, e->name, e->qualified_name,
					 e->signature, e->javadoc, e->text, len) == 1) {
			char *d = arena_alloc(a, b.len);

			memcpy(d, b.ptr, b.len);
			out->search_docs[j].data = d;
			out->search_docs[j].len = b.len;
		}
	}
	codewords_scratch_free(scratch);
	buf_release(&b);
}
