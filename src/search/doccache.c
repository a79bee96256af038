/*
 * doccache.c - hit documents held in memory, by entity id.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "search/doccache.h"
#include "util/alloc.h"
#include "util/arena.h"

#define DOCCACHE_SLOTS_MAX (1u << 20)

struct doc_entry {
	int64_t id, repo;
	char *signature, *json, *content;
	size_t bytes;
	unsigned long used; /* the cache's clock when last read or written */
};

struct doccache {
	pthread_mutex_t mu;
	struct doc_entry *slots;
	size_t nslots; /* a power of two */
	size_t entries, bytes, budget;
	unsigned long hits, misses, clock;
};

struct doccache *doccache_new(size_t budget_bytes)
{
	struct doccache *c = xcalloc(1, sizeof(*c));
	size_t n = 1024;

	/* about one slot per 2 kB of budget (documents are 1-20 kB) */
	while (n < DOCCACHE_SLOTS_MAX && n * 2048 < budget_bytes)
		n *= 2;
	pthread_mutex_init(&c->mu, NULL);
	c->nslots = n;
	c->slots = xcalloc(n, sizeof(*c->slots));
	c->budget = budget_bytes;
	return c;
}

static void doc_entry_clear(struct doccache *c, struct doc_entry *e)
{
	if (!e->json)
		return;
	free(e->signature);
	free(e->json);
	free(e->content);
	c->bytes -= e->bytes;
	c->entries--;
	memset(e, 0, sizeof(*e));
}

void doccache_free(struct doccache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nslots; i++)
		doc_entry_clear(c, &c->slots[i]);
	free(c->slots);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* The two slots an id may be in (two-way: two hot ids that hash alike
 * do not evict each other on every search). */
static struct doc_entry *doc_set(struct doccache *c, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return &c->slots[(h >> 32) & (c->nslots - 1) & ~(size_t)1];
}

static struct doc_entry *doc_find(struct doccache *c, int64_t id)
{
	struct doc_entry *set = doc_set(c, id);

	if (set[0].json && set[0].id == id)
		return &set[0];
	if (set[1].json && set[1].id == id)
		return &set[1];
	return NULL;
}

int doccache_get(struct doccache *c, struct arena *a, int64_t id, const struct doccache_repo *repos, size_t n,
		 const char **json, const char **content)
{
	struct doc_entry *e;
	int rc = -1;
	size_t i;

	if (!c)
		return -1;
	pthread_mutex_lock(&c->mu);
	e = doc_find(c, id);
	if (e) {
		for (i = 0; i < n; i++)
			if (repos[i].id == e->repo)
				break;
		if (i < n && strcmp(repos[i].signature, e->signature) == 0) {
			e->used = ++c->clock;
			*json = arena_strdup(a, e->json);
			*content = arena_strdup(a, e->content);
			rc = 0;
		} else if (i < n) {
			/* the repository's index changed since */
			doc_entry_clear(c, e);
		}
	}
	if (rc == 0)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void doccache_put(struct doccache *c, int64_t id, int64_t repo, const char *signature, const char *json,
		  const char *content)
{
	size_t sl = strlen(signature), jl = strlen(json), cl = strlen(content);
	size_t bytes = sizeof(struct doc_entry) + sl + jl + cl + 3;
	struct doc_entry *e;

	if (!c || bytes > c->budget)
		return;
	pthread_mutex_lock(&c->mu);
	e = doc_find(c, id);
	if (!e) {
		/* an empty slot of the two, else the less recently used */
		e = doc_set(c, id);
		if (e[0].json && (!e[1].json || e[1].used < e[0].used))
			e++;
	}
	doc_entry_clear(c, e);
	if (c->bytes + bytes <= c->budget) {
		e->id = id;
		e->repo = repo;
		e->signature = xstrndup(signature, sl);
		e->json = xstrndup(json, jl);
		e->content = xstrndup(content, cl);
		e->bytes = bytes;
		e->used = ++c->clock;
		c->bytes += bytes;
		c->entries++;
	}
	pthread_mutex_unlock(&c->mu);
}

void doccache_get_stats(struct doccache *c, struct doccache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	st->entries = c->entries;
	st->bytes = c->bytes;
	st->budget = c->budget;
	st->hits = c->hits;
	st->misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
