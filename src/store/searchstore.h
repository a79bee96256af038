/*
 * searchstore.h - the SQL of search: the keyword leg, hit documents,
 * entity documents, repositories and their vectors.
 *
 * All results are owned by the arena given; JSON documents are built by
 * PostgreSQL (like jobstore.c does). Failures return DX_E_DB with
 * db->errmsg set.
 */
#ifndef DOCXP_SEARCHSTORE_H
#define DOCXP_SEARCHSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

/* What hits must be (NULL members: any). */
struct searchstore_filters {
	const char *repository_ids; /* "{1,2}" (a bigint[] literal), or NULL = every repository */
	const char *language;
	const char *kind;
	const char *path_like;	/* LIKE pattern of a path prefix ("src/main/%") */
	const char *path_regex; /* POSIX regular expression over the path */
};

/* The keyword leg's query, from search/query.h. */
struct searchstore_keyword {
	const char *tsq_all;	   /* every word (NULL: none) */
	const char *tsq_any;	   /* any word */
	const char *tsq_all_named; /* every word, in the name, signature or Javadoc */
	const char *tsq_all_name;  /* every word, in the name */
	const char *name;	   /* one-token query, lower-cased, or NULL */
	const char *name_like;	   /* "%name%" or NULL */
	const char *name_exact;	   /* the one-token query as typed (case-sensitive equality), or NULL */
};

/* Where the keyword leg takes candidates from (searchstore_keyword's
 * branches; a branch whose query part is NULL is left out). */
enum {
	SEARCHSTORE_KW_TEXT = 1,      /* full text, every word (tsq_all) */
	SEARCHSTORE_KW_EXACT = 2,     /* names equal to name_exact (btree) */
	SEARCHSTORE_KW_NAMES = 4,     /* names with any word (tsq_any) */
	SEARCHSTORE_KW_SIMILAR = 8,   /* names similar to name (trigrams) */
	SEARCHSTORE_KW_SUBSTRING = 16 /* names containing name (trigrams) */
};

struct searchstore_hit {
	int64_t id;
	double score;
	bool exact; /* the name equals the one-token query (any case) */
	bool all;   /* the entity has every word of the query (tsq_all) */
};

/*
 * Keyword leg: takes at most cap candidates from each branch asked for
 * (a mask of SEARCHSTORE_KW_*), ranks only those and returns the best
 * want (*hits arena-owned, *n of them), best first. Only the branches and
 * filters in use are in the statement, so that PostgreSQL plans each with
 * the real selectivities (a very common word is a short sequential scan,
 * a rare one a GIN lookup) and planning stays cheap. The name branches
 * cost tens of milliseconds at 100,000 entities for common trigrams:
 * callers ask for them only when the text branch is thin.
 */
int searchstore_keyword(struct db *db, struct arena *a, const struct searchstore_keyword *k,
			const struct searchstore_filters *f, int cap, int want, unsigned branches,
			struct searchstore_hit **hits, size_t *n);

/* One hit's document (entity, file, repository, resolved links) and text. */
struct searchstore_doc {
	int64_t id;
	int64_t repository_id;
	const char *json;    /* JSON object text */
	const char *content; /* the first 20,000 bytes of the entity's text, for snippets */
};

/* The documents of ids (n of them), in the same order; an id that no
 * longer exists (re-indexed meanwhile) is left out. */
int searchstore_docs(struct db *db, struct arena *a, const int64_t *ids, size_t n,
		     struct searchstore_doc **docs, size_t *ndocs);

/* One entity with its full text and links in both directions, as JSON.
 * DX_E_NOTFOUND when there is no such entity. */
int searchstore_entity_json(struct db *db, struct arena *a, int64_t id, const char **json);

struct searchstore_repo {
	int64_t id;
	const char *path;
	const char *signature; /* changes whenever the repository's index may have changed */
	bool indexing;	       /* a job of the repository is pending or running */
};

/* The repository named by its path or id (repository != NULL), or all
 * repositories; *repos arena-owned. A named repository that does not exist
 * gives 0 rows. */
int searchstore_repositories(struct db *db, struct arena *a, const char *repository,
			     struct searchstore_repo **repos, size_t *n);

/*
 * A cache of searchstore_repositories' answers in the API process (each
 * search asks it first). It holds answers only while a connection of its
 * own LISTENs on the channel docxp_search_changed, to which triggers on
 * repositories and jobs (any INSERT, UPDATE, DELETE, TRUNCATE: a
 * repository created, renamed, deleted, a job started or advanced) notify
 * at commit; every notification drops every answer. Without those
 * triggers in the database (sql/011_search_notify.sql; looked for every
 * 30 s), or while the connection is down (retried every second), nothing
 * is cached. A change is seen by the searches that start after its
 * notification reached this process (PostgreSQL sends it at the commit);
 * answers older than 10 s are asked again whatever happened.
 */
struct searchstore_repocache;

/* A cache that listens with its own connection to uri (connected on first
 * use). */
struct searchstore_repocache *searchstore_repocache_new(const char *uri);
void searchstore_repocache_free(struct searchstore_repocache *c);

/* searchstore_repositories, answered from c when it can be (c NULL:
 * always asks db). */
int searchstore_repositories_cached(struct searchstore_repocache *c, struct db *db, struct arena *a,
				    const char *repository, struct searchstore_repo **repos, size_t *n);

struct pglisten_cache_stats;
void searchstore_repocache_get_stats(struct searchstore_repocache *c, struct pglisten_cache_stats *st);

/* Receives a repository's vectors: begin once with the count, then one
 * row per vector (dims bytes of int8). A non-zero return stops the load
 * and is returned. */
struct searchstore_vec_sink {
	int (*begin)(void *arg, size_t count, int dims);
	int (*row)(void *arg, int64_t entity_id, const int8_t *vec, const char *kind, const char *language,
		   const char *path);
	void *arg;
};

/*
 * Streams the vectors of model in repository repo (grouped by file) into
 * sink, in one consistent snapshot. dims is the model's dimensions; rows
 * are decoded from their stored form (src/store/veccodec.h), and rows that
 * fit no form of dims are skipped. The vector handed to sink->row is valid
 * during the call only. Returns 0, DX_E_DB, DX_E_BADREQUEST (dims not
 * positive), or the sink's status.
 */
int searchstore_load_vectors(struct db *db, int64_t repo, const char *model, int dims,
			     const struct searchstore_vec_sink *sink);

/* Receives a repository's entities for the in-memory keyword index
 * (src/search/kwindex.h), in id order; tsv is search_tsv's text form. A
 * non-zero return stops the load and is returned. */
struct searchstore_kw_sink {
	int (*row)(void *arg, int64_t id, const char *name, const char *kind, const char *language,
		   const char *path, const char *tsv);
	void *arg;
};

/* Streams the entities of repository repo into sink, one consistent
 * snapshot. Returns 0, DX_E_DB, or the sink's status. */
int searchstore_load_keywords(struct db *db, int64_t repo, const struct searchstore_kw_sink *sink);

#endif
