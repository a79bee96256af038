/*
 * alloc.h - allocation that aborts on out-of-memory.
 *
 * Like redis' zmalloc: a server that cannot allocate a few bytes cannot do
 * anything useful, and NULL checks at every call site hide real errors.
 */
#ifndef DOCXP_ALLOC_H
#define DOCXP_ALLOC_H

#include <stddef.h>

/* Logs that n bytes could not be had and aborts. */
void alloc_die(size_t n) __attribute__((noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
