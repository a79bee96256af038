/*
 * codewords.h - the keyword document of an entity, computed in the worker.
 *
 * sql/002_search.sql defines the search document of an entity in SQL:
 * docxp_entity_tsv(name, qualified_name, signature, javadoc, content), a
 * weighted tsvector of the "code words" of each part (identifiers whole and
 * split at camelCase, snake_case, dots and slashes). Evaluated by
 * PostgreSQL for every entity it was most of the cost of indexing (regular
 * expressions over every body, inside the chunk's transaction). This
 * module computes the very same tsvector - same lexemes, positions and
 * weights - before the transaction opens, and the chunk ships it in
 * binary COPY. The SQL function stays the reference and the fallback:
 * for text this module does not model (anything but ASCII, where
 * PostgreSQL's locale decides what a letter is) it answers "not computed"
 * and PostgreSQL computes the value (sql/003_index_throughput.sql).
 */
#ifndef DOCXP_CODEWORDS_H
#define DOCXP_CODEWORDS_H

#include <stddef.h>

struct buf;

/* How codewords_entity_tsv writes the tsvector. */
enum codewords_form {
	CODEWORDS_TEXT,	  /* the literal: "'find':1A,3B 'findbyemail':2A" */
	CODEWORDS_BINARY, /* tsvectorsend's form, for binary COPY (store/copybin.h) */
};

/* The working memory of codewords_entity_tsv, reused from entity to
 * entity (it grows to the largest); one per thread. */
struct codewords_scratch;
struct codewords_scratch *codewords_scratch_new(void);
void codewords_scratch_free(struct codewords_scratch *sc);

/*
 * Appends to out docxp_entity_tsv(name, qualified_name, signature,
 * javadoc, left(content, 100000)) (NULL arguments count as empty) in the
 * given form, working in scratch (NULL: a temporary one). Returns 1 when
 * written, 0 when the inputs hold non-ASCII text (nothing appended: leave
 * it to PostgreSQL), or a negative status (out of its cap).
 */
int codewords_entity_tsv(struct codewords_scratch *scratch, struct buf *out, enum codewords_form form,
			 const char *name, const char *qualified_name, const char *signature,
			 const char *javadoc, const char *content, size_t content_len);

#endif
