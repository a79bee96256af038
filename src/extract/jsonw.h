/*
 * jsonw.h - a small JSON text writer for entity metadata (arena-backed).
 *
 * Strings are escaped and checked: invalid UTF-8 becomes U+FFFD, so what
 * comes out is always valid JSON and valid UTF-8 (PostgreSQL text and
 * jsonb refuse anything else). Commas are placed automatically. Nesting
 * deeper than JSONW_MAX_DEPTH is a programming error and is ignored.
 *
 * Usage:
 *   struct jsonw w;
 *   jsonw_init(&w, a);
 *   jsonw_obj_open(&w);
 *   jsonw_key(&w, "name"); jsonw_str(&w, "x");
 *   jsonw_obj_close(&w);
 *   const char *json = jsonw_finish(&w);   (owned by the arena)
 */
#ifndef DOCXP_JSONW_H
#define DOCXP_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define JSONW_MAX_DEPTH 32

struct jsonw {
	struct arena *a;
	char *p;
	size_t len, cap;
	int depth;
	bool need_comma[JSONW_MAX_DEPTH + 1];
	bool after_key;
};

/* Starts an empty document; all memory comes from a. */
void jsonw_init(struct jsonw *w, struct arena *a);

void jsonw_obj_open(struct jsonw *w);
void jsonw_obj_close(struct jsonw *w);
void jsonw_arr_open(struct jsonw *w);
void jsonw_arr_close(struct jsonw *w);

/* An object key; the next value belongs to it. */
void jsonw_key(struct jsonw *w, const char *key);

/* String values: NUL-terminated, or n bytes (s may then hold NULs). */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

/* Shorthands for "key": value members. */
void jsonw_kv_str(struct jsonw *w, const char *key, const char *s);
void jsonw_kv_int(struct jsonw *w, const char *key, long long v);

/* Appends s to out as JSON string content (without quotes), escaping and
 * replacing invalid UTF-8; for callers that build JSON their own way. */
void jsonw_escape(struct jsonw *w, const char *s, size_t n);

/* Returns the document text, NUL-terminated, owned by the arena. */
const char *jsonw_finish(struct jsonw *w);

#endif
