/*
 * dbpool.h - a fixed-size pool of PostgreSQL connections shared by threads.
 *
 * The API has many responder threads (long-lived SSE streams hold one
 * each) but needs only a few database connections: a request borrows one
 * for its duration. Connections are opened lazily, up to size.
 */
#ifndef DOCXP_DBPOOL_H
#define DOCXP_DBPOOL_H

struct db;
struct dbpool;

/* Returns a pool for uri with at most size connections. */
struct dbpool *dbpool_new(const char *uri, int size);

/* Closes every connection; none may be borrowed. NULL-safe. */
void dbpool_free(struct dbpool *p);

/*
 * Borrows a connection, waiting up to timeout_ms for one to be returned.
 * Returns it, or NULL with the reason in errmsg (errlen bytes): all busy,
 * or PostgreSQL unreachable.
 */
struct db *dbpool_acquire(struct dbpool *p, int timeout_ms, char *errmsg, size_t errlen);

/* Gives a connection back (a broken one is closed and reopened later). */
void dbpool_release(struct dbpool *p, struct db *db);

#endif
