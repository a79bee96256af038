/*
 * local.c - the "local" embedding provider: deterministic feature hashing
 * of code text, no network, no model files.
 *
 * Features of a text: each identifier whole (lower-cased), its sub-words
 * (split on camelCase, snake_case, letter/digit boundaries), and the
 * character 3-grams of each sub-word (with word-boundary marks). Each
 * feature is hashed (FNV-1a, 64 bit) to a dimension and a sign; its weight
 * is log-scaled by its frequency in the text; the vector is L2-normalised.
 * Texts that share sub-words ("OrderService" and "saveOrder") or 3-grams
 * ("customer" and "customers") end up close without sharing a whole word.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed/embed.h"
#include "util/alloc.h"
#include "util/fnv.h"
#include "util/status.h"

#define LOCAL_MODEL    "docxp-hash-v1"
#define LOCAL_MAX_WORD 64
/* Words that say nothing about what code does, by length: entry n holds
 * the stop words of n letters, one space apart. */
#define LOCAL_STOPWORD_MAX 9
static const char *const local_stopwords[LOCAL_STOPWORD_MAX + 1] = {
    [1] = "a",
    [2] = "if an of to or is in",
    [3] = "new for int the and var let",
    [4] = "void this null true else",
    [5] = "final false while class const",
    [6] = "public static return import string throws",
    [7] = "private package",
    [8] = "function",
    [9] = "protected",
};

struct local_term {
	uint64_t hash;
	float weight;
	int count;
};

/* A term as an identifier adds it: replayed for the identifier's next
 * occurrences. */
struct local_term_ref {
	uint64_t hash;
	float weight;
};

/* The identifiers of a batch already split and hashed, with the terms each
 * added in order: most identifiers come again (in the same text and in
 * the texts of the same file), and replaying their term hashes gives the
 * same terms, in the same order, at a fraction of the cost. */
struct local_memo_slot {
	uint64_t key; /* FNV-1a of the identifier; 0: empty */
	uint32_t off; /* the identifier in pool */
	uint32_t len;
	uint32_t first; /* its terms: refs[first .. first + nterms) */
	uint32_t nterms;
};

struct local_memo {
	struct local_memo_slot *slots;
	size_t cap, used;
	char *pool;
	size_t pool_len, pool_cap;
	struct local_term_ref *refs;
	size_t nrefs, refs_cap;
};

/* Bounds of one batch's memo; past them it starts again empty. */
#define LOCAL_MEMO_MAX_IDS  (1u << 16)
#define LOCAL_MEMO_MAX_REFS (1u << 20)

/* An open-addressing table of the terms of one text, reused from text to
 * text of a batch: idx lists the used slots in insertion order, so that
 * reading and emptying it cost the terms, not the table. rec, when set,
 * records every term added (the identifier being memoised). */
struct local_terms {
	struct local_term *slots;
	size_t *idx;
	size_t cap, used;
	struct local_memo *rec;
};

static void terms_grow(struct local_terms *t);

static void terms_put(struct local_terms *t, uint64_t h, float weight)
{
	size_t i;

	if (t->used * 2 >= t->cap)
		terms_grow(t);
	for (i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->slots[i].count == 0) {
			t->slots[i].hash = h;
			t->slots[i].weight = weight;
			t->slots[i].count = 1;
			t->idx[t->used++] = i;
			return;
		}
		if (t->slots[i].hash == h) {
			t->slots[i].count++;
			return;
		}
	}
}

static void terms_add(struct local_terms *t, char kind, const char *s, size_t n, float weight)
{
	uint64_t h = fnv1a(fnv1a(FNV1A_OFFSET, &kind, 1), s, n);
	struct local_memo *m = t->rec;

	if (m) {
		if (m->nrefs == m->refs_cap) {
			m->refs_cap = m->refs_cap ? m->refs_cap * 2 : 4096;
			m->refs = xrealloc(m->refs, m->refs_cap * sizeof(*m->refs));
		}
		m->refs[m->nrefs].hash = h;
		m->refs[m->nrefs].weight = weight;
		m->nrefs++;
	}
	terms_put(t, h, weight);
}

static void terms_grow(struct local_terms *t)
{
	struct local_term *old = t->slots;
	size_t k;

	t->cap = t->cap ? t->cap * 2 : 1024;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->idx = xrealloc(t->idx, t->cap / 2 * sizeof(*t->idx));
	for (k = 0; k < t->used; k++) {
		const struct local_term *e = &old[t->idx[k]];
		size_t j;

		for (j = e->hash & (t->cap - 1); t->slots[j].count; j = (j + 1) & (t->cap - 1))
			;
		t->slots[j] = *e;
		t->idx[k] = j;
	}
	free(old);
}

static void memo_clear(struct local_memo *m)
{
	if (m->slots)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->used = 0;
	m->pool_len = 0;
	m->nrefs = 0;
}

static void memo_free(struct local_memo *m)
{
	free(m->slots);
	free(m->pool);
	free(m->refs);
}

/* The slot of identifier id (n bytes, hash key): its own, or the empty
 * one where it goes. */
static struct local_memo_slot *memo_slot(struct local_memo *m, uint64_t key, const char *id, size_t n)
{
	size_t i;

	for (i = key & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct local_memo_slot *e = &m->slots[i];

		if (e->key == 0 || (e->key == key && e->len == n && memcmp(m->pool + e->off, id, n) == 0))
			return e;
	}
}

static void memo_grow(struct local_memo *m)
{
	struct local_memo_slot *old = m->slots;
	size_t k, oldcap = m->cap;

	m->cap = m->cap ? m->cap * 2 : 4096;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (k = 0; k < oldcap; k++) {
		size_t j;

		if (old[k].key == 0)
			continue;
		for (j = old[k].key & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1))
			;
		m->slots[j] = old[k];
	}
	free(old);
}

/* Called for every word and sub-word: only the words of its length are
 * compared. */
static int local_stopword(const char *w, size_t n)
{
	const char *s;

	if (n > LOCAL_STOPWORD_MAX || !(s = local_stopwords[n]))
		return 0;
	for (;; s += n + 1) {
		if (s[0] == w[0] && memcmp(s, w, n) == 0)
			return 1;
		if (s[n] == '\0')
			return 0;
	}
}

/* Adds a lower-cased sub-word and its 3-grams. */
static void local_subword(struct local_terms *t, const char *w, size_t n)
{
	char padded[LOCAL_MAX_WORD + 3];
	size_t i;

	if (n == 0 || n > LOCAL_MAX_WORD || local_stopword(w, n))
		return;
	terms_add(t, 's', w, n, 1.0f);
	padded[0] = '^';
	memcpy(padded + 1, w, n);
	padded[n + 1] = '$';
	for (i = 0; i + 3 <= n + 2; i++)
		terms_add(t, 'g', padded + i, 3, 0.35f);
}

/* Adds an identifier (at most LOCAL_MAX_WORD bytes): whole, then its
 * sub-words (with their 3-grams). */
static void local_identifier_split(struct local_terms *t, const char *id, size_t n)
{
	char lower[LOCAL_MAX_WORD] = {0};
	size_t i, start = 0, nparts = 0, pstart[LOCAL_MAX_WORD], plen[LOCAL_MAX_WORD];

	for (i = 0; i < n; i++)
		lower[i] = (char)tolower((unsigned char)id[i]);
	if (!local_stopword(lower, n))
		terms_add(t, 'w', lower, n, 1.0f);
	for (i = 1; i <= n; i++) {
		int sep = i < n && (id[i] == '_' || id[i] == '$');
		int cut = i == n || sep;

		if (!cut) {
			unsigned char p = (unsigned char)id[i - 1], c = (unsigned char)id[i];
			unsigned char nx = i + 1 < n ? (unsigned char)id[i + 1] : 0;

			/* fooBar | HTTPServer -> HTTP Server | a1 -> a 1 */
			cut = (islower(p) && isupper(c)) || (isupper(p) && isupper(c) && islower(nx)) ||
			      (isalpha(p) && isdigit(c)) || (isdigit(p) && isalpha(c));
		}
		if (!cut)
			continue;
		if (i > start) {
			pstart[nparts] = start;
			plen[nparts] = i - start;
			nparts++;
		}
		start = sep ? i + 1 : i;
	}
	/* A one-part identifier is its own sub-word: "customer" then gets
	 * the 3-grams that bring it close to "customers". */
	for (i = 0; i < nparts; i++)
		local_subword(t, lower + pstart[i], plen[i]);
}

/* Adds an identifier, from the memo when the batch has seen it. */
static void local_identifier(struct local_terms *t, struct local_memo *m, const char *id, size_t n)
{
	struct local_memo_slot *e;
	uint64_t key;
	size_t k, first;

	if (n > LOCAL_MAX_WORD)
		n = LOCAL_MAX_WORD;
	key = fnv1a(FNV1A_OFFSET, id, n) | 1; /* never 0, the empty mark */
	if (m->used * 2 >= m->cap) {
		if (m->used >= LOCAL_MEMO_MAX_IDS)
			memo_clear(m);
		else
			memo_grow(m);
	}
	e = memo_slot(m, key, id, n);
	if (e->key) {
		for (k = 0; k < e->nterms; k++)
			terms_put(t, m->refs[e->first + k].hash, m->refs[e->first + k].weight);
		return;
	}
	if (m->nrefs >= LOCAL_MEMO_MAX_REFS) {
		memo_clear(m);
		e = memo_slot(m, key, id, n);
	}
	first = m->nrefs;
	t->rec = m;
	local_identifier_split(t, id, n);
	t->rec = NULL;
	if (m->pool_len + n > m->pool_cap) {
		m->pool_cap = (m->pool_len + n) * 2 + 4096;
		m->pool = xrealloc(m->pool, m->pool_cap);
	}
	memcpy(m->pool + m->pool_len, id, n);
	e->key = key;
	e->off = (uint32_t)m->pool_len;
	e->len = (uint32_t)n;
	e->first = (uint32_t)first;
	e->nterms = (uint32_t)(m->nrefs - first);
	m->pool_len += n;
	m->used++;
}

static int local_embed_one(struct local_terms *t, struct local_memo *m, const char *text, int dims,
			   bool normalize, float *out)
{
	const uint64_t udims = (uint64_t)dims;
	const bool pow2 = (udims & (udims - 1)) == 0;
	const char *p = text;
	double norm = 0;
	size_t i;

	memset(out, 0, sizeof(float) * (size_t)dims);
	while (*p) {
		const char *s;

		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '$')) {
			p++;
			continue;
		}
		s = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
			p++;
		/* Plain numbers carry little meaning in code. */
		if (!isdigit((unsigned char)*s))
			local_identifier(t, m, s, (size_t)(p - s));
	}
	for (i = 0; i < t->used; i++) {
		struct local_term *e = &t->slots[t->idx[i]];
		/* logf(1) is 0: most terms occur once */
		float v = e->count == 1 ? e->weight : e->weight * (1.0f + logf((float)e->count));
		size_t d = (size_t)(pow2 ? e->hash & (udims - 1) : e->hash % udims);

		out[d] += (e->hash >> 63) ? -v : v;
		e->count = 0; /* empty for the next text */
	}
	t->used = 0;
	for (i = 0; i < (size_t)dims; i++)
		norm += (double)out[i] * out[i];
	if (normalize && norm > 0) {
		float inv = (float)(1.0 / sqrt(norm));

		for (i = 0; i < (size_t)dims; i++)
			out[i] *= inv;
	}
	return 0;
}

static int local_embed(struct embed_provider *p, struct embed_batch *b)
{
	struct local_terms t = {NULL, NULL, 0, 0, NULL};
	struct local_memo m;
	size_t i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < b->n; i++) {
		b->status[i] = local_embed_one(&t, &m, b->texts[i], p->dimensions, p->normalize,
					       b->vectors + i * (size_t)p->dimensions);
		b->tokens[i] = embed_estimate_tokens(b->texts[i]);
		if (b->truncated)
			b->truncated[i] = false;
	}
	free(t.slots);
	free(t.idx);
	memo_free(&m);
	return 0;
}

static const char *local_health(struct embed_provider *p)
{
	(void)p;
	return "{\"status\":\"ok\",\"network\":false}";
}

static void local_free(struct embed_provider *p)
{
	free(p);
}

struct embed_provider *embed_local_new(int dimensions, bool normalize)
{
	struct embed_provider *p = xcalloc(1, sizeof(*p));

	p->name = "local";
	p->model = LOCAL_MODEL;
	p->dimensions = dimensions;
	p->normalize = normalize;
	p->in_process = true;
	p->embed = local_embed;
	p->health = local_health;
	p->free = local_free;
	return p;
}
