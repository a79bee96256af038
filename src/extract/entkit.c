/*
 * entkit.c - helpers shared by the xml, sql, properties and script
 * extractors (see entkit.h).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "util/arena.h"
#include "util/fnv.h"

struct entity *entkit_entity(const struct srcmap *m, struct arena *a, struct entity_list *out,
			     const char *kind, int first, int last)
{
	struct entity *e = extract_push(a, out);
	int n = m->nlines > 0 ? m->nlines : 1;

	e->kind = kind;
	e->start_line = first < 1 ? 1 : first > n ? n : first;
	e->end_line = last < e->start_line ? e->start_line : last > n ? n : last;
	e->text = "";
	return e;
}

bool entkit_finish(const struct srcmap *m, struct arena *a, struct entity_list *out, size_t first)
{
	size_t i, total = 0, budget = m->len * ENTKIT_TEXT_FACTOR + ENTKIT_TEXT_SLACK;

	for (i = first; i < out->count; i++) {
		const struct entity *e = &out->items[i];

		total += entkit_line_end(m, e->end_line) - entkit_line_start(m, e->start_line);
		if (total > budget) {
			out->count = first;
			return false;
		}
	}
	for (i = first; i < out->count; i++)
		srcmap_set_text(m, a, &out->items[i], out->items[i].start_line, out->items[i].end_line);
	return true;
}

size_t entkit_line_start(const struct srcmap *m, int line)
{
	if (m->nlines < 1 || line < 1)
		return m->base < m->len ? m->base : m->len;
	if (line > m->nlines)
		return m->len;
	return m->lstart[line - 1];
}

size_t entkit_line_end(const struct srcmap *m, int line)
{
	if (m->nlines < 1)
		return m->len;
	if (line < 1)
		line = 1;
	if (line > m->nlines)
		line = m->nlines;
	return m->lstart[line];
}

/* One slot: the name and the next "#N" suffix to try when it repeats. */
struct qnslot {
	const char *qn;
	unsigned next;
};

static struct qnslot *qn_find(const struct qnset *s, const char *qn)
{
	struct qnslot *slots = s->slots;
	size_t i;

	if (!s->cap)
		return NULL;
	for (i = fnv1a(FNV1A_OFFSET, qn, strlen(qn)) & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (!slots[i].qn || strcmp(slots[i].qn, qn) == 0)
			return &slots[i];
}

void qnset_add(struct qnset *s, struct arena *a, const char *qn)
{
	struct qnslot *slot;

	if ((s->count + 1) * 2 > s->cap) {
		struct qnslot *old = s->slots;
		size_t oldcap = s->cap, i;

		s->cap = s->cap ? s->cap * 2 : 64;
		s->slots = arena_zalloc(a, s->cap * sizeof(struct qnslot));
		for (i = 0; i < oldcap; i++)
			if (old[i].qn)
				*qn_find(s, old[i].qn) = old[i];
	}
	slot = qn_find(s, qn);
	if (!slot->qn) {
		slot->qn = qn;
		slot->next = 2;
		s->count++;
	}
}

bool qnset_has(const struct qnset *s, const char *qn)
{
	struct qnslot *slot = qn_find(s, qn);

	return slot && slot->qn;
}

const char *qnset_unique(struct qnset *s, struct arena *a, const char *qn)
{
	struct qnslot *slot = qn_find(s, qn);
	const char *u;

	if (slot && slot->qn) {
		/* The counter lives in the slot of the first use, so a thousand
		 * repeats cost a thousand probes, not half a million. */
		do
			u = arena_printf(a, "%s#%u", qn, slot->next++);
		while (qnset_has(s, u));
	} else {
		u = arena_strdup(a, qn);
	}
	qnset_add(s, a, u);
	return u;
}

size_t entkit_cut(const char *s, size_t n, size_t cap)
{
	if (n <= cap)
		return n;
	n = cap;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

char *entkit_strndup_cap(struct arena *a, const char *s, size_t n, size_t cap)
{
	return arena_strndup(a, s, entkit_cut(s, n, cap));
}

char *entkit_doc_text(struct arena *a, const char *s, size_t n, size_t cap)
{
	const char *e = s + n;
	char *out;
	size_t k = 0;
	bool bol = true;

	if (n >= 3 && memcmp(s, "/**", 3) == 0)
		s += 3;
	if (e - s >= 2 && e[-2] == '*' && e[-1] == '/')
		e -= 2;
	out = arena_alloc(a, (size_t)(e - s) + 1);
	for (; s < e; s++) {
		if (*s == '\r' || *s == '\n') {
			if (*s == '\r' && s + 1 < e && s[1] == '\n')
				s++;
			bol = true;
			out[k++] = '\n';
			continue;
		}
		if (bol) {
			if (*s == ' ' || *s == '\t')
				continue;
			bol = false;
			if (*s == '*') {
				if (s + 1 < e && s[1] == ' ')
					s++;
				continue;
			}
		}
		out[k++] = *s;
	}
	while (k > 0 && strchr(" \t\n", out[k - 1]))
		k--;
	out[k] = '\0';
	while (*out && strchr(" \t\n", *out)) {
		out++;
		k--;
	}
	if (k == 0)
		return NULL;
	out[entkit_cut(out, k, cap)] = '\0';
	return out;
}

char *entkit_collapse(struct arena *a, const char *s, size_t n, size_t cap)
{
	char *out;
	size_t i, k = 0;
	bool space = false;

	n = entkit_cut(s, n, cap * 4 < cap ? cap : cap * 4);
	out = arena_alloc(a, (n < cap ? n : cap) + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = k > 0;
			continue;
		}
		if (k + (space ? 1 : 0) + 1 > cap)
			break;
		if (space) {
			out[k++] = ' ';
			space = false;
		}
		out[k++] = (char)c;
	}
	k = entkit_complete(out, k);
	out[k] = '\0';
	return out;
}

size_t entkit_complete(const char *s, size_t k)
{
	size_t j, need;
	unsigned char lead;

	if (k == 0 || !((unsigned char)s[k - 1] & 0x80))
		return k;
	j = k - 1;
	while (j > 0 && k - j < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
		j--;
	lead = (unsigned char)s[j];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return k - j < need ? j : k;
}

size_t entkit_put_utf8(char *out, unsigned long cp)
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

void entkit_link(struct arena *a, struct entity *e, const char *kind, const char *target)
{
	size_t i;

	if (!target || !*target || e->nlinks >= ENTKIT_MAX_LINKS)
		return;
	for (i = 0; i < e->nlinks; i++)
		if (strcmp(e->links[i].kind, kind) == 0 && strcmp(e->links[i].target, target) == 0)
			return;
	extract_link(a, e, kind, target);
}

bool entkit_ieq(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i], w = (unsigned char)word[i];

		if (!w)
			return false;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (w >= 'A' && w <= 'Z')
			w = (unsigned char)(w - 'A' + 'a');
		if (c != w)
			return false;
	}
	return word[n] == '\0';
}
