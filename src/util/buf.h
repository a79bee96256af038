/*
 * buf.h - growable byte buffers with a hard cap (after curl's dynbuf).
 *
 * Every buffer fed by the outside world has a maximum size: appending past
 * it fails with DX_E_TOOLARGE and leaves the buffer unchanged. The content
 * is always NUL-terminated so it can be used as a C string.
 */
#ifndef DOCXP_BUF_H
#define DOCXP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;  /* NUL-terminated content, or NULL before the first add */
	size_t len; /* bytes in use, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* hard limit on len */
};

/* Prepares an empty buffer that may hold at most max bytes (0 = SIZE_MAX/2). */
void buf_init(struct buf *b, size_t max);

/* Frees the content; the buffer can be reused after buf_init. */
void buf_release(struct buf *b);

/* Empties the buffer but keeps its allocation. */
void buf_reset(struct buf *b);

/* Appends n bytes. Returns 0, or DX_E_TOOLARGE when max would be exceeded. */
int buf_add(struct buf *b, const void *data, size_t n);

/* Appends a C string. Same return as buf_add. */
int buf_addstr(struct buf *b, const char *s);

/* Appends formatted text. Same return as buf_add. */
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Returns the content ("" when empty); owned by the buffer. */
const char *buf_str(const struct buf *b);

/* Hands the content (malloc'd, never NULL) to the caller and empties b. */
char *buf_detach(struct buf *b);

#endif
