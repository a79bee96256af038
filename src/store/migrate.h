/*
 * migrate.h - forward-only schema migrations.
 *
 * The migrations are the files sql/NNN_name.sql compiled into the program
 * (migrations_data.c). Applied versions are recorded in schema_migrations;
 * concurrent runs are serialised by an advisory lock; re-running is a
 * no-op. Each migration runs in its own transaction.
 */
#ifndef DOCXP_MIGRATE_H
#define DOCXP_MIGRATE_H

#include <stdbool.h>

struct db;

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const unsigned int migrations_count;

/* Applies what is missing. Returns 0 and the number applied in *applied,
 * or DX_E_DB (db->errmsg says which migration failed and why). */
int migrate_run(struct db *db, int *applied);

/*
 * Makes the GIN indexes of the PostgreSQL keyword leg (sql/006) exist when
 * wanted ([search] keyword_index = postgresql) and not otherwise. Sets
 * *changed to the number of indexes created or dropped. Returns 0 or DX_E_DB.
 */
int migrate_search_indexes(struct db *db, bool wanted, int *changed);

/* How many of the PostgreSQL keyword leg's GIN indexes exist (*present)
 * out of how many (*expected). Returns 0 or DX_E_DB. */
int migrate_search_indexes_present(struct db *db, int *present, int *expected);

/* The highest applied version (0 for an empty database), or negative on error. */
int migrate_current_version(struct db *db);

/* The highest version this program knows. */
int migrate_latest_version(void);

#endif
