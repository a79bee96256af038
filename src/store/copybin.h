/*
 * copybin.h - rows in PostgreSQL's binary COPY format.
 *
 * COPY ... FROM STDIN (FORMAT binary) spares the server the text parser:
 * no line splitting and unescaping, no integer, hex or tsvector literals
 * to read (that was a fifth of PostgreSQL's time while indexing). A
 * stream is a header, rows (a field count, then each field as a length
 * and its bytes in the type's send/recv format, -1 for NULL) and a
 * trailer; integers are big-endian. Each function appends to b and
 * returns 0 or, as buf_add, DX_E_TOOLARGE.
 */
#ifndef DOCXP_COPYBIN_H
#define DOCXP_COPYBIN_H

#include <stddef.h>
#include <stdint.h>

struct buf;

int copybin_header(struct buf *b);
int copybin_trailer(struct buf *b);
int copybin_row(struct buf *b, int nfields);

int copybin_null(struct buf *b);
int copybin_int2(struct buf *b, int16_t v);
int copybin_int4(struct buf *b, int32_t v);
int copybin_int8(struct buf *b, int64_t v);
int copybin_float4(struct buf *b, float v);
/* bytea, or any type whose binary form the caller built (tsvector). */
int copybin_bytes(struct buf *b, const void *p, size_t len);
/* text (NULL: a NULL field); the bytes must be valid in the database
 * encoding, as in text COPY. */
int copybin_text(struct buf *b, const char *s);
/* jsonb: version 1, then the JSON text. */
int copybin_jsonb(struct buf *b, const char *json);

#endif
