/*
 * fnv.h - 64-bit FNV-1a, the hash of the in-memory tables that key on
 * short strings (search document words, embedding terms, qualified names).
 */
#ifndef DOCXP_FNV_H
#define DOCXP_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_OFFSET 14695981039346656037ULL

/* Continues hash h (FNV1A_OFFSET to start) over n bytes of p. */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#endif
