/*
 * doccache.h - the documents of search hits (entity, file, repository and
 * resolved links as JSON text, and the text snippets are cut from), held
 * in docxp-api's memory.
 *
 * Reading 20 hit documents costs PostgreSQL about a millisecond per
 * search, as much as the rest of a search. The same entities come up
 * again and again; a document is valid as long as its repository's index
 * did not change, so every entry carries the signature of its repository
 * (searchstore_repositories) at the time it was read, and a lookup under
 * another signature misses (and drops the entry).
 *
 * Two-way set-associative by entity id, bounded in bytes: a new document
 * replaces the less recently used of its two slots, and is not kept when
 * the budget is spent. Thread-safe.
 */
#ifndef DOCXP_DOCCACHE_H
#define DOCXP_DOCCACHE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct doccache;

/* A cache of at most budget_bytes (0: caches nothing). */
struct doccache *doccache_new(size_t budget_bytes);
void doccache_free(struct doccache *c);

/* The repositories being searched and the signatures of their indexes. */
struct doccache_repo {
	int64_t id;
	const char *signature;
};

/*
 * The document of entity id if held, of one of repos (n of them), under
 * that repository's signature: 0 with *json and *content copied into the
 * arena, or -1.
 */
int doccache_get(struct doccache *c, struct arena *a, int64_t id, const struct doccache_repo *repos, size_t n,
		 const char **json, const char **content);

/* Keeps a document (the strings are copied). */
void doccache_put(struct doccache *c, int64_t id, int64_t repo, const char *signature, const char *json,
		  const char *content);

struct doccache_stats {
	size_t entries, bytes, budget;
	unsigned long hits, misses;
};

void doccache_get_stats(struct doccache *c, struct doccache_stats *st);

#endif
