/*
 * arena.h - region allocator for one unit of work (a request, a chunk).
 *
 * Allocations live until arena_reset() or arena_free(); foreign handles
 * (PGresult, redisReply, json_object, ...) are registered with
 * arena_on_cleanup() so they are released with the arena, in reverse order
 * of registration (like nginx pool cleanup handlers).
 */
#ifndef DOCXP_ARENA_H
#define DOCXP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns a new empty arena; aborts on out-of-memory. Free with arena_free. */
struct arena *arena_new(void);

/* Runs the cleanup handlers and frees everything, including the arena. */
void arena_free(struct arena *a);

/* Runs the cleanup handlers and forgets all allocations; keeps one block. */
void arena_reset(struct arena *a);

/* Returns n bytes aligned for any type, owned by the arena. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);

/* Like arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/*
 * Growable arrays in an arena: returns items, or a copy of its first
 * count elements of size bytes in a larger block, so that *cap >= need
 * (doubling, starting at initial). The old block stays in the arena until
 * it is reset. Aborts when the size overflows.
 */
/* The slow path of arena_reserve. */
void *arena_reserve_grow(struct arena *a, void *items, size_t count, size_t need, size_t *cap, size_t size,
			 size_t initial);

static inline void *arena_reserve(struct arena *a, void *items, size_t count, size_t need, size_t *cap,
				  size_t size, size_t initial)
{
	return need <= *cap ? items : arena_reserve_grow(a, items, count, need, cap, size, initial);
}

/* Copies of strings, owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Calls fn(ptr) when the arena is reset or freed. */
void arena_on_cleanup(struct arena *a, void (*fn)(void *), void *ptr);

#endif
