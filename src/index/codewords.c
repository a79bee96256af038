/*
 * codewords.c - docxp_entity_tsv (sql/002_search.sql) in C.
 *
 * What the SQL does, step by step, and how it is modelled here (ASCII
 * text only; PostgreSQL's sources are the reference for each rule):
 *
 * docxp_code_words(t) is the lower-cased text of t with "_" and "$"
 * removed and every other non-alphanumeric run made one space, then a
 * space, then t split at camelCase boundaries ("aB" -> "a B", "ABc" ->
 * "A Bc") with every non-alphanumeric run (including "_" and "$") made
 * one space. Only the words of that text matter, so the words are taken
 * directly: the first list, then the second.
 *
 * to_tsvector('simple', ...) runs the default parser over those words:
 * a word is one token, except that a word of the form digits "e" digits
 * followed by a letter is scientific notation plus a second token (the
 * rest, which starts with a letter). Tokens of 2048 bytes or more are
 * dropped without taking a position; every other token takes the next
 * position (from 1). The simple dictionary keeps every token as is
 * (lower case already). Then per lexeme (to_tsany.c uniqueWORD):
 * positions above 16383 count as 16383, a lexeme keeps at most 255
 * positions, none after 16383, no repeats.
 *
 * setweight() marks every position; "||" (tsvector_op.c tsvector_concat)
 * shifts the right side's positions by the largest position of the left
 * side (capped at 16383) and appends them to a lexeme's positions while it
 * has fewer than 256 and its last is not 16383.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/codewords.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fnv.h"

#define TS_MAXSTRLEN   2048  /* tokens this long or longer are dropped */
#define TS_MAXENTRYPOS 16384 /* positions are capped at MAXENTRYPOS - 1 */
#define TS_MAXNUMPOS   256   /* positions kept per lexeme by "||" */
#define TS_LIMITPOS(p) ((p) >= TS_MAXENTRYPOS ? TS_MAXENTRYPOS - 1 : (p))
#define CONTENT_MAX    100000 /* left(content, 100000) */

/* One token: its lower-cased text in the chars pool, and its position. */
struct cw_token {
	size_t off;
	size_t len;
	int pos;
};

/* One lexeme of a tsvector: text in the chars pool, positions (weight in
 * the top two bits, as in PostgreSQL's WordEntryPos) in the pos pool. */
struct cw_lexeme {
	size_t off;
	size_t len;
	size_t pos_off;
	size_t npos;
};

struct cw_vector {
	struct cw_lexeme *items;
	size_t n, cap;
};

struct cw_group;

struct cw {
	char *chars;
	size_t nchars, capchars;
	uint16_t *pos;
	size_t npos, cappos;
	struct cw_token *tokens;
	size_t ntokens, captokens;
	int lastpos; /* position counter of the part being parsed */
	/* make_vector's tables, kept from call to call */
	uint32_t *slots;
	size_t capslots;
	struct cw_group *groups;
	size_t capgroups;
	size_t *next;
	size_t capnext;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(p, c * size);
}

static void vector_push(struct cw_vector *v, const struct cw_lexeme *l)
{
	v->items = grow(v->items, &v->cap, v->n + 1, sizeof(*v->items));
	v->items[v->n++] = *l;
}

static size_t pos_reserve(struct cw *c, size_t n)
{
	size_t at = c->npos;

	c->pos = grow(c->pos, &c->cappos, c->npos + n, sizeof(*c->pos));
	c->npos += n;
	return at;
}

static int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

static void add_token(struct cw *c, size_t off, size_t len)
{
	if (len >= TS_MAXSTRLEN)
		return;
	c->tokens = grow(c->tokens, &c->captokens, c->ntokens + 1, sizeof(*c->tokens));
	c->tokens[c->ntokens].off = off;
	c->tokens[c->ntokens].len = len;
	c->tokens[c->ntokens].pos = ++c->lastpos;
	c->ntokens++;
}

/* The parser's tokens of one word (lower-cased, in the chars pool). */
static void add_word(struct cw *c, size_t off, size_t len)
{
	const char *w = c->chars + off;
	size_t i = 0, k;

	if (len == 0)
		return;
	if (is_digit((unsigned char)w[0])) {
		while (i < len && is_digit((unsigned char)w[i]))
			i++;
		if (i + 1 < len && w[i] == 'e' && is_digit((unsigned char)w[i + 1])) {
			k = i + 1;
			while (k < len && is_digit((unsigned char)w[k]))
				k++;
			if (k < len) {
				/* "12e5x": scientific notation "12e5", then "x". */
				add_token(c, off, k);
				add_token(c, off + k, len - k);
				return;
			}
		}
	}
	add_token(c, off, len);
}

/* Character classes of ASCII bytes (every other byte is 0). */
#define D CW_DIGIT
#define L CW_LOWER
#define U CW_UPPER
#define S CW_SKIP
enum { CW_DIGIT = 1, CW_LOWER = 2, CW_UPPER = 4, CW_SKIP = 8 };
static const unsigned char cw_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0,
    0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, S,
    0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
#undef D
#undef L
#undef U
#undef S
#define CW_ALNUM (CW_DIGIT | CW_LOWER | CW_UPPER)

/* The words of docxp_code_words(t), in order, through the parser. */
static void code_words(struct cw *c, const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t i = 0, off;
	char *out;

	/* First list: "_" and "$" removed, then runs of letters and digits. */
	c->chars = grow(c->chars, &c->capchars, c->nchars + 2 * len + 2, 1);
	out = c->chars;
	while (i < len) {
		while (i < len && !(cw_class[u[i]] & (CW_ALNUM | CW_SKIP)))
			i++;
		off = c->nchars;
		for (; i < len && (cw_class[u[i]] & (CW_ALNUM | CW_SKIP)); i++)
			if (cw_class[u[i]] & CW_ALNUM)
				out[c->nchars++] =
				    (char)(cw_class[u[i]] & CW_UPPER ? u[i] + ('a' - 'A') : u[i]);
		if (c->nchars > off)
			add_word(c, off, c->nchars - off);
	}
	/* Second list: runs of letters and digits, split at camelCase
	 * ("aB" -> "a B", "ABc" -> "A Bc"). */
	i = 0;
	while (i < len) {
		while (i < len && !(cw_class[u[i]] & CW_ALNUM))
			i++;
		if (i >= len)
			break;
		off = c->nchars;
		for (; i < len && (cw_class[u[i]] & CW_ALNUM); i++) {
			unsigned cur = cw_class[u[i]];

			if (c->nchars > off && (cur & CW_UPPER)) {
				unsigned prev = cw_class[u[i - 1]];

				if ((prev & (CW_LOWER | CW_DIGIT)) ||
				    ((prev & CW_UPPER) && i + 1 < len && (cw_class[u[i + 1]] & CW_LOWER))) {
					add_word(c, off, c->nchars - off);
					off = c->nchars;
				}
			}
			out[c->nchars++] = (char)(cur & CW_UPPER ? u[i] + ('a' - 'A') : u[i]);
		}
		add_word(c, off, c->nchars - off);
	}
}

/* One distinct token text of a part: its tokens are a list in position
 * order (head, tail, next[] of the tokens). */
struct cw_group {
	size_t off, len;
	size_t head, tail, count;
	uint64_t hash;	 /* of the text: probes compare it first */
	uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded: sorts compare it first */
};

static uint64_t cw_prefix(const char *s, size_t n)
{
	unsigned char b[8] = {0};

	memcpy(b, s, n < 8 ? n : 8);
	return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 | (uint64_t)b[3] << 32 |
	       (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 | (uint64_t)b[6] << 8 | b[7];
}

static inline int group_cmp(const struct cw *c, const struct cw_group *a, const struct cw_group *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r;

	/* Equal prefixes with a zero byte padded in: the shorter text ends
	 * there (texts hold no NUL), so the rest compares by length. */
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	r = n > 8 ? memcmp(c->chars + a->off + 8, c->chars + b->off + 8, n - 8) : 0;
	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Sorts groups by text: quicksort (median of three) down to short runs,
 * then insertion sort, with the comparison inlined (qsort's calls through
 * a pointer were a third of make_vector). The texts are distinct. */
static void sort_groups(const struct cw *c, struct cw_group *g, size_t n)
{
	struct cw_group tmp;
	size_t i, j;

	while (n > 16) {
		size_t mid = n / 2, lo = 0, hi = n - 1;
		struct cw_group pivot;

		if (group_cmp(c, &g[mid], &g[lo]) < 0)
			tmp = g[mid], g[mid] = g[lo], g[lo] = tmp;
		if (group_cmp(c, &g[hi], &g[lo]) < 0)
			tmp = g[hi], g[hi] = g[lo], g[lo] = tmp;
		if (group_cmp(c, &g[hi], &g[mid]) < 0)
			tmp = g[hi], g[hi] = g[mid], g[mid] = tmp;
		pivot = g[mid];
		i = 0;
		j = n - 1;
		for (;;) {
			while (group_cmp(c, &g[i], &pivot) < 0)
				i++;
			while (group_cmp(c, &pivot, &g[j]) < 0)
				j--;
			if (i >= j)
				break;
			tmp = g[i], g[i] = g[j], g[j] = tmp;
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n): recurse on the smaller side. */
		if (j + 1 < n - j - 1) {
			sort_groups(c, g, j + 1);
			g += j + 1;
			n -= j + 1;
		} else {
			sort_groups(c, g + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		tmp = g[i];
		for (j = i; j > 0 && group_cmp(c, &tmp, &g[j - 1]) < 0; j--)
			g[j] = g[j - 1];
		g[j] = tmp;
	}
}

/*
 * to_tsvector's lexemes of the tokens, with weight w (setweight): the
 * tokens are grouped by text with a hash table (tokens come in position
 * order, so each group's positions are sorted), and only the distinct
 * texts are sorted.
 */
static void make_vector(struct cw *c, int w, struct cw_vector *out)
{
	size_t cap = 16, mask, i, j, ngroups = 0;
	struct cw_group *groups;
	uint32_t *slots;
	size_t *next;

	out->n = 0;
	if (c->ntokens == 0)
		return;
	while (cap < c->ntokens * 2)
		cap *= 2;
	mask = cap - 1;
	c->slots = grow(c->slots, &c->capslots, cap, sizeof(*c->slots));
	c->groups = grow(c->groups, &c->capgroups, c->ntokens, sizeof(*c->groups));
	c->next = grow(c->next, &c->capnext, c->ntokens, sizeof(*c->next));
	slots = c->slots;
	groups = c->groups;
	next = c->next;
	memset(slots, 0, cap * sizeof(*slots)); /* group index + 1; 0 is empty */
	for (i = 0; i < c->ntokens; i++) {
		const struct cw_token *t = &c->tokens[i];
		const char *txt = c->chars + t->off;
		uint64_t full = fnv1a(FNV1A_OFFSET, txt, t->len);
		size_t h = (size_t)full & mask;
		struct cw_group *g;

		while (slots[h]) {
			g = &groups[slots[h] - 1];
			if (g->hash == full && g->len == t->len &&
			    memcmp(c->chars + g->off, txt, t->len) == 0)
				break;
			h = (h + 1) & mask;
		}
		next[i] = SIZE_MAX;
		if (!slots[h]) {
			g = &groups[ngroups++];
			g->off = t->off;
			g->len = t->len;
			g->head = g->tail = i;
			g->count = 1;
			g->hash = full;
			g->prefix = cw_prefix(txt, t->len);
			slots[h] = (uint32_t)ngroups;
			continue;
		}
		g = &groups[slots[h] - 1];
		next[g->tail] = i;
		g->tail = i;
		g->count++;
	}
	sort_groups(c, groups, ngroups);
	out->items = grow(out->items, &out->cap, ngroups, sizeof(*out->items));
	for (i = 0; i < ngroups; i++) {
		const struct cw_group *g = &groups[i];
		struct cw_lexeme l;
		uint16_t *pp;

		l.off = g->off;
		l.len = g->len;
		l.pos_off = pos_reserve(c, g->count);
		l.npos = 0;
		pp = c->pos + l.pos_off;
		for (j = g->head; j != SIZE_MAX; j = next[j]) {
			int p = TS_LIMITPOS(c->tokens[j].pos);

			if (l.npos == 0) {
				pp[l.npos++] = (uint16_t)p;
				continue;
			}
			if (l.npos < TS_MAXNUMPOS - 1 && (pp[l.npos - 1] & 0x3fff) != TS_MAXENTRYPOS - 1 &&
			    (pp[l.npos - 1] & 0x3fff) != p)
				pp[l.npos++] = (uint16_t)p;
		}
		for (j = 0; j < l.npos; j++)
			pp[j] = (uint16_t)((pp[j] & 0x3fff) | (w << 14));
		vector_push(out, &l);
	}
	c->ntokens = 0;
}

static int lexeme_cmp(const struct cw *c, const struct cw_lexeme *a, const struct cw_lexeme *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(c->chars + a->off, c->chars + b->off, n);

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Appends b's positions of a lexeme, shifted by maxpos, to dst (add_pos). */
static void add_pos(struct cw *c, struct cw_lexeme *dst, const struct cw_lexeme *b, int maxpos)
{
	size_t i, at = pos_reserve(c, dst->npos + b->npos);

	memcpy(c->pos + at, c->pos + dst->pos_off, dst->npos * sizeof(uint16_t));
	dst->pos_off = at;
	for (i = 0; i < b->npos && dst->npos < TS_MAXNUMPOS &&
		    (dst->npos == 0 || (c->pos[at + dst->npos - 1] & 0x3fff) != TS_MAXENTRYPOS - 1);
	     i++) {
		uint16_t p = c->pos[b->pos_off + i];
		int np = (p & 0x3fff) + maxpos;

		c->pos[at + dst->npos++] = (uint16_t)((p & 0xc000) | TS_LIMITPOS(np));
	}
}

/* out = a || b (tsvector_concat). */
static void concat(struct cw *c, const struct cw_vector *a, const struct cw_vector *b, struct cw_vector *out)
{
	size_t i = 0, j = 0, k;
	int maxpos = 0;

	out->n = 0;
	for (i = 0; i < a->n; i++)
		for (k = 0; k < a->items[i].npos; k++)
			if ((c->pos[a->items[i].pos_off + k] & 0x3fff) > maxpos)
				maxpos = c->pos[a->items[i].pos_off + k] & 0x3fff;
	i = 0;
	while (i < a->n || j < b->n) {
		int cmp = i == a->n ? 1 : j == b->n ? -1 : lexeme_cmp(c, &a->items[i], &b->items[j]);
		struct cw_lexeme l;

		if (cmp < 0) {
			vector_push(out, &a->items[i++]);
			continue;
		}
		l = cmp == 0 ? a->items[i] : b->items[j];
		if (cmp > 0)
			l.npos = 0;
		add_pos(c, &l, &b->items[j], maxpos);
		vector_push(out, &l);
		if (cmp == 0)
			i++;
		j++;
	}
}

static int all_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static int write_vector(struct buf *out, const struct cw *c, const struct cw_vector *v)
{
	static const char wchar[4] = {0, 'C', 'B', 'A'};
	size_t i, k;
	int rc = 0;

	for (i = 0; i < v->n && rc == 0; i++) {
		const struct cw_lexeme *l = &v->items[i];

		rc = buf_add(out, i ? " '" : "'", i ? 2 : 1);
		if (rc == 0)
			rc = buf_add(out, c->chars + l->off, l->len);
		if (rc == 0)
			rc = buf_add(out, "':", 2);
		for (k = 0; k < l->npos && rc == 0; k++) {
			uint16_t p = c->pos[l->pos_off + k];
			char tmp[16];
			int n = 0, d = p & 0x3fff, digits[6], nd = 0;

			if (k)
				tmp[n++] = ',';
			do {
				digits[nd++] = d % 10;
				d /= 10;
			} while (d);
			while (nd)
				tmp[n++] = (char)('0' + digits[--nd]);
			if (wchar[p >> 14])
				tmp[n++] = wchar[p >> 14];
			rc = buf_add(out, tmp, (size_t)n);
		}
	}
	return rc;
}

/* tsvectorsend: the number of lexemes, then each lexeme NUL-terminated,
 * its number of positions and the positions (weight in the top bits), all
 * big-endian. tsvectorrecv wants the lexemes sorted and each one's
 * positions increasing, as make_vector and concat leave them. */
static int write_vector_binary(struct buf *out, const struct cw *c, const struct cw_vector *v)
{
	size_t i, k, size = 4;
	unsigned char *d, *p;
	int rc;

	for (i = 0; i < v->n; i++)
		size += v->items[i].len + 3 + 2 * v->items[i].npos;
	d = p = xmalloc(size);
	*p++ = (unsigned char)(v->n >> 24);
	*p++ = (unsigned char)(v->n >> 16);
	*p++ = (unsigned char)(v->n >> 8);
	*p++ = (unsigned char)v->n;
	for (i = 0; i < v->n; i++) {
		const struct cw_lexeme *l = &v->items[i];
		const uint16_t *pos = c->pos + l->pos_off;

		memcpy(p, c->chars + l->off, l->len);
		p += l->len;
		*p++ = 0;
		*p++ = (unsigned char)(l->npos >> 8);
		*p++ = (unsigned char)l->npos;
		for (k = 0; k < l->npos; k++) {
			*p++ = (unsigned char)(pos[k] >> 8);
			*p++ = (unsigned char)pos[k];
		}
	}
	rc = buf_add(out, d, size);
	free(d);
	return rc;
}

/* What one call builds, kept for the next: the pools and tables grow to
 * the largest entity seen and are reused instead of allocated for every
 * entity and part (4 % of the search-document time on openjdk's files). */
struct codewords_scratch {
	struct cw c;
	struct cw_vector v[2], part;
	char *qs;
	size_t capqs;
};

struct codewords_scratch *codewords_scratch_new(void)
{
	return xcalloc(1, sizeof(struct codewords_scratch));
}

void codewords_scratch_free(struct codewords_scratch *sc)
{
	if (!sc)
		return;
	free(sc->c.chars);
	free(sc->c.pos);
	free(sc->c.tokens);
	free(sc->c.slots);
	free(sc->c.groups);
	free(sc->c.next);
	free(sc->v[0].items);
	free(sc->v[1].items);
	free(sc->part.items);
	free(sc->qs);
	free(sc);
}

static int entity_tsv(struct codewords_scratch *sc, struct buf *out, enum codewords_form form, const char *n,
		      size_t nlen, const char *q, size_t qlen, const char *s, size_t slen, const char *j,
		      size_t jlen, const char *t, size_t content_len)
{
	struct cw *c = &sc->c;
	struct cw_vector *v = sc->v, *part = &sc->part;
	int rc;

	c->nchars = c->npos = c->ntokens = 0;
	c->lastpos = 0;
	/* coalesce(qualified_name, '') || ' ' || coalesce(signature, '') */
	sc->qs = grow(sc->qs, &sc->capqs, qlen + slen + 2, 1);
	memcpy(sc->qs, q, qlen);
	sc->qs[qlen] = ' ';
	memcpy(sc->qs + qlen + 1, s, slen + 1);

	code_words(c, n, nlen);
	make_vector(c, 3, &v[0]);
	/* Positions restart with each to_tsvector call. */
	c->lastpos = 0;
	code_words(c, sc->qs, qlen + 1 + slen);
	make_vector(c, 2, part);
	concat(c, &v[0], part, &v[1]);
	c->lastpos = 0;
	code_words(c, j, jlen);
	make_vector(c, 1, part);
	concat(c, &v[1], part, &v[0]);
	c->lastpos = 0;
	code_words(c, t, content_len);
	make_vector(c, 0, part);
	concat(c, &v[0], part, &v[1]);
	rc = form == CODEWORDS_BINARY ? write_vector_binary(out, c, &v[1]) : write_vector(out, c, &v[1]);
	return rc ? rc : 1;
}

int codewords_entity_tsv(struct codewords_scratch *scratch, struct buf *out, enum codewords_form form,
			 const char *name, const char *qualified_name, const char *signature,
			 const char *javadoc, const char *content, size_t content_len)
{
	const char *q = qualified_name ? qualified_name : "", *s = signature ? signature : "";
	const char *n = name ? name : "", *j = javadoc ? javadoc : "", *t = content ? content : "";
	size_t nlen = strlen(n), qlen = strlen(q), slen = strlen(s), jlen = strlen(j);
	struct codewords_scratch *own = NULL;
	int rc;

	if (!content)
		content_len = 0;
	if (content_len > CONTENT_MAX)
		content_len = CONTENT_MAX; /* characters = bytes: ASCII only */
	if (!all_ascii(n, nlen) || !all_ascii(q, qlen) || !all_ascii(s, slen) || !all_ascii(j, jlen) ||
	    !all_ascii(t, content_len))
		return 0;
	if (!scratch)
		scratch = own = codewords_scratch_new();
	rc = entity_tsv(scratch, out, form, n, nlen, q, qlen, s, slen, j, jlen, t, content_len);
	codewords_scratch_free(own);
	return rc;
}
