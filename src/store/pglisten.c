/*
 * pglisten.c - a listening connection and its generation counter.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "store/pglisten.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

#define PGLISTEN_RETRY_S 1.0
/* without the triggers (no migration yet), a new look now and then */
#define PGLISTEN_NO_DDL_RETRY_S 30.0

struct pglisten {
	pthread_mutex_t mu;
	char *uri;
	const char *channel, *what;
	char *listen_sql, *check_sql;
	int ntables;
	struct db conn;
	bool listening, connecting;
	bool trouble; /* the server said something while idle */
	int last_rc;  /* of the last connection attempt, to log changes once */
	double retry_at;
	uint64_t gen; /* moves with every notification and (re)connection */
	unsigned long notifications;
};

static double pglisten_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pglisten *pglisten_new(const char *uri, const char *channel, const char *const *tables,
			      const char *what)
{
	struct pglisten *l = xcalloc(1, sizeof(*l));
	struct buf b;
	int i;

	pthread_mutex_init(&l->mu, NULL);
	l->uri = xstrdup(uri ? uri : "");
	l->channel = channel;
	l->what = what;
	buf_init(&b, 0);
	buf_printf(&b, "LISTEN %s", channel);
	l->listen_sql = xstrdup(buf_str(&b));
	buf_release(&b);
	/* the names are the program's own constants, never input */
	buf_init(&b, 0);
	buf_printf(&b, "SELECT count(DISTINCT tgrelid) FROM pg_trigger WHERE tgname = '%s' AND tgrelid IN (",
		   channel);
	for (i = 0; tables[i]; i++)
		buf_printf(&b, "%s'%s'::regclass", i ? ", " : "", tables[i]);
	buf_addstr(&b, ") AND tgenabled <> 'D'");
	l->check_sql = xstrdup(buf_str(&b));
	buf_release(&b);
	l->ntables = i;
	return l;
}

void pglisten_free(struct pglisten *l)
{
	if (!l)
		return;
	db_close(&l->conn);
	free(l->listen_sql);
	free(l->check_sql);
	free(l->uri);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/* Connects c, LISTENs and checks that the triggers that notify exist on
 * every table. Returns 0 or a negative status. */
static int pglisten_connect(const struct pglisten *l, struct db *c)
{
	struct arena *a = arena_new();
	struct pg_result *res;
	int rc;

	rc = db_connect(c, l->uri);
	if (rc == 0)
		rc = db_exec(c, l->listen_sql);
	if (rc == 0)
		rc = db_query(c, a, l->check_sql, 0, NULL, &res);
	if (rc == 0 && db_int64(res, 0, 0) != l->ntables)
		rc = DX_E_UNAVAILABLE;
	arena_free(a);
	if (rc)
		db_close(c);
	return rc;
}

/* A listening connection gets no notices: anything the server says while
 * it is idle is trouble (the error before a termination, a shutdown). */
static void pglisten_notice(void *arg, const PGresult *res)
{
	struct pglisten *l = arg;

	(void)res;
	l->trouble = true;
}

uint64_t pglisten_gen(struct pglisten *l)
{
	uint64_t gen;

	if (!l)
		return 0;
	pthread_mutex_lock(&l->mu);
	if (l->listening) {
		PGconn *conn = l->conn.conn;
		PGnotify *nt;

		if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK || l->trouble) {
			log_warn("%s are not cached until the listening connection is back: %s", l->what,
				 PQerrorMessage(conn)[0] ? PQerrorMessage(conn)
							 : "the server said something");
			db_close(&l->conn);
			l->listening = false;
			l->gen++;
			l->retry_at = pglisten_now() + PGLISTEN_RETRY_S;
		} else {
			while ((nt = PQnotifies(conn)) != NULL) {
				l->gen++;
				l->notifications++;
				PQfreemem(nt);
			}
		}
	}
	if (!l->listening && !l->connecting && pglisten_now() >= l->retry_at) {
		struct db c = {0};
		int rc;

		l->connecting = true;
		pthread_mutex_unlock(&l->mu);
		rc = pglisten_connect(l, &c);
		pthread_mutex_lock(&l->mu);
		l->connecting = false;
		if (rc == 0) {
			l->conn = c;
			l->listening = true;
			l->trouble = false;
			PQsetNoticeReceiver(l->conn.conn, pglisten_notice, l);
			log_info("%s are cached | channel=%s", l->what, l->channel);
		} else {
			if (rc != l->last_rc)
				log_notice("%s are not cached: %s | channel=%s", l->what,
					   rc == DX_E_UNAVAILABLE ? "the triggers that notify are missing"
								  : "could not listen for changes",
					   l->channel);
			l->retry_at = pglisten_now() +
				      (rc == DX_E_UNAVAILABLE ? PGLISTEN_NO_DDL_RETRY_S : PGLISTEN_RETRY_S);
		}
		l->last_rc = rc;
		/* what was cached before is from before the LISTEN */
		l->gen++;
	}
	gen = l->listening ? l->gen : 0;
	pthread_mutex_unlock(&l->mu);
	return gen;
}

uint64_t pglisten_gen_peek(struct pglisten *l)
{
	uint64_t gen;

	if (!l)
		return 0;
	pthread_mutex_lock(&l->mu);
	gen = l->listening ? l->gen : 0;
	pthread_mutex_unlock(&l->mu);
	return gen;
}

void pglisten_get_stats(struct pglisten *l, struct pglisten_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	st->listening = l->listening;
	st->notifications = l->notifications;
	pthread_mutex_unlock(&l->mu);
}
