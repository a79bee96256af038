/*
 * sql.c - entities of SQL scripts: DDL objects and top-level statements.
 *
 * Statements end at ";" outside strings, quoted identifiers, comments
 * (block comments nest as in PostgreSQL) and dollar quotes ($$...$$, $tag$...$tag$);
 * at a line holding only "/" (SQL*Plus) or "GO" (T-SQL); or at the
 * delimiter set by a MySQL "DELIMITER" line. Bodies of procedural code
 * that are not quoted (Oracle PL/SQL, MySQL, PostgreSQL 14 BEGIN ATOMIC)
 * run until their BEGIN ... END (or the package's AS ... END) closes. One
 * pass, one token vector reused for every statement: linear in the input.
 *
 * DDL objects are named as written ("sales.Orders", "\"Order\"") with
 * qualified name "sql:<name>"; the lower-cased, unquoted name is metadata
 * "object". Tables a statement reads or writes (after FROM, JOIN, INTO,
 * UPDATE, REFERENCES; in function bodies too) become references_table
 * links.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/srcmap.h"
#include "util/arena.h"

#define SQL_MAX_ENTITIES 20000
#define SQL_MAX_COLUMNS	 1000
#define SQL_NAME_CAP	 256
#define SQL_SIG_CAP	 512
#define SQL_COMMENT_CAP	 1024
#define SQL_CTX_DEPTH	 256

enum tok_type { T_WORD, T_QIDENT, T_STRING, T_DOLLAR, T_NUM, T_PUNCT, T_SEMI, T_EOF };

struct tok {
	enum tok_type type;
	size_t start, end;	       /* bytes of the token */
	size_t inner_start, inner_end; /* T_DOLLAR: the quoted body */
};

struct lexer {
	const char *b;
	size_t pos, end;
	const char *delim; /* MySQL DELIMITER, NULL for ";" */
	size_t dlen;
};

struct tokvec {
	struct tok *v;
	size_t n, cap;
};

static void tv_push(struct arena *a, struct tokvec *tv, const struct tok *t)
{
	tv->v = arena_reserve(a, tv->v, tv->n, tv->n + 1, &tv->cap, sizeof(*tv->v), 256);
	tv->v[tv->n++] = *t;
}

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$' || c == '#' || c == '@';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static size_t find(const char *b, size_t from, size_t end, const char *pat, size_t plen)
{
	const char *p = b + from, *e = b + end;

	while (p < e) {
		const char *hit = memchr(p, pat[0], (size_t)(e - p));

		if (!hit || (size_t)(e - hit) < plen)
			return end;
		if (memcmp(hit, pat, plen) == 0)
			return (size_t)(hit - b);
		p = hit + 1;
	}
	return end;
}

/* Skips white space and comments; returns false at the end. */
static bool lex_skip(struct lexer *lx)
{
	const char *b = lx->b;

	while (lx->pos < lx->end) {
		char c = b[lx->pos];

		if (is_space(c)) {
			lx->pos++;
		} else if (c == '-' && lx->pos + 1 < lx->end && b[lx->pos + 1] == '-') {
			const char *nl = memchr(b + lx->pos, '\n', lx->end - lx->pos);
			const char *cr =
			    memchr(b + lx->pos, '\r', (nl ? (size_t)(nl - b) : lx->end) - lx->pos);

			lx->pos = cr ? (size_t)(cr - b) : nl ? (size_t)(nl - b) : lx->end;
		} else if (c == '/' && lx->pos + 1 < lx->end && b[lx->pos + 1] == '*') {
			size_t i = lx->pos + 2;
			long depth = 1;

			while (i < lx->end && depth > 0) {
				if (b[i] == '*' && i + 1 < lx->end && b[i + 1] == '/') {
					depth--;
					i += 2;
				} else if (b[i] == '/' && i + 1 < lx->end && b[i + 1] == '*') {
					depth++;
					i += 2;
				} else {
					i++;
				}
			}
			lx->pos = i;
		} else {
			return true;
		}
	}
	return false;
}

/* Reads one token at lx->pos (after lex_skip). */
static void lex_tok(struct lexer *lx, struct tok *t)
{
	const char *b = lx->b;
	size_t i = lx->pos;
	unsigned char c = (unsigned char)b[i];

	t->start = i;
	t->inner_start = t->inner_end = 0;
	if (lx->delim && lx->end - i >= lx->dlen && memcmp(b + i, lx->delim, lx->dlen) == 0) {
		t->type = T_SEMI;
		i += lx->dlen;
	} else if (!lx->delim && c == ';') {
		t->type = T_SEMI;
		i++;
	} else if (c == '\'') {
		t->type = T_STRING;
		for (i++; i < lx->end; i++) {
			if (b[i] == '\\' && i + 1 < lx->end && (b[i + 1] == '\'' || b[i + 1] == '\\')) {
				i++;
			} else if (b[i] == '\'') {
				if (i + 1 < lx->end && b[i + 1] == '\'') {
					i++;
					continue;
				}
				i++;
				break;
			}
		}
	} else if (c == '"' || c == '`' || c == '[') {
		char close = c == '[' ? ']' : (char)c;
		const char *q = memchr(b + i + 1, close, lx->end - i - 1);

		t->type = T_QIDENT;
		i = q ? (size_t)(q - b) + 1 : lx->end;
	} else if (c == '$' && (i == 0 || !is_ident_char((unsigned char)b[i - 1]))) {
		size_t k = i + 1;

		while (k < lx->end &&
		       (is_ident_start((unsigned char)b[k]) || (k > i + 1 && b[k] >= '0' && b[k] <= '9')))
			k++;
		if (k < lx->end && b[k] == '$') {
			size_t tl = k + 1 - i, close = find(b, k + 1, lx->end, b + i, tl);

			t->type = T_DOLLAR;
			t->inner_start = k + 1;
			t->inner_end = close;
			i = close < lx->end ? close + tl : lx->end;
		} else {
			t->type = T_PUNCT; /* $1 parameters and the like */
			i++;
			while (i < lx->end && b[i] >= '0' && b[i] <= '9')
				i++;
		}
	} else if (is_ident_start(c)) {
		t->type = T_WORD;
		while (i < lx->end && is_ident_char((unsigned char)b[i]))
			i++;
	} else if (c >= '0' && c <= '9') {
		t->type = T_NUM;
		while (i < lx->end && (is_ident_char((unsigned char)b[i]) || b[i] == '.'))
			i++;
	} else {
		t->type = T_PUNCT;
		i++;
	}
	t->end = i;
	lx->pos = i;
}

static bool word_is(const struct lexer *lx, const struct tok *t, const char *w)
{
	return t->type == T_WORD && entkit_ieq(lx->b + t->start, t->end - t->start, w);
}

/* Is the line holding off only "/" or "GO" (terminator lines)? Returns the
 * end of that line or 0. */
static size_t terminator_line(const char *b, size_t end, size_t off)
{
	size_t s = off, e;

	while (s > 0 && b[s - 1] != '\n' && b[s - 1] != '\r')
		s--;
	for (e = off; e < end && b[e] != '\n' && b[e] != '\r'; e++)
		;
	{
		size_t i = s, j = e;

		while (i < j && (b[i] == ' ' || b[i] == '\t'))
			i++;
		while (j > i && (b[j - 1] == ' ' || b[j - 1] == '\t'))
			j--;
		if ((j - i == 1 && b[i] == '/') || (j - i == 2 && entkit_ieq(b + i, 2, "go")))
			return e;
	}
	return 0;
}

struct sqlctx {
	struct arena *a;
	const struct srcmap *m;
	const char *b;
	struct entity_list *out;
	struct qnset qns;
	struct tokvec tv;    /* the current statement */
	struct tokvec inner; /* a dollar-quoted body */
	size_t nent;
};

static const char *tok_text(struct sqlctx *c, const struct tok *t)
{
	return entkit_strndup_cap(c->a, c->b + t->start, t->end - t->start, SQL_NAME_CAP);
}

static bool tw(struct sqlctx *c, const struct tokvec *tv, size_t i, const char *w)
{
	return i < tv->n && tv->v[i].type == T_WORD &&
	       entkit_ieq(c->b + tv->v[i].start, tv->v[i].end - tv->v[i].start, w);
}

static bool tp(const struct sqlctx *c, const struct tokvec *tv, size_t i, char ch)
{
	return i < tv->n && tv->v[i].type == T_PUNCT && c->b[tv->v[i].start] == ch;
}

static bool is_name_tok(const struct tokvec *tv, size_t i)
{
	return i < tv->n && (tv->v[i].type == T_WORD || tv->v[i].type == T_QIDENT);
}

/* Reads a possibly qualified name at *i ("a.b.c"); returns its source span. */
static bool read_name(struct sqlctx *c, const struct tokvec *tv, size_t *i, size_t *s, size_t *e)
{
	size_t k = *i;

	if (!is_name_tok(tv, k))
		return false;
	*s = tv->v[k].start;
	*e = tv->v[k].end;
	k++;
	while (tp(c, tv, k, '.') && is_name_tok(tv, k + 1)) {
		*e = tv->v[k + 1].end;
		k += 2;
	}
	*i = k;
	return true;
}

static const char *const not_tables[] = {"select",
					 "lateral",
					 "where",
					 "join",
					 "left",
					 "right",
					 "inner",
					 "outer",
					 "full",
					 "cross",
					 "natural",
					 "on",
					 "using",
					 "group",
					 "order",
					 "limit",
					 "having",
					 "union",
					 "except",
					 "intersect",
					 "window",
					 "for",
					 "offset",
					 "fetch",
					 "returning",
					 "set",
					 "values",
					 "with",
					 "into",
					 "tablesample",
					 "as",
					 "when",
					 "then",
					 "else",
					 "end",
					 "and",
					 "or",
					 "not",
					 "dual",
					 "default",
					 "only",
					 "unnest",
					 "table",
					 "each",
					 "row",
					 "the",
					 "minus",
					 "start",
					 "connect",
					 "pivot",
					 "unpivot",
					 "partition",
					 "straight_join",
					 "force",
					 "ignore",
					 "use",
					 "key",
					 "is",
					 "by",
					 NULL};

static bool is_kw(struct sqlctx *c, const struct tok *t)
{
	size_t i;

	if (t->type != T_WORD)
		return false;
	for (i = 0; not_tables[i]; i++)
		if (entkit_ieq(c->b + t->start, t->end - t->start, not_tables[i]))
			return true;
	return false;
}

#define SQL_MAX_CTES 32

/* What a statement's table references must not link: its own object and
 * the names of its common table expressions (WITH x AS (...)). */
struct sqlnames {
	const char *own;
	const char *ctes[SQL_MAX_CTES];
	size_t nctes;
};

/* The index of the ')' closing the '(' at i, or tv->n. */
static size_t close_paren(struct sqlctx *c, const struct tokvec *tv, size_t i)
{
	size_t depth = 0;

	for (; i < tv->n; i++) {
		if (tp(c, tv, i, '('))
			depth++;
		else if (tp(c, tv, i, ')') && --depth == 0)
			return i;
	}
	return tv->n;
}

/* Collects the CTE names of every WITH [RECURSIVE] a [(cols)] AS [NOT]
 * [MATERIALIZED] (...), b AS (...) in tv. */
static void collect_ctes(struct sqlctx *c, const struct tokvec *tv, struct sqlnames *names)
{
	size_t i, k, s, t;

	for (i = 0; i < tv->n; i++) {
		if (!tw(c, tv, i, "with"))
			continue;
		k = i + 1;
		if (tw(c, tv, k, "recursive"))
			k++;
		while (k < tv->n && is_name_tok(tv, k) && !is_kw(c, &tv->v[k])) {
			s = tv->v[k].start;
			t = tv->v[k].end;
			k++;
			if (tp(c, tv, k, '('))
				k = close_paren(c, tv, k) + 1;
			if (!tw(c, tv, k, "as"))
				break;
			k++;
			if (tw(c, tv, k, "not"))
				k++;
			if (tw(c, tv, k, "materialized"))
				k++;
			if (!tp(c, tv, k, '('))
				break;
			if (names->nctes < SQL_MAX_CTES)
				names->ctes[names->nctes++] =
				    entkit_strndup_cap(c->a, c->b + s, t - s, SQL_NAME_CAP);
			k = close_paren(c, tv, k) + 1;
			if (!tp(c, tv, k, ','))
				break;
			k++;
		}
	}
}

static bool names_excluded(const struct sqlnames *names, const char *name)
{
	size_t i;

	if (names->own && strcmp(names->own, name) == 0)
		return true;
	for (i = 0; i < names->nctes; i++)
		if (strcasecmp(names->ctes[i], name) == 0)
			return true;
	return false;
}

/* Links the table named at *i (skipping ONLY) unless it is a keyword, a
 * function call, the statement's own object or one of its CTEs. */
static bool ref_table(struct sqlctx *c, struct entity *e, const struct tokvec *tv, size_t *i,
		      const struct sqlnames *names, bool calls)
{
	size_t s, t, k;
	const char *name;

	if (tw(c, tv, *i, "only"))
		(*i)++;
	if (*i >= tv->n || is_kw(c, &tv->v[*i]))
		return false;
	k = *i;
	if (!read_name(c, tv, &k, &s, &t))
		return false;
	*i = k;
	if (calls && tp(c, tv, k, '('))
		return true; /* FROM f(...): a set-returning function, not a table */
	name = entkit_strndup_cap(c->a, c->b + s, t - s, SQL_NAME_CAP);
	if (!names_excluded(names, name))
		entkit_link(c->a, e, "references_table", name);
	return true;
}

/* Scans tokens for table references. FROM counts only in a parenthesis
 * level that has a SELECT, DELETE, ... of its own, so "EXTRACT(YEAR FROM
 * d)" and "SUBSTRING(s FROM 2)" name no table. */
static void scan_refs(struct sqlctx *c, struct entity *e, const struct tokvec *tv, const char *own)
{
	bool ctx[SQL_CTX_DEPTH];
	size_t i, depth = 0;
	struct sqlnames names = {.own = own};

	memset(ctx, 0, sizeof(ctx));
	collect_ctes(c, tv, &names);
	for (i = 0; i < tv->n; i++) {
		const struct tok *t = &tv->v[i];
		bool here = depth >= SQL_CTX_DEPTH || ctx[depth];

		if (t->type == T_PUNCT && c->b[t->start] == '(') {
			depth++;
			if (depth < SQL_CTX_DEPTH)
				ctx[depth] = false;
			continue;
		}
		if (t->type == T_PUNCT && c->b[t->start] == ')') {
			if (depth > 0)
				depth--;
			continue;
		}
		if (t->type == T_SEMI) {
			depth = 0;
			ctx[0] = false;
			continue;
		}
		if (t->type != T_WORD)
			continue;
		if (tw(c, tv, i, "select") || tw(c, tv, i, "delete") || tw(c, tv, i, "update") ||
		    tw(c, tv, i, "insert") || tw(c, tv, i, "merge") || tw(c, tv, i, "with")) {
			if (depth < SQL_CTX_DEPTH)
				ctx[depth] = true;
		}
		if (tw(c, tv, i, "from") && here && !(i > 0 && tw(c, tv, i - 1, "distinct"))) {
			size_t k = i + 1;

			/* FROM a x, b AS y, c */
			while (ref_table(c, e, tv, &k, &names, true)) {
				if (tw(c, tv, k, "as"))
					k++;
				if (is_name_tok(tv, k) && !is_kw(c, &tv->v[k]))
					k++;
				if (!tp(c, tv, k, ','))
					break;
				k++;
			}
		} else if (tw(c, tv, i, "join") || tw(c, tv, i, "references")) {
			size_t k = i + 1;

			ref_table(c, e, tv, &k, &names, tw(c, tv, i, "join"));
		} else if (tw(c, tv, i, "into") && i > 0 &&
			   (tw(c, tv, i - 1, "insert") || tw(c, tv, i - 1, "merge") ||
			    tw(c, tv, i - 1, "replace") || tw(c, tv, i - 1, "ignore"))) {
			size_t k = i + 1;

			ref_table(c, e, tv, &k, &names, false);
		} else if (tw(c, tv, i, "update") && !tw(c, tv, i + 1, "set") &&
			   !(i > 0 &&
			     (tw(c, tv, i - 1, "for") || tw(c, tv, i - 1, "on") || tw(c, tv, i - 1, "do") ||
			      tw(c, tv, i - 1, "before") || tw(c, tv, i - 1, "after") ||
			      tw(c, tv, i - 1, "or") || tw(c, tv, i - 1, "of") ||
			      tw(c, tv, i - 1, "instead") || tp(c, tv, i - 1, ',') ||
			      tw(c, tv, i - 1, "key") || tw(c, tv, i - 1, "grant")))) {
			size_t k = i + 1;

			ref_table(c, e, tv, &k, &names, false);
		}
	}
}

/* Lower-cased, unquoted form of a name for metadata "object". */
static char *object_of(struct arena *a, const char *name)
{
	size_t n = strlen(name), i, k = 0;
	char *o = arena_alloc(a, n + 1);

	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (ch == '"' || ch == '`' || ch == '[' || ch == ']')
			continue;
		o[k++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	o[k] = '\0';
	return o;
}

static bool is_col_stop(struct sqlctx *c, const struct tokvec *tv, size_t i)
{
	static const char *const stops[] = {"not",	  "null",      "default",	 "primary",
					    "references", "unique",    "check",		 "constraint",
					    "collate",	  "generated", "auto_increment", "identity",
					    "comment",	  "on",	       "encode",	 NULL};
	size_t k;

	for (k = 0; stops[k]; k++)
		if (tw(c, tv, i, stops[k]))
			return true;
	return false;
}

/* Columns (or, with constraints, the table constraints) of CREATE TABLE
 * name ( ... ) into w as an array under key. */
static void table_items(struct sqlctx *c, struct jsonw *w, const struct tokvec *tv, size_t i,
			bool constraints)
{
	size_t depth, ncol = 0;

	while (i < tv->n && !tp(c, tv, i, '(')) {
		if (tw(c, tv, i, "as")) /* CREATE TABLE x AS SELECT */
			return;
		i++;
	}
	if (i >= tv->n)
		return;
	i++;
	jsonw_key(w, constraints ? "constraints" : "columns");
	jsonw_arr_open(w);
	while (i < tv->n && ncol < SQL_MAX_COLUMNS) {
		size_t item = i, type_s = 0, type_e = 0;
		bool constraint = tw(c, tv, i, "constraint") || tw(c, tv, i, "primary") ||
				  tw(c, tv, i, "foreign") || tw(c, tv, i, "unique") ||
				  tw(c, tv, i, "check") || tw(c, tv, i, "exclude") || tw(c, tv, i, "key") ||
				  tw(c, tv, i, "index") || tw(c, tv, i, "fulltext") ||
				  tw(c, tv, i, "spatial") || tw(c, tv, i, "like") || tw(c, tv, i, "period");
		bool in_type = !constraint;

		/* the end of the item: "," or ")" at our level */
		depth = 0;
		for (; i < tv->n; i++) {
			if (tp(c, tv, i, '(')) {
				depth++;
			} else if (tp(c, tv, i, ')')) {
				if (depth == 0)
					break;
				depth--;
			} else if (depth == 0 && tp(c, tv, i, ',')) {
				break;
			}
			if (in_type && i > item) {
				if (depth == 0 && is_col_stop(c, tv, i)) {
					in_type = false;
				} else {
					if (!type_s)
						type_s = tv->v[i].start;
					type_e = tv->v[i].end;
				}
			}
		}
		if (i > item) {
			size_t end = tv->v[i - 1].end;

			if (constraint && constraints) {
				jsonw_obj_open(w);
				if (tw(c, tv, item, "constraint") && is_name_tok(tv, item + 1))
					jsonw_kv_str(w, "name", tok_text(c, &tv->v[item + 1]));
				jsonw_kv_str(w, "definition",
					     entkit_collapse(c->a, c->b + tv->v[item].start,
							     end - tv->v[item].start, 300));
				jsonw_obj_close(w);
				ncol++;
			} else if (!constraint && !constraints && is_name_tok(tv, item)) {
				size_t rest = type_e ? type_e : tv->v[item].end;

				jsonw_obj_open(w);
				jsonw_kv_str(w, "name", tok_text(c, &tv->v[item]));
				if (type_s)
					jsonw_kv_str(
					    w, "type",
					    entkit_collapse(c->a, c->b + type_s, type_e - type_s, 200));
				if (rest < end)
					jsonw_kv_str(w, "constraints",
						     entkit_collapse(c->a, c->b + rest, end - rest, 300));
				jsonw_obj_close(w);
				ncol++;
			}
		}
		if (i >= tv->n || tp(c, tv, i, ')'))
			break;
		i++; /* the comma */
	}
	jsonw_arr_close(w);
}

static const char *upper_word(struct sqlctx *c, const struct tok *t)
{
	char *s = (char *)tok_text(c, t), *p;

	for (p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

/* Turns the statement in c->tv (lines first..last) into an entity. */
static void statement(struct sqlctx *c, int first, int last, size_t comment_s, size_t comment_e)
{
	static const char *const objs[] = {"table",    "view",	       "index",	  "sequence",  "procedure",
					   "function", "trigger",      "package", "type",      "schema",
					   "database", "synonym",      "domain",  "extension", "role",
					   "user",     "materialized", NULL};
	static const char *const kinds[] = {
	    "sql_table",     "sql_view",      "sql_index",     "sql_sequence",	"sql_procedure",
	    "sql_function",  "sql_trigger",   "sql_package",   "sql_type",	"sql_statement",
	    "sql_statement", "sql_statement", "sql_statement", "sql_statement", "sql_statement",
	    "sql_statement", "sql_view"};
	struct tokvec *tv = &c->tv;
	const char *kind = "sql_statement", *name = NULL, *own = NULL, *table = NULL;
	size_t i = 0, k, s, e, objword = 0;
	int obj = -1;
	struct entity *ent;
	struct jsonw w;
	bool ddl = false;

	if (tv->n == 0 || c->nent >= SQL_MAX_ENTITIES)
		return;
	if (tv->v[0].type != T_WORD)
		return;
	/* Transaction control says nothing worth an entity. */
	if (tw(c, tv, 0, "begin") &&
	    (tv->n == 1 || tv->v[1].type == T_SEMI || tw(c, tv, 1, "transaction") || tw(c, tv, 1, "work")))
		return;
	if (tw(c, tv, 0, "commit") || tw(c, tv, 0, "rollback") || tw(c, tv, 0, "end") ||
	    tw(c, tv, 0, "savepoint") || tw(c, tv, 0, "release") ||
	    (tw(c, tv, 0, "start") && tw(c, tv, 1, "transaction")) || tw(c, tv, 0, "go") ||
	    tp(c, tv, 0, '/') || tp(c, tv, 0, '\\'))
		return;
	if (tw(c, tv, 0, "create")) {
		for (k = 1; k < tv->n && k < 16 && obj < 0; k++) {
			size_t o;

			for (o = 0; objs[o]; o++)
				if (tw(c, tv, k, objs[o])) {
					obj = (int)o;
					objword = k;
					break;
				}
		}
		if (obj >= 0) {
			kind = kinds[obj];
			k = objword + 1;
			if (strcmp(objs[obj], "materialized") == 0 && tw(c, tv, k, "view"))
				k++;
			if (tw(c, tv, k, "body"))
				k++;
			if (tw(c, tv, k, "concurrently"))
				k++;
			if (tw(c, tv, k, "if") && tw(c, tv, k + 1, "not") && tw(c, tv, k + 2, "exists"))
				k += 3;
			if (strcmp(objs[obj], "index") == 0 && tw(c, tv, k, "on")) {
				size_t t = k + 1, ts, te;

				if (tw(c, tv, t, "only"))
					t++;
				if (read_name(c, tv, &t, &ts, &te))
					name = arena_printf(
					    c->a, "(unnamed) ON %s",
					    entkit_strndup_cap(c->a, c->b + ts, te - ts, SQL_NAME_CAP));
			} else if (read_name(c, tv, &k, &s, &e)) {
				name = entkit_strndup_cap(c->a, c->b + s, e - s, SQL_NAME_CAP);
				own = name;
			}
			ddl = strcmp(kind, "sql_statement") != 0;
			if (!ddl && name)
				name =
				    arena_printf(c->a, "CREATE %s %s", upper_word(c, &tv->v[objword]), name);
			/* the table of an index or trigger */
			if (strcmp(objs[obj], "index") == 0 || strcmp(objs[obj], "trigger") == 0)
				for (; k < tv->n; k++)
					if (tw(c, tv, k, "on")) {
						size_t t = k + 1, ts, te;

						if (tw(c, tv, t, "only"))
							t++;
						if (read_name(c, tv, &t, &ts, &te))
							table = entkit_strndup_cap(c->a, c->b + ts, te - ts,
										   SQL_NAME_CAP);
						break;
					}
		}
	} else if (tw(c, tv, 0, "with")) {
		/* the statement after the CTEs names it */
		size_t depth = 0;

		for (k = 1; k < tv->n; k++) {
			if (tp(c, tv, k, '('))
				depth++;
			else if (tp(c, tv, k, ')') && depth > 0)
				depth--;
			else if (depth == 0 &&
				 (tw(c, tv, k, "select") || tw(c, tv, k, "insert") ||
				  tw(c, tv, k, "update") || tw(c, tv, k, "delete") || tw(c, tv, k, "merge")))
				break;
		}
		i = k < tv->n ? k : 0;
	}
	if (!name) {
		/* "INSERT customers", "UPDATE orders", "SELECT orders", "ALTER TABLE x" */
		const char *verb = upper_word(c, &tv->v[i]);
		size_t t = i + 1, ts, te;

		if (tw(c, tv, i, "insert") || tw(c, tv, i, "merge") || tw(c, tv, i, "replace")) {
			while (tw(c, tv, t, "into") || tw(c, tv, t, "ignore") || tw(c, tv, t, "or") ||
			       tw(c, tv, t, "low_priority") || tw(c, tv, t, "delayed"))
				t++;
		} else if (tw(c, tv, i, "delete")) {
			if (tw(c, tv, t, "from"))
				t++;
		} else if (tw(c, tv, i, "update")) {
			if (tw(c, tv, t, "only"))
				t++;
		} else if (tw(c, tv, i, "select")) {
			/* the first FROM at our level */
			size_t depth = 0;

			for (t = i + 1; t < tv->n; t++) {
				if (tp(c, tv, t, '('))
					depth++;
				else if (tp(c, tv, t, ')') && depth > 0)
					depth--;
				else if (depth == 0 && tw(c, tv, t, "from")) {
					t++;
					break;
				}
			}
			if (tw(c, tv, t, "only"))
				t++;
		} else if (tw(c, tv, i, "alter") || tw(c, tv, i, "drop") || tw(c, tv, i, "truncate") ||
			   tw(c, tv, i, "comment") || tw(c, tv, i, "create")) {
			/* verb [ON] TYPE [IF [NOT] EXISTS] name */
			if (tw(c, tv, t, "on"))
				t++;
			if (tv->n > t && tv->v[t].type == T_WORD && is_name_tok(tv, t + 1) &&
			    !tp(c, tv, t + 1, '.')) {
				verb = arena_printf(c->a, "%s %s", verb, upper_word(c, &tv->v[t]));
				t++;
			}
			while (tw(c, tv, t, "if") || tw(c, tv, t, "not") || tw(c, tv, t, "exists"))
				t++;
		}
		if (t < tv->n && !is_kw(c, &tv->v[t]) && read_name(c, tv, &t, &ts, &te) && te > ts)
			name = arena_printf(c->a, "%s %s", verb,
					    entkit_strndup_cap(c->a, c->b + ts, te - ts, SQL_NAME_CAP));
		else
			name = verb;
	}
	c->nent++;
	ent = entkit_entity(c->m, c->a, c->out, kind, first, last);
	ent->name = name;
	ent->qualified_name = qnset_unique(&c->qns, c->a, arena_printf(c->a, "sql:%s", name));
	jsonw_init(&w, c->a);
	jsonw_obj_open(&w);
	if (ddl && own)
		jsonw_kv_str(&w, "object", object_of(c->a, own));
	jsonw_kv_str(&w, "statement", upper_word(c, &tv->v[0]));
	if (table) {
		jsonw_kv_str(&w, "table", table);
		entkit_link(c->a, ent, "references_table", table);
	}
	if (comment_e > comment_s)
		jsonw_kv_str(
		    &w, "comment",
		    entkit_strndup_cap(c->a, c->b + comment_s, comment_e - comment_s, SQL_COMMENT_CAP));
	if (strcmp(kind, "sql_table") == 0) {
		table_items(c, &w, tv, k, false);
		table_items(c, &w, tv, k, true);
	}
	if (strcmp(kind, "sql_function") == 0 || strcmp(kind, "sql_procedure") == 0 ||
	    strcmp(kind, "sql_view") == 0 || strcmp(kind, "sql_trigger") == 0) {
		/* the head up to the end of the parameter list (or AS) */
		size_t depth = 0, end = tv->v[0].end;

		for (k = 0; k < tv->n; k++) {
			if (tp(c, tv, k, '('))
				depth++;
			else if (tp(c, tv, k, ')') && depth > 0 && --depth == 0) {
				end = tv->v[k].end;
				break;
			} else if (depth == 0 &&
				   (tw(c, tv, k, "as") || tw(c, tv, k, "is") || tw(c, tv, k, "begin"))) {
				break;
			}
			end = tv->v[k].end;
		}
		ent->signature =
		    entkit_collapse(c->a, c->b + tv->v[0].start, end - tv->v[0].start, SQL_SIG_CAP);
	}
	jsonw_obj_close(&w);
	ent->metadata = jsonw_finish(&w);
	scan_refs(c, ent, tv, own);
	/* Function bodies in dollar quotes are SQL too. */
	for (k = 0; k < tv->n; k++)
		if (tv->v[k].type == T_DOLLAR && tv->v[k].inner_end > tv->v[k].inner_start &&
		    (strcmp(kind, "sql_function") == 0 || strcmp(kind, "sql_procedure") == 0 ||
		     strcmp(kind, "sql_trigger") == 0 || tw(c, tv, 0, "do"))) {
			struct lexer lx = {c->b, tv->v[k].inner_start, tv->v[k].inner_end, NULL, 0};
			struct tok t;

			c->inner.n = 0;
			while (lex_skip(&lx)) {
				lex_tok(&lx, &t);
				tv_push(c->a, &c->inner, &t);
			}
			scan_refs(c, ent, &c->inner, own);
		}
}

/* Does the statement start a procedural body that ";" does not end? */
static bool is_block_start(struct sqlctx *c, const struct tokvec *tv)
{
	size_t k;

	if (tw(c, tv, 0, "declare"))
		return true;
	if (tw(c, tv, 0, "begin"))
		return tv->n > 1 && tv->v[1].type != T_SEMI && !tw(c, tv, 1, "transaction") &&
		       !tw(c, tv, 1, "work") && !tw(c, tv, 1, "isolation");
	if (!tw(c, tv, 0, "create"))
		return false;
	/* the first object keyword decides: CREATE TABLE type (...) is no block */
	for (k = 1; k < tv->n && k < 12; k++) {
		if (tw(c, tv, k, "procedure") || tw(c, tv, k, "function") || tw(c, tv, k, "trigger") ||
		    tw(c, tv, k, "package") || tw(c, tv, k, "type"))
			return true;
		if (tw(c, tv, k, "table") || tw(c, tv, k, "view") || tw(c, tv, k, "index") ||
		    tw(c, tv, k, "sequence") || tw(c, tv, k, "schema") || tw(c, tv, k, "database") ||
		    tw(c, tv, k, "materialized") || tw(c, tv, k, "unique") || tw(c, tv, k, "synonym") ||
		    tw(c, tv, k, "role") || tw(c, tv, k, "user") || tw(c, tv, k, "extension") ||
		    tw(c, tv, k, "domain"))
			return false;
	}
	return false;
}

int extract_sql(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out)
{
	struct srcmap m;
	struct sqlctx c;
	struct lexer lx;
	size_t first_ent = out->count;
	bool blocks_off = false;

	memset(&c, 0, sizeof(c));
	srcmap_init(&m, a, buf, len);
	c.a = a;
	c.m = &m;
	c.b = buf;
	c.out = out;
	lx.b = buf;
	lx.pos = m.base;
	lx.end = len;
	lx.delim = NULL;
	lx.dlen = 0;
	for (;;) {
		size_t before = lx.pos, comment_s = 0, comment_e = 0, stmt_end = 0, first_semi = 0;
		bool block = false, armed = false, opened = false, quoted_body = false, package = false,
		     done = false;
		long depth = 0;
		int first_line, last_line;
		struct tok t;

		if (!lex_skip(&lx))
			break;
		/* The comment directly above the statement (after the last blank
		 * line of what was skipped) documents it. */
		comment_s = before;
		comment_e = lx.pos;
		{
			size_t r;

			for (r = before; r < comment_e; r++)
				if (buf[r] == '\n') {
					size_t z = r + 1;

					while (z < comment_e &&
					       (buf[z] == ' ' || buf[z] == '\t' || buf[z] == '\r'))
						z++;
					if (z < comment_e && buf[z] == '\n')
						comment_s = z + 1;
				}
			while (comment_s < comment_e && is_space(buf[comment_s]))
				comment_s++;
			while (comment_e > comment_s && is_space(buf[comment_e - 1]))
				comment_e--;
		}
		/* psql meta-commands and MySQL DELIMITER run to the line end. */
		if (buf[lx.pos] == '\\' || (len - lx.pos > 10 && entkit_ieq(buf + lx.pos, 9, "delimiter") &&
					    is_space(buf[lx.pos + 9]))) {
			size_t e = lx.pos;

			while (e < len && buf[e] != '\n' && buf[e] != '\r')
				e++;
			if (buf[lx.pos] != '\\') {
				size_t s = lx.pos + 9;

				while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
					s++;
				{
					size_t z = e;

					while (z > s && (buf[z - 1] == ' ' || buf[z - 1] == '\t'))
						z--;
					if (z - s == 1 && buf[s] == ';') {
						lx.delim = NULL;
						lx.dlen = 0;
					} else if (z > s) {
						lx.delim = buf + s;
						lx.dlen = z - s;
					}
				}
			}
			lx.pos = e;
			continue;
		}
		first_line = srcmap_line(&m, lx.pos);
		c.tv.n = 0;
		while (!done) {
			size_t tl;

			if (!lex_skip(&lx))
				break;
			/* A "/" or "GO" line ends whatever is open. */
			if ((buf[lx.pos] == '/' || buf[lx.pos] == 'g' || buf[lx.pos] == 'G') &&
			    (lx.pos == 0 || buf[lx.pos - 1] == '\n' || buf[lx.pos - 1] == '\r' ||
			     buf[lx.pos - 1] == ' ' || buf[lx.pos - 1] == '\t') &&
			    (tl = terminator_line(buf, len, lx.pos)) != 0) {
				if (c.tv.n == 0) {
					lx.pos = tl;
					break;
				}
				stmt_end = tl;
				lx.pos = tl;
				done = true;
				break;
			}
			lex_tok(&lx, &t);
			tv_push(a, &c.tv, &t);
			/* Decide early whether this is a procedural block. After
			 * one block ran to the end unclosed, there are no more:
			 * that keeps the scan linear. */
			if (!block && c.tv.n <= 12 && !blocks_off) {
				block = is_block_start(&c, &c.tv);
				if (block) {
					size_t k;

					for (k = 1; k < c.tv.n; k++)
						if (tw(&c, &c.tv, k, "package") || tw(&c, &c.tv, k, "type"))
							package = true;
				}
			}
			if (t.type == T_DOLLAR ||
			    (t.type == T_STRING && c.tv.n >= 2 && tw(&c, &c.tv, c.tv.n - 2, "as")))
				quoted_body = true;
			if (t.type == T_WORD && block && !quoted_body) {
				if (word_is(&lx, &t, "begin") || word_is(&lx, &t, "declare")) {
					if (word_is(&lx, &t, "begin")) {
						depth++;
						opened = true;
					}
					armed = true;
				} else if ((word_is(&lx, &t, "as") || word_is(&lx, &t, "is")) && depth == 0) {
					armed = true;
					if (package && !opened) {
						depth++;
						opened = true;
					}
				} else if (word_is(&lx, &t, "case") &&
					   !(c.tv.n >= 2 && tw(&c, &c.tv, c.tv.n - 2, "end"))) {
					if (armed)
						depth++;
				} else if (word_is(&lx, &t, "end") && armed) {
					struct lexer peek = lx;
					struct tok nt;

					/* END IF / END LOOP close no block */
					if (lex_skip(&peek)) {
						lex_tok(&peek, &nt);
						if (word_is(&peek, &nt, "if") ||
						    word_is(&peek, &nt, "loop") ||
						    word_is(&peek, &nt, "while") ||
						    word_is(&peek, &nt, "repeat") ||
						    word_is(&peek, &nt, "for"))
							continue;
					}
					if (depth > 0)
						depth--;
				}
			}
			if (t.type == T_SEMI) {
				if (!first_semi)
					first_semi = t.end;
				if (!block || quoted_body || !armed || (opened && depth == 0)) {
					stmt_end = t.end;
					done = true;
				}
			}
		}
		if (!done && block && first_semi && !stmt_end) {
			/* A block that never closed: end it at its first ";"
			 * rather than swallow the rest of the file. */
			size_t keep = 0;

			blocks_off = true;

			while (keep < c.tv.n && c.tv.v[keep].end <= first_semi)
				keep++;
			c.tv.n = keep;
			stmt_end = first_semi;
			lx.pos = first_semi;
		}
		if (c.tv.n == 0)
			continue;
		if (!stmt_end)
			stmt_end = c.tv.v[c.tv.n - 1].end;
		last_line = srcmap_line(&m, stmt_end > 0 ? stmt_end - 1 : 0);
		/* The "/" line itself belongs to the statement it ends. */
		statement(&c, first_line, last_line, comment_s, comment_e);
	}
	if (out->count == first_ent || !entkit_finish(&m, a, out, first_ent))
		return extract_windows(a, opt, path, buf, len, out);
	return 0;
}
