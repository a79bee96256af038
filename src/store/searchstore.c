/*
 * searchstore.c - the SQL of search.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "store/searchstore.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

/* Filters over entity e; parameters $5..$9 (see searchstore_keyword). */
#define SEARCH_FILTERS                                                                                 \
	" AND ($5::bigint[] IS NULL OR e.repository_id = ANY ($5::bigint[]))"                          \
	" AND ($6::text IS NULL OR e.language = $6) AND ($7::text IS NULL OR e.kind = $7)"             \
	" AND (($8::text IS NULL AND $9::text IS NULL) OR EXISTS (SELECT 1 FROM files f WHERE f.id = " \
	"e.file_id"                                                                                    \
	" AND ($8::text IS NULL OR f.path LIKE $8) AND ($9::text IS NULL OR f.path ~ $9)))"

int searchstore_keyword(struct db *db, struct arena *a, const struct searchstore_keyword *k,
			const struct searchstore_filters *f, int cap, int want, bool broad,
			struct searchstore_hit **hits, size_t *n)
{
	char capbuf[16], wantbuf[16];
	const char *params[13];
	struct pg_result *res;
	size_t i;
	int rc;

	*hits = NULL;
	*n = 0;
	snprintf(capbuf, sizeof(capbuf), "%d", cap);
	snprintf(wantbuf, sizeof(wantbuf), "%d", want);
	params[0] = k->tsq_all;
	params[1] = k->tsq_any;
	params[2] = k->name;
	params[3] = k->name_like;
	params[4] = f->repository_ids;
	params[5] = f->language;
	params[6] = f->kind;
	params[7] = f->path_like;
	params[8] = f->path_regex;
	params[9] = capbuf;
	params[10] = wantbuf;
	params[11] = k->name_exact;
	params[12] = broad ? "true" : "false";
	/*
	 * Candidates from each index, each capped: ranking every match of a
	 * common word is what costs. Then one rank over the union: weighted
	 * text rank (names A = 1.0 ... bodies D = 0.05, normalised by length
	 * so that a method beats the class around it), a bonus when every
	 * word is in the entity's own name, signature or Javadoc (not merely
	 * somewhere in the body: a class body holds the words of all its
	 * methods) and a larger one when every word is in the name,
	 * and for one-token queries name equality (more when the case agrees:
	 * "CustomerDao" the interface before "customerDao" the field) and
	 * trigram similarity.
	 */
	rc = db_query(
	    db, a,
	    "WITH cand AS ("
	    " (SELECT e.id FROM entities e WHERE $1::text IS NOT NULL"
	    "  AND e.search_tsv @@ to_tsquery('simple', $1)" SEARCH_FILTERS " LIMIT $10::int)"
	    " UNION"
	    " (SELECT e.id FROM entities e WHERE $13::boolean AND $2::text IS NOT NULL"
	    "  AND to_tsvector('simple', docxp_code_words(e.name)) @@ to_tsquery('simple', $2)" SEARCH_FILTERS
	    "  LIMIT $10::int)"
	    " UNION"
	    " (SELECT e.id FROM entities e WHERE $13::boolean AND $3::text IS NOT NULL AND lower(e.name) % "
	    "$3" SEARCH_FILTERS " LIMIT 50)"
	    " UNION"
	    " (SELECT e.id FROM entities e WHERE $13::boolean AND $4::text IS NOT NULL"
	    "  AND (lower(e.name) LIKE $4 OR lower(e.qualified_name) LIKE $4)" SEARCH_FILTERS
	    "  LIMIT $10::int))"
	    " SELECT e.id, s.score, $3::text IS NOT NULL AND lower(e.name) = $3"
	    " FROM cand JOIN entities e ON e.id = cand.id,"
	    " LATERAL (SELECT"
	    "  coalesce(ts_rank('{0.05, 0.2, 0.4, 1.0}', e.search_tsv, to_tsquery('simple', $2), 1), 0)"
	    "  + CASE WHEN $1::text IS NOT NULL AND ts_filter(e.search_tsv, '{a,b,c}') @@ "
	    "to_tsquery('simple', $1)"
	    "    THEN 0.3 ELSE 0 END"
	    "  + CASE WHEN $1::text IS NOT NULL AND ts_filter(e.search_tsv, '{a}') @@ to_tsquery('simple', "
	    "$1)"
	    "    THEN 0.5 ELSE 0 END"
	    "  + CASE WHEN $3::text IS NOT NULL AND lower(e.name) = $3 THEN 1.0 ELSE 0 END"
	    "  + CASE WHEN $12::text IS NOT NULL AND e.name = $12 THEN 0.5 ELSE 0 END"
	    "  + CASE WHEN $3::text IS NOT NULL THEN 0.5 * similarity(lower(e.name), $3) ELSE 0 END"
	    "  AS score) s"
	    " ORDER BY s.score DESC, e.id LIMIT $11::int",
	    13, params, &res);
	if (rc)
		return rc;
	*n = (size_t)db_nrows(res);
	*hits = arena_alloc(a, (*n + 1) * sizeof(**hits));
	for (i = 0; i < *n; i++) {
		(*hits)[i].id = db_int64(res, (int)i, 0);
		(*hits)[i].score = strtod(db_value(res, (int)i, 1), NULL);
		(*hits)[i].exact = strcmp(db_value(res, (int)i, 2), "t") == 0;
	}
	return 0;
}

/* A link's target entity: same repository, by qualified name, else by name. */
#define LINK_TARGET_JSON                                                                                  \
	"(SELECT json_build_object('id', t.id, 'kind', t.kind, 'name', t.name, 'path', tf.path,"          \
	" 'start_line', t.start_line, 'end_line', t.end_line) FROM entities t JOIN files tf ON tf.id = "  \
	"t.file_id"                                                                                       \
	" WHERE t.repository_id = l.repository_id AND (t.qualified_name = l.target OR t.name = l.target)" \
	" ORDER BY (t.qualified_name = l.target) DESC, t.id LIMIT 1)"

#define ENTITY_JSON_FIELDS                                                                            \
	"'id', e.id, 'kind', e.kind, 'name', e.name, 'qualified_name', e.qualified_name, 'parent', "  \
	"e.parent,"                                                                                   \
	" 'signature', e.signature, 'language', e.language, 'start_line', e.start_line, 'end_line', " \
	"e.end_line,"                                                                                 \
	" 'repository', json_build_object('id', r.id, 'path', r.path, 'name', r.name),"               \
	" 'file', json_build_object('path', f.path, 'language', f.language, 'commit', f.commit_sha,"  \
	" 'indexed_at', f.indexed_at),"                                                               \
	" 'links', coalesce((SELECT json_agg(json_build_object('kind', l.kind, 'target', l.target,"   \
	" 'entity', " LINK_TARGET_JSON                                                                \
	") ORDER BY l.ordinal) FROM entity_links l WHERE l.entity_id = e.id), '[]'::json)"

int searchstore_docs(struct db *db, struct arena *a, const int64_t *ids, size_t n,
		     struct searchstore_doc **docs, size_t *ndocs)
{
	struct pg_result *res;
	struct buf arr;
	const char *param;
	size_t i;
	int rc;

	*docs = NULL;
	*ndocs = 0;
	if (n == 0)
		return 0;
	buf_init(&arr, 0);
	buf_addstr(&arr, "{");
	for (i = 0; i < n; i++)
		buf_printf(&arr, "%s%lld", i ? "," : "", (long long)ids[i]);
	buf_addstr(&arr, "}");
	param = arena_strdup(a, buf_str(&arr));
	buf_release(&arr);
	rc = db_query(
	    db, a,
	    "SELECT e.id, json_build_object(" ENTITY_JSON_FIELDS "), left(e.content, 20000)"
	    " FROM unnest($1::bigint[]) WITH ORDINALITY u(id, ord) JOIN entities e ON e.id = u.id"
	    " JOIN files f ON f.id = e.file_id JOIN repositories r ON r.id = e.repository_id ORDER BY u.ord",
	    1, &param, &res);
	if (rc)
		return rc;
	*ndocs = (size_t)db_nrows(res);
	*docs = arena_alloc(a, (*ndocs + 1) * sizeof(**docs));
	for (i = 0; i < *ndocs; i++) {
		(*docs)[i].id = db_int64(res, (int)i, 0);
		(*docs)[i].json = db_value(res, (int)i, 1);
		(*docs)[i].content = db_value(res, (int)i, 2);
	}
	return 0;
}

int searchstore_entity_json(struct db *db, struct arena *a, int64_t id, const char **json)
{
	char idbuf[24];
	const char *param = idbuf;
	struct pg_result *res;
	int rc;

	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	rc = db_query(
	    db, a,
	    "SELECT json_build_object(" ENTITY_JSON_FIELDS ", 'metadata', e.metadata, 'content', e.content,"
	    " 'linked_from', coalesce((SELECT json_agg(json_build_object('kind', x.kind, 'target', x.target,"
	    "  'entity', json_build_object('id', x.id, 'kind', x.skind, 'name', x.name, 'path', x.path,"
	    "  'start_line', x.start_line, 'end_line', x.end_line)) ORDER BY x.path, x.start_line)"
	    "  FROM (SELECT l.kind, l.target, s.id, s.kind AS skind, s.name, sf.path, s.start_line, "
	    "s.end_line"
	    "   FROM entity_links l JOIN entities s ON s.id = l.entity_id JOIN files sf ON sf.id = s.file_id"
	    "   WHERE l.repository_id = e.repository_id AND l.target IN (e.qualified_name, e.name)"
	    "   ORDER BY sf.path, s.start_line LIMIT 500) x), '[]'::json))"
	    " FROM entities e JOIN files f ON f.id = e.file_id JOIN repositories r ON r.id = e.repository_id"
	    " WHERE e.id = $1::bigint",
	    1, &param, &res);
	if (rc)
		return rc;
	if (db_nrows(res) == 0)
		return DX_E_NOTFOUND;
	*json = db_value(res, 0, 0);
	return 0;
}

int searchstore_repositories(struct db *db, struct arena *a, const char *repository,
			     struct searchstore_repo **repos, size_t *n)
{
	struct pg_result *res;
	size_t i;
	int rc;

	*repos = NULL;
	*n = 0;
	/* The signature moves when a job of the repository moves (chunks
	 * commit, jobs end) or the repository is marked indexed. */
	rc = db_query(
	    db, a,
	    "SELECT r.id, r.path, coalesce(r.last_indexed_at::text, '-') || '|'"
	    " || coalesce((SELECT max(j.updated_at)::text FROM jobs j WHERE j.repository_id = r.id), '-')"
	    ", EXISTS (SELECT 1 FROM jobs j WHERE j.repository_id = r.id"
	    " AND j.status IN ('pending', 'planning', 'running'))"
	    " FROM repositories r WHERE $1::text IS NULL OR r.path = $1"
	    " OR ($1 ~ '^[0-9]{1,18}$' AND r.id = $1::bigint) ORDER BY r.id",
	    1, &repository, &res);
	if (rc)
		return rc;
	*n = (size_t)db_nrows(res);
	*repos = arena_alloc(a, (*n + 1) * sizeof(**repos));
	for (i = 0; i < *n; i++) {
		(*repos)[i].id = db_int64(res, (int)i, 0);
		(*repos)[i].path = db_value(res, (int)i, 1);
		(*repos)[i].signature = db_value(res, (int)i, 2);
		(*repos)[i].indexing = strcmp(db_value(res, (int)i, 3), "t") == 0;
	}
	return 0;
}

static int64_t searchstore_be64(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | u[i];
	return (int64_t)v;
}

int searchstore_load_vectors(struct db *db, int64_t repo, const char *model, int dims,
			     const struct searchstore_vec_sink *sink)
{
	char repobuf[24];
	const char *params[2] = {repobuf, model};
	struct arena *a = arena_new();
	struct pg_result *cnt;
	PGconn *conn;
	PGresult *res;
	int rc;

	snprintf(repobuf, sizeof(repobuf), "%lld", (long long)repo);
	/* The count and the rows from one snapshot: the set is sized once. */
	rc = db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc)
		goto out;
	rc = db_query(
	    db, a, "SELECT count(*) FROM entity_embeddings WHERE repository_id = $1::bigint AND model = $2",
	    2, params, &cnt);
	if (rc)
		goto rollback;
	rc = sink->begin(sink->arg, (size_t)db_int64(cnt, 0, 0), dims);
	if (rc)
		goto rollback;
	conn = db->conn;
	/* Binary results, one row at a time: a million vectors never sit in
	 * libpq's memory at once. */
	if (!PQsendQueryParams(
		conn,
		"SELECT ee.entity_id, e.kind, e.language, f.path, ee.vec FROM entity_embeddings ee"
		" JOIN entities e ON e.id = ee.entity_id JOIN files f ON f.id = e.file_id"
		" WHERE ee.repository_id = $1::bigint AND ee.model = $2"
		" ORDER BY e.file_id, ee.entity_id, ee.window_no",
		2, NULL, params, NULL, NULL, 1) ||
	    !PQsetSingleRowMode(conn)) {
		snprintf(db->errmsg, sizeof(db->errmsg), "could not load vectors: %s", PQerrorMessage(conn));
		rc = DX_E_DB;
		goto rollback;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && rc == 0) {
			if (PQgetlength(res, 0, 0) == 8 && PQgetlength(res, 0, 4) == dims)
				rc = sink->row(sink->arg, searchstore_be64(PQgetvalue(res, 0, 0)),
					       (const int8_t *)PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 1),
					       PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3));
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
			snprintf(db->errmsg, sizeof(db->errmsg), "could not load vectors: %s",
				 PQresultErrorMessage(res));
			rc = DX_E_DB;
		}
		PQclear(res);
	}
rollback:
	if (rc)
		db_rollback(db);
	else
		rc = db_exec(db, "COMMIT");
out:
	arena_free(a);
	return rc;
}
