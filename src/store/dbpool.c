/*
 * dbpool.c - mutex and condition variable around an array of connections.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/db.h"
#include "store/dbpool.h"
#include "util/alloc.h"

struct dbpool_slot {
	struct db db;
	bool open;
	bool busy;
};

struct dbpool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	char *uri;
	int size;
	struct dbpool_slot *slots;
};

struct dbpool *dbpool_new(const char *uri, int size)
{
	struct dbpool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->uri = xstrdup(uri);
	p->size = size > 0 ? size : 1;
	p->slots = xcalloc((size_t)p->size, sizeof(*p->slots));
	return p;
}

void dbpool_free(struct dbpool *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < p->size; i++)
		if (p->slots[i].open)
			db_close(&p->slots[i].db);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->slots);
	free(p->uri);
	free(p);
}

struct db *dbpool_acquire(struct dbpool *p, int timeout_ms, char *errmsg, size_t errlen)
{
	struct dbpool_slot *slot = NULL;
	struct timespec deadline;
	int i, rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lock);
	while (!slot && rc != ETIMEDOUT) {
		/* An open idle connection first, else a slot never opened. */
		for (i = 0; i < p->size && !slot; i++)
			if (p->slots[i].open && !p->slots[i].busy)
				slot = &p->slots[i];
		for (i = 0; i < p->size && !slot; i++)
			if (!p->slots[i].open && !p->slots[i].busy)
				slot = &p->slots[i];
		if (!slot)
			rc = pthread_cond_timedwait(&p->freed, &p->lock, &deadline);
	}
	if (slot)
		slot->busy = true;
	pthread_mutex_unlock(&p->lock);
	if (!slot) {
		snprintf(errmsg, errlen, "all %d database connections are busy", p->size);
		return NULL;
	}
	/* Connecting happens outside the lock: it can take a while. */
	if (!slot->open) {
		if (db_connect(&slot->db, p->uri) != 0) {
			snprintf(errmsg, errlen, "%s", slot->db.errmsg);
			db_close(&slot->db);
			pthread_mutex_lock(&p->lock);
			slot->busy = false;
			pthread_cond_signal(&p->freed);
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		slot->open = true;
	}
	return &slot->db;
}

void dbpool_release(struct dbpool *p, struct db *db)
{
	int i;

	if (!db)
		return;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->size; i++) {
		if (&p->slots[i].db != db)
			continue;
		/* A connection left inside a transaction (a handler bug) or
		 * broken is not handed to the next request. */
		if (!db->conn || PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
			db_close(db);
			p->slots[i].open = false;
		}
		p->slots[i].busy = false;
		pthread_cond_signal(&p->freed);
		break;
	}
	pthread_mutex_unlock(&p->lock);
}
