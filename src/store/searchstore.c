/*
 * searchstore.c - the SQL of search.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "store/pglisten.h"
#include "store/searchstore.h"
#include "store/veccodec.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

/* A statement being built: its text and its parameters ($1, $2, ...). */
struct kwsql {
	struct buf sql;
	const char *params[24]; /* at most 16 today */
	int n;
};

/* The placeholder of value (added as the next parameter). */
static const char *kwsql_param(struct arena *a, struct kwsql *q, const char *value)
{
	q->params[q->n++] = value;
	return arena_printf(a, "$%d", q->n);
}

/* The filter conditions over entity e, parameters added to q. */
static const char *kwsql_filters(struct arena *a, struct kwsql *q, const struct searchstore_filters *f)
{
	struct buf b;
	const char *out;

	buf_init(&b, 0);
	if (f->repository_ids)
		buf_printf(&b, " AND e.repository_id = ANY (%s::bigint[])",
			   kwsql_param(a, q, f->repository_ids));
	if (f->language)
		buf_printf(&b, " AND e.language = %s", kwsql_param(a, q, f->language));
	if (f->kind)
		buf_printf(&b, " AND e.kind = %s", kwsql_param(a, q, f->kind));
	if (f->path_like || f->path_regex) {
		/* The files first: a path filter usually selects few of them. */
		buf_addstr(&b, " AND e.file_id IN (SELECT f.id FROM files f WHERE true");
		if (f->repository_ids)
			buf_printf(&b, " AND f.repository_id = ANY (%s::bigint[])",
				   kwsql_param(a, q, f->repository_ids));
		if (f->path_like)
			buf_printf(&b, " AND f.path LIKE %s", kwsql_param(a, q, f->path_like));
		if (f->path_regex)
			buf_printf(&b, " AND f.path ~ %s", kwsql_param(a, q, f->path_regex));
		buf_addstr(&b, ")");
	}
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}

/* Adds one capped candidate branch to the union in b. */
static void kw_branch(struct buf *b, const char *cond, const char *filters, const char *limit)
{
	buf_printf(b, "%s(SELECT e.id FROM entities e WHERE %s%s LIMIT %s)", b->len ? " UNION " : "", cond,
		   filters, limit);
}

int searchstore_keyword(struct db *db, struct arena *a, const struct searchstore_keyword *k,
			const struct searchstore_filters *f, int cap, int want, unsigned branches,
			struct searchstore_hit **hits, size_t *n)
{
	struct kwsql q = {.n = 0};
	const char *filters, *capp, *all = NULL, *any = NULL, *name = NULL, *exact = NULL, *like = NULL;
	struct pg_result *res;
	struct buf cand;
	size_t i;
	int rc;

	*hits = NULL;
	*n = 0;
	if (!k->tsq_all)
		branches &= ~(unsigned)(SEARCHSTORE_KW_TEXT | SEARCHSTORE_KW_NAMES);
	if (!k->name_exact)
		branches &= ~(unsigned)SEARCHSTORE_KW_EXACT;
	if (!k->name)
		branches &= ~(unsigned)SEARCHSTORE_KW_SIMILAR;
	if (!k->name_like)
		branches &= ~(unsigned)SEARCHSTORE_KW_SUBSTRING;
	if (!branches)
		return 0;
	buf_init(&q.sql, 0);
	filters = kwsql_filters(a, &q, f);
	capp = kwsql_param(a, &q, arena_printf(a, "%d", cap));
	if (k->tsq_all) {
		all = kwsql_param(a, &q, k->tsq_all);
		any = kwsql_param(a, &q, k->tsq_any);
	}
	if (k->name)
		name = kwsql_param(a, &q, k->name);
	if (branches & SEARCHSTORE_KW_EXACT)
		exact = kwsql_param(a, &q, k->name_exact);
	if (branches & SEARCHSTORE_KW_SUBSTRING)
		like = kwsql_param(a, &q, k->name_like);
	/*
	 * Candidates from each index, each capped: ranking every match of a
	 * common word is what costs. The expressions are those of the
	 * indexes in sql/002_search.sql, character for character.
	 */
	buf_init(&cand, 0);
	if (branches & SEARCHSTORE_KW_TEXT)
		kw_branch(&cand, arena_printf(a, "e.search_tsv @@ to_tsquery('simple', %s)", all), filters,
			  capp);
	if (branches & SEARCHSTORE_KW_EXACT)
		kw_branch(&cand, arena_printf(a, "e.name = %s", exact), filters, "50");
	if (branches & SEARCHSTORE_KW_NAMES)
		kw_branch(&cand,
			  arena_printf(
			      a,
			      "to_tsvector('simple', docxp_code_words(e.name)) @@ to_tsquery('simple', %s)",
			      any),
			  filters, capp);
	if (branches & SEARCHSTORE_KW_SIMILAR)
		kw_branch(&cand, arena_printf(a, "lower(e.name) %% %s", name), filters, "50");
	if (branches & SEARCHSTORE_KW_SUBSTRING)
		kw_branch(&cand, arena_printf(a, "lower(e.name) LIKE %s", like), filters, capp);
	/*
	 * One rank over the union: weighted text rank (names A = 1.0 ...
	 * bodies D = 0.05, normalised by length so that a method beats the
	 * class around it), a bonus when every word is in the entity's own
	 * name, signature or Javadoc (not merely somewhere in the body: a
	 * class body holds the words of all its methods) and a larger one
	 * when every word is in the name, and for one-token queries name
	 * equality (more when the case agrees: "CustomerDao" the interface
	 * before "customerDao" the field) and trigram similarity.
	 */
	buf_addstr(&q.sql, "SELECT e.id, 0");
	if (all)
		buf_printf(&q.sql,
			   " + coalesce(ts_rank('{0.05, 0.2, 0.4, 1.0}', e.search_tsv, to_tsquery('simple', "
			   "%s), 1), 0)"
			   " + CASE WHEN e.search_tsv @@ to_tsquery('simple', %s) THEN 0.3 ELSE 0 END"
			   " + CASE WHEN e.search_tsv @@ to_tsquery('simple', %s) THEN 0.5 ELSE 0 END",
			   any, kwsql_param(a, &q, k->tsq_all_named), kwsql_param(a, &q, k->tsq_all_name));
	if (name)
		buf_printf(&q.sql,
			   " + CASE WHEN lower(e.name) = %s THEN 1.0 ELSE 0 END + 0.5 * "
			   "similarity(lower(e.name), %s)",
			   name, name);
	if (k->name_exact)
		buf_printf(&q.sql, " + CASE WHEN e.name = %s THEN 0.5 ELSE 0 END",
			   exact ? exact : kwsql_param(a, &q, k->name_exact));
	buf_printf(&q.sql,
		   ", %s, %s FROM (%s) c JOIN entities e ON e.id = c.id ORDER BY 2 DESC, e.id LIMIT %s",
		   name ? arena_printf(a, "lower(e.name) = %s", name) : "false",
		   all ? arena_printf(a, "e.search_tsv @@ to_tsquery('simple', %s)", all) : "false",
		   buf_str(&cand), kwsql_param(a, &q, arena_printf(a, "%d", want)));
	buf_release(&cand);
	rc = db_query(db, a, buf_str(&q.sql), q.n, q.params, &res);
	buf_release(&q.sql);
	if (rc)
		return rc;
	*n = (size_t)db_nrows(res);
	*hits = arena_alloc(a, (*n + 1) * sizeof(**hits));
	for (i = 0; i < *n; i++) {
		(*hits)[i].id = db_int64(res, (int)i, 0);
		(*hits)[i].score = strtod(db_value(res, (int)i, 1), NULL);
		(*hits)[i].exact = strcmp(db_value(res, (int)i, 2), "t") == 0;
		(*hits)[i].all = strcmp(db_value(res, (int)i, 3), "t") == 0;
	}
	return 0;
}

/* The kinds links do not name from other files (sql/015): the predicate
 * of the link indexes, word for word. */
#define LINK_MEMBER_KINDS "('method', 'constructor', 'field', 'enum_constant')"

/* A link's target entity (e is the link's entity): same repository, by
 * qualified name, else by name, among the declarations links name (the
 * partial indexes of sql/015) and, by qualified name, the entities of the
 * link's own file. */
#define LINK_TARGET_JSON                                                                                 \
	"(SELECT json_build_object('id', t.id, 'kind', t.kind, 'name', t.name, 'path', tf.path,"         \
	" 'start_line', t.start_line, 'end_line', t.end_line) FROM entities t JOIN files tf ON tf.id = " \
	"t.file_id"                                                                                      \
	" WHERE t.repository_id = l.repository_id AND (t.kind NOT IN " LINK_MEMBER_KINDS                 \
	" AND t.qualified_name = l.target OR t.kind NOT IN " LINK_MEMBER_KINDS                           \
	" AND t.name = l.target OR t.file_id = e.file_id AND t.qualified_name = l.target)"               \
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
	rc = db_query_prepared(
	    db, a, "docxp_search_docs",
	    "SELECT e.id, json_build_object(" ENTITY_JSON_FIELDS "), left(e.content, 20000), e.repository_id"
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
		(*docs)[i].repository_id = db_int64(res, (int)i, 3);
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
	 * commit, jobs end) or the repository is marked indexed. One
	 * statement per way of naming the repository (paths are absolute, so
	 * digits are an id): each has one plan that fits every value. */
#define REPO_SELECT                                                                                    \
	"SELECT r.id, r.path, coalesce(r.last_indexed_at::text, '-') || '|'"                           \
	" || coalesce((SELECT max(j.updated_at)::text FROM jobs j WHERE j.repository_id = r.id), '-')" \
	", EXISTS (SELECT 1 FROM jobs j WHERE j.repository_id = r.id"                                  \
	" AND j.status IN ('pending', 'planning', 'running')) FROM repositories r"
	if (!repository)
		rc = db_query_prepared(db, a, "docxp_search_repos_all", REPO_SELECT " ORDER BY r.id", 0, NULL,
				       &res);
	else if (strlen(repository) <= 18 && strspn(repository, "0123456789") == strlen(repository) &&
		 *repository)
		rc = db_query_prepared(db, a, "docxp_search_repos_id", REPO_SELECT " WHERE r.id = $1::bigint",
				       1, &repository, &res);
	else
		rc = db_query_prepared(db, a, "docxp_search_repos_path", REPO_SELECT " WHERE r.path = $1", 1,
				       &repository, &res);
#undef REPO_SELECT
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

/* ---- the cache of searchstore_repositories' answers ------------------ */

#define REPOCACHE_MAX	    64
#define REPOCACHE_MAX_AGE_S 10.0

struct repocache_entry {
	char *key; /* the repository as named, NULL: all */
	bool used;
	uint64_t gen;
	double at;
	struct searchstore_repo *repos; /* malloc'd, strings too */
	size_t n;
};

struct searchstore_repocache {
	pthread_mutex_t mu;
	struct pglisten *listen; /* docxp_search_changed */
	struct repocache_entry e[REPOCACHE_MAX];
	unsigned long hits, misses;
};

static double repocache_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void repocache_entry_clear(struct repocache_entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free((char *)e->repos[i].path);
		free((char *)e->repos[i].signature);
	}
	free(e->repos);
	free(e->key);
	memset(e, 0, sizeof(*e));
}

struct searchstore_repocache *searchstore_repocache_new(const char *uri)
{
	static const char *const tables[] = {"repositories", "jobs", NULL};
	struct searchstore_repocache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->listen = pglisten_new(uri, "docxp_search_changed", tables, "repository lookups of searches");
	return c;
}

void searchstore_repocache_free(struct searchstore_repocache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < REPOCACHE_MAX; i++)
		repocache_entry_clear(&c->e[i]);
	pglisten_free(c->listen);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static bool repocache_key_eq(const struct repocache_entry *e, const char *repository)
{
	return e->used && (e->key && repository ? strcmp(e->key, repository) == 0 : !e->key && !repository);
}

int searchstore_repositories_cached(struct searchstore_repocache *c, struct db *db, struct arena *a,
				    const char *repository, struct searchstore_repo **repos, size_t *n)
{
	struct repocache_entry *e, *slot = NULL;
	uint64_t gen;
	double now;
	size_t i, j;
	int rc;

	if (!c)
		return searchstore_repositories(db, a, repository, repos, n);
	gen = pglisten_gen(c->listen);
	now = repocache_now();
	pthread_mutex_lock(&c->mu);
	for (i = 0; gen && i < REPOCACHE_MAX; i++) {
		e = &c->e[i];
		if (!repocache_key_eq(e, repository))
			continue;
		if (e->gen != gen || now - e->at > REPOCACHE_MAX_AGE_S)
			break;
		*n = e->n;
		*repos = arena_alloc(a, (e->n + 1) * sizeof(**repos));
		for (j = 0; j < e->n; j++) {
			(*repos)[j] = e->repos[j];
			(*repos)[j].path = arena_strdup(a, e->repos[j].path);
			(*repos)[j].signature = arena_strdup(a, e->repos[j].signature);
		}
		c->hits++;
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	c->misses++;
	pthread_mutex_unlock(&c->mu);
	/* The answer is kept under the generation read before the question:
	 * a change notified meanwhile makes it stale at once. */
	rc = searchstore_repositories(db, a, repository, repos, n);
	if (rc || !gen)
		return rc;
	pthread_mutex_lock(&c->mu);
	if (gen == pglisten_gen_peek(c->listen)) {
		for (i = 0; i < REPOCACHE_MAX; i++) {
			e = &c->e[i];
			if (repocache_key_eq(e, repository) || (!slot && !e->used))
				slot = e;
			if (repocache_key_eq(e, repository))
				break;
		}
		/* full (many names asked for): start again */
		if (!slot) {
			for (i = 0; i < REPOCACHE_MAX; i++)
				repocache_entry_clear(&c->e[i]);
			slot = &c->e[0];
		}
		repocache_entry_clear(slot);
		slot->used = true;
		slot->key = repository ? xstrdup(repository) : NULL;
		slot->gen = gen;
		slot->at = now;
		slot->n = *n;
		slot->repos = xcalloc(*n + 1, sizeof(*slot->repos));
		for (i = 0; i < *n; i++) {
			slot->repos[i] = (*repos)[i];
			slot->repos[i].path = xstrdup((*repos)[i].path);
			slot->repos[i].signature = xstrdup((*repos)[i].signature);
		}
	}
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void searchstore_repocache_get_stats(struct searchstore_repocache *c, struct pglisten_cache_stats *st)
{
	size_t i;

	pglisten_get_stats(c ? c->listen : NULL, st);
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	for (i = 0; i < REPOCACHE_MAX; i++)
		st->entries += c->e[i].used;
	st->hits = c->hits;
	st->misses = c->misses;
	pthread_mutex_unlock(&c->mu);
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
	int8_t *vec;
	int rc;

	if (dims <= 0) {
		arena_free(a);
		return DX_E_BADREQUEST;
	}
	vec = arena_alloc(a, (size_t)dims);
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
			/* a row of another length than its model's is skipped */
			if (PQgetlength(res, 0, 0) == 8 &&
			    veccodec_decode((const uint8_t *)PQgetvalue(res, 0, 4),
					    (size_t)PQgetlength(res, 0, 4), dims, vec) == 0)
				rc = sink->row(sink->arg, searchstore_be64(PQgetvalue(res, 0, 0)), vec,
					       PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
					       PQgetvalue(res, 0, 3));
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

int searchstore_load_keywords(struct db *db, int64_t repo, const struct searchstore_kw_sink *sink)
{
	char repobuf[24];
	const char *param = repobuf;
	PGconn *conn = db->conn;
	PGresult *res;
	int rc = 0;

	snprintf(repobuf, sizeof(repobuf), "%lld", (long long)repo);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		snprintf(db->errmsg, sizeof(db->errmsg), "could not load the keyword index: not connected");
		return DX_E_DB;
	}
	/* One statement is one snapshot; rows one at a time: the tsvectors of
	 * a big repository never sit in libpq's memory at once. */
	if (!PQsendQueryParams(
		conn,
		"SELECT e.id, coalesce(e.name, ''), coalesce(e.kind, ''), coalesce(e.language, ''),"
		" f.path, e.search_tsv::text FROM entities e JOIN files f ON f.id = e.file_id"
		" WHERE e.repository_id = $1::bigint ORDER BY e.id",
		1, NULL, &param, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn)) {
		snprintf(db->errmsg, sizeof(db->errmsg), "could not load the keyword index: %s",
			 PQerrorMessage(conn));
		return DX_E_DB;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && rc == 0) {
			rc = sink->row(sink->arg, strtoll(PQgetvalue(res, 0, 0), NULL, 10),
				       PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3),
				       PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5));
			if (rc) {
				/* the sink refused (over budget): stop the server
				 * sending the rest rather than reading it all */
				PGcancel *cancel = PQgetCancel(conn);
				char why[256];

				if (cancel) {
					(void)PQcancel(cancel, why, (int)sizeof(why));
					PQfreeCancel(cancel);
				}
			}
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
			snprintf(db->errmsg, sizeof(db->errmsg), "could not load the keyword index: %s",
				 PQresultErrorMessage(res));
			rc = DX_E_DB;
		}
		PQclear(res);
	}
	return rc;
}
