/*
 * fixture_util.h - helpers of the extractor tests: fixture loading (from $DOCXP_SRCDIR), entity lookup by
 * qualified name, and the invariants every entity must keep.
 */
#ifndef DOCXP_TEST_FIXTURE_UTIL_H
#define DOCXP_TEST_FIXTURE_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "extract/extract.h"
#include "util/arena.h"

/* Reads $DOCXP_SRCDIR/rel (malloc'd, NUL-terminated). */
static inline char *fx_load(const char *rel, size_t *len)
{
	const char *srcdir = getenv("DOCXP_SRCDIR");
	char path[2048];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", srcdir ? srcdir : "..", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline const struct entity *fx_find(const struct entity_list *l, const char *qn)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->items[i].qualified_name && strcmp(l->items[i].qualified_name, qn) == 0)
			return &l->items[i];
	return NULL;
}

static inline size_t fx_count_kind(const struct entity_list *l, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].kind, kind) == 0)
			n++;
	return n;
}

static inline bool fx_has_link(const struct entity *e, const char *kind, const char *target)
{
	size_t i;

	for (i = 0; i < e->nlinks; i++)
		if (strcmp(e->links[i].kind, kind) == 0 && strcmp(e->links[i].target, target) == 0)
			return true;
	return false;
}

static inline size_t fx_count_links(const struct entity *e, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < e->nlinks; i++)
		if (strcmp(e->links[i].kind, kind) == 0)
			n++;
	return n;
}

/* The entity qn; fails the test when there is none. */
static inline const struct entity *fx_get(const struct entity_list *l, const char *qn)
{
	const struct entity *e = fx_find(l, qn);

	if (!e)
		fail_msg("no entity %s", qn);
	return e;
}

/* Asserts kind, name and line range of the entity qn; returns it. */
static inline const struct entity *fx_expect(const struct entity_list *l, const char *qn, const char *kind,
					     const char *name, int start, int end)
{
	const struct entity *e = fx_get(l, qn);

	assert_string_equal(e->kind, kind);
	assert_string_equal(e->name, name);
	if (e->start_line != start || e->end_line != end)
		fail_msg("%s: lines %d-%d, want %d-%d", qn, e->start_line, e->end_line, start, end);
	return e;
}

/* One expected entity of an extractor's whole output, in order. */
struct fx_want {
	const char *kind, *name, *qname;
	int start, end;
};

/* The output is exactly want[0..nwant), in order. */
static inline void fx_check_list(const struct entity_list *out, const struct fx_want *want, size_t nwant)
{
	size_t i;

	for (i = 0; i < out->count && i < nwant; i++) {
		const struct entity *e = &out->items[i];

		if (strcmp(e->kind, want[i].kind) || strcmp(e->name, want[i].name) ||
		    strcmp(e->qualified_name, want[i].qname) || e->start_line != want[i].start ||
		    e->end_line != want[i].end)
			fail_msg("entity %zu: got %s %s %s %d-%d, want %s %s %s %d-%d", i, e->kind, e->name,
				 e->qualified_name, e->start_line, e->end_line, want[i].kind, want[i].name,
				 want[i].qname, want[i].start, want[i].end);
	}
	assert_int_equal(out->count, nwant);
}

/* Offset where line (1-based) starts: lines end at \n, \r\n or \r; a BOM
 * is not part of line 1. Computed independently of src/extract. */
static inline size_t fx_line_off(const char *buf, size_t len, int line)
{
	size_t i = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	int l = 1;

	while (l < line && i < len) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i++;
		if (buf[i] == '\n' || buf[i] == '\r')
			l++;
		i++;
	}
	return i;
}

/* Every entity: text is the exact bytes of its lines, the metadata is
 * valid JSON whose "javadoc" is the entity's javadoc, embedding texts are
 * bounded; qualified names are unique. */
static inline void fx_invariants(const struct entity_list *l, const char *buf, size_t len)
{
	size_t i, j;

	for (i = 0; i < l->count; i++) {
		const struct entity *e = &l->items[i];
		size_t s = fx_line_off(buf, len, e->start_line), t = fx_line_off(buf, len, e->end_line + 1);

		assert_true(e->start_line >= 1 && e->end_line >= e->start_line);
		assert_non_null(e->name);
		assert_non_null(e->qualified_name);
		if (e->text_len != t - s || memcmp(e->text, buf + s, t - s) != 0)
			fail_msg("%s %s: text is not lines %d-%d", e->kind, e->qualified_name, e->start_line,
				 e->end_line);
		if (e->metadata) {
			json_object *o = json_tokener_parse(e->metadata), *doc = NULL;

			if (!o)
				fail_msg("%s: bad metadata %s", e->qualified_name, e->metadata);
			if (json_object_object_get_ex(o, "javadoc", &doc)) {
				assert_non_null(e->javadoc);
				assert_string_equal(json_object_get_string(doc), e->javadoc);
			} else {
				assert_null(e->javadoc);
			}
			json_object_put(o);
		} else {
			assert_null(e->javadoc);
		}
		for (j = 0; j < e->nembed; j++)
			assert_true(strlen(e->embed_texts[j]) <= EXTRACT_EMBED_MAX);
		for (j = i + 1; j < l->count && j < i + 2000; j++)
			if (strcmp(l->items[j].qualified_name, e->qualified_name) == 0)
				fail_msg("duplicate qualified name %s", e->qualified_name);
	}
}

/* Extracts text (len bytes) as file path into out (arena a), with the
 * default options, and checks the invariants. */
static inline void fx_extract_text(struct arena *a, const char *path, const char *text, size_t len,
				   struct entity_list *out)
{
	static const struct extract_options opt = {60, 10, 0, 0};

	assert_int_equal(extract_file(a, &opt, path, text, len, out), 0);
	fx_invariants(out, text, len);
}

/* Extracts the fixture rel into out (arena a); returns the buffer. */
static inline char *fx_extract(struct arena *a, const char *rel, const char *as_path, struct entity_list *out,
			       size_t *len)
{
	char *buf = fx_load(rel, len);

	fx_extract_text(a, as_path ? as_path : rel, buf, *len, out);
	return buf;
}

/* Metadata contains the JSON fragment frag. */
static inline void fx_meta_has(const struct entity *e, const char *frag)
{
	if (!e->metadata || !strstr(e->metadata, frag))
		fail_msg("%s: metadata %s lacks %s", e->qualified_name, e->metadata ? e->metadata : "(null)",
			 frag);
}

#endif
