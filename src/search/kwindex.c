/*
 * kwindex.c - the in-memory keyword index: postings, names, trigrams.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/kwindex.h"
#include "search/query.h"
#include "util/alloc.h"
#include "util/glob.h"
#include "util/status.h"

/* Weight bits of a posting, by PostgreSQL's weight number (D = 0 .. A = 3). */
#define KW_MASK_NAMED 0x0e /* A, B, C */
#define KW_MASK_NAME  0x08 /* A */
/* What a lexeme's weights qualify it for: anywhere, named (A-C), name (A). */
#define KW_CLASS_ANY   1
#define KW_CLASS_NAMED 2
#define KW_CLASS_NAME  4
#define KW_LEXEME_MAX  2047 /* PostgreSQL's limit */
#define KW_SIM_MIN     0.3f /* pg_trgm.similarity_threshold's default */
#define KW_CNT_MASK    0x7fff

/* ts_rank's weights as searchstore.c passes them: {D, C, B, A}. */
static const float kw_weights[4] = {0.05f, 0.2f, 0.4f, 1.0f};

/* A growable array of fixed-size items. */
#define KW_GROW(arr, n, cap)                                             \
	do {                                                             \
		if ((n) == (cap)) {                                      \
			(cap) = (cap) ? (cap)*2 : 64;                    \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
		}                                                        \
	} while (0)

/* Open addressing (linear probing) of ids + 1 (0: empty), keyed by the
 * caller's key of each id. */
struct kw_map {
	uint32_t *slots;
	size_t cap; /* a power of two */
	size_t n;
};

struct kw_tmp_post {
	uint32_t term, doc;
	float contrib;
	uint8_t mask;
};

struct kw_tmp_tri {
	uint32_t tri, doc;
};

struct kwset {
	/* entities, in id order */
	size_t n, cap;
	int64_t *ids;
	float *norm; /* 1 / log2(1 + number of positions), ts_rank's normalisation 1 */
	uint32_t *name_off, *lname_off, *file;
	uint16_t *kind, *lang, *ntri;
	char *names; /* name\0 ... */
	size_t names_len, names_cap;
	char *lnames; /* lower-cased names, \0-separated, one run for substring scans */
	size_t lnames_len, lnames_cap;
	uint32_t *byname; /* entities sorted by lower-cased name */
	struct vec_dict kinds, langs, paths;

	/* lexemes */
	struct kw_map terms;
	char *lex;
	size_t lex_len, lex_cap;
	uint32_t *term_off;
	size_t nterms, terms_cap;
	uint32_t *term_start; /* postings of term t: [term_start[t], term_start[t + 1]) */
	uint32_t *post_doc;
	float *post_contrib;
	uint8_t *post_mask;
	size_t npost;
	/* the postings with weight A, by term: [name_start[t], name_start[t + 1]) */
	uint32_t *name_start, *name_doc;
	size_t nnamepost;

	/* trigrams of the lower-cased names */
	struct kw_map tris;
	uint32_t *tri_key;
	size_t ntris, tris_cap;
	uint32_t *tri_start, *tri_doc;
	size_t ntripost;

	/* while building */
	struct kw_tmp_post *tmp_post;
	size_t tmp_npost, tmp_post_cap;
	struct kw_tmp_tri *tmp_tri;
	size_t tmp_ntri, tmp_tri_cap;
	bool finished;
};

/* ---- small helpers ----------------------------------------------------- */

static uint32_t kw_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t kw_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static void kw_map_grow(struct kw_map *m, uint32_t (*hash_of)(const struct kwset *, uint32_t),
			const struct kwset *s)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i;
	uint32_t *slots = xcalloc(cap, sizeof(uint32_t));

	for (i = 0; i < m->cap; i++)
		if (m->slots[i]) {
			size_t j = hash_of(s, m->slots[i] - 1) & (cap - 1);

			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = m->slots[i];
		}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

static uint32_t kw_term_hash(const struct kwset *s, uint32_t id)
{
	const char *t = s->lex + s->term_off[id];

	return kw_hash(t, strlen(t));
}

static uint32_t kw_tri_hash(const struct kwset *s, uint32_t id)
{
	return kw_mix(s->tri_key[id]);
}

/* The id of lexeme t (n bytes), or -1. */
static long kw_term_find(const struct kwset *s, const char *t, size_t n)
{
	size_t j;

	if (!s->terms.cap)
		return -1;
	for (j = kw_hash(t, n) & (s->terms.cap - 1); s->terms.slots[j]; j = (j + 1) & (s->terms.cap - 1)) {
		const char *c = s->lex + s->term_off[s->terms.slots[j] - 1];

		if (strncmp(c, t, n) == 0 && c[n] == '\0')
			return (long)s->terms.slots[j] - 1;
	}
	return -1;
}

static uint32_t kw_term_intern(struct kwset *s, const char *t, size_t n)
{
	long id = kw_term_find(s, t, n);
	size_t j;

	if (id >= 0)
		return (uint32_t)id;
	if ((s->terms.n + 1) * 2 > s->terms.cap)
		kw_map_grow(&s->terms, kw_term_hash, s);
	while (s->lex_len + n + 1 > s->lex_cap) {
		s->lex_cap = s->lex_cap ? s->lex_cap * 2 : 65536;
		s->lex = xrealloc(s->lex, s->lex_cap);
	}
	KW_GROW(s->term_off, s->nterms, s->terms_cap);
	s->term_off[s->nterms] = (uint32_t)s->lex_len;
	memcpy(s->lex + s->lex_len, t, n);
	s->lex[s->lex_len + n] = '\0';
	s->lex_len += n + 1;
	for (j = kw_hash(t, n) & (s->terms.cap - 1); s->terms.slots[j]; j = (j + 1) & (s->terms.cap - 1))
		;
	s->terms.slots[j] = (uint32_t)s->nterms + 1;
	s->terms.n++;
	return (uint32_t)s->nterms++;
}

static long kw_tri_find(const struct kwset *s, uint32_t key)
{
	size_t j;

	if (!s->tris.cap)
		return -1;
	for (j = kw_mix(key) & (s->tris.cap - 1); s->tris.slots[j]; j = (j + 1) & (s->tris.cap - 1))
		if (s->tri_key[s->tris.slots[j] - 1] == key)
			return (long)s->tris.slots[j] - 1;
	return -1;
}

static uint32_t kw_tri_intern(struct kwset *s, uint32_t key)
{
	long id = kw_tri_find(s, key);
	size_t j;

	if (id >= 0)
		return (uint32_t)id;
	if ((s->tris.n + 1) * 2 > s->tris.cap)
		kw_map_grow(&s->tris, kw_tri_hash, s);
	KW_GROW(s->tri_key, s->ntris, s->tris_cap);
	s->tri_key[s->ntris] = key;
	for (j = kw_mix(key) & (s->tris.cap - 1); s->tris.slots[j]; j = (j + 1) & (s->tris.cap - 1))
		;
	s->tris.slots[j] = (uint32_t)s->ntris + 1;
	s->tris.n++;
	return (uint32_t)s->ntris++;
}

static int kw_u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* Sorts and deduplicates v (n items); returns the new count. */
static size_t kw_sort_unique(uint32_t *v, size_t n)
{
	size_t i, o = 0;

	qsort(v, n, sizeof(*v), kw_u32_cmp);
	for (i = 0; i < n; i++)
		if (o == 0 || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

/* Room for the trigrams of a string of len bytes (a word of n
 * characters has n + 1). */
static size_t kw_trigram_room(size_t len)
{
	return 3 * len + 8;
}

static bool kw_word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/*
 * The trigrams of lower-cased s as pg_trgm makes them, into out (room for
 * kw_trigram_room): words are runs of letters and digits (bytes >= 0x80
 * count as letters), each padded with two blanks before and one after; a
 * trigram longer than three bytes (non-ASCII characters) is hashed, as
 * pg_trgm keeps a CRC of it. Sorted and unique; returns their number.
 */
static size_t kw_trigrams(const char *s, uint32_t *out)
{
	size_t n = 0;
	const char *p = s;

	while (*p) {
		const char *w, *q;
		const char *win[3] = {NULL, NULL, NULL}; /* NULL: a padding blank */
		size_t have = 2;

		if (!kw_word_char((unsigned char)*p)) {
			p++;
			continue;
		}
		w = p;
		while (*p && kw_word_char((unsigned char)*p))
			p++;
		/* slide over the characters of "  " word " " */
		for (q = w;;) {
			const char *c = q < p ? q : NULL;
			unsigned char bytes[16];
			size_t i, total = 0;

			win[0] = win[1];
			win[1] = win[2];
			win[2] = c;
			if (++have >= 3) {
				for (i = 0; i < 3; i++) {
					size_t len = 1;

					if (!win[i]) {
						bytes[total++] = ' ';
						continue;
					}
					while (len < 4 && ((unsigned char)win[i][len] & 0xc0) == 0x80)
						len++;
					memcpy(bytes + total, win[i], len);
					total += len;
				}
				out[n++] =
				    total == 3
					? ((uint32_t)bytes[0] << 16 | (uint32_t)bytes[1] << 8 | bytes[2])
					: (0x80000000u | (kw_hash((const char *)bytes, total) & 0x7fffffffu));
			}
			if (!c)
				break;
			q++;
			while (q < p && ((unsigned char)*q & 0xc0) == 0x80)
				q++;
		}
	}
	return n ? kw_sort_unique(out, n) : 0;
}

double kw_similarity(const char *a, const char *b)
{
	uint32_t *ta = xmalloc(kw_trigram_room(strlen(a)) * sizeof(uint32_t));
	uint32_t *tb = xmalloc(kw_trigram_room(strlen(b)) * sizeof(uint32_t));
	size_t na = kw_trigrams(a, ta), nb = kw_trigrams(b, tb), i = 0, j = 0, c = 0;
	double r;

	while (i < na && j < nb) {
		if (ta[i] == tb[j]) {
			c++;
			i++;
			j++;
		} else if (ta[i] < tb[j]) {
			i++;
		} else {
			j++;
		}
	}
	r = na && nb ? (float)c / (float)(na + nb - c) : 0;
	free(ta);
	free(tb);
	return r;
}

/* ---- building ---------------------------------------------------------- */

struct kwset *kwset_new(void)
{
	return xcalloc(1, sizeof(struct kwset));
}

void kwset_free(struct kwset *s)
{
	if (!s)
		return;
	free(s->ids);
	free(s->norm);
	free(s->name_off);
	free(s->lname_off);
	free(s->file);
	free(s->kind);
	free(s->lang);
	free(s->ntri);
	free(s->names);
	free(s->lnames);
	free(s->byname);
	vec_dict_release(&s->kinds);
	vec_dict_release(&s->langs);
	vec_dict_release(&s->paths);
	free(s->terms.slots);
	free(s->lex);
	free(s->term_off);
	free(s->term_start);
	free(s->post_doc);
	free(s->post_contrib);
	free(s->post_mask);
	free(s->name_start);
	free(s->name_doc);
	free(s->tris.slots);
	free(s->tri_key);
	free(s->tri_start);
	free(s->tri_doc);
	free(s->tmp_post);
	free(s->tmp_tri);
	free(s);
}

static uint32_t kw_pool_add(char **pool, size_t *len, size_t *cap, const char *str, bool lower)
{
	size_t n = strlen(str), i;
	uint32_t off = (uint32_t)*len;

	while (*len + n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 65536;
		*pool = xrealloc(*pool, *cap);
	}
	for (i = 0; i < n; i++)
		(*pool)[*len + i] = lower ? (char)tolower((unsigned char)str[i]) : str[i];
	(*pool)[*len + n] = '\0';
	*len += n + 1;
	return off;
}

/*
 * Parses the text form of a tsvector into postings of doc; *npos gets the
 * number of positions (ts_rank's document length). Each posting carries
 * calc_rank_or's contribution of the lexeme (PostgreSQL's tsrank.c: the
 * weights of its positions, the heaviest first-class, the others by
 * 1/i^2, over pi^2/6).
 */
static int kw_parse_tsv(struct kwset *s, uint32_t doc, const char *p, size_t *npos)
{
	char lex[KW_LEXEME_MAX + 1];

	*npos = 0;
	while (*p) {
		float resj = 0, wjm = -1;
		int jm = 0, j = 0;
		uint8_t mask = 0;
		size_t n = 0;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p != '\'')
			return DX_E_BADREQUEST;
		p++;
		for (;;) {
			if (!*p)
				return DX_E_BADREQUEST;
			if (*p == '\'') {
				if (p[1] != '\'') {
					p++;
					break;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				p++;
			}
			if (n >= KW_LEXEME_MAX)
				return DX_E_BADREQUEST;
			lex[n++] = *p++;
		}
		if (*p == ':') {
			p++;
			for (;;) {
				int w = 0;
				float wv;

				if (!isdigit((unsigned char)*p))
					return DX_E_BADREQUEST;
				while (isdigit((unsigned char)*p))
					p++;
				switch (*p) {
				case 'A':
					w = 3;
					p++;
					break;
				case 'B':
					w = 2;
					p++;
					break;
				case 'C':
					w = 1;
					p++;
					break;
				case 'D':
					w = 0;
					p++;
					break;
				default: break;
				}
				wv = kw_weights[w];
				resj += wv / (float)((j + 1) * (j + 1));
				if (wv > wjm) {
					wjm = wv;
					jm = j;
				}
				mask |= (uint8_t)(1u << w);
				j++;
				if (*p != ',')
					break;
				p++;
			}
		} else {
			/* no positions: one at weight D */
			resj = wjm = kw_weights[0];
			mask = 1;
			j = 1;
		}
		if (*p && *p != ' ')
			return DX_E_BADREQUEST;
		if (n == 0)
			continue;
		KW_GROW(s->tmp_post, s->tmp_npost, s->tmp_post_cap);
		s->tmp_post[s->tmp_npost].term = kw_term_intern(s, lex, n);
		s->tmp_post[s->tmp_npost].doc = doc;
		s->tmp_post[s->tmp_npost].contrib =
		    (float)((wjm + resj - wjm / (float)((jm + 1) * (jm + 1))) / 1.64493406685);
		s->tmp_post[s->tmp_npost].mask = mask;
		s->tmp_npost++;
		*npos += (size_t)j;
	}
	return 0;
}

int kwset_add(struct kwset *s, int64_t id, const char *name, const char *kind, const char *language,
	      const char *path, const char *tsv)
{
	size_t i = s->n, npos = 0, keep = s->tmp_npost, nt, k;
	uint32_t *tri;
	int rc;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->ids = xrealloc(s->ids, s->cap * sizeof(*s->ids));
		s->norm = xrealloc(s->norm, s->cap * sizeof(*s->norm));
		s->name_off = xrealloc(s->name_off, s->cap * sizeof(*s->name_off));
		s->lname_off = xrealloc(s->lname_off, (s->cap + 1) * sizeof(*s->lname_off));
		s->file = xrealloc(s->file, s->cap * sizeof(*s->file));
		s->kind = xrealloc(s->kind, s->cap * sizeof(*s->kind));
		s->lang = xrealloc(s->lang, s->cap * sizeof(*s->lang));
		s->ntri = xrealloc(s->ntri, s->cap * sizeof(*s->ntri));
	}
	name = name ? name : "";
	s->ids[i] = id;
	s->name_off[i] = kw_pool_add(&s->names, &s->names_len, &s->names_cap, name, false);
	s->lname_off[i] = kw_pool_add(&s->lnames, &s->lnames_len, &s->lnames_cap, name, true);
	s->file[i] = (uint32_t)vec_dict_intern(&s->paths, path ? path : "", true);
	k = vec_dict_intern(&s->kinds, kind ? kind : "", false);
	s->kind[i] = (uint16_t)(k > UINT16_MAX ? UINT16_MAX : k);
	k = vec_dict_intern(&s->langs, language ? language : "", false);
	s->lang[i] = (uint16_t)(k > UINT16_MAX ? UINT16_MAX : k);
	rc = kw_parse_tsv(s, (uint32_t)i, tsv ? tsv : "", &npos);
	if (rc) {
		s->tmp_npost = keep; /* the entity without words */
		npos = 0;
	}
	s->norm[i] = npos ? (float)(1.0 / (log((double)(npos + 1)) / log(2.0))) : 0.0f;
	tri = xmalloc(kw_trigram_room(strlen(name)) * sizeof(uint32_t));
	nt = kw_trigrams(s->lnames + s->lname_off[i], tri);
	s->ntri[i] = (uint16_t)(nt > UINT16_MAX ? UINT16_MAX : nt);
	for (k = 0; k < nt && k < UINT16_MAX; k++) {
		KW_GROW(s->tmp_tri, s->tmp_ntri, s->tmp_tri_cap);
		s->tmp_tri[s->tmp_ntri].tri = kw_tri_intern(s, tri[k]);
		s->tmp_tri[s->tmp_ntri++].doc = (uint32_t)i;
	}
	free(tri);
	s->n++;
	return rc;
}

static int kw_byname_cmp(const void *pa, const void *pb, void *arg)
{
	const struct kwset *s = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = strcmp(s->lnames + s->lname_off[a], s->lnames + s->lname_off[b]);

	return c ? c : (a < b ? -1 : a > b);
}

void kwset_finish(struct kwset *s)
{
	size_t i;

	if (s->finished)
		return;
	/* postings by term (counting sort; docs stay ascending) */
	s->term_start = xcalloc(s->nterms + 1, sizeof(uint32_t));
	for (i = 0; i < s->tmp_npost; i++)
		s->term_start[s->tmp_post[i].term + 1]++;
	for (i = 0; i < s->nterms; i++)
		s->term_start[i + 1] += s->term_start[i];
	s->npost = s->tmp_npost;
	s->post_doc = xmalloc((s->npost + 1) * sizeof(uint32_t));
	s->post_contrib = xmalloc((s->npost + 1) * sizeof(float));
	s->post_mask = xmalloc(s->npost + 1);
	{
		uint32_t *fill = xmalloc((s->nterms + 1) * sizeof(uint32_t));

		memcpy(fill, s->term_start, (s->nterms + 1) * sizeof(uint32_t));
		for (i = 0; i < s->tmp_npost; i++) {
			uint32_t o = fill[s->tmp_post[i].term]++;

			s->post_doc[o] = s->tmp_post[i].doc;
			s->post_contrib[o] = s->tmp_post[i].contrib;
			s->post_mask[o] = s->tmp_post[i].mask;
		}
		free(fill);
	}
	free(s->tmp_post);
	s->tmp_post = NULL;
	s->tmp_npost = s->tmp_post_cap = 0;

	/* the name postings of each term (the names branch takes them whole) */
	s->name_start = xcalloc(s->nterms + 1, sizeof(uint32_t));
	for (i = 0; i < s->nterms; i++) {
		uint32_t j;

		s->name_start[i + 1] = s->name_start[i];
		for (j = s->term_start[i]; j < s->term_start[i + 1]; j++)
			s->name_start[i + 1] += (s->post_mask[j] & KW_MASK_NAME) != 0;
	}
	s->nnamepost = s->name_start[s->nterms];
	s->name_doc = xmalloc((s->nnamepost + 1) * sizeof(uint32_t));
	{
		size_t o = 0, t;

		for (t = 0; t < s->nterms; t++)
			for (i = s->term_start[t]; i < s->term_start[t + 1]; i++)
				if (s->post_mask[i] & KW_MASK_NAME)
					s->name_doc[o++] = s->post_doc[i];
	}

	/* trigram postings, likewise */
	s->tri_start = xcalloc(s->ntris + 1, sizeof(uint32_t));
	for (i = 0; i < s->tmp_ntri; i++)
		s->tri_start[s->tmp_tri[i].tri + 1]++;
	for (i = 0; i < s->ntris; i++)
		s->tri_start[i + 1] += s->tri_start[i];
	s->ntripost = s->tmp_ntri;
	s->tri_doc = xmalloc((s->ntripost + 1) * sizeof(uint32_t));
	{
		uint32_t *fill = xmalloc((s->ntris + 1) * sizeof(uint32_t));

		memcpy(fill, s->tri_start, (s->ntris + 1) * sizeof(uint32_t));
		for (i = 0; i < s->tmp_ntri; i++)
			s->tri_doc[fill[s->tmp_tri[i].tri]++] = s->tmp_tri[i].doc;
		free(fill);
	}
	free(s->tmp_tri);
	s->tmp_tri = NULL;
	s->tmp_ntri = s->tmp_tri_cap = 0;

	/* the end of the last name, for substring scans */
	if (!s->lname_off)
		s->lname_off = xmalloc(sizeof(uint32_t));
	s->lname_off[s->n] = (uint32_t)s->lnames_len;
	s->byname = xmalloc((s->n + 1) * sizeof(uint32_t));
	for (i = 0; i < s->n; i++)
		s->byname[i] = (uint32_t)i;
	qsort_r(s->byname, s->n, sizeof(uint32_t), kw_byname_cmp, s);
	s->finished = true;
}

size_t kwset_count(const struct kwset *s)
{
	return s->n;
}

size_t kwset_bytes(const struct kwset *s)
{
	return sizeof(*s) + s->cap * (8 + 4 + 4 + 4 + 4 + 2 + 2 + 2) + (s->finished ? (s->n + 1) * 4 : 0) +
	       s->names_cap + s->lnames_cap + vec_dict_bytes(&s->kinds) + vec_dict_bytes(&s->langs) +
	       vec_dict_bytes(&s->paths) + s->terms.cap * 4 + s->lex_cap + s->terms_cap * 4 +
	       (s->finished ? (s->nterms + 1) * 8 : 0) + s->npost * (4 + 4 + 1) + s->nnamepost * 4 +
	       s->tris.cap * 4 + s->tris_cap * 4 + (s->finished ? (s->ntris + 1) * 4 : 0) + s->ntripost * 4 +
	       s->tmp_post_cap * sizeof(struct kw_tmp_post) + s->tmp_tri_cap * sizeof(struct kw_tmp_tri);
}

static size_t kwset_bytes_op(const void *set)
{
	return kwset_bytes(set);
}

static size_t kwset_count_op(const void *set)
{
	return kwset_count(set);
}

static void kwset_free_op(void *set)
{
	kwset_free(set);
}

const struct vecindex_setops kwset_ops = {kwset_bytes_op, kwset_count_op, kwset_free_op};

/* ---- searching --------------------------------------------------------- */

/* First index in docs[cur, end) with docs[i] >= d (galloping). */
static size_t kw_advance(const uint32_t *docs, size_t cur, size_t end, uint32_t d)
{
	size_t step = 1, lo, hi;

	if (cur >= end || docs[cur] >= d)
		return cur;
	while (cur + step < end && docs[cur + step] < d)
		step *= 2;
	lo = cur + step / 2 + 1;
	hi = cur + step < end ? cur + step : end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (docs[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sorted-set operations on entity numbers; out may be a. An intersection
 * of a short list with a long one (a rare word and "the") gallops through
 * the long one. */
size_t kw_intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out)
{
	size_t i = 0, j = 0, o = 0;

	if (na * 16 < nb) {
		for (i = 0; i < na && j < nb; i++) {
			j = kw_advance(b, j, nb, a[i]);
			if (j < nb && b[j] == a[i])
				out[o++] = a[i];
		}
		return o;
	}
	if (nb * 16 < na) {
		for (j = 0; j < nb && i < na; j++) {
			i = kw_advance(a, i, na, b[j]);
			if (i < na && a[i] == b[j])
				out[o++] = b[j];
		}
		return o;
	}
	/* lists of like lengths: a merge without branches to mispredict
	 * (out[o] is written before it can be read: o <= i) */
	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];

		out[o] = x;
		o += x == y;
		i += x <= y;
		j += y <= x;
	}
	return o;
}

size_t kw_union(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out)
{
	size_t i = 0, j = 0, o = 0;

	while (i < na || j < nb) {
		if (j >= nb || (i < na && a[i] < b[j]))
			out[o++] = a[i++];
		else if (i >= na || b[j] < a[i])
			out[o++] = b[j++];
		else {
			out[o++] = a[i++];
			j++;
		}
	}
	return o;
}

static unsigned kw_class(uint8_t mask)
{
	return (mask ? KW_CLASS_ANY : 0) | (mask & KW_MASK_NAMED ? KW_CLASS_NAMED : 0) |
	       (mask & KW_MASK_NAME ? KW_CLASS_NAME : 0);
}

/* The query resolved against one set. */
struct kw_plan {
	size_t nterms;
	long tid[SEARCH_QUERY_MAX_WORDS * 4]; /* set term of each query term, or -1 */
	size_t nwords;
	int whole[SEARCH_QUERY_MAX_WORDS];    /* query term of each word */
	int parts[SEARCH_QUERY_MAX_WORDS][8]; /* query terms of its parts */
	size_t nparts[SEARCH_QUERY_MAX_WORDS];
};

static int kw_query_term(const struct search_query *q, const char *t)
{
	size_t i;

	for (i = 0; i < q->nterms; i++)
		if (strcmp(q->terms[i], t) == 0)
			return (int)i;
	return -1;
}

static void kw_plan(const struct kwset *s, const struct search_query *q, struct kw_plan *p)
{
	size_t i, k;

	memset(p, 0, sizeof(*p));
	p->nterms = q->nterms < SEARCH_QUERY_MAX_WORDS * 4 ? q->nterms : SEARCH_QUERY_MAX_WORDS * 4;
	for (i = 0; i < p->nterms; i++)
		p->tid[i] = kw_term_find(s, q->terms[i], strlen(q->terms[i]));
	p->nwords = q->nwords < SEARCH_QUERY_MAX_WORDS ? q->nwords : SEARCH_QUERY_MAX_WORDS;
	for (i = 0; i < p->nwords; i++) {
		p->whole[i] = kw_query_term(q, q->words[i].whole);
		for (k = 0; k < q->words[i].nparts && k < 8; k++)
			p->parts[i][k] = kw_query_term(q, q->words[i].parts[k]);
		p->nparts[i] = k;
	}
}

/* The postings of query term t (empty when the set lacks it). */
static void kw_postings(const struct kwset *s, const struct kw_plan *p, int t, size_t *b, size_t *e)
{
	*b = *e = 0;
	if (t >= 0 && p->tid[t] >= 0) {
		*b = s->term_start[p->tid[t]];
		*e = s->term_start[p->tid[t] + 1];
	}
}

/* A search's filter resolved against the set (vec_filter_resolve). */
struct kw_filter {
	bool on;
	long kind, lang;
	const unsigned char *file_ok;
};

static bool kw_pass(const struct kwset *s, const struct kw_filter *kf, uint32_t d)
{
	return !kf->on ||
	       ((kf->kind < 0 || s->kind[d] == kf->kind) && (kf->lang < 0 || s->lang[d] == kf->lang) &&
		(!kf->file_ok || kf->file_ok[s->file[d]]));
}

/* Entities with every word (whole, or all its parts) that pass kf into out
 * (room s->n); returns their number. tmp has room for 2 * s->n. The words
 * go from the fewest postings to the most, the first word's entities
 * filtered, so that the list kept is short and the long lists ("the") are
 * galloped through, not copied. */
static size_t kw_text_candidates(const struct kwset *s, const struct kw_plan *p, const struct kw_filter *kf,
				 uint32_t *out, uint32_t *tmp)
{
	size_t order[SEARCH_QUERY_MAX_WORDS], est[SEARCH_QUERY_MAX_WORDS];
	size_t w, i, k, n = 0, b, e;

	for (w = 0; w < p->nwords; w++) {
		kw_postings(s, p, p->whole[w], &b, &e);
		est[w] = e - b;
		if (p->nparts[w] > 1) {
			size_t least = SIZE_MAX;

			for (k = 0; k < p->nparts[w]; k++) {
				kw_postings(s, p, p->parts[w][k], &b, &e);
				if (e - b < least)
					least = e - b;
			}
			est[w] += least;
		}
		for (i = w; i > 0 && est[order[i - 1]] > est[w]; i--)
			order[i] = order[i - 1];
		order[i] = w;
	}
	for (i = 0; i < p->nwords; i++) {
		const uint32_t *list;
		size_t nw = 0;

		w = order[i];
		kw_postings(s, p, p->whole[w], &b, &e);
		list = s->post_doc + b;
		nw = e - b;
		if (p->nparts[w] > 1) {
			/* the parts, all of them (within what is kept so far) */
			size_t np;

			kw_postings(s, p, p->parts[w][0], &b, &e);
			if (i == 0) {
				memcpy(tmp, s->post_doc + b, (e - b) * sizeof(uint32_t));
				np = e - b;
			} else {
				np = kw_intersect(out, n, s->post_doc + b, e - b, tmp);
			}
			for (k = 1; k < p->nparts[w] && np; k++) {
				kw_postings(s, p, p->parts[w][k], &b, &e);
				np = kw_intersect(tmp, np, s->post_doc + b, e - b, tmp);
			}
			/* or the whole word */
			nw = kw_union(tmp, np, list, nw, tmp + s->n);
			list = tmp + s->n;
		}
		if (i == 0) {
			for (k = 0; k < nw; k++)
				if (kw_pass(s, kf, list[k]))
					out[n++] = list[k];
		} else {
			n = kw_intersect(out, n, list, nw, out);
		}
		if (n == 0)
			break;
	}
	return n;
}

/* cand := cand | each of lists, by a bitmap of the set's entities (bits:
 * (n + 63) / 64 words, zero before and after); cand has room for n. */
size_t kw_union_many(uint32_t *cand, size_t ncand, const uint32_t *const *lists, const size_t *lens,
		     size_t nlists, uint64_t *bits)
{
	size_t i, j, lo = SIZE_MAX, hi = 0, o = 0;

	for (j = 0; j < ncand; j++)
		bits[cand[j] >> 6] |= (uint64_t)1 << (cand[j] & 63);
	if (ncand) {
		lo = cand[0] >> 6;
		hi = cand[ncand - 1] >> 6;
	}
	for (i = 0; i < nlists; i++) {
		if (!lens[i])
			continue;
		for (j = 0; j < lens[i]; j++)
			bits[lists[i][j] >> 6] |= (uint64_t)1 << (lists[i][j] & 63);
		if (lists[i][0] >> 6 < lo)
			lo = lists[i][0] >> 6;
		if (lists[i][lens[i] - 1] >> 6 > hi)
			hi = lists[i][lens[i] - 1] >> 6;
	}
	for (i = lo; i <= hi && lo != SIZE_MAX; i++) {
		uint64_t word = bits[i];

		bits[i] = 0;
		while (word) {
			cand[o++] = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(word));
			word &= word - 1;
		}
	}
	return o;
}

struct kw_cand {
	uint32_t doc;
	double score;
	bool exact, all;
};

/* a worse than b: lower score, or the same and a larger id */
static bool kw_worse(const struct kwset *s, const struct kw_cand *a, const struct kw_cand *b)
{
	return a->score < b->score || (a->score == b->score && s->ids[a->doc] > s->ids[b->doc]);
}

static void kw_heap_push(const struct kwset *s, struct kw_cand *h, size_t *n, size_t cap,
			 const struct kw_cand *c)
{
	size_t i;

	if (*n == cap) {
		if (!kw_worse(s, &h[0], c))
			return;
		i = 0;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, m = i;
			const struct kw_cand *mc = c;

			if (l < *n && kw_worse(s, &h[l], mc)) {
				m = l;
				mc = &h[l];
			}
			if (r < *n && kw_worse(s, &h[r], mc))
				m = r;
			if (m == i)
				break;
			h[i] = h[m];
			i = m;
		}
		h[i] = *c;
		return;
	}
	i = (*n)++;
	while (i > 0 && kw_worse(s, c, &h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = *c;
}

static int kw_cand_cmp_r(const void *pa, const void *pb, void *arg)
{
	const struct kw_cand *a = pa, *b = pb;
	const struct kwset *s = arg;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return s->ids[a->doc] < s->ids[b->doc] ? -1 : s->ids[a->doc] > s->ids[b->doc];
}

/*
 * Scratch memory of one search, about 18 bytes per entity: kept in a pool
 * across searches (a fresh megabyte per search costs page faults, and
 * the glibc heap trims and regrows it). counts is all zeros between
 * searches (a search clears what it counted).
 */
struct kw_scratch {
	size_t cap;
	uint32_t *cand, *tmp, *list;
	uint16_t *counts;
	uint64_t *bits;
	struct kw_scratch *next;
};

static pthread_mutex_t kw_pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct kw_scratch *kw_pool;

static void kw_scratch_free(struct kw_scratch *x)
{
	free(x->cand);
	free(x->tmp);
	free(x->list);
	free(x->counts);
	free(x->bits);
	free(x);
}

static struct kw_scratch *kw_scratch_get(size_t n)
{
	struct kw_scratch *x;

	pthread_mutex_lock(&kw_pool_mu);
	x = kw_pool;
	if (x)
		kw_pool = x->next;
	pthread_mutex_unlock(&kw_pool_mu);
	if (!x)
		x = xcalloc(1, sizeof(*x));
	if (x->cap < n + 1) {
		free(x->cand);
		free(x->tmp);
		free(x->list);
		free(x->counts);
		free(x->bits);
		x->cap = n + 1;
		x->cand = xmalloc(x->cap * sizeof(uint32_t));
		x->tmp = xmalloc(2 * x->cap * sizeof(uint32_t));
		x->list = xmalloc(x->cap * sizeof(uint32_t));
		x->counts = xcalloc(x->cap, sizeof(uint16_t));
		x->bits = xcalloc(x->cap / 64 + 1, sizeof(uint64_t));
	}
	return x;
}

static void kw_scratch_put(struct kw_scratch *x)
{
	pthread_mutex_lock(&kw_pool_mu);
	x->next = kw_pool;
	kw_pool = x;
	pthread_mutex_unlock(&kw_pool_mu);
}

void kwindex_cleanup(void)
{
	struct kw_scratch *x;

	pthread_mutex_lock(&kw_pool_mu);
	while ((x = kw_pool) != NULL) {
		kw_pool = x->next;
		kw_scratch_free(x);
	}
	pthread_mutex_unlock(&kw_pool_mu);
}

/* cand := cand | list (both sorted, unique); tmp has room. */
static size_t kw_merge(uint32_t *cand, size_t ncand, const uint32_t *list, size_t nlist, uint32_t *tmp)
{
	if (nlist == 0)
		return ncand;
	ncand = kw_union(cand, ncand, list, nlist, tmp);
	memcpy(cand, tmp, ncand * sizeof(uint32_t));
	return ncand;
}

size_t kwset_search(const struct kwset *s, const struct search_query *q, const struct vec_filter *f,
		    unsigned branches, size_t k, struct kw_hit *out)
{
	struct kw_plan *p = NULL;
	struct kw_scratch *x = NULL;
	uint32_t *cand, *tmp, *list, *exl = NULL;
	uint16_t *tcnt;
	size_t ncand = 0, nlist, i, t, n = 0, nq = 0, nex = 0, exi = 0;
	size_t cur[SEARCH_QUERY_MAX_WORDS * 4], end[SEARCH_QUERY_MAX_WORDS * 4];
	uint32_t *qtri = NULL;
	unsigned char *file_ok = NULL, *excase = NULL;
	struct kw_filter kf = {false, -1, -1, NULL};
	const char *name = q->name, *exact = q->name ? q->text : NULL;
	struct kw_cand *heap = NULL;
	size_t nheap = 0;
	bool filtered = f && (f->kind || f->language || f->path_prefix || f->path_glob), single = false;
	float inv_nterms;

	if (!s->finished || k == 0 || s->n == 0 || q->nwords == 0 || q->nterms == 0)
		return 0;
	if (!name)
		branches &= ~(unsigned)(KW_BRANCH_EXACT | KW_BRANCH_SIMILAR | KW_BRANCH_SUBSTRING);
	if (name && strlen(name) < 3)
		branches &= ~(unsigned)KW_BRANCH_SUBSTRING;
	if (!branches)
		return 0;
	p = xmalloc(sizeof(*p));
	kw_plan(s, q, p);
	x = kw_scratch_get(s->n);
	cand = x->cand;
	tmp = x->tmp;
	list = x->list;
	tcnt = x->counts;
	if (filtered) {
		if (!vec_filter_resolve(f, &s->kinds, &s->langs, &s->paths, &kf.kind, &kf.lang, &file_ok))
			goto out;
		kf.on = true;
		kf.file_ok = file_ok;
	}

	/* The trigram counts of every name sharing one with the token: the
	 * similarity of candidates, and the similar names themselves. */
	if (name) {
		qtri = xmalloc(kw_trigram_room(strlen(name)) * sizeof(uint32_t));
		nq = kw_trigrams(name, qtri);
		for (i = 0; i < nq; i++) {
			long id = kw_tri_find(s, qtri[i]);
			size_t j;

			if (id >= 0)
				for (j = s->tri_start[id]; j < s->tri_start[id + 1]; j++)
					tcnt[s->tri_doc[j]]++;
			qtri[i] = (uint32_t)id; /* now the id, -1 when absent */
		}
		/* the entities whose lower-cased name is the token, and which of
		 * them have it as typed */
		{
			size_t lo = 0, hi = s->n;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (strcmp(s->lnames + s->lname_off[s->byname[mid]], name) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (hi = lo; hi < s->n && strcmp(s->lnames + s->lname_off[s->byname[hi]], name) == 0;
			     hi++)
				;
			nex = hi - lo;
			exl = xmalloc((nex + 1) * sizeof(uint32_t));
			memcpy(exl, s->byname + lo, nex * sizeof(uint32_t));
			nex = kw_sort_unique(exl, nex);
			excase = xmalloc(nex + 1);
			for (i = 0, nlist = 0; i < nex; i++) {
				excase[i] = strcmp(s->names + s->name_off[exl[i]], exact) == 0;
				if (excase[i])
					list[nlist++] = exl[i];
			}
			if (branches & KW_BRANCH_EXACT)
				ncand = kw_merge(cand, ncand, list, nlist, tmp);
		}
	}
	/* One word of one lexeme (the common case of common words): the
	 * candidates are its postings, ranked in one pass over them below. */
	single = p->nterms == 1 && p->nwords == 1 && p->nparts[0] <= 1 && p->whole[0] == 0 &&
		 (branches & KW_BRANCH_TEXT) && !(branches & ~(unsigned)(KW_BRANCH_TEXT | KW_BRANCH_EXACT));
	if (single) {
		size_t b, e;

		kw_postings(s, p, 0, &b, &e);
		/* names equal to the token have it as a lexeme, but be sure */
		for (i = 0; i < ncand && single; i++)
			single = kw_advance(s->post_doc, b, e, cand[i]) < e &&
				 s->post_doc[kw_advance(s->post_doc, b, e, cand[i])] == cand[i];
		if (single)
			ncand = e - b;
	}
	if ((branches & KW_BRANCH_TEXT) && !single) {
		nlist = kw_text_candidates(s, p, &kf, list, tmp);
		ncand = kw_merge(cand, ncand, list, nlist, tmp);
	}
	if (branches & KW_BRANCH_SIMILAR) {
		nlist = 0;
		for (i = 0; i < nq; i++) {
			long id = (long)(int32_t)qtri[i];
			size_t j;

			if (id < 0)
				continue;
			for (j = s->tri_start[id]; j < s->tri_start[id + 1]; j++) {
				uint32_t d = s->tri_doc[j];
				float c = tcnt[d] & KW_CNT_MASK;

				/* the high bit marks an entity taken already */
				if (!(tcnt[d] & ~KW_CNT_MASK) &&
				    c / ((float)nq + s->ntri[d] - c) >= KW_SIM_MIN) {
					tcnt[d] |= (uint16_t)~KW_CNT_MASK;
					list[nlist++] = d;
				}
			}
		}
		nlist = kw_sort_unique(list, nlist);
		ncand = kw_merge(cand, ncand, list, nlist, tmp);
	}
	if (branches & KW_BRANCH_NAMES) {
		const uint32_t *lists[SEARCH_QUERY_MAX_WORDS * 4];
		size_t lens[SEARCH_QUERY_MAX_WORDS * 4];

		for (t = 0; t < p->nterms; t++) {
			lists[t] = s->name_doc;
			lens[t] = 0;
			if (p->tid[t] >= 0) {
				lists[t] = s->name_doc + s->name_start[p->tid[t]];
				lens[t] = s->name_start[p->tid[t] + 1] - s->name_start[p->tid[t]];
			}
		}
		ncand = kw_union_many(cand, ncand, lists, lens, p->nterms, x->bits);
	}
	if (branches & KW_BRANCH_SUBSTRING) {
		const char *base = s->lnames, *end_p = s->lnames + s->lnames_len, *hit;
		size_t nl = strlen(name), pos = 0;

		nlist = 0;
		while (pos < s->lnames_len &&
		       (hit = memmem(base + pos, (size_t)(end_p - base) - pos, name, nl))) {
			size_t lo = 0, hi = s->n, off = (size_t)(hit - base);

			/* the entity whose name holds offset off */
			while (lo + 1 < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (s->lname_off[mid] <= off)
					lo = mid;
				else
					hi = mid;
			}
			list[nlist++] = (uint32_t)lo;
			pos = s->lname_off[lo + 1];
		}
		ncand = kw_merge(cand, ncand, list, nlist, tmp);
	}
	if (ncand == 0)
		goto out;

	/* rank every candidate */
	for (t = 0; t < p->nterms; t++)
		kw_postings(s, p, (int)t, &cur[t], &end[t]);
	heap = xmalloc(k * sizeof(*heap));
	inv_nterms = 1.0f / (float)q->nterms;
	if (single) {
		size_t j;

		for (j = cur[0]; j < end[0]; j++) {
			uint32_t d = s->post_doc[j];
			uint8_t mask = s->post_mask[j];
			struct kw_cand c;

			if (!kw_pass(s, &kf, d))
				continue;
			c.score = (double)(s->post_contrib[j] * inv_nterms * s->norm[d]) +
				  (mask & KW_MASK_NAMED ? 0.3 : 0) + (mask & KW_MASK_NAME ? 0.5 : 0);
			c.exact = false;
			if (name) {
				float cnt = tcnt[d] & KW_CNT_MASK;

				if (cnt > 0)
					c.score += 0.5 * (cnt / ((float)nq + s->ntri[d] - cnt));
				while (exi < nex && exl[exi] < d)
					exi++;
				if (exi < nex && exl[exi] == d) {
					c.exact = true;
					c.score += 1.0 + (excase[exi] ? 0.5 : 0);
				}
			}
			if (nheap == k && c.score < heap[0].score)
				continue;
			c.doc = d;
			c.all = true;
			kw_heap_push(s, heap, &nheap, k, &c);
		}
		ncand = 0; /* ranked */
	}
	for (i = 0; i < ncand; i++) {
		uint32_t d = cand[i];
		uint8_t m[SEARCH_QUERY_MAX_WORDS * 4];
		bool all = true, named = true, inname = true;
		struct kw_cand c;
		float rank = 0;
		size_t w, j;

		if (!kw_pass(s, &kf, d))
			continue;
		for (t = 0; t < p->nterms; t++) {
			m[t] = 0;
			if (cur[t] >= end[t])
				continue;
			if (s->post_doc[cur[t]] < d)
				cur[t] = kw_advance(s->post_doc, cur[t], end[t], d);
			if (cur[t] < end[t] && s->post_doc[cur[t]] == d) {
				m[t] = s->post_mask[cur[t]];
				rank += s->post_contrib[cur[t]];
			}
		}
		for (w = 0; w < p->nwords; w++) {
			unsigned ok = kw_class(p->whole[w] >= 0 ? m[p->whole[w]] : 0), pc = 0;

			/* the whole word, or every part (each in the class) */
			if (p->nparts[w] > 1) {
				pc = KW_CLASS_ANY | KW_CLASS_NAMED | KW_CLASS_NAME;
				for (j = 0; j < p->nparts[w]; j++)
					pc &= kw_class(p->parts[w][j] >= 0 ? m[p->parts[w][j]] : 0);
			}
			ok |= pc;
			all = all && (ok & KW_CLASS_ANY);
			named = named && (ok & KW_CLASS_NAMED);
			inname = inname && (ok & KW_CLASS_NAME);
		}
		c.doc = d;
		c.all = all;
		c.score = (double)(rank * inv_nterms * s->norm[d]);
		c.score += (named ? 0.3 : 0) + (inname ? 0.5 : 0);
		c.exact = false;
		if (name) {
			float cnt = tcnt[d] & KW_CNT_MASK;
			float sim = nq && s->ntri[d] ? cnt / ((float)nq + s->ntri[d] - cnt) : 0;

			while (exi < nex && exl[exi] < d)
				exi++;
			if (exi < nex && exl[exi] == d) {
				c.exact = true;
				c.score += 1.0 + (excase[exi] ? 0.5 : 0);
			}
			c.score += 0.5 * sim;
		}
		if (nheap == k && c.score < heap[0].score)
			continue;
		kw_heap_push(s, heap, &nheap, k, &c);
	}
	qsort_r(heap, nheap, sizeof(*heap), kw_cand_cmp_r, (void *)s);
	for (i = 0; i < nheap; i++) {
		out[i].id = s->ids[heap[i].doc];
		out[i].score = heap[i].score;
		out[i].exact = heap[i].exact;
		out[i].all = heap[i].all;
	}
	n = nheap;
out:
	/* counts back to zero for the next search */
	for (i = 0; i < nq; i++) {
		long id = (long)(int32_t)qtri[i];
		size_t j;

		if (id >= 0)
			for (j = s->tri_start[id]; j < s->tri_start[id + 1]; j++)
				tcnt[s->tri_doc[j]] = 0;
	}
	kw_scratch_put(x);
	free(heap);
	free(file_ok);
	free(qtri);
	free(exl);
	free(excase);
	free(p);
	return n;
}
