/*
 * js.c - entities of JavaScript and TypeScript: functions, classes,
 * methods, object-literal modules, exported constants (and TypeScript
 * interfaces, enums, type aliases, namespaces).
 *
 * Two passes. The lexer turns the file into tokens, skipping comments and
 * treating strings, template literals (with nested ${...} expressions,
 * tracked on an explicit stack) and regular expression literals (told from
 * division by the token before them) as single tokens. The parser then
 * follows braces on an explicit frame stack and recognises declarations
 * at statement or member starts:
 *
 *   function f() {}            var f = function () {}    const f = () => x
 *   class A extends B {}       A.prototype.m = function () {}
 *   var M = { f: function () {}, g() {}, h: () => {} }   (methods "M.f", ...)
 *   export const X = 1         export default function () {}
 *
 * Function expressions assigned to variables are taken at the top level,
 * in namespaces and in anonymous wrapper functions (IIFE, AMD define,
 * jQuery ready) only: inside named functions they are local details.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/scriptlang.h"
#include "extract/srcmap.h"
#include "util/arena.h"

#define JS_SIG_CAP	300
#define JS_NAME_CAP	200
#define JS_SCAN		4096 /* tokens a header lookahead may scan */
#define JS_MAX_ENTITIES 20000
#define JS_DOC_CAP	4096 /* bytes of JSDoc kept in metadata */

enum jt { J_ID, J_STR, J_NUM, J_PUNCT, J_ARROW, J_TPL, J_RE };

struct jtok {
	enum jt type;
	size_t start, end;
	int line;
};

/* A doc comment's bytes. */
struct jdoc {
	size_t start, end;
};

struct jlex {
	const char *b;
	size_t len;
	struct jtok *v;
	size_t n, cap;
	long *stk; /* template nesting: -1 text, >= 0 brace depth in ${...} */
	size_t sn, scap;
	struct jdoc *docs; /* the JSDoc comments, in file order */
	size_t ndocs, capdocs;
	struct arena *a;
	const struct srcmap *m;
};

static void jpush(struct jlex *lx, enum jt type, size_t s, size_t e)
{
	lx->v = arena_reserve(lx->a, lx->v, lx->n, lx->n + 1, &lx->cap, sizeof(*lx->v), 1024);
	lx->v[lx->n].type = type;
	lx->v[lx->n].start = s;
	lx->v[lx->n].end = e;
	lx->v[lx->n].line = srcmap_line(lx->m, s);
	lx->n++;
}

static void spush(struct jlex *lx, long v)
{
	lx->stk = arena_reserve(lx->a, lx->stk, lx->sn, lx->sn + 1, &lx->scap, sizeof(*lx->stk), 16);
	lx->stk[lx->sn++] = v;
}

static bool id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80 ||
	       c == '#';
}

static bool id_char(unsigned char c)
{
	return id_start(c) || (c >= '0' && c <= '9');
}

static bool tok_is(const struct jlex *lx, size_t i, const char *w)
{
	size_t n;

	if (i >= lx->n || lx->v[i].type != J_ID)
		return false;
	n = lx->v[i].end - lx->v[i].start;
	return n == strlen(w) && memcmp(lx->b + lx->v[i].start, w, n) == 0;
}

static bool punct_is(const struct jlex *lx, size_t i, char c)
{
	return i < lx->n && lx->v[i].type == J_PUNCT && lx->b[lx->v[i].start] == c;
}

/* May a "/" after the last token start a regular expression? */
static bool regex_allowed(const struct jlex *lx)
{
	static const char *const kws[] = {"return", "typeof", "instanceof", "in",    "of",
					  "new",    "delete", "void",	    "throw", "case",
					  "do",	    "else",   "yield",	    "await", NULL};
	const struct jtok *t;
	size_t k;

	if (lx->n == 0)
		return true;
	t = &lx->v[lx->n - 1];
	if (t->type == J_PUNCT) {
		char c = lx->b[t->start];

		return c != ')' && c != ']';
	}
	if (t->type == J_ARROW)
		return true;
	if (t->type == J_ID)
		for (k = 0; kws[k]; k++)
			if (tok_is(lx, lx->n - 1, kws[k]))
				return true;
	return false;
}

/* Skips a '...' or "..." string starting at i; stops at a newline. */
static size_t skip_str(const char *b, size_t len, size_t i)
{
	char q = b[i++];

	while (i < len && b[i] != q && b[i] != '\n' && b[i] != '\r')
		i += (b[i] == '\\' && i + 1 < len) ? 2 : 1;
	return i < len && b[i] == q ? i + 1 : i;
}

/* Skips a template literal starting at the backquote at i, with nested
 * ${ } expressions (which may hold strings, comments and templates). */
static size_t skip_template(struct jlex *lx, size_t i)
{
	const char *b = lx->b;

	lx->sn = 0;
	spush(lx, -1);
	i++;
	while (i < lx->len && lx->sn > 0) {
		long *top = &lx->stk[lx->sn - 1];
		char c = b[i];

		if (*top < 0) {
			if (c == '\\')
				i += 2;
			else if (c == '`') {
				lx->sn--;
				i++;
			} else if (c == '$' && i + 1 < lx->len && b[i + 1] == '{') {
				spush(lx, 0);
				i += 2;
			} else
				i++;
		} else if (c == '"' || c == '\'') {
			i = skip_str(b, lx->len, i);
		} else if (c == '/' && i + 1 < lx->len && b[i + 1] == '/') {
			while (i < lx->len && b[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < lx->len && b[i + 1] == '*') {
			const char *e = i + 2 < lx->len ? memchr(b + i + 2, '*', lx->len - i - 2) : NULL;

			while (e && !((size_t)(e - b) + 1 < lx->len && e[1] == '/'))
				e = (size_t)(e - b) + 1 < lx->len
					? memchr(e + 1, '*', lx->len - (size_t)(e - b) - 1)
					: NULL;
			i = e ? (size_t)(e - b) + 2 : lx->len;
		} else if (c == '`') {
			spush(lx, -1);
			i++;
		} else if (c == '{') {
			(*top)++;
			i++;
		} else if (c == '}') {
			if (*top == 0)
				lx->sn--;
			else
				(*top)--;
			i++;
		} else {
			i++;
		}
	}
	return i > lx->len ? lx->len : i;
}

static void doc_push(struct jlex *lx, size_t start, size_t end)
{
	lx->docs =
	    arena_reserve(lx->a, lx->docs, lx->ndocs, lx->ndocs + 1, &lx->capdocs, sizeof(*lx->docs), 16);
	lx->docs[lx->ndocs].start = start;
	lx->docs[lx->ndocs].end = end;
	lx->ndocs++;
}

/* The JSDoc right before a declaration starting at off: the last doc
 * comment ending before it with only words (export, async, ...) and
 * white space in between; or NULL. */
static const char *doc_before(struct jlex *lx, size_t off)
{
	size_t lo = 0, hi = lx->ndocs, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lx->docs[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	k = lx->docs[lo - 1].end;
	if (off - k > 256)
		return NULL;
	for (; k < off; k++)
		if (!id_char((unsigned char)lx->b[k]) && !strchr(" \t\r\n\f\v", lx->b[k]))
			return NULL;
	return entkit_doc_text(lx->a, lx->b + lx->docs[lo - 1].start,
			       lx->docs[lo - 1].end - lx->docs[lo - 1].start, JS_DOC_CAP);
}

static void js_lex(struct jlex *lx, size_t pos)
{
	const char *b = lx->b;
	size_t i = pos, len = lx->len;

	while (i < len) {
		unsigned char c = (unsigned char)b[i];
		size_t s = i;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			i++;
		} else if (c == '/' && i + 1 < len && b[i + 1] == '/') {
			while (i < len && b[i] != '\n' && b[i] != '\r')
				i++;
		} else if (c == '/' && i + 1 < len && b[i + 1] == '*') {
			const char *e = NULL;
			size_t k = i + 2;

			while (k + 1 < len) {
				e = memchr(b + k, '*', len - k - 1);
				if (!e)
					break;
				if (e[1] == '/')
					break;
				k = (size_t)(e - b) + 1;
				e = NULL;
			}
			i = e ? (size_t)(e - b) + 2 : len;
			if (i - s > 4 && b[s + 2] == '*')
				doc_push(lx, s, i);
		} else if (c == '"' || c == '\'') {
			i = skip_str(b, len, i);
			jpush(lx, J_STR, s, i);
		} else if (c == '`') {
			i = skip_template(lx, i);
			jpush(lx, J_TPL, s, i);
		} else if (c == '/' && regex_allowed(lx)) {
			size_t k = i + 1;
			bool cls = false, ok = false;

			while (k < len && b[k] != '\n' && b[k] != '\r') {
				if (b[k] == '\\') {
					k += 2;
					continue;
				}
				if (b[k] == '[')
					cls = true;
				else if (b[k] == ']')
					cls = false;
				else if (b[k] == '/' && !cls) {
					ok = true;
					break;
				}
				k++;
			}
			if (ok) {
				k++;
				while (k < len && id_char((unsigned char)b[k]))
					k++;
				i = k;
				jpush(lx, J_RE, s, i);
			} else {
				i++;
				jpush(lx, J_PUNCT, s, i);
			}
		} else if (id_start(c)) {
			while (i < len && id_char((unsigned char)b[i]))
				i++;
			jpush(lx, J_ID, s, i);
		} else if (c >= '0' && c <= '9') {
			while (i < len && (id_char((unsigned char)b[i]) || b[i] == '.'))
				i++;
			jpush(lx, J_NUM, s, i);
		} else if (c == '=' && i + 1 < len && b[i + 1] == '>') {
			i += 2;
			jpush(lx, J_ARROW, s, i);
		} else {
			i++;
			jpush(lx, J_PUNCT, s, i);
		}
	}
}

/* ------------------------------------------------------------ parser */

enum fkind { F_TOP, F_BLOCK, F_OBJECT, F_CLASS, F_FUNC, F_NS };

struct frame {
	enum fkind kind;
	long ent;	  /* entity closed by this frame's "}", or -1 */
	const char *qual; /* prefix for members and nested names, or NULL */
	bool toplike;
	long pdepth; /* ( and [ depth when the frame opened */
};

struct jparse {
	struct arena *a;
	const struct srcmap *m;
	struct jlex *lx;
	struct entity_list *out;
	size_t first;
	struct qnset qns;
	struct frame *fr;
	size_t nf, fcap;
	long pdepth;
	/* the next "{" (token index) opens this frame */
	size_t pend_tok;
	struct frame pend;
	/* an entity that ends with its statement (arrow expression, constant) */
	long stmt_ent;
	size_t stmt_nf;
	long stmt_pdepth;
	bool ts;
	/* the JSDoc of the entity new_ent made last, for set_meta */
	long doc_ent;
	const char *doc;
};

static void fpush(struct jparse *p, struct frame f)
{
	p->fr = arena_reserve(p->a, p->fr, p->nf, p->nf + 1, &p->fcap, sizeof(*p->fr), 64);
	p->fr[p->nf++] = f;
}

static const char *ttext(struct jparse *p, size_t i)
{
	const struct jtok *t = &p->lx->v[i];
	size_t s = t->start, e = t->end;

	if (t->type == J_STR && e - s >= 2) {
		s++;
		e--;
	}
	return entkit_strndup_cap(p->a, p->lx->b + s, e - s, JS_NAME_CAP);
}

/* Index of the token matching the opener at i ("(" or "["), bounded. */
static size_t match_close(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	size_t k, lim = i + JS_SCAN < lx->n ? i + JS_SCAN : lx->n;
	long d = 0;

	for (k = i; k < lim; k++) {
		if (punct_is(lx, k, '(') || punct_is(lx, k, '[') || punct_is(lx, k, '{'))
			d++;
		else if (punct_is(lx, k, ')') || punct_is(lx, k, ']') || punct_is(lx, k, '}')) {
			if (--d == 0)
				return k;
		}
	}
	return SIZE_MAX;
}

/* After a parameter list closing at k: the body "{" (skipping a return
 * type annotation), or SIZE_MAX when a ";" or "=>"-less end comes first. */
static size_t body_after(struct jparse *p, size_t k)
{
	struct jlex *lx = p->lx;
	size_t j, lim = k + 256 < lx->n ? k + 256 : lx->n;
	long angle = 0;

	for (j = k + 1; j < lim; j++) {
		if (punct_is(lx, j, '<'))
			angle++;
		else if (punct_is(lx, j, '>') && angle > 0)
			angle--;
		else if (punct_is(lx, j, '{') && (angle == 0 || !p->ts))
			return j;
		else if (punct_is(lx, j, ';') || punct_is(lx, j, '}') || punct_is(lx, j, ',') ||
			 lx->v[j].type == J_ARROW || punct_is(lx, j, '='))
			return SIZE_MAX;
		if (!p->ts && j > k + 1)
			return SIZE_MAX; /* JS: the "{" follows ")" directly */
	}
	return SIZE_MAX;
}

/* If the tokens at j start an arrow function, returns the "=>" index. */
static size_t arrow_at(struct jparse *p, size_t j)
{
	struct jlex *lx = p->lx;
	size_t k, lim;

	if (tok_is(lx, j, "async") && j + 1 < lx->n && lx->v[j + 1].line == lx->v[j].line)
		j++;
	if (j + 1 < lx->n && lx->v[j].type == J_ID && lx->v[j + 1].type == J_ARROW)
		return j + 1;
	if (punct_is(lx, j, '<') && p->ts) { /* generic arrow <T>(x: T) => */
		while (j < lx->n && !punct_is(lx, j, '(') && j < lx->n)
			j++;
	}
	if (!punct_is(lx, j, '('))
		return SIZE_MAX;
	k = match_close(p, j);
	if (k == SIZE_MAX)
		return SIZE_MAX;
	if (k + 1 < lx->n && lx->v[k + 1].type == J_ARROW)
		return k + 1;
	if (!p->ts || !punct_is(lx, k + 1, ':'))
		return SIZE_MAX;
	lim = k + 64 < lx->n ? k + 64 : lx->n;
	for (k += 2; k < lim; k++) {
		if (lx->v[k].type == J_ARROW)
			return k;
		if (punct_is(lx, k, ';') || punct_is(lx, k, '=') || punct_is(lx, k, ')'))
			break;
	}
	return SIZE_MAX;
}

static struct entity *ent_at(struct jparse *p, long idx)
{
	return &p->out->items[idx];
}

/* Creates an entity from line first (its end fixed later) and returns its
 * index in the output list. */
static long new_ent(struct jparse *p, const char *kind, const char *name, const char *qn, int first,
		    size_t sig_s, size_t sig_e)
{
	struct entity *e;
	const char *parent = NULL;
	const char *dot;

	if (p->out->count - p->first >= JS_MAX_ENTITIES)
		return -1;
	e = entkit_entity(p->m, p->a, p->out, kind, first, first);
	e->name = name;
	e->qualified_name = qnset_unique(&p->qns, p->a, qn);
	/* The parent is the enclosing entity when there is one. */
	dot = strrchr(qn, '.');
	if (dot) {
		char *pq = arena_strndup(p->a, qn, (size_t)(dot - qn));

		if (qnset_has(&p->qns, pq))
			parent = pq;
	}
	e->parent = parent;
	if (sig_e > sig_s)
		e->signature = entkit_collapse(p->a, p->lx->b + sig_s, sig_e - sig_s, JS_SIG_CAP);
	p->doc_ent = (long)(p->out->count - 1);
	p->doc = doc_before(p->lx, sig_s);
	return p->doc_ent;
}

static void set_end(struct jparse *p, long ent, int last)
{
	struct entity *e;

	if (ent < 0)
		return;
	e = ent_at(p, ent);
	e->end_line = last < e->start_line ? e->start_line : last;
}

static void set_meta(struct jparse *p, long ent, bool exported, bool is_async, const char *extends)
{
	struct jsonw w;

	if (ent < 0)
		return;
	jsonw_init(&w, p->a);
	jsonw_obj_open(&w);
	if (exported) {
		jsonw_key(&w, "exported");
		jsonw_bool(&w, true);
	}
	if (is_async) {
		jsonw_key(&w, "async");
		jsonw_bool(&w, true);
	}
	if (extends)
		jsonw_kv_str(&w, "extends", extends);
	/* the doc comment's key is the same in every language (search reads it) */
	if (ent == p->doc_ent && p->doc) {
		jsonw_kv_str(&w, "javadoc", p->doc);
		ent_at(p, ent)->javadoc = p->doc;
	}
	jsonw_obj_close(&w);
	ent_at(p, ent)->metadata = jsonw_finish(&w);
}

static const char *join(struct jparse *p, const char *qual, const char *name)
{
	return qual ? arena_printf(p->a, "%s.%s", qual, name) : name;
}

static void pend(struct jparse *p, size_t tok, enum fkind kind, long ent, const char *qual, bool toplike)
{
	p->pend_tok = tok;
	p->pend.kind = kind;
	p->pend.ent = ent;
	p->pend.qual = qual;
	p->pend.toplike = toplike;
}

/*
 * A function value at j (function expression or arrow) named name, the
 * entity starting at line first: creates it, and arranges for its end.
 * Returns false when j holds no function.
 */
static bool func_value(struct jparse *p, size_t j, const char *kind, const char *name, const char *qn,
		       int first, size_t sig_s, bool exported)
{
	struct jlex *lx = p->lx;
	size_t k, body;
	long ent;
	bool is_async = false;

	if (tok_is(lx, j, "async") && j + 1 < lx->n &&
	    (tok_is(lx, j + 1, "function") || lx->v[j + 1].type != J_ID ||
	     (j + 2 < lx->n && lx->v[j + 2].type == J_ARROW)))
		is_async = true;
	if (tok_is(lx, is_async ? j + 1 : j, "function")) {
		k = (is_async ? j + 1 : j) + 1;
		if (punct_is(lx, k, '*'))
			k++;
		if (k < lx->n && lx->v[k].type == J_ID)
			k++;
		if (!punct_is(lx, k, '('))
			return false;
		k = match_close(p, k);
		if (k == SIZE_MAX || (body = body_after(p, k)) == SIZE_MAX)
			return false;
		ent = new_ent(p, kind, name, qn, first, sig_s, lx->v[body].start);
		set_meta(p, ent, exported, is_async, NULL);
		pend(p, body, F_FUNC, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : qn, false);
		return true;
	}
	k = arrow_at(p, j);
	if (k == SIZE_MAX)
		return false;
	ent = new_ent(p, kind, name, qn, first, sig_s, lx->v[k].end);
	set_meta(p, ent, exported, is_async, NULL);
	if (punct_is(lx, k + 1, '{')) {
		pend(p, k + 1, F_FUNC, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : qn, false);
	} else {
		p->stmt_ent = ent;
		p->stmt_nf = p->nf;
		p->stmt_pdepth = p->pdepth;
	}
	return true;
}

/* class NAME [<T>] [extends X] [implements A, B] { at k ("class"). */
static bool class_decl(struct jparse *p, size_t k, const char *name_override, const char *qual, int first,
		       size_t sig_s, bool exported)
{
	struct jlex *lx = p->lx;
	size_t j = k + 1, lim = k + 256 < lx->n ? k + 256 : lx->n;
	const char *name = name_override, *ext = NULL, *qn;
	long ent;
	struct entity *e;

	if (!name && j < lx->n && lx->v[j].type == J_ID && !tok_is(lx, j, "extends") &&
	    !tok_is(lx, j, "implements"))
		name = ttext(p, j++);
	if (!name)
		name = "default";
	for (; j < lim && !punct_is(lx, j, '{'); j++)
		if (tok_is(lx, j, "extends") && j + 1 < lx->n && lx->v[j + 1].type == J_ID) {
			size_t s = lx->v[j + 1].start, e2 = lx->v[j + 1].end, t = j + 2;

			while (punct_is(lx, t, '.') && t + 1 < lx->n && lx->v[t + 1].type == J_ID) {
				e2 = lx->v[t + 1].end;
				t += 2;
			}
			ext = entkit_strndup_cap(p->a, lx->b + s, e2 - s, JS_NAME_CAP);
		}
	if (j >= lim)
		return false;
	qn = join(p, qual, name);
	ent = new_ent(p, "class", name, qn, first, sig_s, lx->v[j].start);
	if (ent < 0)
		return true;
	e = ent_at(p, ent);
	set_meta(p, ent, exported, false, ext);
	if (ext)
		entkit_link(p->a, e, "extends", ext);
	/* implements A, B */
	{
		size_t t;

		for (t = k + 1; t < j; t++)
			if (tok_is(lx, t, "implements"))
				for (t++; t < j; t++)
					if (lx->v[t].type == J_ID && !punct_is(lx, t - 1, '.') &&
					    !punct_is(lx, t - 1, '<'))
						entkit_link(p->a, e, "implements", ttext(p, t));
	}
	pend(p, j, F_CLASS, ent, e->qualified_name, false);
	return true;
}

static bool is_stmt_start(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	const struct jtok *prev;

	if (i == 0)
		return true;
	prev = &lx->v[i - 1];
	if (prev->type == J_PUNCT) {
		char c = lx->b[prev->start];

		if (c == ';' || c == '{' || c == '}')
			return true;
		if (c == ')' || c == ']')
			return prev->line < lx->v[i].line;
		return false;
	}
	if (prev->type == J_ARROW)
		return false;
	return prev->line < lx->v[i].line;
}

/* A declaration at a statement start i. Returns the last token index of
 * the prefix it read (decorators, export), not to be read again. */
static size_t statement_at(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	struct frame *f = &p->fr[p->nf - 1];
	size_t j = i, sig_s = lx->v[i].start;
	int first = lx->v[i].line;
	bool exported = false, toplike = f->toplike;
	const char *qual = f->kind == F_TOP ? NULL : f->qual;

	/* decorators: @x, @x.y(...) */
	while (punct_is(lx, j, '@') && j + 1 < lx->n && lx->v[j + 1].type == J_ID) {
		j += 2;
		while (punct_is(lx, j, '.') && j + 1 < lx->n && lx->v[j + 1].type == J_ID)
			j += 2;
		if (punct_is(lx, j, '(')) {
			size_t k = match_close(p, j);

			if (k == SIZE_MAX)
				return j;
			j = k + 1;
		}
	}
	if (tok_is(lx, j, "export")) {
		exported = true;
		j++;
		if (tok_is(lx, j, "default")) {
			j++;
			if (tok_is(lx, j, "function") ||
			    (tok_is(lx, j, "async") && tok_is(lx, j + 1, "function"))) {
				size_t k = tok_is(lx, j, "async") ? j + 2 : j + 1;

				if (punct_is(lx, k, '*'))
					k++;
				if (k < lx->n && lx->v[k].type == J_ID)
					func_value(p, j, "function", ttext(p, k), join(p, qual, ttext(p, k)),
						   first, sig_s, true);
				else
					func_value(p, j, "function", "default", join(p, qual, "default"),
						   first, sig_s, true);
				return j;
			}
			if (tok_is(lx, j, "class") ||
			    (tok_is(lx, j, "abstract") && tok_is(lx, j + 1, "class"))) {
				class_decl(p, tok_is(lx, j, "class") ? j : j + 1, NULL, qual, first, sig_s,
					   true);
				return j;
			}
			return j;
		}
	}
	while (tok_is(lx, j, "declare") || tok_is(lx, j, "abstract"))
		j++;
	if (tok_is(lx, j, "function") || (tok_is(lx, j, "async") && tok_is(lx, j + 1, "function"))) {
		size_t k = tok_is(lx, j, "async") ? j + 2 : j + 1;

		if (punct_is(lx, k, '*'))
			k++;
		if (k < lx->n && lx->v[k].type == J_ID) {
			const char *name = ttext(p, k);

			func_value(p, j, "function", name, join(p, qual, name), first, sig_s, exported);
		} else if (toplike && punct_is(lx, k, '(')) {
			/* an anonymous wrapper at the top: its body is top-like */
			size_t c = match_close(p, k), body = c == SIZE_MAX ? SIZE_MAX : body_after(p, c);

			if (body != SIZE_MAX)
				pend(p, body, F_FUNC, -1, qual, true);
		}
		return j;
	}
	if (tok_is(lx, j, "class")) {
		class_decl(p, j, NULL, qual, first, sig_s, exported);
		return j;
	}
	if (p->ts &&
	    (tok_is(lx, j, "interface") || tok_is(lx, j, "enum") ||
	     (tok_is(lx, j, "const") && tok_is(lx, j + 1, "enum"))) &&
	    j + 1 < lx->n) {
		const char *kind = tok_is(lx, j, "interface") ? "interface" : "enum";
		size_t k = tok_is(lx, j, "const") ? j + 2 : j + 1, lim = k + 256 < lx->n ? k + 256 : lx->n, b;
		const char *name;
		long ent;

		if (k >= lx->n || lx->v[k].type != J_ID)
			return j;
		name = ttext(p, k);
		for (b = k + 1; b < lim && !punct_is(lx, b, '{'); b++)
			;
		if (b >= lim)
			return j;
		ent = new_ent(p, kind, name, join(p, qual, name), first, sig_s, lx->v[b].start);
		set_meta(p, ent, exported, false, NULL);
		pend(p, b, F_BLOCK, ent, NULL, false);
		return j;
	}
	if (p->ts && (tok_is(lx, j, "namespace") || tok_is(lx, j, "module")) && j + 1 < lx->n &&
	    (lx->v[j + 1].type == J_ID || lx->v[j + 1].type == J_STR)) {
		size_t k = j + 1, s = lx->v[k].start, e = lx->v[k].end;
		const char *name;
		long ent;

		for (k++; punct_is(lx, k, '.') && k + 1 < lx->n && lx->v[k + 1].type == J_ID; k += 2)
			e = lx->v[k + 1].end;
		if (!punct_is(lx, k, '{'))
			return j;
		name = lx->v[j + 1].type == J_STR ? ttext(p, j + 1)
						  : entkit_strndup_cap(p->a, lx->b + s, e - s, JS_NAME_CAP);
		ent = new_ent(p, "namespace", name, join(p, qual, name), first, sig_s, lx->v[k].start);
		set_meta(p, ent, exported, false, NULL);
		pend(p, k, F_NS, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : name, true);
		return j;
	}
	if (p->ts && tok_is(lx, j, "type") && j + 1 < lx->n && lx->v[j + 1].type == J_ID) {
		size_t k = j + 2;
		const char *name = ttext(p, j + 1);
		long ent;

		if (punct_is(lx, k, '<')) {
			long d = 0;

			for (; k < lx->n; k++) {
				if (punct_is(lx, k, '<'))
					d++;
				else if (punct_is(lx, k, '>') && --d == 0)
					break;
				if (k > j + 256)
					return j;
			}
			k++;
		}
		if (!punct_is(lx, k, '='))
			return j;
		ent = new_ent(p, "type", name, join(p, qual, name), first, sig_s, lx->v[k].start);
		set_meta(p, ent, exported, false, NULL);
		p->stmt_ent = ent;
		p->stmt_nf = p->nf;
		p->stmt_pdepth = p->pdepth;
		return j;
	}
	if (tok_is(lx, j, "var") || tok_is(lx, j, "let") || tok_is(lx, j, "const")) {
		bool is_const = tok_is(lx, j, "const");
		size_t k = j + 1, v;
		const char *name;

		if (k >= lx->n || lx->v[k].type != J_ID)
			return j; /* destructuring */
		name = ttext(p, k);
		v = k + 1;
		if (p->ts && punct_is(lx, v, ':')) { /* const x: T = ... */
			size_t lim = v + 128 < lx->n ? v + 128 : lx->n;

			while (v < lim && !punct_is(lx, v, '=') && !punct_is(lx, v, ';'))
				v++;
		}
		if (!punct_is(lx, v, '='))
			return j;
		v++;
		if (!toplike && !exported)
			return j;
		if (func_value(p, v, "function", name, join(p, qual, name), first, sig_s, exported))
			return j;
		if (tok_is(lx, v, "class")) {
			class_decl(p, v, name, qual, first, sig_s, exported);
			return j;
		}
		if (punct_is(lx, v, '{')) {
			long ent =
			    new_ent(p, "object", name, join(p, qual, name), first, sig_s, lx->v[v].start);

			set_meta(p, ent, exported, false, NULL);
			pend(p, v, F_OBJECT, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : name, false);
			return j;
		}
		if (exported && is_const) {
			long ent =
			    new_ent(p, "constant", name, join(p, qual, name), first, sig_s, lx->v[v - 1].end);

			set_meta(p, ent, true, false, NULL);
			p->stmt_ent = ent;
			p->stmt_nf = p->nf;
			p->stmt_pdepth = p->pdepth;
		}
		return j;
	}
	/* A.B.C = function / => / class / { ... } */
	if (toplike && !exported && lx->v[j].type == J_ID) {
		size_t k = j + 1, s = lx->v[j].start, e = lx->v[j].end;
		const char *path, *last;
		bool dotted = false;

		while (punct_is(lx, k, '.') && k + 1 < lx->n && lx->v[k + 1].type == J_ID) {
			e = lx->v[k + 1].end;
			k += 2;
			dotted = true;
		}
		/* "=" but not "==" or "===" */
		if (!punct_is(lx, k, '=') || (punct_is(lx, k + 1, '=') && lx->v[k + 1].start == lx->v[k].end))
			return j;
		path = entkit_strndup_cap(p->a, lx->b + s, e - s, JS_NAME_CAP);
		last = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
		if (func_value(p, k + 1, dotted ? "method" : "function", last, join(p, qual, path), first,
			       sig_s, false))
			return j;
		if (tok_is(lx, k + 1, "class")) {
			class_decl(p, k + 1, last, qual, first, sig_s, false);
			return j;
		}
		if (punct_is(lx, k + 1, '{')) {
			long ent =
			    new_ent(p, "object", last, join(p, qual, path), first, sig_s, lx->v[k + 1].start);

			pend(p, k + 1, F_OBJECT, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : path,
			     false);
		}
	}
	return j;
}

/* A member of an object literal or class body starting at i; returns
 * the last token index of the prefix it read. */
static size_t member_at(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	struct frame *f = &p->fr[p->nf - 1];
	size_t j = i, key, sig_s = lx->v[i].start;
	int first = lx->v[i].line;
	const char *name;
	bool is_class = f->kind == F_CLASS;

	while (punct_is(lx, j, '@') && j + 1 < lx->n && lx->v[j + 1].type == J_ID) {
		j += 2;
		while (punct_is(lx, j, '.') && j + 1 < lx->n && lx->v[j + 1].type == J_ID)
			j += 2;
		if (punct_is(lx, j, '(')) {
			size_t k = match_close(p, j);

			if (k == SIZE_MAX)
				return j;
			j = k + 1;
		}
	}
	/* modifiers, each followed by more of the member on the same line */
	for (;;) {
		if (j + 1 < lx->n && lx->v[j].type == J_ID && lx->v[j + 1].line == lx->v[j].line &&
		    (lx->v[j + 1].type == J_ID || lx->v[j + 1].type == J_STR || punct_is(lx, j + 1, '*') ||
		     punct_is(lx, j + 1, '[') || lx->v[j + 1].type == J_NUM) &&
		    (tok_is(lx, j, "static") || tok_is(lx, j, "async") || tok_is(lx, j, "get") ||
		     tok_is(lx, j, "set") || tok_is(lx, j, "public") || tok_is(lx, j, "private") ||
		     tok_is(lx, j, "protected") || tok_is(lx, j, "readonly") || tok_is(lx, j, "abstract") ||
		     tok_is(lx, j, "override") || tok_is(lx, j, "declare") || tok_is(lx, j, "accessor")))
			j++;
		else if (punct_is(lx, j, '*'))
			j++;
		else
			break;
	}
	key = j;
	if (key >= lx->n)
		return j;
	if (lx->v[key].type == J_ID || lx->v[key].type == J_STR || lx->v[key].type == J_NUM) {
		name = ttext(p, key);
		j = key + 1;
	} else if (punct_is(lx, key, '[')) {
		size_t k = match_close(p, key);

		if (k == SIZE_MAX)
			return j;
		name = entkit_collapse(p->a, lx->b + lx->v[key].start, lx->v[k].end - lx->v[key].start,
				       JS_NAME_CAP);
		j = k + 1;
	} else {
		return j;
	}
	if (punct_is(lx, j, '?') || punct_is(lx, j, '!'))
		j++;
	if (punct_is(lx, j, '<') && p->ts) { /* m<T>(...) */
		long d = 0;
		size_t lim = j + 128 < lx->n ? j + 128 : lx->n;

		for (; j < lim; j++) {
			if (punct_is(lx, j, '<'))
				d++;
			else if (punct_is(lx, j, '>') && --d == 0)
				break;
		}
		j++;
	}
	if (punct_is(lx, j, '(')) {
		size_t k = match_close(p, j), body;
		long ent;

		if (k == SIZE_MAX || (body = body_after(p, k)) == SIZE_MAX)
			return j;
		ent = new_ent(p, "method", name, join(p, f->qual, name), first, sig_s, lx->v[body].start);
		set_meta(p, ent, false, false, NULL);
		pend(p, body, F_FUNC, ent, ent >= 0 ? ent_at(p, ent)->qualified_name : name, false);
		return j;
	}
	if ((!is_class && punct_is(lx, j, ':')) || (is_class && punct_is(lx, j, '='))) {
		if (func_value(p, j + 1, "method", name, join(p, f->qual, name), first, sig_s, false))
			return j;
		if (!is_class && punct_is(lx, j + 1, '{'))
			pend(p, j + 1, F_OBJECT, -1, join(p, f->qual, name), false);
	}
	return j;
}

static bool is_member_start(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	const struct frame *f = &p->fr[p->nf - 1];

	if (i == 0 || p->pdepth != f->pdepth)
		return false;
	if (f->kind == F_OBJECT)
		return punct_is(lx, i - 1, '{') || punct_is(lx, i - 1, ',');
	return punct_is(lx, i - 1, '{') || punct_is(lx, i - 1, ';') || punct_is(lx, i - 1, '}') ||
	       (lx->v[i - 1].line < lx->v[i].line && lx->v[i - 1].type != J_PUNCT) ||
	       (lx->v[i - 1].line < lx->v[i].line && (punct_is(lx, i - 1, ')') || punct_is(lx, i - 1, ']')));
}

/* Does token i end the pending statement entity (before it)? */
static void check_stmt_end(struct jparse *p, size_t i)
{
	struct jlex *lx = p->lx;
	const struct jtok *t = &lx->v[i], *prev;

	if (p->stmt_ent < 0 || p->nf != p->stmt_nf || p->pdepth != p->stmt_pdepth || i == 0)
		return;
	prev = &lx->v[i - 1];
	if (punct_is(lx, i, ';')) {
		set_end(p, p->stmt_ent, t->line);
		p->stmt_ent = -1;
		return;
	}
	if (punct_is(lx, i, ',') || punct_is(lx, i, '}') || punct_is(lx, i, ')') || punct_is(lx, i, ']')) {
		set_end(p, p->stmt_ent, prev->line);
		p->stmt_ent = -1;
		return;
	}
	/* a line break after a complete expression (ASI) */
	if (t->line > prev->line && (prev->type != J_PUNCT || punct_is(lx, i - 1, ')') ||
				     punct_is(lx, i - 1, ']') || punct_is(lx, i - 1, '}'))) {
		if (t->type == J_PUNCT && !punct_is(lx, i, '(') && !punct_is(lx, i, '[') &&
		    !punct_is(lx, i, '{') && !punct_is(lx, i, '@'))
			return; /* a continuation operator: "\n + x", "\n .then()" */
		if (t->type == J_ARROW)
			return;
		set_end(p, p->stmt_ent, prev->line);
		p->stmt_ent = -1;
	}
}

int extract_javascript(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		       size_t len, struct entity_list *out)
{
	struct srcmap m;
	struct jlex lx;
	struct jparse p;
	const char *lang = extract_language(path);
	size_t i, skip = SIZE_MAX;

	srcmap_init(&m, a, buf, len);
	memset(&lx, 0, sizeof(lx));
	lx.b = buf;
	lx.len = len;
	lx.a = a;
	lx.m = &m;
	/* "#!/usr/bin/env node" */
	{
		size_t s = m.base;

		if (len - s >= 2 && buf[s] == '#' && buf[s + 1] == '!')
			while (s < len && buf[s] != '\n')
				s++;
		js_lex(&lx, s);
	}
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.m = &m;
	p.lx = &lx;
	p.out = out;
	p.first = out->count;
	p.pend_tok = SIZE_MAX;
	p.stmt_ent = -1;
	p.doc_ent = -1;
	p.ts = strcmp(lang, "typescript") == 0;
	fpush(&p, (struct frame){F_TOP, -1, NULL, true, 0});
	for (i = 0; i < lx.n; i++) {
		const struct jtok *t = &lx.v[i];
		struct frame *f = &p.fr[p.nf - 1];

		check_stmt_end(&p, i);
		if (t->type == J_PUNCT) {
			char c = buf[t->start];

			if (c == '{') {
				struct frame nf = {F_BLOCK, -1, f->qual, false, p.pdepth};

				if (i == p.pend_tok) {
					nf = p.pend;
					nf.pdepth = p.pdepth;
					p.pend_tok = SIZE_MAX;
				} else if (f->kind != F_OBJECT && f->kind != F_CLASS) {
					/* blocks keep their frame's view of the top */
					nf.toplike = f->toplike;
				}
				fpush(&p, nf);
				continue;
			}
			if (c == '}') {
				if (p.nf > 1) {
					if (p.fr[p.nf - 1].ent >= 0)
						set_end(&p, p.fr[p.nf - 1].ent, t->line);
					p.pdepth = p.fr[p.nf - 1].pdepth;
					p.nf--;
				}
				continue;
			}
			if (c == '(' || c == '[')
				p.pdepth++;
			else if ((c == ')' || c == ']') && p.pdepth > p.fr[p.nf - 1].pdepth)
				p.pdepth--;
		}
		/* Tokens of a prefix already read (decorators, export) start nothing. */
		if (skip != SIZE_MAX && i <= skip)
			continue;
		skip = SIZE_MAX;
		if (f->kind == F_OBJECT || f->kind == F_CLASS) {
			if (is_member_start(&p, i))
				skip = member_at(&p, i);
		} else if ((t->type == J_ID || punct_is(&lx, i, '@')) && is_stmt_start(&p, i)) {
			skip = statement_at(&p, i);
		}
	}
	if (p.stmt_ent >= 0 && lx.n)
		set_end(&p, p.stmt_ent, lx.v[lx.n - 1].line);
	/* Unclosed frames end at the end of the file. */
	while (p.nf > 1) {
		if (p.fr[p.nf - 1].ent >= 0)
			set_end(&p, p.fr[p.nf - 1].ent, m.nlines);
		p.nf--;
	}
	if (out->count == p.first || !entkit_finish(&m, a, out, p.first))
		return extract_windows(a, opt, path, buf, len, out);
	return 0;
}
