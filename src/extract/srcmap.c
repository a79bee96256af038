/*
 * srcmap.c - line geometry of a source buffer (see srcmap.h).
 *
 * Note: reconstructed after an accidental overwrite by a concurrent edit
 * (same file name chosen by two engineers); implements srcmap.h as is.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "extract/extract.h"
#include "extract/srcmap.h"
#include "util/arena.h"

static int is_eol(const char *buf, size_t len, size_t i)
{
	return buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'));
}

void srcmap_count(struct srcmap *m, const char *buf, size_t len)
{
	size_t i, n = 0;

	m->buf = buf;
	m->len = len;
	m->base = (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	for (i = m->base; i < len; i++)
		if ((buf[i] == '\n' || buf[i] == '\r') && is_eol(buf, len, i))
			n++;
	if (len > m->base && buf[len - 1] != '\n' && buf[len - 1] != '\r')
		n++; /* a last line without a newline */
	if (n > INT32_MAX - 1)
		n = INT32_MAX - 1;
	m->nlines = (int)n;
	m->lstart = NULL;
}

void srcmap_init(struct srcmap *m, struct arena *a, const char *buf, size_t len)
{
	size_t i, n, k = 0;

	/* Two passes: count, then record. */
	srcmap_count(m, buf, len);
	n = (size_t)m->nlines;
	m->lstart = arena_alloc(a, (n + 1) * sizeof(*m->lstart));
	if (n > 0)
		m->lstart[k++] = m->base;
	for (i = m->base; i < len && k < n; i++)
		if (is_eol(buf, len, i))
			m->lstart[k++] = i + 1;
	m->lstart[n] = len;
	m->nlines = (int)n;
}

int srcmap_line(const struct srcmap *m, size_t off)
{
	size_t lo = 0, hi;

	if (m->nlines == 0)
		return 1;
	hi = (size_t)m->nlines - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (m->lstart[mid] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (int)lo + 1;
}

void srcmap_set_text(const struct srcmap *m, struct arena *a, struct entity *e, int first, int last)
{
	size_t s, t;

	if (m->nlines < 1) {
		first = last = 1;
		s = t = m->base < m->len ? m->base : m->len;
	} else {
		if (first < 1)
			first = 1;
		if (first > m->nlines)
			first = m->nlines;
		if (last < first)
			last = first;
		if (last > m->nlines)
			last = m->nlines;
		s = m->lstart[first - 1];
		t = m->lstart[last];
	}
	e->start_line = first;
	e->end_line = last;
	e->text = arena_strndup(a, m->buf + s, t - s);
	e->text_len = t - s;
}
