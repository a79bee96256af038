/*
 * srcmap.h - line geometry of a source buffer, shared by the extractors.
 *
 * Lines end at "\n", "\r\n" or a lone "\r"; a leading UTF-8 byte order
 * mark is not part of line 1. An entity's text is the exact bytes from
 * the start of its first line to the end of its last line, line end
 * included (the convention of the line-window extractor).
 */
#ifndef DOCXP_SRCMAP_H
#define DOCXP_SRCMAP_H

#include <stddef.h>

struct arena;
struct entity;

struct srcmap {
	const char *buf;
	size_t len;
	size_t base;	/* offset of line 1 (3 after a BOM) */
	size_t *lstart; /* lstart[k] = offset of line k+1; lstart[nlines] = len */
	int nlines;
};

/* Sets buf, len, base and nlines only (lstart NULL): the line count. */
void srcmap_count(struct srcmap *m, const char *buf, size_t len);

/* Computes the line starts of buf (arena-owned table). */
void srcmap_init(struct srcmap *m, struct arena *a, const char *buf, size_t len);

/* The 1-based line holding offset off (the last line for off >= len). */
int srcmap_line(const struct srcmap *m, size_t off);

/* Sets e's start_line, end_line, text and text_len for lines first..last
 * (clamped to the buffer); the text is an arena copy. */
void srcmap_set_text(const struct srcmap *m, struct arena *a, struct entity *e, int first, int last);

#endif
