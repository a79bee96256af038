/*
 * kwindex.h - the keyword leg held in docxp-api's memory.
 *
 * PostgreSQL stores each entity's weighted tsvector (sql/002_search.sql);
 * ranking in PostgreSQL costs a round trip, a plan and a sort per query,
 * and its cost grows with the number of matches. A struct kwset holds a
 * repository's tsvectors as an inverted index (lexeme -> entities, with
 * each posting's ts_rank contribution precomputed and the weights A-D it
 * occurs with), the entities' names (exact, substring) and the names'
 * trigrams (pg_trgm similarity), and ranks like src/store/searchstore.c:
 *
 *   ts_rank('{0.05, 0.2, 0.4, 1.0}', tsv, any word, 1)
 *   + 0.3 when every word is in the name, signature or Javadoc (A-C)
 *   + 0.5 when every word is in the name (A)
 *   + 1.0 when the lower-cased name equals a one-token query
 *   + 0.5 * similarity(lower(name), one-token query)
 *   + 0.5 when the name equals the one-token query as typed
 *
 * with the same candidates (every word; names equal to the token; names
 * with any word; similar names; names containing the token), except that
 * every candidate is ranked, not a capped sample: in memory, ranking all
 * of a common word's matches costs a scan of its postings.
 *
 * Sets are held by struct vecindex (vecindex_use) next to the vectors, in
 * the same memory budget. A set is immutable once kwset_finish returned:
 * any number of threads may search it.
 */
#ifndef DOCXP_KWINDEX_H
#define DOCXP_KWINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/vecindex.h"

struct kwset;
struct search_query;

/* Where candidates come from (a mask). */
enum {
	KW_BRANCH_TEXT = 1,	 /* every word, anywhere */
	KW_BRANCH_EXACT = 2,	 /* name equal to the token as typed */
	KW_BRANCH_NAMES = 4,	 /* a name with any word */
	KW_BRANCH_SIMILAR = 8,	 /* similarity(lower(name), token) >= 0.3 */
	KW_BRANCH_SUBSTRING = 16 /* lower(name) contains the token (tokens of 3+ bytes) */
};

struct kw_hit {
	int64_t id;
	double score;
	bool exact; /* the lower-cased name equals the one-token query */
	bool all;   /* the entity has every word */
};

/* Returns an empty set (aborts on out of memory). */
struct kwset *kwset_new(void);
void kwset_free(struct kwset *s);

/*
 * Adds one entity: tsv is the text form of its search_tsv
 * ('lexeme':1A,5 ...). Entities must come in ascending id order. Returns
 * 0, or DX_E_BADREQUEST for a tsvector text that does not parse (the
 * entity is then added without words). Strings are copied.
 */
int kwset_add(struct kwset *s, int64_t id, const char *name, const char *kind, const char *language,
	      const char *path, const char *tsv);

/* Builds the index from what was added; no kwset_add after it. */
void kwset_finish(struct kwset *s);

size_t kwset_count(const struct kwset *s);
size_t kwset_bytes(const struct kwset *s);

/*
 * The best k candidates of q's branches (a mask of KW_BRANCH_*, those not
 * applicable to q left out) that pass f (NULL = all), best first, ties by
 * id; out has room for k. Returns the number of hits.
 */
size_t kwset_search(const struct kwset *s, const struct search_query *q, const struct vec_filter *f,
		    unsigned branches, size_t k, struct kw_hit *out);

/* How struct vecindex holds keyword sets (vecindex_use). */
extern const struct vecindex_setops kwset_ops;

/* Frees the scratch memory searches keep between them (at exit). */
void kwindex_cleanup(void);

/*
 * Sorted, duplicate-free lists of entity numbers (exposed for tests): a &
 * b into out (which may be a), a | b into out (room na + nb), and cand |
 * every list into cand by bits, a zeroed bitmap that covers every number
 * (zeroed again on return).
 */
size_t kw_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out);
size_t kw_union(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out);
size_t kw_union_many(uint32_t *cand, size_t ncand, const uint32_t *const *lists, const size_t *lens,
		     size_t nlists, uint64_t *bits);

/* pg_trgm's similarity() of two lower-cased strings (exposed for tests). */
double kw_similarity(const char *a, const char *b);

#endif
