/*
 * vecindex.h - the semantic leg: int8 vectors held in docxp-api's memory,
 * scanned exactly.
 *
 * pgvector is not available, so docxp-api keeps the quantised vectors of
 * the repositories being searched (one struct vecset per repository and
 * model), loaded on first use, reloaded when the repository's index
 * changed, and bounded by a memory budget (least recently used sets go
 * first). A scan is exact: the cosine of the query with every vector.
 *
 * Layout: vectors are stored dimension-major in blocks of VECSET_BLOCK
 * vectors, so that a scan reads only the dimensions in which the query is
 * not zero (the local provider's hashed features make short queries
 * sparse; a dense query reads everything, like a row-major scan), and a
 * block's int32 accumulators and scores (32 KiB) stay in L1/L2. A block
 * of 4096 makes each column a 4 KiB sequential read: 1024-vector blocks
 * (1 KiB runs) scanned at half the speed (112,000 vectors of 1024
 * dimensions: a 40-dimension query 0.70 -> 0.36 ms, a dense one 15 -> 7
 * ms; that is about all the memory bandwidth one core gets here). The
 * last block is only as wide as it needs to be, so memory per vector does
 * not depend on the block size.
 */
#ifndef DOCXP_VECINDEX_H
#define DOCXP_VECINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VECSET_BLOCK 4096

struct vecset;
struct vecindex;

/* What a vector's entity must be to be a hit (NULL members: any). */
struct vec_filter {
	const char *language;
	const char *kind;
	const char *path_prefix;
	const char *path_glob; /* util/glob.h syntax */
};

struct vec_memo;

/* A dictionary of strings (file paths, kinds, languages) that entities
 * refer to by index. Filled by one thread (a load), then only read; the
 * path conditions of the last few filters resolved against it are kept
 * (memo, see vec_filter_resolve). */
struct vec_dict {
	char **items;
	size_t n, cap;
	struct vec_memo *memo;
};

/* Index of str in d, added when new. Rows arrive grouped by file, so the
 * last entry is the usual hit (last_only: the only one looked at). */
size_t vec_dict_intern(struct vec_dict *d, const char *str, bool last_only);

/* Memory held by d, in bytes (what its memo may hold included: a few
 * bytes per string, see VEC_DICT_BYTES_PER_ITEM). */
size_t vec_dict_bytes(const struct vec_dict *d);

/* What a string costs a dictionary beyond its text. */
#define VEC_DICT_BYTES_PER_ITEM (sizeof(char *) + 4)

void vec_dict_release(struct vec_dict *d);

/*
 * Resolves f against a set's dictionaries of kinds, languages and file
 * paths: *want_kind and *want_lang get the index to match (-1: any) and
 * *file_ok (malloc'd, NULL when f has no path condition) one flag per path.
 * Returns false when no entity can match (an unknown kind or language).
 * Thread-safe once paths is filled: the flags of the last few path
 * conditions are kept with paths (a glob against every path of a large
 * repository costs more than the vector scan).
 */
bool vec_filter_resolve(const struct vec_filter *f, const struct vec_dict *kinds,
			const struct vec_dict *langs, const struct vec_dict *paths, long *want_kind,
			long *want_lang, unsigned char **file_ok);

struct vec_hit {
	int64_t entity_id;
	float score; /* cosine similarity, -1..1 */
};

/* Memory a set of n vectors of dims dimensions takes (approximately). */
size_t vecset_estimate(int dims, size_t n);

/* Returns an empty set with room for n vectors (aborts on out of memory). */
struct vecset *vecset_new(int dims, size_t n);
void vecset_free(struct vecset *s);

/* Adds one vector (dims int8 values) of an entity; the strings are copied
 * (paths, kinds and languages are interned). Returns 0, or DX_E_TOOLARGE
 * when the set is full. */
int vecset_add(struct vecset *s, int64_t entity_id, const int8_t *vec, const char *kind, const char *language,
	       const char *path);

size_t vecset_count(const struct vecset *s);
int vecset_dims(const struct vecset *s);
size_t vecset_bytes(const struct vecset *s);

/*
 * The k best entities for query (dims floats) among the vectors that pass
 * f (NULL = all), by cosine, best first; an entity with several vectors
 * (windows) counts with its best. out has room for k. Returns the number
 * of hits (0 for a zero query). The 2k best vectors are taken, among
 * equal scores the earlier added first; hits of equal score come in
 * entity id order.
 */
size_t vecset_search(const struct vecset *s, const float *query, const struct vec_filter *f, size_t k,
		     struct vec_hit *out);

/* Creates the index of sets bounded by budget_bytes; a held set is
 * reloaded at most every min_reload_ms (0: on every signature change). */
struct vecindex *vecindex_new(size_t budget_bytes, int min_reload_ms);
/* Frees the index and every set (no search may be running). */
void vecindex_free(struct vecindex *vx);

/*
 * Loads a repository's vectors: returns 0 with a new set in *out, or a
 * negative status with errmsg set. max_bytes is the memory budget: a
 * loader refuses (DX_E_TOOLARGE) a set whose vecset_estimate exceeds it.
 */
typedef int (*vecindex_load_fn)(void *arg, size_t max_bytes, struct vecset **out, char *errmsg,
				size_t errlen);

/*
 * Searches repository repo's vectors of model (see vecset_search). The
 * signature names the state of the repository's index (e.g. when it was
 * last indexed); when no set is held for (repo, model), or it was loaded
 * at another signature (and, while busy, at least min_reload_ms ago),
 * load(arg, ...) is
 * called first: by one thread,
 * while the others wait for a first load or keep using the old set during
 * a reload. After a load, least recently used sets of other repositories
 * are dropped until the total is within the budget. Thread-safe (scans
 * share a read lock; swapping sets takes the write lock).
 * Returns 0 (*nout hits), or the loader's failure with errmsg set.
 */
int vecindex_search(struct vecindex *vx, int64_t repo, const char *model, const char *signature, bool busy,
		    vecindex_load_fn load, void *arg, const float *query, int dims,
		    const struct vec_filter *f, size_t k, struct vec_hit *out, size_t *nout, char *errmsg,
		    size_t errlen);

/* A kind of set the index holds beside vector sets (e.g. the keyword
 * index, src/search/kwindex.h): they share the budget and the eviction. */
struct vecindex_setops {
	size_t (*bytes)(const void *set);
	size_t (*count)(const void *set);
	void (*free)(void *set);
};

/* Loads a set like vecindex_load_fn does. */
typedef int (*vecindex_loadset_fn)(void *arg, size_t max_bytes, void **out, char *errmsg, size_t errlen);

/* Uses a held set (under the index's read lock: the set stays valid until
 * it returns); returns 0 or a negative status with errmsg set. */
typedef int (*vecindex_use_fn)(void *arg, const void *set, char *errmsg, size_t errlen);

/*
 * The general form of vecindex_search: the set of ops kind held for
 * (repo, key), loaded and refreshed by signature exactly like vector sets
 * (see vecindex_search), is passed to use(use_arg, set, ...). Returns
 * use's status, or the loader's failure with errmsg set.
 */
int vecindex_use(struct vecindex *vx, int64_t repo, const char *key, const char *signature, bool busy,
		 const struct vecindex_setops *ops, vecindex_loadset_fn load, void *load_arg,
		 vecindex_use_fn use, void *use_arg, char *errmsg, size_t errlen);

struct vecindex_stats {
	size_t sets; /* vector sets */
	size_t vectors;
	size_t bytes;	   /* of the vector sets */
	size_t other_sets; /* sets of other kinds (vecindex_use) */
	size_t other_items;
	size_t other_bytes;
	size_t budget; /* for all sets */
	unsigned long loads;
};

void vecindex_get_stats(struct vecindex *vx, struct vecindex_stats *st);

#endif
