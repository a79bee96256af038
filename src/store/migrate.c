/*
 * migrate.c - applying the compiled-in migrations.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/migrate.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/status.h"

/* Any constant shared by all docxp processes; "docxp" in ASCII. */
#define MIGRATE_LOCK_KEY "6684760288368"

int migrate_latest_version(void)
{
	int v = 0;
	unsigned int i;

	for (i = 0; i < migrations_count; i++)
		if (migrations[i].version > v)
			v = migrations[i].version;
	return v;
}

int migrate_current_version(struct db *db)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	rc = db_query(db, a, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL, &res);
	if (rc == 0)
		rc = (int)db_int64(res, 0, 0);
	arena_free(a);
	return rc;
}

int migrate_run(struct db *db, int *applied)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	unsigned int i;
	int rc;

	*applied = 0;
	rc = db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")");
	if (rc)
		goto out;
	rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 " version integer PRIMARY KEY, name text NOT NULL,"
			 " applied_at timestamptz NOT NULL DEFAULT now())");
	if (rc)
		goto unlock;
	for (i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		char version[16];
		const char *params[2] = {version, m->name};

		snprintf(version, sizeof(version), "%d", m->version);
		rc = db_query(db, a, "SELECT 1 FROM schema_migrations WHERE version = $1", 1, params, &res);
		if (rc)
			goto unlock;
		if (db_nrows(res) > 0)
			continue;
		rc = db_begin(db);
		if (rc == 0)
			rc = db_exec(db, m->sql);
		if (rc == 0)
			rc = db_query(db, NULL,
				      "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2,
				      params, NULL);
		if (rc == 0)
			rc = db_commit(db);
		if (rc) {
			char why[sizeof(db->errmsg)];

			snprintf(why, sizeof(why), "%s", db->errmsg);
			db_rollback(db);
			snprintf(db->errmsg, sizeof(db->errmsg), "migration %s failed: %s", m->name, why);
			goto unlock;
		}
		log_info("applied migration | version=%d name=%s", m->version, m->name);
		(*applied)++;
	}
unlock:
	if (db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")") && rc == 0)
		rc = DX_E_DB;
out:
	arena_free(a);
	return rc;
}

/* The indexes of the PostgreSQL keyword leg: sql/002's definitions, the
 * GIN ones with 4 MB pending lists as sql/005 set them; the exact-name
 * branch's btree as sql/015 left it to this leg. */
#define GIN_PENDING " WITH (gin_pending_list_limit = 4096)"
static const struct {
	const char *name, *def;
} search_indexes[] = {
    {"entities_search_tsv_idx", "entities USING gin (search_tsv)" GIN_PENDING},
    {"entities_name_words_idx",
     "entities USING gin (to_tsvector('simple', docxp_code_words(name)))" GIN_PENDING},
    {"entities_name_trgm_idx", "entities USING gin (lower(name) gin_trgm_ops)" GIN_PENDING},
    {"entities_qualified_name_trgm_idx",
     "entities USING gin (lower(qualified_name) gin_trgm_ops)" GIN_PENDING},
    {"entities_repository_name_idx", "entities (repository_id, name)"},
};

int migrate_search_indexes(struct db *db, bool wanted, int *changed)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	size_t i;
	int rc = 0;

	*changed = 0;
	for (i = 0; i < sizeof(search_indexes) / sizeof(search_indexes[0]) && rc == 0; i++) {
		const char *name = search_indexes[i].name;

		rc = db_query(db, a, "SELECT to_regclass($1) IS NOT NULL", 1, &name, &res);
		if (rc || (strcmp(db_value(res, 0, 0), "t") == 0) == wanted)
			continue;
		if (wanted) {
			log_notice("creating search index | index=%s", name);
			rc = db_exec(db, arena_printf(a, "CREATE INDEX IF NOT EXISTS %s ON %s", name,
						      search_indexes[i].def));
		} else {
			log_notice("dropping search index (keyword_index is not postgresql) | index=%s",
				   name);
			rc = db_exec(db, arena_printf(a, "DROP INDEX IF EXISTS %s", name));
		}
		if (rc == 0)
			(*changed)++;
	}
	arena_free(a);
	return rc;
}

int migrate_search_indexes_present(struct db *db, int *present, int *expected)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	size_t i;
	int rc = 0;

	*present = 0;
	*expected = (int)(sizeof(search_indexes) / sizeof(search_indexes[0]));
	for (i = 0; i < sizeof(search_indexes) / sizeof(search_indexes[0]) && rc == 0; i++) {
		rc = db_query(db, a, "SELECT to_regclass($1) IS NOT NULL", 1, &search_indexes[i].name, &res);
		if (rc == 0 && strcmp(db_value(res, 0, 0), "t") == 0)
			(*present)++;
	}
	arena_free(a);
	return rc;
}
