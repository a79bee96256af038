/*
 * xmltok.h - a forgiving pull tokenizer for XML (internal to src/extract).
 *
 * It never fails: anything unterminated (comment, CDATA, processing
 * instruction, DOCTYPE with internal subset, quoted attribute value, tag)
 * runs to the end of the buffer, and a "<" that cannot start markup is
 * text. Each call consumes at least one byte, so a scan is linear. Names
 * and values point into the buffer, undecoded; xmltok_decode() resolves
 * the predefined and numeric character references.
 */
#ifndef DOCXP_XMLTOK_H
#define DOCXP_XMLTOK_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum xmltok_type {
	XT_EOF,
	XT_START, /* <name attr="v" ...> or <name .../> (selfclose) */
	XT_END,	  /* </name> */
	XT_TEXT,  /* character data (raw) or a CDATA section (cdata) */
	XT_OTHER, /* comment, processing instruction, DOCTYPE, <!...> */
};

/* More attributes than this on one tag are skipped (still scanned). */
#define XMLTOK_MAX_ATTRS 64

struct xmlattr {
	const char *name;
	size_t nlen;
	const char *val; /* raw, between the quotes */
	size_t vlen;
};

struct xmltok {
	const char *buf;
	size_t len;
	size_t pos;
	/* the current token */
	enum xmltok_type type;
	size_t start, end; /* bytes [start, end) of the token */
	const char *name;  /* XT_START, XT_END */
	size_t nlen;
	bool selfclose;
	bool cdata;
	const char *text; /* XT_TEXT: content (without the CDATA markers) */
	size_t tlen;
	struct xmlattr attrs[XMLTOK_MAX_ATTRS];
	size_t nattrs;
};

void xmltok_init(struct xmltok *t, const char *buf, size_t len, size_t pos);

/* Reads the next token into t; returns its type (XT_EOF at the end). */
enum xmltok_type xmltok_next(struct xmltok *t);

/* The value of attribute name (exact match, or on the local part after a
 * prefix), decoded into the arena and cut to cap bytes; NULL if absent. */
char *xmltok_attr(const struct xmltok *t, struct arena *a, const char *name, size_t cap);

/*
 * Decodes character references in s[0..n) (&lt; &gt; &amp; &quot; &apos;
 * &#N; &#xN;; unknown ones stay as written) into an arena string of at
 * most cap bytes. Code points that cannot be stored (NUL, surrogates,
 * > U+10FFFF) become U+FFFD. With trim, leading and trailing white space
 * is dropped.
 */
char *xmltok_decode(struct arena *a, const char *s, size_t n, size_t cap, bool trim);

#endif
