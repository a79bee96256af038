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
#include "util/status.h"

#define LOCAL_MODEL    "docxp-hash-v1"
#define LOCAL_MAX_WORD 64
/* Words that say nothing about what code does, with their lengths. */
#define SW(w)                    \
	{                        \
		w, sizeof(w) - 1 \
	}
static const struct {
	const char *w;
	size_t n;
} local_stopwords[] = {
    SW("public"), SW("private"), SW("protected"), SW("static"), SW("final"), SW("void"),     SW("return"),
    SW("new"),	  SW("this"),	 SW("null"),	  SW("true"),	SW("false"), SW("if"),	     SW("else"),
    SW("for"),	  SW("while"),	 SW("int"),	  SW("the"),	SW("a"),     SW("an"),	     SW("of"),
    SW("to"),	  SW("and"),	 SW("or"),	  SW("is"),	SW("in"),    SW("import"),   SW("package"),
    SW("class"),  SW("string"),	 SW("var"),	  SW("let"),	SW("const"), SW("function"), SW("throws"),
};
#undef SW

struct local_term {
	uint64_t hash;
	float weight;
	int count;
};

/* A small open-addressing table of the terms of one text. */
struct local_terms {
	struct local_term *slots;
	size_t cap, used;
};

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void terms_grow(struct local_terms *t);

static void terms_add(struct local_terms *t, char kind, const char *s, size_t n, float weight)
{
	uint64_t h = fnv1a(fnv1a(14695981039346656037ULL, &kind, 1), s, n);
	size_t i;

	if (t->used * 2 >= t->cap)
		terms_grow(t);
	for (i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->slots[i].count == 0) {
			t->slots[i].hash = h;
			t->slots[i].weight = weight;
			t->slots[i].count = 1;
			t->used++;
			return;
		}
		if (t->slots[i].hash == h) {
			t->slots[i].count++;
			return;
		}
	}
}

static void terms_grow(struct local_terms *t)
{
	struct local_term *old = t->slots;
	size_t oldcap = t->cap, i;

	t->cap = oldcap ? oldcap * 2 : 256;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->used = 0;
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i].count)
			continue;
		for (j = old[i].hash & (t->cap - 1); t->slots[j].count; j = (j + 1) & (t->cap - 1))
			;
		t->slots[j] = old[i];
		t->used++;
	}
	free(old);
}

/* Called for every word and sub-word: lengths and first bytes rule out
 * most of the list before any comparison. */
static int local_stopword(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(local_stopwords) / sizeof(local_stopwords[0]); i++)
		if (local_stopwords[i].n == n && local_stopwords[i].w[0] == w[0] &&
		    memcmp(local_stopwords[i].w, w, n) == 0)
			return 1;
	return 0;
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

/* Adds an identifier: whole, then its sub-words (with their 3-grams). */
static void local_identifier(struct local_terms *t, const char *id, size_t n)
{
	char lower[LOCAL_MAX_WORD] = {0};
	size_t i, start = 0, nparts = 0, pstart[LOCAL_MAX_WORD], plen[LOCAL_MAX_WORD];

	if (n > LOCAL_MAX_WORD)
		n = LOCAL_MAX_WORD;
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

static int local_embed_one(const char *text, int dims, bool normalize, float *out)
{
	struct local_terms t = {NULL, 0, 0};
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
			local_identifier(&t, s, (size_t)(p - s));
	}
	for (i = 0; i < t.cap; i++) {
		const struct local_term *e = &t.slots[i];
		float v;

		if (!e->count)
			continue;
		v = e->weight * (1.0f + logf((float)e->count));
		out[e->hash % (uint64_t)dims] += (e->hash >> 63) ? -v : v;
	}
	free(t.slots);
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
	size_t i;

	for (i = 0; i < b->n; i++) {
		b->status[i] = local_embed_one(b->texts[i], p->dimensions, p->normalize,
					       b->vectors + i * (size_t)p->dimensions);
		b->tokens[i] = embed_estimate_tokens(b->texts[i]);
		if (b->truncated)
			b->truncated[i] = false;
	}
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
	p->embed = local_embed;
	p->health = local_health;
	p->free = local_free;
	return p;
}
