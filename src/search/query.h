/*
 * query.h - turning a search query as typed into what the legs need.
 *
 * Pure (no I/O). A query is UTF-8 text of at most SEARCH_QUERY_MAX_CHARS
 * characters; control characters are dropped and white space collapsed.
 * Words are runs of letters, digits, '_' and '$' (non-ASCII characters
 * count as letters); each word is used whole (lower-cased, '_' and '$'
 * dropped, as sql/002_search.sql indexes it) and split into its parts
 * (camelCase, snake_case), so "findByEmail", "find_by_email" and
 * "find by email" find the same entities.
 */
#ifndef DOCXP_SEARCH_QUERY_H
#define DOCXP_SEARCH_QUERY_H

#include <stddef.h>

struct arena;

#define SEARCH_QUERY_MAX_CHARS 1000
#define SEARCH_QUERY_MAX_WORDS 32
#define SEARCH_QUERY_MAX_WORD  64

/* One word of the query: whole, or all of its parts (when it has 2+). */
struct search_word {
	const char *whole;
	const char **parts;
	size_t nparts;
};

struct search_query {
	const char *text; /* cleaned query (what is embedded); never NULL */
	const char
	    *tsq_all; /* to_tsquery('simple') text: every word, whole or by its parts; NULL without words */
	const char *tsq_any;	   /* the same words and parts OR-ed, for ranking and looser candidates */
	const char *tsq_all_named; /* tsq_all, each word in the name, signature or Javadoc (weights A-C) */
	const char *tsq_all_name;  /* tsq_all, each word in the name (weight A) */
	const char
	    *name; /* lower-cased query when it is one token (no space): name equality and similarity */
	const char *name_like; /* "%name%" with LIKE metacharacters escaped, or NULL */
	const char **terms;    /* lower-cased words and parts (deduplicated), for marking snippets */
	size_t nterms;
	struct search_word *words; /* what tsq_all says, structured (src/search/kwindex.c) */
	size_t nwords;
};

/*
 * Parses raw (len bytes, not necessarily NUL-terminated) into q; all of it
 * arena-owned. Returns 0, or DX_E_BADREQUEST with the reason in errmsg:
 * invalid UTF-8, longer than SEARCH_QUERY_MAX_CHARS characters, or empty
 * after cleaning. A query without words (only punctuation) is valid: its
 * keyword leg has nothing to look for.
 */
int search_query_parse(struct arena *a, const char *raw, size_t len, struct search_query *q, char *errmsg,
		       size_t errlen);

/*
 * Translates a path glob (util/glob.h syntax, already validated with
 * glob_validate) into an anchored POSIX regular expression that PostgreSQL's
 * ~ operator matches the same paths with. Returns an arena-owned string.
 */
const char *search_glob_regex(struct arena *a, const char *glob);

/* "prefix%" for LIKE, with \, % and _ escaped (arena-owned). */
const char *search_like_prefix(struct arena *a, const char *prefix);

#endif
