/*
 * db.c - libpq connection handling and query helpers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

/* libpq's messages end in a newline and may span lines: keep the first. */
static void db_set_error(struct db *db, const char *what, const char *pgmsg)
{
	size_t n;

	snprintf(db->errmsg, sizeof(db->errmsg), "%s: %s", what, pgmsg ? pgmsg : "unknown error");
	n = strcspn(db->errmsg, "\n");
	db->errmsg[n] = '\0';
}

/* NOTICEs ("relation already exists, skipping") are not events. */
static void db_ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int db_connect(struct db *db, const char *uri)
{
	PGconn *conn;

	db->conn = NULL;
	db->errmsg[0] = '\0';
	db->uri = xstrdup(uri);
	conn = PQconnectdb(uri);
	if (PQstatus(conn) != CONNECTION_OK) {
		db_set_error(db, "could not connect to PostgreSQL", PQerrorMessage(conn));
		PQfinish(conn);
		return DX_E_DB;
	}
	PQsetNoticeProcessor(conn, db_ignore_notice, NULL);
	db->conn = conn;
	db->generation++;
	db->nprepared = 0;
	return 0;
}

void db_close(struct db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	free(db->uri);
	db->uri = NULL;
}

static void db_clear_result(void *res)
{
	PQclear(res);
}

/* Reconnects when the connection is gone. Returns true if usable. */
static bool db_ensure(struct db *db)
{
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
		return true;
	if (!db->conn && db->uri) {
		db->conn = PQconnectdb(db->uri);
		if (db->conn)
			PQsetNoticeProcessor(db->conn, db_ignore_notice, NULL);
	} else if (db->conn) {
		PQreset(db->conn);
	}
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		db_set_error(db, "could not connect to PostgreSQL",
			     db->conn ? PQerrorMessage(db->conn) : NULL);
		return false;
	}
	db->generation++;
	log_notice("reconnected to PostgreSQL");
	return true;
}

/* Prepares name on the connection unless it already was. Returns NULL
 * when it is (or now is) prepared, else the failed result. *name becomes
 * NULL (run unnamed) when DB_MAX_PREPARED names are already taken. */
static PGresult *db_prepare(struct db *db, const char **name, const char *sql, int nparams)
{
	PGresult *res;
	int i;

	for (i = 0; i < db->nprepared; i++)
		if (strcmp(db->prepared[i].name, *name) == 0)
			break;
	if (i < db->nprepared && db->prepared[i].generation == db->generation)
		return NULL;
	if (i == DB_MAX_PREPARED) {
		*name = NULL;
		return NULL;
	}
	res = PQprepare(db->conn, *name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return res;
	PQclear(res);
	if (i == db->nprepared)
		db->nprepared++;
	db->prepared[i].name = *name;
	db->prepared[i].generation = db->generation;
	return NULL;
}

/* db_query and db_query_prepared: name NULL runs sql unnamed. */
static int db_run(struct db *db, struct arena *a, const char *name, const char *sql, int nparams,
		  const char *const *params, struct pg_result **out)
{
	PGresult *res = NULL;
	ExecStatusType st;
	int attempt;

	if (out)
		*out = NULL;
	for (attempt = 0; attempt < 2; attempt++) {
		if (!db_ensure(db))
			return DX_E_DB;
		res = name ? db_prepare(db, &name, sql, nparams) : NULL;
		if (!res)
			res = name ? PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0)
				   : PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
		st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			if (out && a) {
				arena_on_cleanup(a, db_clear_result, res);
				*out = (struct pg_result *)res;
			} else {
				PQclear(res);
			}
			return 0;
		}
		/* A dropped connection outside a transaction is retried once
		 * on a fresh one; inside a transaction the caller must redo
		 * the whole unit, so we fail. */
		if (PQstatus(db->conn) == CONNECTION_BAD && attempt == 0) {
			PQclear(res);
			res = NULL;
			continue;
		}
		/* A deadlock victim outside a transaction block can simply
		 * run again: the statement was rolled back as a whole. */
		if (attempt == 0 && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
			const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			if (state && (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0)) {
				PQclear(res);
				res = NULL;
				continue;
			}
		}
		break;
	}
	{
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		int rc = (state && strcmp(state, "23505") == 0) ? DX_E_CONFLICT : DX_E_DB;

		db_set_error(db, "query failed", res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
		PQclear(res);
		return rc;
	}
}

int db_query(struct db *db, struct arena *a, const char *sql, int nparams, const char *const *params,
	     struct pg_result **out)
{
	return db_run(db, a, NULL, sql, nparams, params, out);
}

int db_query_prepared(struct db *db, struct arena *a, const char *name, const char *sql, int nparams,
		      const char *const *params, struct pg_result **out)
{
	return db_run(db, a, name, sql, nparams, params, out);
}

int db_exec(struct db *db, const char *sql)
{
	PGresult *res;
	ExecStatusType st;

	if (!db_ensure(db))
		return DX_E_DB;
	/* PQexec, unlike PQexecParams, accepts several statements (migrations). */
	res = PQexec(db->conn, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_set_error(db, "query failed", PQresultErrorMessage(res));
		PQclear(res);
		return DX_E_DB;
	}
	PQclear(res);
	return 0;
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK) {
		PGresult *res = PQexec(db->conn, "ROLLBACK");

		PQclear(res);
	}
}

int db_ping(struct db *db, double *latency_ms)
{
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = db_exec(db, "SELECT 1");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (latency_ms)
		*latency_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}

int db_nrows(const struct pg_result *res)
{
	return PQntuples((const PGresult *)res);
}

const char *db_value(const struct pg_result *res, int row, int col)
{
	return PQgetvalue((const PGresult *)res, row, col);
}

bool db_isnull(const struct pg_result *res, int row, int col)
{
	return PQgetisnull((const PGresult *)res, row, col) != 0;
}

int64_t db_int64(const struct pg_result *res, int row, int col)
{
	return strtoll(PQgetvalue((const PGresult *)res, row, col), NULL, 10);
}

int db_column(const struct pg_result *res, const char *name)
{
	return PQfnumber((const PGresult *)res, name);
}

int db_copy_begin(struct db *db, const char *copy_sql)
{
	PGresult *res;

	if (!db_ensure(db))
		return DX_E_DB;
	res = PQexec(db->conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		db_set_error(db, "could not start COPY", PQresultErrorMessage(res));
		PQclear(res);
		return DX_E_DB;
	}
	PQclear(res);
	return 0;
}

int db_copy_put(struct db *db, const char *data, int len)
{
	if (PQputCopyData(db->conn, data, len) != 1) {
		db_set_error(db, "could not send COPY data", PQerrorMessage(db->conn));
		return DX_E_DB;
	}
	return 0;
}

int db_copy_end(struct db *db)
{
	PGresult *res;
	int rc = 0;

	if (PQputCopyEnd(db->conn, NULL) != 1) {
		db_set_error(db, "could not end COPY", PQerrorMessage(db->conn));
		return DX_E_DB;
	}
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			db_set_error(db, "COPY failed", PQresultErrorMessage(res));
			rc = DX_E_DB;
		}
		PQclear(res);
	}
	return rc;
}

int db_copy_escape(struct buf *b, const char *s, size_t len)
{
	size_t i, start = 0;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		const char *rep = NULL;

		switch (s[i]) {
		case '\\': rep = "\\\\"; break;
		case '\t': rep = "\\t"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		default: continue;
		}
		rc = buf_add(b, s + start, i - start);
		if (rc == 0)
			rc = buf_addstr(b, rep);
		start = i + 1;
	}
	if (rc == 0)
		rc = buf_add(b, s + start, len - start);
	return rc;
}
