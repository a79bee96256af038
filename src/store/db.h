/*
 * db.h - a PostgreSQL connection and the helpers every store module uses.
 *
 * Only src/store/ includes <libpq-fe.h>. A struct db is used by one thread
 * at a time. Results are registered on the caller's arena and freed with
 * it. After a failure db->errmsg says why (lower case, one line).
 */
#ifndef DOCXP_DB_H
#define DOCXP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct pg_result;

#define DB_MAX_PREPARED 32

struct db {
	void *conn; /* PGconn * */
	char *uri;
	char errmsg[512];
	/* Statements prepared on the connection (db_query_prepared): a name
	 * counts only for the connection it was prepared on. */
	unsigned generation; /* bumped at every (re)connection */
	struct {
		const char *name;
		unsigned generation;
	} prepared[DB_MAX_PREPARED];
	int nprepared;
};

/* Connects to uri. Returns 0 or DX_E_DB (errmsg set; the uri's password is
 * never copied into it). Call db_close in any case. */
int db_connect(struct db *db, const char *uri);

/* Closes the connection (NULL-safe, idempotent). */
void db_close(struct db *db);

/* Runs "SELECT 1" and reports its round trip. Returns 0 or DX_E_DB. */
int db_ping(struct db *db, double *latency_ms);

/*
 * Runs sql with text parameters (params[i] NULL = SQL NULL). On success
 * returns 0 and, when res is not NULL, the result (owned by arena a). A
 * broken connection is re-established once before giving up. Failures:
 * DX_E_DB, or DX_E_CONFLICT for a unique violation, with errmsg set.
 */
int db_query(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
	     struct pg_result **res);

/* As db_query, as the statement called name (a string constant; one
 * name, one sql), prepared once per connection (again after a reconnect):
 * statements run for every chunk or query are parsed once, and planned
 * once when PostgreSQL's generic plan is as good. Only for statements
 * whose best plan does not depend on the values (a primary key, not an
 * array of paths: a generic plan made when a table was small scans it). */
int db_query_prepared(struct db *db, struct arena *a, const char *name, const char *sql, int nparams,
		      const char *const *params, struct pg_result **res);

/* Runs sql (one or more statements) without parameters and result. */
int db_exec(struct db *db, const char *sql);

int db_begin(struct db *db);
int db_commit(struct db *db);
/* Rolls back; never fails loudly (used on error paths). */
void db_rollback(struct db *db);

/* Accessors on a result returned by db_query. */
int db_nrows(const struct pg_result *res);
/* Value as a string ("" for NULL; owned by the result). */
const char *db_value(const struct pg_result *res, int row, int col);
bool db_isnull(const struct pg_result *res, int row, int col);
int64_t db_int64(const struct pg_result *res, int row, int col);
/* Column number of a name, or -1. */
int db_column(const struct pg_result *res, const char *name);

/* COPY FROM STDIN helpers for bulk inserts: db_copy_begin runs the COPY
 * statement, db_copy_put sends data, db_copy_end finishes. */
int db_copy_begin(struct db *db, const char *copy_sql);
int db_copy_put(struct db *db, const char *data, int len);
int db_copy_end(struct db *db);

/* Escapes s for COPY text format (backslash, tab, newline, CR) into b. */
struct buf;
int db_copy_escape(struct buf *b, const char *s, size_t len);

#endif
