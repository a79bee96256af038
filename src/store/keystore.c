/*
 * keystore.c - API keys in PostgreSQL.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/crypto.h>

#include "store/db.h"
#include "store/keystore.h"
#include "store/pglisten.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/digest.h"
#include "util/status.h"

#define KEY_PREFIX	 "dxp_"
#define KEY_ID_BYTES	 6
#define KEY_SECRET_BYTES 32

static const char *const scope_names[] = {"none", "read", "write", "admin"};

enum key_scope keystore_scope(const char *name)
{
	int i;

	for (i = SCOPE_READ; i <= SCOPE_ADMIN; i++)
		if (strcmp(scope_names[i], name) == 0)
			return (enum key_scope)i;
	return SCOPE_NONE;
}

const char *keystore_scope_name(enum key_scope scope)
{
	return scope_names[scope <= SCOPE_ADMIN ? scope : 0];
}

static int random_bytes(uint8_t *out, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		got += (size_t)r;
	}
	return 0;
}

int keystore_create(struct db *db, struct arena *a, const char *name, enum key_scope scope, const char **key)
{
	uint8_t idb[KEY_ID_BYTES], secret[KEY_SECRET_BYTES], md[DIGEST_SHA256_LEN];
	char id_hex[2 * KEY_ID_BYTES + 1], secret_hex[2 * KEY_SECRET_BYTES + 1],
	    md_hex[2 * DIGEST_SHA256_LEN + 3];
	const char *params[4];
	char *k;
	int rc;

	if (scope == SCOPE_NONE || !*name || strlen(name) > 100)
		return DX_E_VALIDATION;
	rc = random_bytes(idb, sizeof(idb));
	if (rc == 0)
		rc = random_bytes(secret, sizeof(secret));
	if (rc)
		return rc;
	digest_hex(idb, sizeof(idb), id_hex);
	digest_hex(secret, sizeof(secret), secret_hex);
	k = arena_printf(a, KEY_PREFIX "%s_%s", id_hex, secret_hex);
	digest_sha256(k, strlen(k), md);
	md_hex[0] = '\\';
	md_hex[1] = 'x';
	digest_hex(md, sizeof(md), md_hex + 2);
	params[0] = id_hex;
	params[1] = name;
	params[2] = md_hex;
	params[3] = keystore_scope_name(scope);
	rc = db_query(db, a,
		      "INSERT INTO api_keys (key_id, name, key_sha256, scope) VALUES ($1, $2, $3::bytea, $4)",
		      4, params, NULL);
	if (rc)
		return rc;
	*key = k;
	return 0;
}

int keystore_list_json(struct db *db, struct arena *a, const char **json)
{
	struct pg_result *res;
	int rc;

	rc = db_query(
	    db, a,
	    "SELECT json_build_object('keys', coalesce(json_agg(json_build_object('name', name, 'key_id',"
	    " key_id, 'scope', scope, 'created_at', created_at, 'last_used_at', last_used_at,"
	    " 'revoked_at', revoked_at) ORDER BY created_at), '[]'::json)) FROM api_keys",
	    0, NULL, &res);
	if (rc)
		return rc;
	*json = db_value(res, 0, 0);
	return 0;
}

int keystore_revoke(struct db *db, const char *name_or_id)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	rc = db_query(db, a,
		      "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
		      " WHERE name = $1 OR key_id = $1 RETURNING id",
		      1, &name_or_id, &res);
	if (rc == 0 && db_nrows(res) == 0)
		rc = DX_E_NOTFOUND;
	arena_free(a);
	return rc;
}

/* An api_keys row, as keystore_verify needs it. */
struct key_row {
	int64_t id;
	char key_id[2 * KEY_ID_BYTES + 1];
	char name[128];
	enum key_scope scope;
	bool revoked;
	char sha256_hex[2 * DIGEST_SHA256_LEN + 1];
	/* seconds since last_used_at was written, < 0: more than a minute
	 * or never */
	double used_age;
};

/* The key id of a well-formed key ("dxp_" + 12 hex + "_" + 64 hex) into
 * id_hex, or DX_E_UNAUTHORIZED. */
static int key_shape(const char *key, char *id_hex)
{
	size_t i;

	if (strlen(key) != 4 + 2 * KEY_ID_BYTES + 1 + 2 * KEY_SECRET_BYTES ||
	    strncmp(key, KEY_PREFIX, 4) != 0 || key[4 + 2 * KEY_ID_BYTES] != '_')
		return DX_E_UNAUTHORIZED;
	for (i = 4; key[i]; i++)
		if (i != 4 + 2 * KEY_ID_BYTES && !strchr("0123456789abcdef", key[i]))
			return DX_E_UNAUTHORIZED;
	memcpy(id_hex, key + 4, 2 * KEY_ID_BYTES);
	id_hex[2 * KEY_ID_BYTES] = '\0';
	return 0;
}

/* The row of key_id. Returns 0, DX_E_NOTFOUND or DX_E_DB. */
static int key_fetch(struct db *db, const char *key_id, struct key_row *row)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	rc = db_query(db, a,
		      "SELECT id, name, scope, revoked_at IS NOT NULL, encode(key_sha256, 'hex'),"
		      " CASE WHEN last_used_at IS NULL OR last_used_at < now() - interval '1 minute' THEN -1"
		      " ELSE greatest(0, extract(epoch FROM now() - last_used_at)) END"
		      " FROM api_keys WHERE key_id = $1",
		      1, &key_id, &res);
	if (rc == 0 && db_nrows(res) == 0)
		rc = DX_E_NOTFOUND;
	if (rc == 0) {
		memset(row, 0, sizeof(*row));
		row->id = db_int64(res, 0, 0);
		snprintf(row->key_id, sizeof(row->key_id), "%s", key_id);
		snprintf(row->name, sizeof(row->name), "%s", db_value(res, 0, 1));
		row->scope = keystore_scope(db_value(res, 0, 2));
		row->revoked = strcmp(db_value(res, 0, 3), "t") == 0;
		snprintf(row->sha256_hex, sizeof(row->sha256_hex), "%s", db_value(res, 0, 4));
		row->used_age = strtod(db_value(res, 0, 5), NULL);
	}
	arena_free(a);
	return rc;
}

/* Checks key against its row. Returns 0 with *who filled or
 * DX_E_UNAUTHORIZED. */
static int key_check(const char *key, const struct key_row *row, struct key_principal *who)
{
	uint8_t md[DIGEST_SHA256_LEN];
	char hex[2 * DIGEST_SHA256_LEN + 1];

	digest_sha256(key, strlen(key), md);
	digest_hex(md, sizeof(md), hex);
	/* Constant time: how much of the hash matched must not show. */
	if (strlen(row->sha256_hex) != sizeof(hex) - 1 ||
	    CRYPTO_memcmp(hex, row->sha256_hex, sizeof(hex) - 1) != 0 || row->revoked)
		return DX_E_UNAUTHORIZED;
	who->id = row->id;
	snprintf(who->key_id, sizeof(who->key_id), "%s", row->key_id);
	snprintf(who->name, sizeof(who->name), "%s", row->name);
	who->scope = row->scope;
	return 0;
}

/* last_used_at = now(), unless another process wrote it within the
 * minute; failures are ignored (bookkeeping only). */
static void key_touch(struct db *db, const char *key_id)
{
	(void)db_query(db, NULL,
		       "UPDATE api_keys SET last_used_at = now() WHERE key_id = $1"
		       " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
		       1, &key_id, NULL);
}

int keystore_verify(struct db *db, const char *key, struct key_principal *who)
{
	char id_hex[2 * KEY_ID_BYTES + 1];
	struct key_row row;
	int rc;

	rc = key_shape(key, id_hex);
	if (rc == 0)
		rc = key_fetch(db, id_hex, &row);
	if (rc == DX_E_NOTFOUND)
		rc = DX_E_UNAUTHORIZED;
	if (rc == 0)
		rc = key_check(key, &row, who);
	/* last_used_at at most once a minute: no write per request. */
	if (rc == 0 && row.used_age < 0)
		key_touch(db, id_hex);
	return rc;
}

/* ---- the cache of api_keys rows ------------------------------------- */

#define KEYCACHE_MAX	   1024
#define KEYCACHE_MAX_AGE_S 10.0
#define KEYCACHE_TOUCH_S   60.0

struct keycache_entry {
	struct key_row row;
	uint64_t gen;
	double at;	   /* when the row was read */
	double touched_at; /* when last_used_at was last written (as far as we know) */
};

struct keystore_cache {
	pthread_mutex_t mu;
	struct pglisten *listen; /* docxp_keys_changed */
	struct keycache_entry *e;
	size_t n; /* e[0 .. n - 1] are in use */
	unsigned long hits, misses;
};

static double keycache_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct keystore_cache *keystore_cache_new(const char *uri)
{
	static const char *const tables[] = {"api_keys", NULL};
	struct keystore_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->e = xcalloc(KEYCACHE_MAX, sizeof(*c->e));
	c->listen = pglisten_new(uri, "docxp_keys_changed", tables, "API key verifications");
	return c;
}

void keystore_cache_free(struct keystore_cache *c)
{
	if (!c)
		return;
	pglisten_free(c->listen);
	free(c->e);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* The entry of key_id, or NULL. Caller holds mu. */
static struct keycache_entry *keycache_find(struct keystore_cache *c, const char *key_id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->e[i].row.key_id, key_id) == 0)
			return &c->e[i];
	return NULL;
}

int keystore_verify_cached(struct keystore_cache *c, struct db *(*get_db)(void *arg), void *arg,
			   const char *key, struct key_principal *who)
{
	char id_hex[2 * KEY_ID_BYTES + 1];
	struct keycache_entry *e;
	struct key_row row;
	bool touch = false;
	struct db *db;
	uint64_t gen;
	double now;
	int rc;

	if (!c) {
		db = get_db(arg);
		return db ? keystore_verify(db, key, who) : DX_E_DB;
	}
	rc = key_shape(key, id_hex);
	if (rc)
		return rc;
	gen = pglisten_gen(c->listen);
	now = keycache_now();
	pthread_mutex_lock(&c->mu);
	e = gen ? keycache_find(c, id_hex) : NULL;
	if (e && e->gen == gen && now - e->at <= KEYCACHE_MAX_AGE_S) {
		row = e->row;
		if (now - e->touched_at >= KEYCACHE_TOUCH_S) {
			/* this request writes it: not the others meanwhile */
			e->touched_at = now;
			touch = true;
		}
		c->hits++;
		pthread_mutex_unlock(&c->mu);
		rc = key_check(key, &row, who);
		if (rc == 0 && touch && (db = get_db(arg)) != NULL)
			key_touch(db, id_hex);
		return rc;
	}
	c->misses++;
	pthread_mutex_unlock(&c->mu);
	db = get_db(arg);
	if (!db)
		return DX_E_DB;
	/* The row is kept under the generation read before the question: a
	 * change notified meanwhile makes it stale at once. */
	rc = key_fetch(db, id_hex, &row);
	if (rc == DX_E_DB)
		return rc;
	if (rc == 0 && row.used_age < 0)
		key_touch(db, id_hex);
	pthread_mutex_lock(&c->mu);
	e = keycache_find(c, id_hex);
	if (rc == DX_E_NOTFOUND) {
		/* deleted: its place goes to the last one */
		if (e)
			*e = c->e[--c->n];
	} else if (gen && gen == pglisten_gen_peek(c->listen)) {
		if (!e && c->n == KEYCACHE_MAX)
			c->n = 0; /* full: start again */
		if (!e)
			e = &c->e[c->n++];
		e->row = row;
		e->gen = gen;
		e->at = now;
		e->touched_at = row.used_age < 0 ? now : now - row.used_age;
	}
	pthread_mutex_unlock(&c->mu);
	if (rc == DX_E_NOTFOUND)
		return DX_E_UNAUTHORIZED;
	return key_check(key, &row, who);
}

void keystore_cache_get_stats(struct keystore_cache *c, struct pglisten_cache_stats *st)
{
	pglisten_get_stats(c ? c->listen : NULL, st);
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	st->entries = c->n;
	st->hits = c->hits;
	st->misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
