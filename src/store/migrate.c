/*
 * migrate.c - applying the compiled-in migrations.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

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
