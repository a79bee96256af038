/*
 * python.c - entities of Python files: classes, functions and methods, by
 * indentation.
 *
 * The file is read as logical lines (brackets, backslashes and triple
 * quoted strings join physical lines; comments and blank lines do not
 * count). A "def" or "class" opens an entity that ends with the last
 * logical line indented deeper than it; decorators directly above belong
 * to it. Open definitions live on an explicit stack: linear, no recursion.
 */
#include "config.h"

#include <string.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/scriptlang.h"
#include "extract/srcmap.h"
#include "util/arena.h"

#define PY_SIG_CAP	300
#define PY_NAME_CAP	200
#define PY_MAX_ENTITIES 20000

struct pydef {
	long ent;
	long indent;
	bool is_class;
	const char *qn;
};

struct pyctx {
	struct arena *a;
	const struct srcmap *m;
	struct entity_list *out;
	struct qnset qns;
	struct pydef *st;
	size_t n, cap;
	size_t nent;
};

static void py_push(struct pyctx *c, struct pydef d)
{
	c->st = arena_reserve(c->a, c->st, c->n, c->n + 1, &c->cap, sizeof(*c->st), 32);
	c->st[c->n++] = d;
}

static void py_close(struct pyctx *c, int last)
{
	struct pydef *d = &c->st[--c->n];

	if (d->ent >= 0) {
		struct entity *e = &c->out->items[d->ent];

		e->end_line = last < e->start_line ? e->start_line : last;
	}
}

/* Scans a logical line from i; returns the offset after its line end. */
static size_t logical_end(const char *b, size_t len, size_t i)
{
	long depth = 0;

	while (i < len) {
		char ch = b[i];

		if (ch == '#') {
			while (i < len && b[i] != '\n' && b[i] != '\r')
				i++;
			continue;
		}
		if (ch == '\'' || ch == '"') {
			if (i + 2 < len && b[i + 1] == ch && b[i + 2] == ch) {
				i += 3;
				while (i < len &&
				       !(b[i] == ch && i + 2 < len && b[i + 1] == ch && b[i + 2] == ch))
					i += (b[i] == '\\' && i + 1 < len) ? 2 : 1;
				i = i + 3 < len ? i + 3 : len;
			} else {
				i++;
				while (i < len && b[i] != ch && b[i] != '\n' && b[i] != '\r')
					i += (b[i] == '\\' && i + 1 < len) ? 2 : 1;
				if (i < len && b[i] == ch)
					i++;
			}
			continue;
		}
		if (ch == '\\' && i + 1 < len && (b[i + 1] == '\n' || b[i + 1] == '\r')) {
			i += (b[i + 1] == '\r' && i + 2 < len && b[i + 2] == '\n') ? 3 : 2;
			continue;
		}
		if (ch == '(' || ch == '[' || ch == '{')
			depth++;
		else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0)
			depth--;
		else if ((ch == '\n' || ch == '\r') && depth == 0)
			return (ch == '\r' && i + 1 < len && b[i + 1] == '\n') ? i + 2 : i + 1;
		i++;
	}
	return len;
}

static bool word_at(const char *b, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return len - i > n && memcmp(b + i, w, n) == 0 && (b[i + n] == ' ' || b[i + n] == '\t');
}

int extract_python(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		   size_t len, struct entity_list *out)
{
	struct srcmap m;
	struct pyctx c;
	size_t i, first = out->count;
	int last_code = 0, deco_line = 0;
	long deco_indent = -1;

	srcmap_init(&m, a, buf, len);
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.m = &m;
	c.out = out;
	i = m.base;
	while (i < len) {
		size_t s = i, e, k;
		long indent = 0;
		int line, end_line;
		bool is_class = false, is_def = false, is_async = false;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\f')) {
			indent = buf[i] == '\t' ? (indent / 8 + 1) * 8 : buf[i] == ' ' ? indent + 1 : 0;
			i++;
		}
		if (i >= len)
			break;
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '#') {
			/* blank or comment line: no indentation meaning */
			while (i < len && buf[i] != '\n' && buf[i] != '\r')
				i++;
			if (i < len)
				i += (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		(void)s;
		line = srcmap_line(&m, i);
		e = logical_end(buf, len, i);
		end_line = srcmap_line(&m, e > i ? e - 1 : i);
		while (c.n > 0 && c.st[c.n - 1].indent >= indent)
			py_close(&c, last_code);
		k = i;
		if (word_at(buf, len, k, "async")) {
			k += 5;
			while (k < len && (buf[k] == ' ' || buf[k] == '\t'))
				k++;
			is_async = true;
		}
		if (word_at(buf, len, k, "def")) {
			is_def = true;
			k += 3;
		} else if (!is_async && word_at(buf, len, k, "class")) {
			is_class = true;
			k += 5;
		}
		if (buf[i] == '@') {
			if (deco_indent != indent || !deco_line) {
				deco_line = line;
				deco_indent = indent;
			}
		} else if (is_def || is_class) {
			size_t ns, ne, sig_e;
			const struct pydef *top = c.n ? &c.st[c.n - 1] : NULL;
			const char *name, *qn, *kind;
			struct entity *ent;
			struct jsonw w;
			int start = (deco_line && deco_indent == indent) ? deco_line : line;

			while (k < len && (buf[k] == ' ' || buf[k] == '\t'))
				k++;
			ns = k;
			while (k < len &&
			       ((unsigned char)buf[k] >= 0x80 || buf[k] == '_' ||
				(buf[k] >= 'a' && buf[k] <= 'z') || (buf[k] >= 'A' && buf[k] <= 'Z') ||
				(buf[k] >= '0' && buf[k] <= '9')))
				k++;
			ne = k;
			if (ne > ns && c.nent < PY_MAX_ENTITIES) {
				name = entkit_strndup_cap(a, buf + ns, ne - ns, PY_NAME_CAP);
				qn = top ? arena_printf(a, "%s.%s", top->qn, name) : name;
				kind = is_class ? "class" : (top && top->is_class) ? "method" : "function";
				ent = entkit_entity(&m, a, out, kind, start, end_line);
				c.nent++;
				ent->name = name;
				ent->qualified_name = qnset_unique(&c.qns, a, qn);
				ent->parent =
				    top && top->ent >= 0 ? out->items[top->ent].qualified_name : NULL;
				/* the header up to its ":" */
				sig_e = e;
				{
					size_t q = i, lim = e;
					long d = 0;

					for (q = i; q < lim; q++) {
						if (buf[q] == '(' || buf[q] == '[')
							d++;
						else if ((buf[q] == ')' || buf[q] == ']') && d > 0)
							d--;
						else if (buf[q] == ':' && d == 0) {
							sig_e = q;
							break;
						}
					}
				}
				ent->signature = entkit_collapse(a, buf + i, sig_e - i, PY_SIG_CAP);
				jsonw_init(&w, a);
				jsonw_obj_open(&w);
				if (is_async) {
					jsonw_key(&w, "async");
					jsonw_bool(&w, true);
				}
				if (start < line) {
					size_t ds = entkit_line_start(&m, start),
					       de = entkit_line_start(&m, line);

					jsonw_kv_str(&w, "decorators",
						     entkit_collapse(a, buf + ds, de - ds, PY_SIG_CAP));
				}
				jsonw_obj_close(&w);
				ent->metadata = jsonw_finish(&w);
				py_push(&c, (struct pydef){(long)(out->count - 1), indent, is_class,
							   ent->qualified_name});
			}
			deco_line = 0;
			deco_indent = -1;
		} else {
			deco_line = 0;
			deco_indent = -1;
		}
		last_code = end_line;
		i = e;
	}
	while (c.n > 0)
		py_close(&c, last_code);
	if (out->count == first || !entkit_finish(&m, a, out, first))
		return extract_windows(a, opt, path, buf, len, out);
	return 0;
}
