/*
 * keystore.h - API keys: creation, listing, revocation, verification.
 *
 * A key is "dxp_<key_id>_<secret>" with 256 random bits of secret; it is
 * shown once at creation and stored only as a SHA-256. Scopes are ordered:
 * read < write < admin (a key has its scope and those below).
 */
#ifndef DOCXP_KEYSTORE_H
#define DOCXP_KEYSTORE_H

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

#endif
