/*
 * keystore.c - API keys in PostgreSQL.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "store/db.h"
#include "store/keystore.h"
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

int keystore_verify(struct db *db, const char *key, struct key_principal *who)
{
	uint8_t md[DIGEST_SHA256_LEN];
	char id_hex[2 * KEY_ID_BYTES + 1];
	const char *params[1] = {id_hex};
	struct pg_result *res;
	struct arena *a;
	size_t i;
	int rc;

	/* Shape first: "dxp_" + 12 hex + "_" + 64 hex. */
	if (strlen(key) != 4 + 2 * KEY_ID_BYTES + 1 + 2 * KEY_SECRET_BYTES ||
	    strncmp(key, KEY_PREFIX, 4) != 0 || key[4 + 2 * KEY_ID_BYTES] != '_')
		return DX_E_UNAUTHORIZED;
	for (i = 4; key[i]; i++)
		if (i != 4 + 2 * KEY_ID_BYTES && !strchr("0123456789abcdef", key[i]))
			return DX_E_UNAUTHORIZED;
	memcpy(id_hex, key + 4, 2 * KEY_ID_BYTES);
	id_hex[2 * KEY_ID_BYTES] = '\0';
	a = arena_new();
	rc = db_query(db, a,
		      "SELECT id, name, scope, revoked_at IS NOT NULL, encode(key_sha256, 'hex'),"
		      " last_used_at IS NULL OR last_used_at < now() - interval '1 minute'"
		      " FROM api_keys WHERE key_id = $1",
		      1, params, &res);
	if (rc)
		goto out;
	digest_sha256(key, strlen(key), md);
	if (db_nrows(res) == 0) {
		rc = DX_E_UNAUTHORIZED;
		goto out;
	}
	{
		char hex[2 * DIGEST_SHA256_LEN + 1];

		digest_hex(md, sizeof(md), hex);
		/* Constant time: how much of the hash matched must not show. */
		if (CRYPTO_memcmp(hex, db_value(res, 0, 4), sizeof(hex) - 1) != 0 ||
		    strcmp(db_value(res, 0, 3), "t") == 0) {
			rc = DX_E_UNAUTHORIZED;
			goto out;
		}
	}
	who->id = db_int64(res, 0, 0);
	snprintf(who->key_id, sizeof(who->key_id), "%s", id_hex);
	snprintf(who->name, sizeof(who->name), "%s", db_value(res, 0, 1));
	who->scope = keystore_scope(db_value(res, 0, 2));
	/* last_used_at at most once a minute: no write per request. */
	if (strcmp(db_value(res, 0, 5), "t") == 0)
		(void)db_query(db, NULL, "UPDATE api_keys SET last_used_at = now() WHERE key_id = $1", 1,
			       params, NULL);
out:
	arena_free(a);
	return rc;
}
