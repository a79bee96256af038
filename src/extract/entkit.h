/*
 * entkit.h - small helpers shared by the xml, sql, properties and script
 * extractors (internal to src/extract): entities over line ranges, unique
 * qualified names, bounded string copies.
 */
#ifndef DOCXP_ENTKIT_H
#define DOCXP_ENTKIT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/extract.h"
#include "extract/srcmap.h"

struct arena;

/* Appends an entity of kind (static string) covering lines first..last of
 * m; its text is set by entkit_finish once all ranges are final. */
struct entity *entkit_entity(const struct srcmap *m, struct arena *a, struct entity_list *out,
			     const char *kind, int first, int last);

/* Byte offset where line begins / just after its line end (clamped). */
/*
 * Sets the texts of the entities out->items[first..] to the exact bytes of
 * their lines (entkit_entity leaves them empty). Entities overlap (a
 * method's lines are also its class's, and a 1 MB minified line may hold
 * thousands of functions), so the sum of their texts is bounded by
 * ENTKIT_TEXT_FACTOR times the file plus ENTKIT_TEXT_SLACK: beyond that the
 * entities are dropped and false is returned (the caller falls back to
 * windows). True when the texts are set.
 */
#define ENTKIT_TEXT_FACTOR 16
#define ENTKIT_TEXT_SLACK  (16u << 20)
bool entkit_finish(const struct srcmap *m, struct arena *a, struct entity_list *out, size_t first);

size_t entkit_line_start(const struct srcmap *m, int line);
size_t entkit_line_end(const struct srcmap *m, int line);

/* A set of qualified names, to keep them unique within a file. */
struct qnset {
	void *slots;
	size_t cap;
	size_t count;
};

/* Returns an arena copy of qn if unseen, else "qn#2", "qn#3", ...; records
 * what it returns. */
const char *qnset_unique(struct qnset *s, struct arena *a, const char *qn);

/* Records qn (not copied: it must outlive the set). */
void qnset_add(struct qnset *s, struct arena *a, const char *qn);

/* True when qn was recorded. */
bool qnset_has(const struct qnset *s, const char *qn);

/* How many of the n bytes of s fit in cap without cutting a character. */
size_t entkit_cut(const char *s, size_t n, size_t cap);

/* k, or less so that s[0..k) does not end inside a UTF-8 sequence. */
size_t entkit_complete(const char *s, size_t k);

/* Copies at most cap bytes of s[0..n), cut at a UTF-8 character boundary. */
char *entkit_strndup_cap(struct arena *a, const char *s, size_t n, size_t cap);

/* Like entkit_strndup_cap, runs of white space collapsed to one space and
 * both ends trimmed (signatures and names spread over lines). */
char *entkit_collapse(struct arena *a, const char *s, size_t n, size_t cap);

/* The text of a doc comment s[0..n) (Javadoc, JSDoc: slash, two stars,
 * ..., star, slash) without its markers and leading stars, trimmed, at most cap bytes cut at
 * a character boundary; NULL when nothing is left. */
char *entkit_doc_text(struct arena *a, const char *s, size_t n, size_t cap);

/* Writes code point cp as UTF-8 (U+FFFD for surrogates and values above
 * U+10FFFF); returns the number of bytes written (1..4). */
size_t entkit_put_utf8(char *out, unsigned long cp);

/* Adds a link unless e already has one of that kind and target, and never
 * more than ENTKIT_MAX_LINKS per entity. */
#define ENTKIT_MAX_LINKS 256
void entkit_link(struct arena *a, struct entity *e, const char *kind, const char *target);

/* ASCII case-insensitive comparison of s[0..n) with the NUL-terminated word. */
bool entkit_ieq(const char *s, size_t n, const char *word);

#endif
