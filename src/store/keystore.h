/*
 * keystore.h - API keys: creation, listing, revocation, verification.
 *
 * A key is "dxp_<key_id>_<secret>" with 256 random bits of secret; it is
 * shown once at creation and stored only as a SHA-256. Scopes are ordered:
 * read < write < admin (a key has its scope and those below).
 */
#ifndef DOCXP_KEYSTORE_H
#define DOCXP_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

enum key_scope { SCOPE_NONE = 0, SCOPE_READ = 1, SCOPE_WRITE = 2, SCOPE_ADMIN = 3 };

struct key_principal {
	int64_t id;
	char key_id[32];
	char name[128];
	enum key_scope scope;
};

/* SCOPE_* of "read", "write", "admin"; SCOPE_NONE otherwise. */
enum key_scope keystore_scope(const char *name);
const char *keystore_scope_name(enum key_scope scope);

/* Creates a key. Returns 0 with the key (arena-owned) in *key, or
 * DX_E_CONFLICT (name taken), DX_E_VALIDATION, DX_E_DB. */
int keystore_create(struct db *db, struct arena *a, const char *name, enum key_scope scope, const char **key);

/* {"keys":[{name,key_id,scope,created_at,last_used_at,revoked_at}]} */
int keystore_list_json(struct db *db, struct arena *a, const char **json);

/* Revokes by name or key_id. Returns 0, DX_E_NOTFOUND or DX_E_DB. */
int keystore_revoke(struct db *db, const char *name_or_id);

/* Checks a presented key in constant time. Returns 0 with *who filled,
 * DX_E_UNAUTHORIZED (unknown, malformed or revoked) or DX_E_DB. */
int keystore_verify(struct db *db, const char *key, struct key_principal *who);

/*
 * A cache of the api_keys rows that keystore_verify reads, in the API
 * process, with the invalidation of searchstore's repository cache: rows
 * are kept only while a connection of its own (store/pglisten.h) LISTENs
 * on docxp_keys_changed, to which the triggers of sql/012_keys_notify.sql
 * notify at the commit of any change to a key (created, deleted, revoked,
 * scope, name, hash; not last_used_at alone); every notification drops
 * every row, and rows older than 10 s are read again. A revoked, deleted
 * or changed key is thus refused or seen by the requests that start after
 * the change's notification reached this process. The presented secret is
 * checked against the kept hash on every request. Only keys that exist
 * are kept (at most 1024: then it starts again), so that requests with
 * made-up key ids cannot grow it. last_used_at is still written at most
 * once a minute per key.
 */
struct keystore_cache;

/* A cache that listens with its own connection to uri (on first use). */
struct keystore_cache *keystore_cache_new(const char *uri);
void keystore_cache_free(struct keystore_cache *c);

/* keystore_verify, from c when it can be (c NULL: always asks). get_db
 * gives the connection to ask with, and is called only when one is
 * needed (NULL from it: DX_E_DB). */
int keystore_verify_cached(struct keystore_cache *c, struct db *(*get_db)(void *arg), void *arg,
			   const char *key, struct key_principal *who);

struct pglisten_cache_stats;
void keystore_cache_get_stats(struct keystore_cache *c, struct pglisten_cache_stats *st);

#endif
