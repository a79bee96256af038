/*
 * search.c - /api/v1/search, /api/v1/search/hybrid, /api/v1/search/health
 * and /api/v1/entities/{id}.
 *
 * A search runs up to two legs: keyword (full text and name trigrams,
 * ranked by an index held in memory, src/search/kwindex.c, built from
 * what PostgreSQL stores, or by PostgreSQL itself,
 * src/store/searchstore.c, as [search] keyword_index says) and semantic
 * (the query embedded with the configured provider through the embedding
 * cache, then an exact scan of the repository's vectors held in memory,
 * src/search/vecindex.c), and fuses them by reciprocal rank. A leg that
 * fails is reported in the answer ("legs"), never silently dropped. Hit
 * documents come from src/search/doccache.c, else PostgreSQL.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "api/api.h"
#include "embed/embed.h"
#include "queue/embcache.h"
#include "search/doccache.h"
#include "search/fusion.h"
#include "search/kwindex.h"
#include "search/query.h"
#include "search/searchstats.h"
#include "search/vecindex.h"
#include "store/keystore.h"
#include "store/migrate.h"
#include "store/pglisten.h"
#include "store/searchstore.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/status.h"
#include "util/utf8.h"

#define SEARCH_MAX_LIMIT     100
#define SEARCH_MAX_OFFSET    1000
#define SEARCH_MAX_FILTER    1024
#define SEARCH_SNIPPET_MAX   240
#define SEARCH_PROVIDERS_MAX 64
/* Vectors of a repository being indexed are reloaded at most this often
 * (a finished job's are reloaded on the next search). */
#define SEARCH_MIN_RELOAD_MS 5000
/* RRF weights of the semantic leg (the keyword leg's is 1), see
 * search_run; measured with bench/relevance. */
#define SEARCH_SEMANTIC_WEIGHT_TOKEN 0.01
#define SEARCH_SEMANTIC_WEIGHT_PROSE 0.5

enum search_mode { MODE_HYBRID, MODE_KEYWORD, MODE_SEMANTIC };
static const char *const search_mode_names[] = {"hybrid", "keyword", "semantic"};

struct search_request {
	const char *query;
	size_t query_len;
	enum search_mode mode;
	const char *repository;
	const char *language;
	const char *kind;
	const char *path_prefix;
	const char *path_glob;
	int limit, offset;
};

/* ---- shared state: the vector index and a pool of embedding providers */

static const struct conf *search_cfg;
/* the vector sets and the keyword sets, in one memory budget */
static struct vecindex *search_vx;
static bool search_kw_memory;
/* hit documents, in the same budget */
static struct doccache *search_docs;
/* what each search asks PostgreSQL about the repositories, kept until a
 * notification says repositories or jobs changed */
static struct searchstore_repocache *search_repos;
#define SEARCH_DOCCACHE_MAX ((size_t)64 << 20)
static pthread_mutex_t search_prov_mu = PTHREAD_MUTEX_INITIALIZER;
static struct embed_provider *search_prov[SEARCH_PROVIDERS_MAX];
static int search_nprov;

void api_search_init(const struct conf *cfg)
{
	search_cfg = cfg;
	search_kw_memory = !cfg->search_keyword_index || strcmp(cfg->search_keyword_index, "postgresql") != 0;
	{
		size_t budget = (size_t)cfg->search_memory_budget_mb << 20, docs = budget / 8;

		docs = docs < SEARCH_DOCCACHE_MAX ? docs : SEARCH_DOCCACHE_MAX;
		search_docs = doccache_new(docs);
		search_vx = vecindex_new(budget - docs, SEARCH_MIN_RELOAD_MS);
	}
	search_repos = searchstore_repocache_new(cfg->database_uri);
}

void api_search_fini(void)
{
	int i;

	vecindex_free(search_vx);
	search_vx = NULL;
	doccache_free(search_docs);
	search_docs = NULL;
	searchstore_repocache_free(search_repos);
	search_repos = NULL;
	kwindex_cleanup();
	for (i = 0; i < search_nprov; i++)
		embed_provider_free(search_prov[i]);
	search_nprov = 0;
}

/* A provider for this request (one thread at a time uses a provider). */
static struct embed_provider *search_provider_get(char *errmsg, size_t errlen)
{
	struct embed_provider *p = NULL;

	pthread_mutex_lock(&search_prov_mu);
	if (search_nprov > 0)
		p = search_prov[--search_nprov];
	pthread_mutex_unlock(&search_prov_mu);
	if (!p)
		p = embed_provider_new(search_cfg, errmsg, errlen);
	return p;
}

static void search_provider_put(struct embed_provider *p)
{
	pthread_mutex_lock(&search_prov_mu);
	if (search_nprov < SEARCH_PROVIDERS_MAX) {
		search_prov[search_nprov++] = p;
		p = NULL;
	}
	pthread_mutex_unlock(&search_prov_mu);
	embed_provider_free(p);
}

static double search_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- request decoding ------------------------------------------------ */

static int search_mode_parse(const char *s, enum search_mode *mode)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, search_mode_names[i]) == 0) {
			*mode = (enum search_mode)i;
			return 0;
		}
	return -1;
}

/* Checks the filters (shared by GET and POST); sends the error. */
static int search_check_filters(struct http_request *r, struct search_request *q)
{
	const char *const vals[] = {q->repository, q->language, q->kind, q->path_prefix, q->path_glob};
	const char *const names[] = {"repository", "language", "kind", "path_prefix", "path_glob"};
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		if (!vals[i])
			continue;
		if (strlen(vals[i]) > SEARCH_MAX_FILTER || !utf8_valid(vals[i], strlen(vals[i]))) {
			http_respond_error(r, DX_E_VALIDATION, "%s must be UTF-8 text of at most %d bytes",
					   names[i], SEARCH_MAX_FILTER);
			return -1;
		}
	}
	if (q->path_glob) {
		const char *why = glob_validate(q->path_glob);

		if (why) {
			http_respond_error(r, DX_E_VALIDATION, "path_glob is not an acceptable pattern: %s",
					   why);
			return -1;
		}
	}
	if (q->path_prefix && q->path_prefix[0] == '/') {
		http_respond_error(r, DX_E_VALIDATION,
				   "path_prefix is relative to the repository root (no leading '/')");
		return -1;
	}
	/* An empty filter means no filter. */
	if (q->repository && !*q->repository)
		q->repository = NULL;
	if (q->language && !*q->language)
		q->language = NULL;
	if (q->kind && !*q->kind)
		q->kind = NULL;
	if (q->path_prefix && !*q->path_prefix)
		q->path_prefix = NULL;
	if (q->path_glob && !*q->path_glob)
		q->path_glob = NULL;
	/* "/srv/repo/" names the same repository as "/srv/repo". */
	if (q->repository) {
		size_t n = strlen(q->repository);

		while (n > 1 && q->repository[n - 1] == '/')
			n--;
		q->repository = arena_strndup(r->arena, q->repository, n);
	}
	return 0;
}

/* An optional string member of the body; sends 422 when not a string. */
static int search_body_string(struct http_request *r, struct json_object *body, const char *field,
			      const char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(body, field, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		http_respond_error(r, DX_E_VALIDATION, "%s must be a string", field);
		return -1;
	}
	*out = json_object_get_string(v);
	return 0;
}

static int search_body_int(struct http_request *r, struct json_object *body, const char *field, int min,
			   int max, int *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(body, field, &v) || json_object_is_type(v, json_type_null))
		return 0;
	errno = 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || errno || n < min || n > max) {
		http_respond_error(r, DX_E_VALIDATION, "%s must be an integer from %d to %d", field, min,
				   max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int search_decode_post(struct http_request *r, struct search_request *q)
{
	static const char *const known[] = {"query",	   "mode",	"repository", "language", "kind",
					    "path_prefix", "path_glob", "limit",      "offset"};
	struct json_object *body, *v;
	const char *mode = NULL;

	body = api_parse_body(r);
	if (!body || api_check_fields(r, body, known, sizeof(known) / sizeof(known[0])) != 0)
		return -1;
	if (!json_object_object_get_ex(body, "query", &v) || json_object_is_type(v, json_type_null)) {
		http_respond_error(r, DX_E_VALIDATION, "query is required");
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		http_respond_error(r, DX_E_VALIDATION, "query must be a string");
		return -1;
	}
	q->query = json_object_get_string(v);
	q->query_len = (size_t)json_object_get_string_len(v);
	if (search_body_string(r, body, "mode", &mode))
		return -1;
	if (mode && search_mode_parse(mode, &q->mode)) {
		http_respond_error(r, DX_E_VALIDATION,
				   "mode must be \"hybrid\", \"keyword\" or \"semantic\"");
		return -1;
	}
	/* repository: a path, or the numeric id */
	if (json_object_object_get_ex(body, "repository", &v) && json_object_is_type(v, json_type_int)) {
		q->repository = arena_printf(r->arena, "%lld", (long long)json_object_get_int64(v));
	} else if (search_body_string(r, body, "repository", &q->repository)) {
		return -1;
	}
	if (search_body_string(r, body, "language", &q->language) ||
	    search_body_string(r, body, "kind", &q->kind) ||
	    search_body_string(r, body, "path_prefix", &q->path_prefix) ||
	    search_body_string(r, body, "path_glob", &q->path_glob) ||
	    search_body_int(r, body, "limit", 1, SEARCH_MAX_LIMIT, &q->limit) ||
	    search_body_int(r, body, "offset", 0, SEARCH_MAX_OFFSET, &q->offset))
		return -1;
	return search_check_filters(r, q);
}

static int search_decode_get(struct http_request *r, struct search_request *q)
{
	static const char *const known[] = {"q",	"query",     "mode",  "repository",
					    "language", "kind",	     "path",  "path_prefix",
					    "glob",	"path_glob", "limit", "offset"};
	const char *p = r->query, *mode;

	/* Unknown parameters are refused like unknown fields. */
	while (p && *p) {
		size_t n = strcspn(p, "=&"), i;
		int ok = n == 0;

		for (i = 0; i < sizeof(known) / sizeof(known[0]) && !ok; i++)
			ok = strlen(known[i]) == n && strncmp(p, known[i], n) == 0;
		if (!ok) {
			http_respond_error(r, DX_E_VALIDATION, "unknown parameter '%.*s'",
					   (int)(n > 64 ? 64 : n), p);
			return -1;
		}
		p += strcspn(p, "&");
		if (*p == '&')
			p++;
	}
	q->query = http_query_param(r, "q");
	if (!q->query)
		q->query = http_query_param(r, "query");
	if (!q->query) {
		http_respond_error(r, DX_E_BADREQUEST, "query parameter q is required");
		return -1;
	}
	q->query_len = strlen(q->query);
	mode = http_query_param(r, "mode");
	if (mode && *mode && search_mode_parse(mode, &q->mode)) {
		http_respond_error(r, DX_E_VALIDATION, "mode must be hybrid, keyword or semantic");
		return -1;
	}
	q->repository = http_query_param(r, "repository");
	q->language = http_query_param(r, "language");
	q->kind = http_query_param(r, "kind");
	q->path_prefix = http_query_param(r, "path");
	if (!q->path_prefix)
		q->path_prefix = http_query_param(r, "path_prefix");
	q->path_glob = http_query_param(r, "glob");
	if (!q->path_glob)
		q->path_glob = http_query_param(r, "path_glob");
	if (api_query_int(r, "limit", 20, 1, SEARCH_MAX_LIMIT, &q->limit) ||
	    api_query_int(r, "offset", 0, 0, SEARCH_MAX_OFFSET, &q->offset))
		return -1;
	return search_check_filters(r, q);
}

/* ---- the semantic leg ------------------------------------------------ */

/* Embeds the query like the indexer embeds entity texts: same provider,
 * model, dimensions and normalisation, through the same cache. */
static int search_embed(struct http_request *r, struct embed_provider *p, const char *text, float *vec,
			char *errmsg, size_t errlen)
{
	char keys[1][EMBCACHE_KEY_LEN + 1];
	int tokens = 0, status = 0, ttl = search_cfg->embedding_cache_ttl_hours * 3600;
	bool hit = false, truncated = false, store = true;
	/* As the workers do: the local provider embeds a query in
	 * microseconds, less than the round trip to the cache costs. */
	struct redisq *q = embed_cache_wanted(search_cfg->embedding_cache, p) ? api_redis_quiet(r) : NULL;
	struct embed_batch b;
	int rc;

	if (q) {
		embcache_key(p->name, p->model, p->dimensions, p->normalize, text, keys[0]);
		if (embcache_get(q, (const char(*)[EMBCACHE_KEY_LEN + 1]) keys, 1, p->dimensions, ttl, vec,
				 &tokens, &hit) == 0 &&
		    hit)
			return 0;
	}
	memset(&b, 0, sizeof(b));
	b.n = 1;
	b.texts = &text;
	b.vectors = vec;
	b.tokens = &tokens;
	b.status = &status;
	b.truncated = &truncated;
	rc = p->embed(p, &b);
	if (rc == 0 && status != 0)
		rc = status;
	if (rc) {
		snprintf(errmsg, errlen, "could not embed the query: %s",
			 b.errmsg[0] ? b.errmsg : status_str(rc));
		return rc;
	}
	if (q)
		embcache_put(q, (const char(*)[EMBCACHE_KEY_LEN + 1]) keys, 1, p->dimensions, ttl, vec,
			     &tokens, &store);
	return 0;
}

struct search_loader {
	struct db *db;
	int64_t repo;
	const char *model;
	int dims;
	size_t max_bytes;
	struct vecset *set;
	char *errmsg;
	size_t errlen;
};

static int search_sink_begin(void *arg, size_t count, int dims)
{
	struct search_loader *ld = arg;
	size_t need = vecset_estimate(dims, count);

	if (need > ld->max_bytes) {
		snprintf(ld->errmsg, ld->errlen,
			 "the repository's %zu vectors need %zu MiB, more than search.memory_budget_mb (%zu)",
			 count, need >> 20, ld->max_bytes >> 20);
		return DX_E_TOOLARGE;
	}
	ld->set = vecset_new(dims, count);
	return 0;
}

static int search_sink_row(void *arg, int64_t id, const int8_t *vec, const char *kind, const char *language,
			   const char *path)
{
	struct search_loader *ld = arg;

	/* rows beyond the counted snapshot cannot happen (one snapshot) */
	(void)vecset_add(ld->set, id, vec, kind, language, path);
	return 0;
}

static int search_load(void *arg, size_t max_bytes, struct vecset **out, char *errmsg, size_t errlen)
{
	struct search_loader *ld = arg;
	struct searchstore_vec_sink sink = {search_sink_begin, search_sink_row, ld};
	double t0 = search_now_ms();
	int rc;

	ld->max_bytes = max_bytes;
	ld->errmsg = errmsg;
	ld->errlen = errlen;
	ld->set = NULL;
	rc = searchstore_load_vectors(ld->db, ld->repo, ld->model, ld->dims, &sink);
	if (rc) {
		if (rc == DX_E_DB)
			snprintf(errmsg, errlen, "could not load the vectors: %s", ld->db->errmsg);
		vecset_free(ld->set);
		return rc;
	}
	log_info("search vectors loaded | repository=%lld model=%s vectors=%zu mib=%zu ms=%.0f",
		 (long long)ld->repo, ld->model, vecset_count(ld->set), vecset_bytes(ld->set) >> 20,
		 search_now_ms() - t0);
	*out = ld->set;
	return 0;
}

static int search_hit_cmp(const void *pa, const void *pb)
{
	const struct vec_hit *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->entity_id < b->entity_id ? -1 : a->entity_id > b->entity_id;
}

/* Runs the semantic leg over repos; fills ids/scores (want at most). */
static int search_semantic(struct http_request *r, struct db *db, const struct search_query *sq,
			   const struct search_request *q, const struct searchstore_repo *repos,
			   size_t nrepos, size_t want, int64_t **ids, double **scores, size_t *n,
			   char *errmsg, size_t errlen)
{
	struct vec_filter f = {q->language, q->kind, q->path_prefix, q->path_glob};
	struct embed_provider *p;
	struct vec_hit *all, *hits;
	const char *model;
	float *vec;
	size_t nall = 0, i, j, failed = 0;
	int rc = 0;

	*n = 0;
	*ids = NULL;
	*scores = NULL;
	p = search_provider_get(errmsg, errlen);
	if (!p)
		return DX_E_CONFIG;
	vec = arena_alloc(r->arena, (size_t)p->dimensions * sizeof(float));
	rc = search_embed(r, p, sq->text, vec, errmsg, errlen);
	model = arena_printf(r->arena, "%s/%s/%d", p->name, p->model, p->dimensions);
	if (rc)
		goto out;
	all = arena_alloc(r->arena, (nrepos * want + 1) * sizeof(*all));
	hits = arena_alloc(r->arena, (want + 1) * sizeof(*hits));
	for (i = 0; i < nrepos; i++) {
		struct search_loader ld = {db, repos[i].id, model, p->dimensions, 0, NULL, NULL, 0};
		char why[256];
		size_t nh = 0;

		rc = vecindex_search(search_vx, repos[i].id, model, repos[i].signature, repos[i].indexing,
				     search_load, &ld, vec, p->dimensions, &f, want, hits, &nh, why,
				     sizeof(why));
		if (rc) {
			failed++;
			snprintf(errmsg, errlen, "%s: %s", repos[i].path, why);
			log_warn("semantic search failed: %s | req=%s repository=%s", why, r->request_id,
				 repos[i].path);
			continue;
		}
		for (j = 0; j < nh; j++)
			all[nall++] = hits[j];
	}
	rc = (nrepos > 0 && failed == nrepos) ? DX_E_UNAVAILABLE : 0;
	if (rc == 0 && failed)
		log_warn("semantic leg partial: %zu of %zu repositories failed | req=%s", failed, nrepos,
			 r->request_id);
	qsort(all, nall, sizeof(*all), search_hit_cmp);
	if (nall > want)
		nall = want;
	*ids = arena_alloc(r->arena, (nall + 1) * sizeof(int64_t));
	*scores = arena_alloc(r->arena, (nall + 1) * sizeof(double));
	for (i = 0; i < nall; i++) {
		(*ids)[i] = all[i].entity_id;
		(*scores)[i] = all[i].score;
	}
	*n = nall;
	if (rc == 0 && failed == 0)
		errmsg[0] = '\0';
out:
	search_provider_put(p);
	return rc;
}

/* ---- the keyword leg in memory ---------------------------------------- */

#define SEARCH_KW_KEY "keyword"

struct search_kw_loader {
	struct db *db;
	int64_t repo;
	size_t max_bytes;
	size_t rows;
	struct kwset *set;
	char *errmsg;
	size_t errlen;
};

static int search_kw_row(void *arg, int64_t id, const char *name, const char *kind, const char *language,
			 const char *path, const char *tsv)
{
	struct search_kw_loader *ld = arg;

	/* a tsvector that does not parse leaves the entity without words */
	(void)kwset_add(ld->set, id, name, kind, language, path, tsv);
	if (++ld->rows % 4096 == 0 && kwset_bytes(ld->set) > ld->max_bytes) {
		snprintf(ld->errmsg, ld->errlen,
			 "the repository's keyword index needs more than search.memory_budget_mb (%zu MiB)",
			 ld->max_bytes >> 20);
		return DX_E_TOOLARGE;
	}
	return 0;
}

static int search_kw_load(void *arg, size_t max_bytes, void **out, char *errmsg, size_t errlen)
{
	struct search_kw_loader *ld = arg;
	struct searchstore_kw_sink sink = {search_kw_row, ld};
	double t0 = search_now_ms();
	int rc;

	ld->max_bytes = max_bytes;
	ld->errmsg = errmsg;
	ld->errlen = errlen;
	ld->rows = 0;
	ld->set = kwset_new();
	rc = searchstore_load_keywords(ld->db, ld->repo, &sink);
	if (rc) {
		if (rc == DX_E_DB)
			snprintf(errmsg, errlen, "could not load the keyword index: %s", ld->db->errmsg);
		kwset_free(ld->set);
		return rc;
	}
	kwset_finish(ld->set);
	log_info("search keyword index loaded | repository=%lld entities=%zu mib=%zu ms=%.0f",
		 (long long)ld->repo, kwset_count(ld->set), kwset_bytes(ld->set) >> 20, search_now_ms() - t0);
	*out = ld->set;
	return 0;
}

struct search_kw_args {
	const struct search_query *sq;
	const struct vec_filter *f;
	unsigned branches;
	size_t k;
	struct kw_hit *out;
	size_t n;
};

static int search_kw_use(void *arg, const void *set, char *errmsg, size_t errlen)
{
	struct search_kw_args *a = arg;

	(void)errmsg;
	(void)errlen;
	a->n = kwset_search(set, a->sq, a->f, a->branches, a->k, a->out);
	return 0;
}

static int search_kw_hit_cmp(const void *pa, const void *pb)
{
	const struct searchstore_hit *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/*
 * Repositories whose keyword index did not fit the budget, at the
 * signature they had: PostgreSQL ranks their searches until the index
 * changes (a load that fails costs about as much as one that succeeds).
 */
#define SEARCH_KW_TOOLARGE_SLOTS 16
static struct {
	int64_t repo;
	char signature[128];
} search_kw_toolarge[SEARCH_KW_TOOLARGE_SLOTS];
static unsigned search_kw_toolarge_next;
static pthread_mutex_t search_kw_toolarge_mu = PTHREAD_MUTEX_INITIALIZER;

/* Whether repo is known not to fit at its signature; mark: now it is. */
static bool search_kw_too_large(const struct searchstore_repo *repo, bool mark)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&search_kw_toolarge_mu);
	for (i = 0; i < SEARCH_KW_TOOLARGE_SLOTS && !found; i++)
		found = search_kw_toolarge[i].repo == repo->id &&
			strncmp(search_kw_toolarge[i].signature, repo->signature,
				sizeof(search_kw_toolarge[i].signature)) == 0;
	if (mark && !found) {
		i = search_kw_toolarge_next++ % SEARCH_KW_TOOLARGE_SLOTS;
		search_kw_toolarge[i].repo = repo->id;
		snprintf(search_kw_toolarge[i].signature, sizeof(search_kw_toolarge[i].signature), "%s",
			 repo->signature);
	}
	pthread_mutex_unlock(&search_kw_toolarge_mu);
	return found;
}

/* The keyword leg over the repositories' in-memory indexes, best want
 * first; branches as kwindex.h. */
static int search_keyword_memory(struct http_request *r, struct db *db, const struct search_query *sq,
				 const struct search_request *q, const struct searchstore_repo *repos,
				 size_t nrepos, size_t want, unsigned branches, struct searchstore_hit **hits,
				 size_t *n, char *errmsg, size_t errlen)
{
	struct vec_filter f = {q->language, q->kind, q->path_prefix, q->path_glob};
	struct searchstore_hit *all = arena_alloc(r->arena, (nrepos * want + 1) * sizeof(*all));
	struct kw_hit *part = arena_alloc(r->arena, (want + 1) * sizeof(*part));
	size_t nall = 0, i, j;
	int rc;

	for (i = 0; i < nrepos; i++) {
		struct search_kw_loader ld = {db, repos[i].id, 0, 0, NULL, NULL, 0};
		struct search_kw_args a = {sq, &f, branches, want, part, 0};

		if (search_kw_too_large(&repos[i], false)) {
			errmsg[0] = '\0'; /* said when it was found */
			return DX_E_TOOLARGE;
		}
		rc =
		    vecindex_use(search_vx, repos[i].id, SEARCH_KW_KEY, repos[i].signature, repos[i].indexing,
				 &kwset_ops, search_kw_load, &ld, search_kw_use, &a, errmsg, errlen);
		if (rc == DX_E_TOOLARGE)
			(void)search_kw_too_large(&repos[i], true);
		if (rc)
			return rc;
		for (j = 0; j < a.n; j++)
			all[nall++] =
			    (struct searchstore_hit){part[j].id, part[j].score, part[j].exact, part[j].all};
	}
	qsort(all, nall, sizeof(*all), search_kw_hit_cmp);
	*hits = all;
	*n = nall < want ? nall : want;
	return 0;
}

/* ---- snippets ----------------------------------------------------------- */

/* The query's terms as the snippet scan needs them: lengths known, and
 * which bytes can start one (most positions of a text start none). */
struct search_terms {
	const char *const *terms;
	size_t len[SEARCH_QUERY_MAX_WORDS * 4];
	size_t n;
	/* first[c]: a term (of 2 bytes or more) starts with c, either case */
	bool first[256];
};

/* ASCII classes as the C locale's ctype sees them (bytes >= 0x80 are in
 * none): the snippet scan looks at every byte of a hit's text. */
enum { TC_LOWER = 1, TC_UPPER = 2, TC_DIGIT = 4 };
static const unsigned char term_class[256] = {
    ['0' ... '9'] = TC_DIGIT,
    ['A' ... 'Z'] = TC_UPPER,
    ['a' ... 'z'] = TC_LOWER,
};

static void search_terms_init(struct search_terms *st, const struct search_query *sq)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->terms = sq->terms;
	st->n = sq->nterms < SEARCH_QUERY_MAX_WORDS * 4 ? sq->nterms : SEARCH_QUERY_MAX_WORDS * 4;
	for (i = 0; i < st->n; i++) {
		unsigned char c = (unsigned char)sq->terms[i][0];

		st->len[i] = strlen(sq->terms[i]);
		if (st->len[i] >= 2) {
			st->first[c] = true;
			st->first[toupper(c)] = true;
		}
	}
}

/* Whether a word or a part of an identifier starts at c (after prev, 0 at
 * the start of a line; nx is the byte after c): "Total" in getNetTotal and
 * "Parser" in HTMLParser, not "order" in reorder. */
static inline bool term_boundary(unsigned char prev, unsigned char c, unsigned char nx)
{
	unsigned char p = term_class[prev], k = term_class[c];

	return !p || ((p & (TC_LOWER | TC_DIGIT)) && (k & TC_UPPER)) ||
	       ((p & TC_UPPER) && (k & TC_UPPER) && (term_class[nx] & TC_LOWER));
}

/* Length of the longest term matching s (case-insensitively) where a term
 * can start (search_term_start), or 0. */
static size_t search_term_at(const struct search_terms *st, const char *s, size_t avail)
{
	size_t best = 0, i;

	for (i = 0; i < st->n; i++) {
		size_t n = st->len[i], k;

		if (n < 2 || n > avail || n <= best)
			continue;
		for (k = 0; k < n; k++)
			if (tolower((unsigned char)s[k]) != (unsigned char)st->terms[i][k])
				break;
		if (k == n)
			best = n;
	}
	return best;
}

/* Whether a term may start at s[i] of a line of len bytes: its first byte
 * starts one and a word or identifier part starts there. Inside a word
 * (a lower-case letter after a letter or digit) nothing starts: the scan
 * passes most bytes with two table lookups. */
static inline bool search_term_start(const struct search_terms *st, const char *s, size_t i, size_t len)
{
	unsigned char c = (unsigned char)s[i];

	if (!st->first[c])
		return false;
	return i == 0 || term_boundary((unsigned char)s[i - 1], c, i + 1 < len ? (unsigned char)s[i + 1] : 0);
}

/* The line of content with the most query terms, terms marked «...»;
 * *line_no is its number counted from the entity's first line. */
static const char *search_snippet(struct arena *a, const struct search_terms *sq, const char *content,
				  int start_line, int *line_no)
{
	const char *p = content, *best = NULL;
	size_t best_len = 0;
	int best_score = -1, line = 0, best_line = 0;
	struct buf b;
	size_t i, lim;
	char *out;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		int score = 0;
		const char *s = p;

		while (s < p + len && (*s == ' ' || *s == '\t'))
			s++;
		if (s < p + len) {
			size_t n = (size_t)(p + len - s);

			for (i = 0; i < n;) {
				size_t m =
				    search_term_start(sq, s, i, n) ? search_term_at(sq, s + i, n - i) : 0;

				score += m ? 1 : 0;
				i += m ? m : 1;
			}
			if (score > best_score) {
				best_score = score;
				best = s;
				best_len = (size_t)(p + len - s);
				best_line = line;
			}
		}
		if (!eol || best_score >= 4)
			break;
		p = eol + 1;
		line++;
	}
	*line_no = start_line + best_line;
	if (!best)
		return "";
	buf_init(&b, 4 * SEARCH_SNIPPET_MAX);
	lim = best_len < SEARCH_SNIPPET_MAX ? best_len : SEARCH_SNIPPET_MAX;
	while (lim > 0 && lim < best_len && ((unsigned char)best[lim] & 0xc0) == 0x80)
		lim--;
	for (i = 0; i < lim;) {
		size_t m = search_term_start(sq, best, i, lim) ? search_term_at(sq, best + i, lim - i) : 0;

		if (m) {
			buf_addstr(&b, "\xc2\xab");
			buf_add(&b, best + i, m);
			buf_addstr(&b, "\xc2\xbb");
			i += m;
		} else {
			buf_add(&b, best + i, 1);
			i++;
		}
	}
	if (lim < best_len)
		buf_addstr(&b, "\xe2\x80\xa6");
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	/* Control characters (tabs inside the line) read badly in a terminal. */
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < 0x20)
			out[i] = ' ';
	return out;
}

/* ---- hit documents ------------------------------------------------------ */

/* The documents of ids (n), from the cache or else PostgreSQL (which
 * fills the cache); like searchstore_docs. */
static int search_read_docs(struct http_request *r, struct db *db, const struct searchstore_repo *repos,
			    size_t nrepos, const int64_t *ids, size_t n, struct searchstore_doc **docs,
			    size_t *ndocs)
{
	struct doccache_repo *dr = arena_alloc(r->arena, (nrepos + 1) * sizeof(*dr));
	struct searchstore_doc *out = arena_alloc(r->arena, (n + 1) * sizeof(*out)), *got = NULL;
	int64_t *miss = arena_alloc(r->arena, (n + 1) * sizeof(*miss));
	size_t i, j, nmiss = 0, ngot = 0, nout = 0;
	int rc;

	for (i = 0; i < nrepos; i++)
		dr[i] = (struct doccache_repo){repos[i].id, repos[i].signature};
	for (i = 0; i < n; i++) {
		out[i].id = ids[i];
		out[i].json = NULL;
		if (doccache_get(search_docs, r->arena, ids[i], dr, nrepos, &out[i].json, &out[i].content))
			miss[nmiss++] = ids[i];
	}
	if (nmiss) {
		rc = searchstore_docs(db, r->arena, miss, nmiss, &got, &ngot);
		if (rc)
			return rc;
		for (j = 0; j < ngot; j++) {
			for (i = 0; i < nrepos; i++)
				if (repos[i].id == got[j].repository_id)
					doccache_put(search_docs, got[j].id, repos[i].id, repos[i].signature,
						     got[j].json, got[j].content);
			for (i = 0; i < n; i++)
				if (out[i].id == got[j].id && !out[i].json) {
					out[i].json = got[j].json;
					out[i].content = got[j].content;
				}
		}
	}
	/* in order; an id gone since (re-indexed) is left out */
	for (i = 0; i < n; i++)
		if (out[i].json)
			out[nout++] = out[i];
	*docs = out;
	*ndocs = nout;
	return 0;
}

/* ---- the search itself ----------------------------------------------- */

/* One leg's part of the answer; weight < 0: the leg was not fused. */
static struct json_object *search_leg_json(const char *status, double ms, size_t hits, double weight,
					   const char *error)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(status));
	if (ms >= 0)
		json_object_object_add(o, "ms", json_object_new_double((double)(long)(ms * 1000) / 1000.0));
	if (strcmp(status, "skipped") != 0)
		json_object_object_add(o, "hits", json_object_new_int64((int64_t)hits));
	if (weight >= 0)
		json_object_object_add(o, "weight", json_object_new_double(weight));
	if (error && *error)
		json_object_object_add(o, "error", json_object_new_string(error));
	return o;
}

/* One answered search: the health window (searchstats) and the
 * Prometheus histogram docxp_search_duration_seconds{mode=...}. */
static void search_record(enum search_mode mode, double ms, int failed)
{
	char labels[32];

	searchstats_record(ms, failed);
	snprintf(labels, sizeof(labels), "mode=\"%s\"", search_mode_names[mode]);
	api_observe("docxp_search_duration_seconds", labels, ms / 1000.0);
}

/*
 * A hit in the answer: the document's JSON text as the cache or
 * PostgreSQL has it (json_build_object's, never parsed here) followed by
 * the members of an object of our own (scores, snippet). Parsing each
 * document to add three members and printing it again cost more than the
 * rest of the answer.
 */
struct search_doc {
	const char *json;
	size_t len; /* up to the closing brace */
	struct json_object *extra;
};

static int search_doc_print(struct json_object *jso, struct printbuf *pb, int level, int flags)
{
	struct search_doc *d = json_object_get_userdata(jso);
	const char *x = json_object_to_json_string_ext(d->extra, flags);

	(void)level;
	printbuf_memappend(pb, d->json, (int)d->len);
	/* x is "{...}" with at least one member */
	printbuf_memappend(pb, ",", 1);
	printbuf_memappend(pb, x + 1, (int)strlen(x + 1));
	return 0;
}

static void search_doc_delete(struct json_object *jso, void *userdata)
{
	struct search_doc *d = userdata;

	(void)jso;
	json_object_put(d->extra);
}

/* An object that prints as document json (an object with members) and
 * the members of search_doc_extra's; NULL when json is not an object.
 * The arena must outlive the object. */
static struct json_object *search_doc_new(struct arena *a, const char *json)
{
	const char *end = strrchr(json, '}');
	struct search_doc *d;
	struct json_object *o;

	if (json[0] != '{' || !end || strspn(json + 1, " \t\r\n") == (size_t)(end - json - 1) ||
	    end[1 + strspn(end + 1, " \t\r\n")] != '\0')
		return NULL;
	d = arena_alloc(a, sizeof(*d));
	d->json = json;
	d->len = (size_t)(end - json);
	d->extra = json_object_new_object();
	o = json_object_new_object();
	json_object_set_serializer(o, search_doc_print, d, search_doc_delete);
	return o;
}

static struct json_object *search_doc_extra(struct json_object *doc)
{
	return ((struct search_doc *)json_object_get_userdata(doc))->extra;
}

/* The document's own "start_line" (a member of the outer object; nested
 * objects have theirs), 0 when null, 1 when absent. */
static int search_doc_start_line(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '"') {
			const char *k = ++p;

			while (*p && *p != '"')
				p += p[0] == '\\' && p[1] ? 2 : 1;
			if (!*p)
				break;
			if (depth == 1 && p - k == 10 && memcmp(k, "start_line", 10) == 0) {
				const char *v = p + 1 + strspn(p + 1, " \t\r\n");

				if (*v == ':') {
					long n = strtol(v + 1, NULL, 10);

					return n < 0 ? 0 : n > INT_MAX ? INT_MAX : (int)n;
				}
			}
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
		}
	}
	return 1;
}

static void search_run(struct http_request *r, struct search_request *q)
{
	struct api_ctx *ctx = r->thread_ctx;
	const struct conf *cfg = ctx->cfg;
	double t0 = search_now_ms(), t;
	struct search_query sq;
	struct search_terms terms;
	struct searchstore_filters f = {NULL, NULL, NULL, NULL, NULL};
	struct searchstore_keyword kw;
	struct searchstore_repo *repos = NULL;
	struct searchstore_hit *khits = NULL;
	struct fusion_leg legs[2];
	struct fusion_item *items;
	struct searchstore_doc *docs = NULL;
	struct json_object *reply, *results, *legsj;
	int64_t *sids = NULL, *kids, *page_ids;
	double *sscores = NULL, *kscores, kms = -1, sms = -1;
	size_t nrepos = 0, nk = 0, ns = 0, nitems, nlegs = 0, i, npage, ndocs = 0, want, depth;
	double kweight = -1, sweight = -1;
	char why[512], kerr[512] = "", serr[512] = "";
	int krc = 0, src = 0, rc, leg_of[2] = {-1, -1};
	bool do_kw = q->mode != MODE_SEMANTIC, do_sem = q->mode != MODE_KEYWORD;
	struct db *db;

	rc = search_query_parse(r->arena, q->query, q->query_len, &sq, why, sizeof(why));
	if (rc) {
		http_respond_error(r, rc, "%s", why);
		search_record(q->mode, search_now_ms() - t0, 0);
		return;
	}
	db = api_db(r);
	if (!db) {
		search_record(q->mode, search_now_ms() - t0, 1);
		return;
	}
	rc = searchstore_repositories_cached(search_repos, db, r->arena, q->repository, &repos, &nrepos);
	if (rc) {
		log_err("could not read repositories: %s | req=%s", db->errmsg, r->request_id);
		http_respond_error(r, rc, "could not read the repositories");
		search_record(q->mode, search_now_ms() - t0, 1);
		return;
	}
	if (q->repository && nrepos == 0) {
		http_respond_error(r, DX_E_NOTFOUND, "no repository '%.200s' (give its path or id)",
				   q->repository);
		search_record(q->mode, search_now_ms() - t0, 0);
		return;
	}
	want = (size_t)q->offset + (size_t)q->limit;
	/* Fusion looks deeper than the page: an entity ranked 15th by both
	 * legs belongs before one ranked 8th by one (bench/relevance). */
	depth = do_kw && do_sem ? 2 * want : want;

	/* keyword leg */
	if (do_kw) {
		t = search_now_ms();
		/* Every repository searched, by id: the name index leads with it. */
		if (nrepos > 0) {
			struct buf ids;

			buf_init(&ids, 0);
			for (i = 0; i < nrepos; i++)
				buf_printf(&ids, "%s%lld", i ? "," : "{", (long long)repos[i].id);
			buf_addstr(&ids, "}");
			f.repository_ids = arena_strndup(r->arena, buf_str(&ids), ids.len);
			buf_release(&ids);
		}
		f.language = q->language;
		f.kind = q->kind;
		f.path_like = q->path_prefix ? search_like_prefix(r->arena, q->path_prefix) : NULL;
		f.path_regex = q->path_glob ? search_glob_regex(r->arena, q->path_glob) : NULL;
		kw.tsq_all = sq.tsq_all;
		kw.tsq_any = sq.tsq_any;
		kw.tsq_all_named = sq.tsq_all_named;
		kw.tsq_all_name = sq.tsq_all_name;
		kw.name = sq.name;
		kw.name_like = sq.name && strlen(sq.name) >= 3 ? sq.name_like : NULL;
		kw.name_exact = sq.name ? sq.text : NULL;
		if (sq.tsq_all || sq.name) {
			int cap = cfg->search_keyword_candidates;

			cap = cap > (int)depth ? cap : (int)depth;
			/* Narrow first (full text, every word, and names equal to
			 * the token); broad (names with any word, substrings,
			 * trigrams) only when that is thin: a query that matches
			 * many entities by their words is no typo, and the name
			 * indexes are what costs for common trigrams. */
			krc = -1;
			if (search_kw_memory) {
				char why2[256] = "";

				krc = search_keyword_memory(r, db, &sq, q, repos, nrepos, depth,
							    KW_BRANCH_TEXT | KW_BRANCH_EXACT, &khits, &nk,
							    why2, sizeof(why2));
				if (krc == 0 &&
				    (sq.name ? nk < want && (nk == 0 || !khits[0].exact) : nk < 5))
					krc = search_keyword_memory(r, db, &sq, q, repos, nrepos, depth, ~0u,
								    &khits, &nk, why2, sizeof(why2));
				/* PostgreSQL answers when the index cannot be held */
				if (krc && why2[0])
					log_warn("keyword index unavailable, asking PostgreSQL: %s | req=%s",
						 why2, r->request_id);
			}
			if (krc) {
				krc = searchstore_keyword(db, r->arena, &kw, &f, cap, (int)depth,
							  SEARCHSTORE_KW_TEXT | SEARCHSTORE_KW_EXACT, &khits,
							  &nk);
				if (krc == 0 &&
				    (sq.name ? nk < want && (nk == 0 || !khits[0].exact) : nk < 5))
					krc = searchstore_keyword(db, r->arena, &kw, &f, cap, (int)depth, ~0u,
								  &khits, &nk);
			}
			if (krc) {
				log_err("keyword search failed: %s | req=%s", db->errmsg, r->request_id);
				snprintf(kerr, sizeof(kerr), "the keyword query failed in the database");
				nk = 0;
			}
		}
		kms = search_now_ms() - t;
	}
	kids = arena_alloc(r->arena, (nk + 1) * sizeof(int64_t));
	kscores = arena_alloc(r->arena, (nk + 1) * sizeof(double));
	for (i = 0; i < nk; i++) {
		kids[i] = khits[i].id;
		kscores[i] = khits[i].score;
	}
	/* semantic leg */
	if (do_sem) {
		t = search_now_ms();
		src = search_semantic(r, db, &sq, q, repos, nrepos, depth, &sids, &sscores, &ns, serr,
				      sizeof(serr));
		sms = search_now_ms() - t;
	}
	if ((!do_kw || krc) && (!do_sem || src)) {
		http_respond_error(r, DX_E_UNAVAILABLE, "search failed:%s%s%s%s", do_kw ? " keyword: " : "",
				   do_kw ? kerr : "", do_sem ? " semantic: " : "", do_sem ? serr : "");
		search_record(q->mode, search_now_ms() - t0, 1);
		return;
	}
	/* fusion (a single leg passes through unchanged) */
	if (do_kw && krc == 0) {
		bool any_all = false;

		/* A prose query of which no entity has every word got only
		 * loose matches (names with some word) from the keyword leg:
		 * they do not vote, the semantic leg ranks, and they follow
		 * its hits (bench/relevance: MRR@10 0.747 -> 0.782 with this
		 * alone, at any rank constant). */
		for (i = 0; i < nk && !any_all; i++)
			any_all = khits[i].all;
		kweight = sq.name || any_all || !do_sem || src ? 1.0 : 0.0;
		legs[nlegs] = (struct fusion_leg){kids, kscores, nk, kweight};
		leg_of[0] = (int)nlegs++;
	}
	if (do_sem && src == 0) {
		/* A one-token query (an identifier, a path, a file name) has
		 * exact and trigram evidence in the keyword leg that nearest
		 * neighbours only blur: there the semantic leg only breaks
		 * ties. For prose it counts half: with the local hashing
		 * provider it is the weaker leg (bench/relevance). */
		sweight = sq.name ? SEARCH_SEMANTIC_WEIGHT_TOKEN : SEARCH_SEMANTIC_WEIGHT_PROSE;
		legs[nlegs] = (struct fusion_leg){sids, sscores, ns, sweight};
		leg_of[1] = (int)nlegs++;
	}
	items = arena_alloc(r->arena, (nk + ns + 1) * sizeof(*items));
	nitems = fusion_rrf(legs, nlegs, FUSION_K, items);
	npage = nitems > (size_t)q->offset ? nitems - (size_t)q->offset : 0;
	if (npage > (size_t)q->limit)
		npage = (size_t)q->limit;
	page_ids = arena_alloc(r->arena, (npage + 1) * sizeof(int64_t));
	for (i = 0; i < npage; i++)
		page_ids[i] = items[q->offset + i].id;
	rc = search_read_docs(r, db, repos, nrepos, page_ids, npage, &docs, &ndocs);
	if (rc) {
		log_err("could not read hits: %s | req=%s", db->errmsg, r->request_id);
		http_respond_error(r, rc, "could not read the results");
		search_record(q->mode, search_now_ms() - t0, 1);
		return;
	}

	search_terms_init(&terms, &sq);
	results = json_object_new_array();
	for (i = 0, rc = 0; i < npage; i++) {
		const struct fusion_item *it = &items[q->offset + i];
		const struct searchstore_doc *d = NULL;
		struct json_object *doc, *extra, *scores, *sl;
		int line_no, leg;
		size_t j;

		for (j = 0; j < ndocs && !d; j++)
			if (docs[j].id == it->id)
				d = &docs[j];
		if (!d)
			continue; /* removed by a re-index since the legs ran */
		doc = search_doc_new(r->arena, d->json);
		if (!doc)
			continue;
		scores = json_object_new_object();
		for (leg = 0; leg < 2; leg++) {
			const char *name = leg == 0 ? "keyword" : "semantic";
			int l = leg_of[leg];

			if (l >= 0 && it->rank[l] > 0) {
				sl = json_object_new_object();
				json_object_object_add(sl, "score", json_object_new_double(it->score[l]));
				json_object_object_add(sl, "rank", json_object_new_int(it->rank[l]));
				/* did the entity have every word, or only some */
				if (leg == 0)
					json_object_object_add(
					    sl, "all_words",
					    json_object_new_boolean(khits[it->rank[l] - 1].all));
				json_object_object_add(scores, name, sl);
			} else {
				json_object_object_add(scores, name, NULL);
			}
		}
		json_object_object_add(scores, "fused", json_object_new_double(it->fused));
		extra = search_doc_extra(doc);
		json_object_object_add(extra, "scores", scores);
		json_object_object_add(
		    extra, "snippet",
		    json_object_new_string(search_snippet(r->arena, &terms, d->content,
							  search_doc_start_line(d->json), &line_no)));
		json_object_object_add(extra, "snippet_line", json_object_new_int(line_no));
		json_object_array_add(results, doc);
	}
	legsj = json_object_new_object();
	json_object_object_add(legsj, "keyword",
			       !do_kw ? search_leg_json("skipped", -1, 0, -1, NULL)
				      : search_leg_json(krc ? "failed" : "ok", kms, nk, kweight, kerr));
	json_object_object_add(
	    legsj, "semantic",
	    !do_sem ? search_leg_json("skipped", -1, 0, -1, NULL)
		    : search_leg_json(src ? "failed" : (serr[0] ? "partial" : "ok"), sms, ns, sweight, serr));
	reply = json_object_new_object();
	json_object_object_add(reply, "query", json_object_new_string(sq.text));
	json_object_object_add(reply, "mode", json_object_new_string(search_mode_names[q->mode]));
	json_object_object_add(reply, "results", results);
	json_object_object_add(reply, "count", json_object_new_int((int)json_object_array_length(results)));
	json_object_object_add(reply, "offset", json_object_new_int(q->offset));
	json_object_object_add(reply, "limit", json_object_new_int(q->limit));
	json_object_object_add(reply, "has_more", json_object_new_boolean(nitems > want));
	json_object_object_add(reply, "legs", legsj);
	t = search_now_ms() - t0;
	json_object_object_add(reply, "took_ms", json_object_new_double((double)(long)(t * 1000) / 1000.0));
	http_respond_json(r, 200, reply);
	json_object_put(reply);
	search_record(q->mode, t, 0);
}

void api_search_hybrid(struct http_request *r)
{
	struct search_request q;

	memset(&q, 0, sizeof(q));
	q.limit = 20;
	if (search_decode_post(r, &q))
		return;
	search_run(r, &q);
}

void api_search_get(struct http_request *r)
{
	struct search_request q;

	memset(&q, 0, sizeof(q));
	q.limit = 20;
	if (search_decode_get(r, &q))
		return;
	search_run(r, &q);
}

void api_entities_get(struct http_request *r)
{
	const char *id = r->params[0], *json;
	struct db *db;
	int rc;

	if (!*id || strlen(id) > 18 || strspn(id, "0123456789") != strlen(id)) {
		http_respond_error(r, DX_E_NOTFOUND, "no entity with id '%.64s' (entity ids are integers)",
				   id);
		return;
	}
	db = api_db(r);
	if (!db)
		return;
	rc = searchstore_entity_json(db, r->arena, strtoll(id, NULL, 10), &json);
	if (rc == DX_E_NOTFOUND) {
		http_respond_error(r, rc, "no entity with id %s", id);
		return;
	}
	if (rc) {
		log_err("could not read entity: %s | req=%s", db->errmsg, r->request_id);
		http_respond_error(r, rc, "could not read the entity");
		return;
	}
	http_respond_text(r, 200, "application/json", json);
}

/* What a cache kept valid by LISTEN/NOTIFY (store/pglisten.h) reports. */
static struct json_object *listened_cache_json(const struct pglisten_cache_stats *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "listening", json_object_new_boolean(st->listening));
	json_object_object_add(o, "entries", json_object_new_int64((int64_t)st->entries));
	json_object_object_add(o, "hits", json_object_new_int64((int64_t)st->hits));
	json_object_object_add(o, "misses", json_object_new_int64((int64_t)st->misses));
	json_object_object_add(o, "notifications", json_object_new_int64((int64_t)st->notifications));
	return o;
}

void api_search_health(struct http_request *r)
{
	struct api_ctx *ctx = r->thread_ctx;
	struct searchstats_summary s;
	struct vecindex_stats vs;
	struct json_object *reply = json_object_new_object(), *lat = json_object_new_object();
	struct json_object *tgt = json_object_new_object(), *vx = json_object_new_object();
	struct json_object *kx = json_object_new_object();
	bool p50_ok, p95_ok, kw_ok = true;

	searchstats_summary(&s);
	vecindex_get_stats(search_vx, &vs);
	p50_ok = s.count == 0 || s.p50_ms <= ctx->cfg->search_target_p50_ms;
	p95_ok = s.count == 0 || s.p95_ms <= ctx->cfg->search_target_p95_ms;
	json_object_object_add(lat, "window", json_object_new_int64((int64_t)s.count));
	json_object_object_add(lat, "queries", json_object_new_int64((int64_t)s.total));
	json_object_object_add(lat, "failed", json_object_new_int64((int64_t)s.failed));
	json_object_object_add(lat, "p50_ms", json_object_new_double(s.p50_ms));
	json_object_object_add(lat, "p95_ms", json_object_new_double(s.p95_ms));
	json_object_object_add(lat, "p99_ms", json_object_new_double(s.p99_ms));
	json_object_object_add(lat, "max_ms", json_object_new_double(s.max_ms));
	json_object_object_add(tgt, "p50_ms", json_object_new_int(ctx->cfg->search_target_p50_ms));
	json_object_object_add(tgt, "p95_ms", json_object_new_int(ctx->cfg->search_target_p95_ms));
	json_object_object_add(tgt, "p50_met", json_object_new_boolean(p50_ok));
	json_object_object_add(tgt, "p95_met", json_object_new_boolean(p95_ok));
	json_object_object_add(vx, "repositories", json_object_new_int64((int64_t)vs.sets));
	json_object_object_add(vx, "vectors", json_object_new_int64((int64_t)vs.vectors));
	json_object_object_add(vx, "bytes", json_object_new_int64((int64_t)vs.bytes));
	json_object_object_add(vx, "budget_bytes", json_object_new_int64((int64_t)vs.budget));
	json_object_object_add(vx, "loads", json_object_new_int64((int64_t)vs.loads));
	json_object_object_add(kx, "mode",
			       json_object_new_string(search_kw_memory ? "memory" : "postgresql"));
	json_object_object_add(kx, "repositories", json_object_new_int64((int64_t)vs.other_sets));
	json_object_object_add(kx, "entities", json_object_new_int64((int64_t)vs.other_items));
	json_object_object_add(kx, "bytes", json_object_new_int64((int64_t)vs.other_bytes));
	if (!search_kw_memory) {
		/* docxp migrate makes them for this mode; without them every
		 * keyword search scans the entities. */
		char why[256];
		struct db *db = api_db_quiet(r, why, sizeof(why));
		int present = -1, expected = 0;

		if (db && migrate_search_indexes_present(db, &present, &expected) != 0)
			present = -1;
		json_object_object_add(kx, "postgresql_indexes", json_object_new_int(present));
		json_object_object_add(kx, "postgresql_indexes_expected", json_object_new_int(expected));
		if (present >= 0 && present < expected) {
			json_object_object_add(
			    kx, "hint",
			    json_object_new_string("keyword_index = postgresql needs its GIN "
						   "indexes: run docxp migrate"));
			kw_ok = false;
		}
	}
	json_object_object_add(reply, "status",
			       json_object_new_string(p50_ok && p95_ok && kw_ok ? "ok" : "degraded"));
	json_object_object_add(reply, "latency", lat);
	json_object_object_add(reply, "targets", tgt);
	json_object_object_add(reply, "vector_index", vx);
	json_object_object_add(reply, "keyword_index", kx);
	{
		struct doccache_stats ds;
		struct json_object *dc = json_object_new_object();

		doccache_get_stats(search_docs, &ds);
		json_object_object_add(dc, "entries", json_object_new_int64((int64_t)ds.entries));
		json_object_object_add(dc, "bytes", json_object_new_int64((int64_t)ds.bytes));
		json_object_object_add(dc, "budget_bytes", json_object_new_int64((int64_t)ds.budget));
		json_object_object_add(dc, "hits", json_object_new_int64((int64_t)ds.hits));
		json_object_object_add(dc, "misses", json_object_new_int64((int64_t)ds.misses));
		json_object_object_add(reply, "document_cache", dc);
	}
	{
		struct pglisten_cache_stats st;

		searchstore_repocache_get_stats(search_repos, &st);
		json_object_object_add(reply, "repository_cache", listened_cache_json(&st));
		api_key_cache_get_stats(&st);
		json_object_object_add(reply, "key_cache", listened_cache_json(&st));
	}
	http_respond_json(r, 200, reply);
	json_object_put(reply);
}
