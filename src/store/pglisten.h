/*
 * pglisten.h - a connection of its own that LISTENs on one channel, for
 * caches that keep PostgreSQL's answers until a trigger says they changed.
 *
 * The caller's cache tags each answer with the generation read before
 * asking PostgreSQL and serves it only while the generation is the same.
 * The generation moves with every notification on the channel and every
 * (re)connection, and is 0 (cache nothing) while the connection is down
 * (retried every second) or while the triggers that notify are missing
 * (looked for every 30 s): a trigger named like the channel must exist,
 * enabled, on each of the tables given. A change is seen by the callers
 * that read the generation after its notification reached this process
 * (PostgreSQL sends it at the commit). Thread-safe.
 */
#ifndef DOCXP_PGLISTEN_H
#define DOCXP_PGLISTEN_H

#include <stdbool.h>
#include <stdint.h>

struct pglisten;

/* Listens on channel with a connection of its own to uri (connected on
 * first use); tables is a NULL-terminated list of the tables whose
 * triggers (named channel) notify; what names the cache in log lines
 * ("repository lookups of searches"). The strings must outlive it except
 * uri, which is copied. */
struct pglisten *pglisten_new(const char *uri, const char *channel, const char *const *tables,
			      const char *what);
void pglisten_free(struct pglisten *l);

/* Reads the notifications that arrived (without waiting) and returns the
 * generation, or 0 when nothing may be cached. May connect (do not hold a
 * lock of the caller's: it takes round trips, or a connect timeout).
 * l NULL: 0. */
uint64_t pglisten_gen(struct pglisten *l);

/* The generation as last read, or 0, without reading the connection: to
 * check before keeping an answer that no change was read meanwhile. */
uint64_t pglisten_gen_peek(struct pglisten *l);

/* What a cache kept valid by a pglisten reports: the listener's part
 * (listening: answers can be cached; notifications) filled by
 * pglisten_get_stats, the rest by the cache. */
struct pglisten_cache_stats {
	bool listening;
	size_t entries;
	unsigned long hits, misses, notifications;
};

/* Zeroes st and fills its listener's part. */
void pglisten_get_stats(struct pglisten *l, struct pglisten_cache_stats *st);

#endif
