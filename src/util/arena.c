#include "config.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"

#define ARENA_BLOCK 8192

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *ptr;
};

struct arena {
	struct arena_block *blocks;
	struct arena_cleanup *cleanups;
};

static struct arena_block *arena_block_new(size_t size)
{
	struct arena_block *b = xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->used = 0;
	b->size = size;
	return b;
}

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->blocks = arena_block_new(ARENA_BLOCK);
	return a;
}

static void arena_run_cleanups(struct arena *a)
{
	struct arena_cleanup *c = a->cleanups;

	/* Handlers were pushed on a list head: they run newest first. */
	a->cleanups = NULL;
	while (c) {
		c->fn(c->ptr);
		c = c->next;
	}
}

void arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	arena_run_cleanups(a);
	/* Keep the last block in the list (the first one allocated). */
	b = a->blocks;
	while (b->next) {
		next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->blocks = b;
}

void arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	if (!a)
		return;
	arena_run_cleanups(a);
	for (b = a->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->blocks;
	size_t off;

	n = (n + align - 1) & ~(align - 1);
	off = b->used;
	if (n > b->size - off) {
		b = arena_block_new(n > ARENA_BLOCK / 2 ? n : ARENA_BLOCK);
		if (n > ARENA_BLOCK / 2 && a->blocks) {
			/* A big object gets its own block behind the current
			 * one, so the current block's free space is kept. */
			b->next = a->blocks->next;
			a->blocks->next = b;
			b->used = n;
			return b->data;
		}
		b->next = a->blocks;
		a->blocks = b;
		off = 0;
	}
	b->used = off + n;
	return (char *)b->data + off;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

void *arena_reserve_grow(struct arena *a, void *items, size_t count, size_t need, size_t *cap, size_t size,
			 size_t initial)
{
	size_t ncap = *cap ? *cap : initial;
	void *grown;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			alloc_die(SIZE_MAX);
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		alloc_die(SIZE_MAX);
	grown = arena_alloc(a, ncap * size);
	if (count)
		memcpy(grown, items, count * size);
	*cap = ncap;
	return grown;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_on_cleanup(struct arena *a, void (*fn)(void *), void *ptr)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->ptr = ptr;
	c->next = a->cleanups;
	a->cleanups = c;
}
