/*
 * java.c - entities of Java files: types, methods, constructors, fields,
 * enum constants, and SQL in string literals.
 *
 * A real lexer (comments, strings, char literals, text blocks, unicode
 * escapes) turns the file into tokens; a forgiving recursive-descent
 * parser walks declarations and skips bodies by brace matching. Bodies of
 * methods, anonymous classes and constant-specific enum bodies are not
 * searched for members (universal-ctags does not emit them either); they
 * are only scanned for SQL literals. Type nesting deeper than
 * JAVA_MAX_DEPTH is skipped, which bounds both the recursion and the
 * copies of entity texts. A file in which no type is found (package-info,
 * module-info, not Java at all) falls back to line windows.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/srcmap.h"
#include "util/arena.h"

#define JAVA_MAX_DEPTH	 32   /* nesting of types that still get entities */
#define JAVA_MAX_SIG	 1000 /* bytes of a signature */
#define JAVA_MAX_DOC	 4096 /* bytes of Javadoc kept in metadata */
#define JAVA_MAX_SQL	 8192 /* bytes of one SQL statement kept */
#define JAVA_MAX_MODS	 24   /* modifiers and annotations per declaration */
#define JAVA_MAX_IMPORTS 4096 /* imports remembered for name resolution */

enum jtok_type { JT_EOF, JT_IDENT, JT_NUM, JT_STR, JT_CHAR, JT_PUNCT, JT_ELLIPSIS };

struct jtok {
	uint32_t off;
	uint32_t len;
	int line;  /* line of the first byte */
	int eline; /* line of the last byte (text blocks span lines) */
	int doc;   /* index of the Javadoc right before this token, or -1 */
	uint8_t type;
	bool gap; /* whitespace or a comment before the token */
	bool textblock;
};

struct jdoc {
	uint32_t off, len;
};

/* A link whose target is resolved after the whole file is parsed, when
 * every type of the file is known. */
struct jpending {
	size_t entity;
	const char *kind;
	const char *name;
};

struct jparser {
	struct arena *a;
	const char *buf;
	size_t len;
	const char *path;
	struct srcmap map;
	struct jtok *t;
	size_t nt, cap;
	struct jdoc *docs;
	size_t ndocs, capdocs;
	size_t i; /* current token */
	const char *pkg;
	const char **imports;
	size_t nimports;
	struct entity_list *out;
	size_t first;  /* first entity of this file in out */
	size_t ntypes; /* type entities emitted */
	struct jpending *pend;
	size_t npend, cappend;
};

/* The context members are parsed in: the enclosing type. */
struct jctx {
	const char *qname;	/* qualified name of the type */
	const char *name;	/* simple name */
	const char *kind;	/* "class", "record", ... */
	const char *components; /* a record's erased component types */
	int depth;
};

/* Modifiers and annotations in front of a declaration. */
struct jmods {
	size_t first; /* token index of the first modifier or annotation */
	int doc;
	size_t mod[JAVA_MAX_MODS]; /* token index of each modifier */
	int nmod;
	size_t ann[JAVA_MAX_MODS][2]; /* token range [from, to) of each annotation */
	int nann;
	bool nonsealed[JAVA_MAX_MODS];
};

/* ---------------------------------------------------------------- lexer */

static bool ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of a unicode escape "\uuu0041" at s, or 0. */
static size_t uescape_len(const char *s, size_t n)
{
	size_t k = 1, j;

	if (n < 2 || s[0] != '\\' || s[1] != 'u')
		return 0;
	while (k < n && s[k] == 'u')
		k++;
	if (n - k < 4)
		return 0;
	for (j = 0; j < 4; j++)
		if (!is_hex((unsigned char)s[k + j]))
			return 0;
	return k + 4;
}

static struct jtok *jp_newtok(struct jparser *p)
{
	p->t = arena_reserve(p->a, p->t, p->nt, p->nt + 1, &p->cap, sizeof(*p->t), 1024);
	return &p->t[p->nt++];
}

static void jp_newdoc(struct jparser *p, size_t off, size_t len)
{
	p->docs = arena_reserve(p->a, p->docs, p->ndocs, p->ndocs + 1, &p->capdocs, sizeof(*p->docs), 64);
	p->docs[p->ndocs].off = (uint32_t)off;
	p->docs[p->ndocs].len = (uint32_t)len;
	p->ndocs++;
}

/* Advances over one line end at s[i] if there is one; counts it. */
static bool line_end(const char *s, size_t n, size_t *i, int *line)
{
	if (s[*i] == '\n') {
		(*i)++;
		(*line)++;
		return true;
	}
	if (s[*i] == '\r') {
		(*i)++;
		if (*i < n && s[*i] == '\n')
			(*i)++;
		(*line)++;
		return true;
	}
	return false;
}

static void jp_lex(struct jparser *p)
{
	const char *s = p->buf;
	size_t n = p->len, i = p->map.base;
	int line = 1, doc = -1;
	bool gap = false;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		struct jtok *t;
		size_t start = i;
		int sline = line;

		if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
			i++;
			gap = true;
			continue;
		}
		if (line_end(s, n, &i, &line)) {
			gap = true;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
			gap = true;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			bool isdoc = i + 2 < n && s[i + 2] == '*' && !(i + 3 < n && s[i + 3] == '/');

			i += 2;
			while (i < n) {
				if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
					i += 2;
					break;
				}
				if (!line_end(s, n, &i, &line))
					i++;
			}
			if (isdoc && i - start < UINT32_MAX) {
				jp_newdoc(p, start, i - start);
				doc = (int)(p->ndocs - 1);
			}
			gap = true;
			continue;
		}
		t = jp_newtok(p);
		t->off = (uint32_t)start;
		t->line = sline;
		t->doc = doc;
		t->gap = gap;
		t->textblock = false;
		doc = -1;
		gap = false;
		if (c == '"' && i + 2 < n && s[i + 1] == '"' && s[i + 2] == '"') {
			/* Text block: ends at the next unescaped """. */
			i += 3;
			while (i < n) {
				if (s[i] == '\\' && i + 1 < n) {
					i++;
					if (!line_end(s, n, &i, &line))
						i++;
					continue;
				}
				if (s[i] == '"' && i + 2 < n && s[i + 1] == '"' && s[i + 2] == '"') {
					i += 3;
					break;
				}
				if (!line_end(s, n, &i, &line))
					i++;
			}
			t->type = JT_STR;
			t->textblock = true;
		} else if (c == '"' || c == '\'') {
			/* Ordinary literals cannot span lines: an unterminated one
			 * ends at the line end, as javac would report it. */
			i++;
			while (i < n && s[i] != (char)c && s[i] != '\n' && s[i] != '\r') {
				if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\r')
					i++;
				i++;
			}
			if (i < n && s[i] == (char)c)
				i++;
			t->type = c == '"' ? JT_STR : JT_CHAR;
		} else if (ident_start(c) || uescape_len(s + i, n - i)) {
			while (i < n) {
				size_t u = uescape_len(s + i, n - i);

				if (u)
					i += u;
				else if (ident_char((unsigned char)s[i]))
					i++;
				else
					break;
			}
			t->type = JT_IDENT;
		} else if ((c >= '0' && c <= '9') ||
			   (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			i++;
			while (i < n) {
				unsigned char d = (unsigned char)s[i];

				if ((d == '+' || d == '-') && strchr("eEpP", s[i - 1]))
					i++;
				else if (ident_char(d) || d == '.')
					i++;
				else
					break;
			}
			t->type = JT_NUM;
		} else if (c == '.' && i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.') {
			i += 3;
			t->type = JT_ELLIPSIS;
		} else {
			i++;
			t->type = JT_PUNCT;
		}
		t->len = (uint32_t)(i - start);
		t->eline = line;
	}
	{
		struct jtok *t = jp_newtok(p);

		t->off = (uint32_t)n;
		t->len = 0;
		t->line = t->eline = line;
		t->doc = -1;
		t->type = JT_EOF;
		t->gap = true;
		t->textblock = false;
	}
}

/* --------------------------------------------------------- token access */

static const struct jtok *tk(const struct jparser *p, size_t k)
{
	return &p->t[k < p->nt ? k : p->nt - 1];
}

static const struct jtok *cur(const struct jparser *p)
{
	return tk(p, p->i);
}

static bool tok_is(const struct jparser *p, size_t k, const char *word)
{
	const struct jtok *t = tk(p, k);
	size_t n = strlen(word);

	return t->type != JT_EOF && t->len == n && memcmp(p->buf + t->off, word, n) == 0;
}

static bool tok_punct(const struct jparser *p, size_t k, char c)
{
	const struct jtok *t = tk(p, k);

	return t->type == JT_PUNCT && p->buf[t->off] == c;
}

static bool at_eof(const struct jparser *p)
{
	return cur(p)->type == JT_EOF;
}

/* A token's text; identifiers get their unicode escapes decoded
 * ("\u0061b" is the name "ab"), to UTF-8, surrogates excepted. */
static char *tok_str(const struct jparser *p, size_t k)
{
	const struct jtok *t = tk(p, k);
	const char *s = p->buf + t->off;
	char *out, *o;
	size_t i = 0;

	if (t->type != JT_IDENT || !memchr(s, '\\', t->len))
		return arena_strndup(p->a, s, t->len);
	out = o = arena_alloc(p->a, t->len + 1);
	while (i < t->len) {
		size_t u = uescape_len(s + i, t->len - i);
		unsigned int cp = 0;
		size_t j;

		if (!u) {
			*o++ = s[i++];
			continue;
		}
		for (j = u - 4; j < u; j++) {
			char c = s[i + j];

			cp = cp * 16 + (unsigned int)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		}
		if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		/* At least 6 source bytes become at most 3 UTF-8 bytes. */
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else if (cp < 0x800) {
			*o++ = (char)(0xc0 | (cp >> 6));
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (char)(0xe0 | (cp >> 12));
			*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		}
		i += u;
	}
	*o = '\0';
	return out;
}

/* Java's reserved words that can never name a type or member. */
/* A word list with the lengths: a token is compared with the words of
 * its length only. */
struct jword {
	const char *s;
	size_t n;
};
#define JWORD(w)                 \
	{                        \
		w, sizeof(w) - 1 \
	}

static bool tok_in(const struct jparser *p, size_t k, const struct jword *words, size_t nwords)
{
	const struct jtok *t = tk(p, k);
	const char *s = p->buf + t->off;
	size_t j;

	/* every listed word is lower-case */
	if (t->type == JT_EOF || t->len < 2 || *s < 'a' || *s > 'z')
		return false;
	for (j = 0; j < nwords; j++)
		if (t->len == words[j].n && *s == *words[j].s && memcmp(s, words[j].s, t->len) == 0)
			return true;
	return false;
}

static bool is_keyword(const struct jparser *p, size_t k)
{
	static const struct jword kw[] = {
	    JWORD("abstract"),	 JWORD("assert"),	JWORD("break"),	     JWORD("case"),
	    JWORD("catch"),	 JWORD("class"),	JWORD("const"),	     JWORD("continue"),
	    JWORD("default"),	 JWORD("do"),		JWORD("else"),	     JWORD("enum"),
	    JWORD("extends"),	 JWORD("final"),	JWORD("finally"),    JWORD("for"),
	    JWORD("goto"),	 JWORD("if"),		JWORD("implements"), JWORD("import"),
	    JWORD("instanceof"), JWORD("interface"),	JWORD("native"),     JWORD("new"),
	    JWORD("package"),	 JWORD("private"),	JWORD("protected"),  JWORD("public"),
	    JWORD("return"),	 JWORD("static"),	JWORD("strictfp"),   JWORD("super"),
	    JWORD("switch"),	 JWORD("synchronized"), JWORD("this"),	     JWORD("throw"),
	    JWORD("throws"),	 JWORD("transient"),	JWORD("try"),	     JWORD("volatile"),
	    JWORD("while"),	 JWORD("true"),		JWORD("false"),	     JWORD("null"),
	};

	if (tk(p, k)->type != JT_IDENT)
		return true;
	return tok_in(p, k, kw, sizeof(kw) / sizeof(kw[0]));
}

static bool is_name(const struct jparser *p, size_t k)
{
	return tk(p, k)->type == JT_IDENT && !is_keyword(p, k);
}

/* From an opening token at p->i to just past its match; stops at EOF.
 * Returns the index of the closing token (the EOF token if none). */
static size_t skip_balanced(struct jparser *p, char open, char close)
{
	size_t depth = 0;

	while (!at_eof(p)) {
		if (tok_punct(p, p->i, open)) {
			depth++;
		} else if (tok_punct(p, p->i, close)) {
			if (--depth == 0)
				return p->i++;
		}
		p->i++;
	}
	return p->i;
}

/* Over type arguments or parameters "<...>" at p->i. Gives up (false, with
 * p->i restored) at anything that cannot be inside them. */
static bool skip_angle(struct jparser *p)
{
	size_t save = p->i, depth = 0;

	while (!at_eof(p)) {
		const struct jtok *t = cur(p);

		if (t->type == JT_PUNCT) {
			char c = p->buf[t->off];

			if (c == '<') {
				depth++;
			} else if (c == '>') {
				if (--depth == 0) {
					p->i++;
					return true;
				}
			} else if (c == '(') {
				skip_balanced(p, '(', ')'); /* annotation arguments */
				continue;
			} else if (!strchr(",.?&[]@", c)) {
				break;
			}
		}
		p->i++;
	}
	p->i = save;
	return false;
}

/* ------------------------------------------------------- text building */

struct sbuf {
	char *p;
	size_t len, cap, max;
};

static void sb_init(struct sbuf *b, struct arena *a, size_t max)
{
	b->cap = 64;
	b->p = arena_alloc(a, b->cap);
	b->p[0] = '\0';
	b->len = 0;
	b->max = max;
}

static void sb_add(struct sbuf *b, struct arena *a, const char *s, size_t n)
{
	if (b->len + n > b->max)
		n = b->max - b->len;
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap * 2;
		char *np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		np = arena_alloc(a, ncap);
		memcpy(np, b->p, b->len);
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Cuts a string at most max bytes long at a character boundary. */
static void sb_trim_utf8(struct sbuf *b)
{
	size_t n = b->len;

	if (n < b->max)
		return;
	while (n > 0 && ((unsigned char)b->p[n] & 0xc0) == 0x80)
		n--;
	/* n now starts a sequence that may be incomplete: drop it. */
	if (n > 0 && ((unsigned char)b->p[n - 1] & 0x80)) {
		size_t k = n - 1;

		while (k > 0 && ((unsigned char)b->p[k] & 0xc0) == 0x80)
			k--;
		n = k;
	}
	b->len = n;
	b->p[n] = '\0';
}

/* Tokens [from, to) as written, whitespace and comments collapsed to one
 * space; annotations in skip (token ranges) left out. erase drops type
 * arguments and all spaces ("Map<K, V>" -> "Map"). */
static char *join_tokens(struct jparser *p, size_t from, size_t to, const struct jmods *skip, bool erase,
			 size_t max)
{
	struct sbuf b;
	size_t k;
	int angle = 0;
	bool first = true;

	sb_init(&b, p->a, max);
	for (k = from; k < to && k < p->nt; k++) {
		const struct jtok *t = tk(p, k);
		int j;
		bool skipped = false;

		if (t->type == JT_EOF)
			break;
		if (skip) {
			for (j = 0; j < skip->nann; j++) {
				if (k >= skip->ann[j][0] && k < skip->ann[j][1]) {
					k = skip->ann[j][1] - 1;
					skipped = true;
					break;
				}
			}
		}
		if (skipped)
			continue;
		if (erase) {
			if (tok_punct(p, k, '<')) {
				angle++;
				continue;
			}
			if (tok_punct(p, k, '>') && angle > 0) {
				angle--;
				continue;
			}
			if (angle > 0)
				continue;
			if (tok_punct(p, k, '@')) {
				/* A type annotation: "@NonNull String". */
				size_t save = p->i;

				p->i = k + 1;
				while (is_name(p, p->i) && tok_punct(p, p->i + 1, '.'))
					p->i += 2;
				p->i++;
				if (tok_punct(p, p->i, '('))
					skip_balanced(p, '(', ')');
				k = p->i - 1;
				p->i = save;
				continue;
			}
		} else if (t->gap && !first) {
			sb_add(&b, p->a, " ", 1);
		}
		sb_add(&b, p->a, p->buf + t->off, t->len);
		first = false;
		if (b.len >= max)
			break;
	}
	sb_trim_utf8(&b);
	return b.p;
}

/* The Javadoc's text without the comment markers and leading stars. */
static char *doc_text(struct jparser *p, int doc)
{
	if (doc < 0)
		return NULL;
	return entkit_doc_text(p->a, p->buf + p->docs[doc].off, p->docs[doc].len, JAVA_MAX_DOC);
}

/* ------------------------------------------------------------ entities */

static const char *java_lang[] = {
    "Object",
    "String",
    "Exception",
    "RuntimeException",
    "Error",
    "Throwable",
    "Thread",
    "Runnable",
    "Comparable",
    "Iterable",
    "Cloneable",
    "AutoCloseable",
    "Enum",
    "Record",
    "Number",
    "Integer",
    "Long",
    "Boolean",
    "Character",
    "Byte",
    "Short",
    "Float",
    "Double",
    "CharSequence",
    "ClassLoader",
    "Appendable",
    "Readable",
    "IllegalArgumentException",
    "IllegalStateException",
    "ThreadLocal",
    "InheritableThreadLocal",
    "UnsupportedOperationException",
    "SecurityManager",
    "StringBuilder",
    "StringBuffer",
    "Void",
    "Math",
    "System",
    "Process",
};

/* Qualifies a type name as the file's imports and package suggest. */
static const char *resolve_type(struct jparser *p, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t head = dot ? (size_t)(dot - name) : strlen(name);
	size_t j, e;

	/* Types of this file first: "Inner" or "Outer.Inner" (a bounded
	 * look, generated files with thousands of types stay linear). */
	for (e = p->first; e < p->out->count && e < p->first + 4096; e++) {
		const struct entity *en = &p->out->items[e];
		const char *q = en->qualified_name;
		size_t ql, nl = strlen(name);

		if (!q || en->kind == NULL || strchr(q, '#'))
			continue;
		if (strcmp(en->kind, "class") && strcmp(en->kind, "interface") && strcmp(en->kind, "enum") &&
		    strcmp(en->kind, "record") && strcmp(en->kind, "annotation"))
			continue;
		ql = strlen(q);
		if (ql > nl && q[ql - nl - 1] == '.' && strcmp(q + ql - nl, name) == 0)
			return q;
		if (ql == nl && strcmp(q, name) == 0)
			return q;
	}
	/* "java.util.List": a lower-case head is a package. */
	if (dot && name[0] >= 'a' && name[0] <= 'z')
		return name;
	for (j = 0; j < p->nimports; j++) {
		const char *imp = p->imports[j];
		size_t il = strlen(imp);

		if (strncmp(imp, "static ", 7) == 0)
			continue;
		if (il > head && imp[il - head - 1] == '.' && strncmp(imp + il - head, name, head) == 0)
			return dot ? arena_printf(p->a, "%s%s", imp, dot) : imp;
	}
	if (!dot)
		for (j = 0; j < sizeof(java_lang) / sizeof(java_lang[0]); j++)
			if (strcmp(name, java_lang[j]) == 0)
				return arena_printf(p->a, "java.lang.%s", name);
	if (p->pkg)
		return arena_printf(p->a, "%s.%s", p->pkg, name);
	return name;
}

static void add_pending(struct jparser *p, size_t entity, const char *kind, const char *name)
{
	p->pend = arena_reserve(p->a, p->pend, p->npend, p->npend + 1, &p->cappend, sizeof(*p->pend), 16);
	p->pend[p->npend].entity = entity;
	p->pend[p->npend].kind = kind;
	p->pend[p->npend].name = name;
	p->npend++;
}

/* Pushes an entity and returns its index (pointers move as out grows). */
static size_t new_entity(struct jparser *p, const char *kind)
{
	struct entity *e = extract_push(p->a, p->out);

	e->kind = kind;
	return p->out->count - 1;
}

static struct entity *ent(struct jparser *p, size_t idx)
{
	return &p->out->items[idx];
}

static void set_lines(struct jparser *p, size_t idx, int first, int last)
{
	srcmap_set_text(&p->map, p->a, ent(p, idx), first, last);
}

/* ------------------------------------------------------------ modifiers */

static bool is_modifier(const struct jparser *p, size_t k)
{
	static const struct jword mods[] = {
	    JWORD("public"),	JWORD("protected"),  JWORD("private"),	JWORD("static"),
	    JWORD("final"),	JWORD("abstract"),   JWORD("native"),	JWORD("synchronized"),
	    JWORD("transient"), JWORD("volatile"),   JWORD("strictfp"), JWORD("default"),
	    JWORD("sealed"),	JWORD("transitive"),
	};

	return tok_in(p, k, mods, sizeof(mods) / sizeof(mods[0]));
}

/* Skips one annotation "@A.B(...)" at p->i (the '@'). */
static void skip_annotation(struct jparser *p)
{
	p->i++;
	while (tk(p, p->i)->type == JT_IDENT && tok_punct(p, p->i + 1, '.') &&
	       tk(p, p->i + 2)->type == JT_IDENT)
		p->i += 2;
	if (tk(p, p->i)->type == JT_IDENT)
		p->i++;
	if (tok_punct(p, p->i, '('))
		skip_balanced(p, '(', ')');
}

static void parse_mods(struct jparser *p, struct jmods *m)
{
	memset(m, 0, sizeof(*m));
	m->first = p->i;
	m->doc = cur(p)->doc;
	for (;;) {
		if (tok_punct(p, p->i, '@') && !tok_is(p, p->i + 1, "interface")) {
			size_t from = p->i;

			skip_annotation(p);
			if (m->nann < JAVA_MAX_MODS) {
				m->ann[m->nann][0] = from;
				m->ann[m->nann][1] = p->i;
				m->nann++;
			}
			if (p->i == from)
				p->i++;
			continue;
		}
		/* "default" followed by ':' or '->' is a switch label, but
		 * those live in bodies, which are never parsed for members. */
		if (is_modifier(p, p->i)) {
			if (m->nmod < JAVA_MAX_MODS)
				m->mod[m->nmod++] = p->i;
			p->i++;
			continue;
		}
		if (tok_is(p, p->i, "non") && tok_punct(p, p->i + 1, '-') && tok_is(p, p->i + 2, "sealed")) {
			if (m->nmod < JAVA_MAX_MODS) {
				m->nonsealed[m->nmod] = true;
				m->mod[m->nmod++] = p->i;
			}
			p->i += 3;
			continue;
		}
		break;
	}
}

/* The common part of every declaration's metadata. Returns the doc
 * comment (NULL: none), the entity's javadoc. */
static const char *meta_common(struct jparser *p, struct jsonw *w, const struct jmods *m)
{
	int j;
	char *doc;

	jsonw_key(w, "modifiers");
	jsonw_arr_open(w);
	for (j = 0; j < m->nmod; j++)
		jsonw_str(w, m->nonsealed[j] ? "non-sealed" : tok_str(p, m->mod[j]));
	jsonw_arr_close(w);
	jsonw_key(w, "annotations");
	jsonw_arr_open(w);
	for (j = 0; j < m->nann; j++)
		jsonw_str(w, join_tokens(p, m->ann[j][0], m->ann[j][1], NULL, false, JAVA_MAX_SIG));
	jsonw_arr_close(w);
	doc = doc_text(p, m->doc);
	if (doc)
		jsonw_kv_str(w, "javadoc", doc);
	return doc;
}

/* ------------------------------------------------------------------ SQL */

static bool word_at(const char *s, const char *w)
{
	size_t n = strlen(w);

	return strncasecmp(s, w, n) == 0 && !ident_char((unsigned char)s[n]);
}

/* strcasestr without the locale: finds ASCII needle in s. */
static bool has_word(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

/* Skips spaces in s. */
static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* Does the first word of a string literal's text start a SQL statement?
 * Also demands a second keyword so that "Select a customer" is not SQL. */
static const char *sql_statement(const char *s)
{
	const char *w;

	s = skip_ws(s);
	if (*s == '{' || *s == '(')
		s = skip_ws(s + 1);
	if (word_at(s, "select")) {
		if (has_word(s, " from ") || has_word(s, "\nfrom ") || has_word(s, " from\n"))
			return "SELECT";
		w = skip_ws(s + 6);
		while (ident_char((unsigned char)*w) || *w == '.')
			w++;
		return *w == '(' && w > skip_ws(s + 6) ? "SELECT" : NULL;
	}
	if (word_at(s, "insert"))
		return word_at(skip_ws(s + 6), "into") ? "INSERT" : NULL;
	if (word_at(s, "delete"))
		return word_at(skip_ws(s + 6), "from") ? "DELETE" : NULL;
	if (word_at(s, "update")) {
		w = skip_ws(s + 6);
		while (ident_char((unsigned char)*w) || *w == '.' || *w == '"')
			w++;
		w = skip_ws(w);
		while (ident_char((unsigned char)*w) && !word_at(w, "set"))
			w++; /* an alias */
		return word_at(skip_ws(w), "set") ? "UPDATE" : NULL;
	}
	if (word_at(s, "merge"))
		return word_at(skip_ws(s + 5), "into") ? "MERGE" : NULL;
	if (word_at(s, "call") || (*s == '?' && strstr(s, "call ")))
		return "CALL";
	if (word_at(s, "with")) {
		return has_word(s, " as (") || has_word(s, " as\n(") ? "WITH" : NULL;
	}
	if (word_at(s, "create") || word_at(s, "alter") || word_at(s, "drop")) {
		static const char *const obj[] = {"table",    "view",	   "index",    "unique",
						  "sequence", "procedure", "function", "trigger",
						  "or",	      "temporary", "global"};
		size_t j;

		w = skip_ws(s + (word_at(s, "create") ? 6 : word_at(s, "alter") ? 5 : 4));
		for (j = 0; j < sizeof(obj) / sizeof(obj[0]); j++)
			if (word_at(w, obj[j]))
				return word_at(s, "create")  ? "CREATE"
				       : word_at(s, "alter") ? "ALTER"
							     : "DROP";
	}
	return NULL;
}

/* Appends a literal's value (escapes decoded where simple). */
static void add_literal(struct jparser *p, struct sbuf *b, size_t k)
{
	const struct jtok *t = tk(p, k);
	const char *s = p->buf + t->off, *e = s + t->len;

	if (t->textblock) {
		s += 3;
		if (e - s >= 3 && e[-1] == '"' && e[-2] == '"' && e[-3] == '"')
			e -= 3;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (s < e && *s == '\r')
			s++;
		if (s < e && *s == '\n')
			s++;
	} else {
		s++;
		if (e > s && e[-1] == '"')
			e--;
	}
	while (s < e && b->len < b->max) {
		if (*s == '\\' && s + 1 < e) {
			char c = s[1], d = c;

			if (c == 'n')
				d = '\n';
			else if (c == 't')
				d = '\t';
			else if (c == 'r')
				d = '\r';
			if (strchr("ntr\"'\\", c)) {
				sb_add(b, p->a, &d, 1);
				s += 2;
				continue;
			}
		}
		sb_add(b, p->a, s, 1);
		s++;
	}
}

/* An operand between two concatenated literals: a name, a call, a field
 * access, an index ("table", "getSchema()", "T.NAME", "cols[i]"). Returns
 * the token after it, or 0 when it is something else. */
static size_t concat_operand(struct jparser *p, size_t k)
{
	size_t save = p->i, end;

	if (!is_name(p, k) && !tok_is(p, k, "this"))
		return 0;
	p->i = k + 1;
	for (;;) {
		if (tok_punct(p, p->i, '.') && tk(p, p->i + 1)->type == JT_IDENT)
			p->i += 2;
		else if (tok_punct(p, p->i, '('))
			skip_balanced(p, '(', ')');
		else if (tok_punct(p, p->i, '['))
			skip_balanced(p, '[', ']');
		else
			break;
	}
	end = p->i;
	p->i = save;
	return end;
}

struct sqlctx {
	const char *parent;	/* qualified name of the method or field */
	const char *type_qname; /* for "Outer#m()/sql[N]" */
	int n;			/* statements found so far */
};

/* Scans tokens [from, to) for string literals that hold SQL, joining
 * literals concatenated with '+' (and operands between them). */
static void scan_sql(struct jparser *p, size_t from, size_t to, struct sqlctx *sc)
{
	size_t k = from;

	while (k < to && k < p->nt) {
		size_t first = k, last = k;
		struct sbuf b;
		const char *stmt;

		if (tk(p, k)->type != JT_STR) {
			k++;
			continue;
		}
		sb_init(&b, p->a, JAVA_MAX_SQL);
		add_literal(p, &b, k);
		k++;
		while (k < to && tok_punct(p, k, '+')) {
			size_t next = k + 1, op;

			if (tk(p, next)->type == JT_STR) {
				add_literal(p, &b, next);
				last = next;
				k = next + 1;
				continue;
			}
			op = concat_operand(p, next);
			if (op && op < to && tok_punct(p, op, '+') && tk(p, op + 1)->type == JT_STR) {
				char *opnd = join_tokens(p, next, op, NULL, false, 200);

				sb_add(&b, p->a, opnd, strlen(opnd));
				add_literal(p, &b, op + 1);
				last = op + 1;
				k = op + 2;
				continue;
			}
			break;
		}
		sb_trim_utf8(&b);
		stmt = sql_statement(b.p);
		if (stmt) {
			size_t idx = new_entity(p, "sql");
			struct entity *e = ent(p, idx);
			struct jsonw w;

			sc->n++;
			e->name = arena_printf(p->a, "sql[%d]", sc->n);
			e->qualified_name = arena_printf(p->a, "%s/sql[%d]", sc->parent, sc->n);
			e->parent = sc->parent;
			jsonw_init(&w, p->a);
			jsonw_obj_open(&w);
			jsonw_kv_str(&w, "statement", stmt);
			jsonw_kv_str(&w, "sql", b.p);
			jsonw_obj_close(&w);
			e->metadata = jsonw_finish(&w);
			e->signature = NULL;
			extract_link(p->a, e, "sql_in", sc->parent);
			set_lines(p, idx, tk(p, first)->line, tk(p, last)->eline);
		}
	}
}

/* ---------------------------------------------------------- parameters */

/* Parses the parameter list (tokens strictly between lp and rp) into the
 * metadata array and the erased types of the qualified name. */
static char *parse_params(struct jparser *p, size_t lp, size_t rp, struct jsonw *w, const char *key)
{
	struct sbuf q;
	size_t k = lp + 1, start;
	bool any = false;

	sb_init(&q, p->a, 4096);
	if (w) {
		jsonw_key(w, key);
		jsonw_arr_open(w);
	}
	while (k < rp) {
		int depth = 0;
		size_t end, name, tfrom;
		char *et;

		start = k;
		/* One parameter: up to a ',' outside brackets of any kind. */
		while (k < rp) {
			if (tok_punct(p, k, '(') || tok_punct(p, k, '<') || tok_punct(p, k, '['))
				depth++;
			else if (tok_punct(p, k, ')') || tok_punct(p, k, '>') || tok_punct(p, k, ']'))
				depth--;
			else if (depth <= 0 && tok_punct(p, k, ','))
				break;
			k++;
		}
		end = k;
		if (k < rp)
			k++; /* the ',' */
		/* Leading annotations and "final" are not part of the type. */
		tfrom = start;
		for (;;) {
			if (tok_punct(p, tfrom, '@') && !tok_is(p, tfrom + 1, "interface")) {
				size_t save = p->i;

				p->i = tfrom;
				skip_annotation(p);
				tfrom = p->i > tfrom ? p->i : tfrom + 1;
				p->i = save;
			} else if (tok_is(p, tfrom, "final")) {
				tfrom++;
			} else {
				break;
			}
		}
		if (tfrom >= end)
			continue;
		/* The name is the last identifier; C-style "int a[]" dims follow it. */
		name = end - 1;
		while (name > tfrom && (tok_punct(p, name, '[') || tok_punct(p, name, ']')))
			name--;
		if (name == tfrom || tk(p, name)->type != JT_IDENT) {
			name = end; /* a lambda-like or broken list: type only */
		}
		et = join_tokens(p, tfrom, name, NULL, true, 512);
		if (name < end) {
			size_t d;

			for (d = name + 1; d < end; d++)
				if (tok_punct(p, d, '['))
					et = arena_printf(p->a, "%s[]", et);
		}
		if (tok_is(p, tfrom + (name - tfrom) - 1, "this") || tok_is(p, name, "this"))
			continue; /* a receiver parameter is not a parameter */
		if (any)
			sb_add(&q, p->a, ",", 1);
		sb_add(&q, p->a, et, strlen(et));
		any = true;
		if (w) {
			char *mt = join_tokens(p, tfrom, name, NULL, false, 512);
			size_t d;

			for (d = name + 1; d < end; d++)
				if (tok_punct(p, d, '['))
					mt = arena_printf(p->a, "%s[]", mt);
			jsonw_obj_open(w);
			jsonw_kv_str(w, "type", mt);
			if (name < end)
				jsonw_kv_str(w, "name", tok_str(p, name));
			jsonw_obj_close(w);
		}
	}
	if (w)
		jsonw_arr_close(w);
	sb_trim_utf8(&q);
	return q.p;
}

/* ---------------------------------------------------------- declarations */

static void parse_type_decl(struct jparser *p, const struct jmods *m, const struct jctx *outer);
static void parse_class_body(struct jparser *p, const struct jctx *ctx);

/* A type's extends/implements/permits list: names up to the next keyword
 * or '{'. Each goes into the metadata array and, for extends and
 * implements, becomes a link resolved later. */
static void parse_type_list(struct jparser *p, size_t idx, struct jsonw *w, const char *key, const char *link)
{
	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (;;) {
		size_t from = p->i;
		char *name;

		while (tok_punct(p, p->i, '@'))
			skip_annotation(p);
		from = p->i;
		if (!is_name(p, p->i))
			break;
		p->i++;
		for (;;) {
			if (tok_punct(p, p->i, '.') && tk(p, p->i + 1)->type == JT_IDENT)
				p->i += 2;
			else if (tok_punct(p, p->i, '<') && skip_angle(p))
				continue;
			else if (tok_punct(p, p->i, '.') && tok_punct(p, p->i + 1, '@'))
				p->i++, skip_annotation(p);
			else
				break;
		}
		name = join_tokens(p, from, p->i, NULL, true, 512);
		jsonw_str(w, join_tokens(p, from, p->i, NULL, false, 512));
		if (link && *name)
			add_pending(p, idx, link, name);
		if (!tok_punct(p, p->i, ','))
			break;
		p->i++;
	}
	jsonw_arr_close(w);
}

static bool type_keyword(struct jparser *p, size_t k)
{
	if (tok_is(p, k, "class") || tok_is(p, k, "interface") || tok_is(p, k, "enum"))
		return is_name(p, k + 1);
	if (tok_punct(p, k, '@') && tok_is(p, k + 1, "interface"))
		return true;
	/* "record" is a contextual keyword: "record R(" or "record R<". */
	return tok_is(p, k, "record") && is_name(p, k + 1) &&
	       (tok_punct(p, k + 2, '(') || tok_punct(p, k + 2, '<'));
}

/* After a declaration failed to parse: skip to its ';' or over its
 * '{...}', but never past the '}' that closes the enclosing body. */
static void recover(struct jparser *p, size_t start)
{
	while (!at_eof(p)) {
		if (tok_punct(p, p->i, ';')) {
			p->i++;
			break;
		}
		if (tok_punct(p, p->i, '{')) {
			skip_balanced(p, '{', '}');
			break;
		}
		if (tok_punct(p, p->i, '}'))
			break;
		p->i++;
	}
	if (p->i == start && !at_eof(p))
		p->i++;
}

/* Over a type at p->i ("int", "Map<K, V>[]", "java.util.List<?>",
 * "@NonNull String"). Returns false if there is none. */
static bool skip_type(struct jparser *p)
{
	while (tok_punct(p, p->i, '@') && !tok_is(p, p->i + 1, "interface"))
		skip_annotation(p);
	if (tk(p, p->i)->type != JT_IDENT || (is_keyword(p, p->i) && !tok_is(p, p->i, "void")))
		return false;
	p->i++;
	for (;;) {
		if (tok_punct(p, p->i, '<')) {
			if (!skip_angle(p))
				return false;
		} else if (tok_punct(p, p->i, '.') && tk(p, p->i + 1)->type == JT_IDENT) {
			p->i += 2;
		} else if (tok_punct(p, p->i, '.') && tok_punct(p, p->i + 1, '@')) {
			p->i++;
			skip_annotation(p);
		} else if (tok_punct(p, p->i, '@')) {
			skip_annotation(p); /* "String @NonNull []" */
		} else if (tok_punct(p, p->i, '[') && tok_punct(p, p->i + 1, ']')) {
			p->i += 2;
		} else if (tk(p, p->i)->type == JT_ELLIPSIS) {
			p->i++;
		} else {
			return true;
		}
	}
}

/* Skips an initializer or annotation default up to the ',' or ';' that
 * ends it (outside brackets). A ',' only ends it when a declarator
 * "name =", "name ,", "name ;" or "name [" follows, because type
 * arguments ("new HashMap<K, V>()") hold commas too. */
static void skip_initializer(struct jparser *p, bool declarators)
{
	while (!at_eof(p)) {
		if (tok_punct(p, p->i, '(')) {
			skip_balanced(p, '(', ')');
			continue;
		}
		if (tok_punct(p, p->i, '{')) {
			skip_balanced(p, '{', '}');
			continue;
		}
		if (tok_punct(p, p->i, '[')) {
			skip_balanced(p, '[', ']');
			continue;
		}
		if (tok_punct(p, p->i, ';') || tok_punct(p, p->i, '}'))
			return;
		if (declarators && tok_punct(p, p->i, ',') && is_name(p, p->i + 1) &&
		    (tok_punct(p, p->i + 2, '=') || tok_punct(p, p->i + 2, ',') ||
		     tok_punct(p, p->i + 2, ';') || tok_punct(p, p->i + 2, '[')))
			return;
		p->i++;
	}
}

static void parse_fields(struct jparser *p, const struct jmods *m, const struct jctx *ctx, size_t type_from,
			 size_t type_to)
{
	char *type = join_tokens(p, type_from, type_to, NULL, false, 512);
	size_t first_idx = p->out->count;
	int sline = tk(p, m->first)->line;

	for (;;) {
		size_t name = p->i, idx, init_from = 0, init_to = 0;
		char *dims = "";
		struct jsonw w;
		const char *javadoc;
		struct entity *e;

		if (!is_name(p, p->i))
			break;
		p->i++;
		while (tok_punct(p, p->i, '[') && tok_punct(p, p->i + 1, ']')) {
			dims = arena_printf(p->a, "%s[]", dims);
			p->i += 2;
		}
		idx = new_entity(p, "field");
		e = ent(p, idx);
		e->name = tok_str(p, name);
		e->qualified_name = arena_printf(p->a, "%s#%s", ctx->qname, e->name);
		e->parent = ctx->qname;
		{
			char *head = join_tokens(p, m->first, type_from, m, false, JAVA_MAX_SIG);

			e->signature =
			    arena_printf(p->a, "%s%s%s %s%s", head, *head ? " " : "", type, e->name, dims);
		}
		jsonw_init(&w, p->a);
		jsonw_obj_open(&w);
		javadoc = meta_common(p, &w, m);
		jsonw_kv_str(&w, "type", *dims ? arena_printf(p->a, "%s%s", type, dims) : type);
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
		e->javadoc = javadoc;
		if (tok_punct(p, p->i, '=')) {
			p->i++;
			init_from = p->i;
			skip_initializer(p, true);
			init_to = p->i;
		}
		if (init_to > init_from) {
			struct sqlctx sc = {ent(p, idx)->qualified_name, ctx->qname, 0};

			scan_sql(p, init_from, init_to, &sc);
		}
		if (!tok_punct(p, p->i, ','))
			break;
		p->i++;
	}
	/* All declarators share the declaration's lines. */
	{
		int eline = tk(p, p->i)->line;
		size_t e;

		if (tok_punct(p, p->i, ';'))
			p->i++;
		else
			eline = tk(p, p->i > 0 ? p->i - 1 : 0)->eline;
		for (e = first_idx; e < p->out->count; e++)
			if (strcmp(ent(p, e)->kind, "field") == 0)
				set_lines(p, e, sline, eline);
	}
}

/* A method, constructor or annotation element; p->i is at its name. */
static void parse_method(struct jparser *p, const struct jmods *m, const struct jctx *ctx, bool ctor,
			 size_t tparams_from, size_t tparams_to, size_t type_from, size_t type_to)
{
	size_t name = p->i, lp, rp, idx, head_end, throws_from = 0, throws_to = 0;
	const char *params;
	struct jsonw w;
	const char *javadoc;
	struct entity *e;
	bool compact = false;

	p->i++;
	if (tok_punct(p, p->i, '(')) {
		lp = p->i;
		rp = skip_balanced(p, '(', ')');
	} else {
		compact = true; /* a record's compact constructor */
		lp = rp = p->i;
	}
	while (tok_punct(p, p->i, '[') && tok_punct(p, p->i + 1, ']'))
		p->i += 2;
	if (tok_is(p, p->i, "throws")) {
		p->i++;
		throws_from = p->i;
		while (!at_eof(p) && !tok_punct(p, p->i, '{') && !tok_punct(p, p->i, ';') &&
		       !tok_punct(p, p->i, '}'))
			p->i++;
		throws_to = p->i;
	}
	if (tok_is(p, p->i, "default")) {
		p->i++;
		skip_initializer(p, false);
	}
	head_end = p->i;
	idx = new_entity(p, ctor ? "constructor" : "method");
	jsonw_init(&w, p->a);
	jsonw_obj_open(&w);
	javadoc = meta_common(p, &w, m);
	if (tparams_to > tparams_from)
		jsonw_kv_str(&w, "type_parameters",
			     join_tokens(p, tparams_from, tparams_to, NULL, false, 512));
	if (!ctor)
		jsonw_kv_str(&w, "return_type", join_tokens(p, type_from, type_to, NULL, false, 512));
	params = compact ? ctx->components : parse_params(p, lp, rp, &w, "parameters");
	if (throws_to > throws_from) {
		size_t k = throws_from, from = k;

		jsonw_key(&w, "throws");
		jsonw_arr_open(&w);
		for (; k <= throws_to; k++) {
			if (k == throws_to || tok_punct(p, k, ',')) {
				if (k > from)
					jsonw_str(&w, join_tokens(p, from, k, NULL, false, 512));
				from = k + 1;
			}
		}
		jsonw_arr_close(&w);
	}
	jsonw_obj_close(&w);
	e = ent(p, idx);
	e->metadata = jsonw_finish(&w);
	e->javadoc = javadoc;
	e->name = tok_str(p, name);
	/* A compact constructor's parameters are the record's components. */
	e->qualified_name = arena_printf(p->a, "%s#%s(%s)", ctx->qname, e->name, params ? params : "");
	e->parent = ctx->qname;
	e->signature = join_tokens(p, m->first, head_end, m, false, JAVA_MAX_SIG);
	if (tok_punct(p, p->i, '{')) {
		size_t body = p->i, close = skip_balanced(p, '{', '}');
		struct sqlctx sc = {ent(p, idx)->qualified_name, ctx->qname, 0};

		scan_sql(p, body, close, &sc);
		set_lines(p, idx, tk(p, m->first)->line, tk(p, close)->eline);
	} else {
		int eline = tk(p, p->i)->line;

		if (tok_punct(p, p->i, ';'))
			p->i++;
		else
			eline = tk(p, p->i > 0 ? p->i - 1 : 0)->eline;
		set_lines(p, idx, tk(p, m->first)->line, eline);
	}
}

/* One member of a class body at p->i. */
static void parse_member(struct jparser *p, const struct jctx *ctx)
{
	size_t start = p->i, tp_from = 0, tp_to = 0, type_from, type_to;
	struct jmods m;

	if (tok_punct(p, p->i, ';')) {
		p->i++;
		return;
	}
	parse_mods(p, &m);
	if (tok_punct(p, p->i, '{')) {
		/* An initializer block: no entity. */
		skip_balanced(p, '{', '}');
		return;
	}
	if (type_keyword(p, p->i)) {
		parse_type_decl(p, &m, ctx);
		return;
	}
	if (tok_punct(p, p->i, '<')) {
		tp_from = p->i;
		if (!skip_angle(p)) {
			recover(p, start);
			return;
		}
		tp_to = p->i;
		while (tok_punct(p, p->i, '@'))
			skip_annotation(p);
	}
	if (is_name(p, p->i) && tok_punct(p, p->i + 1, '(')) {
		parse_method(p, &m, ctx, true, tp_from, tp_to, 0, 0);
		return;
	}
	if (strcmp(ctx->kind, "record") == 0 && tok_is(p, p->i, ctx->name) && tok_punct(p, p->i + 1, '{')) {
		parse_method(p, &m, ctx, true, tp_from, tp_to, 0, 0);
		return;
	}
	type_from = p->i;
	if (!skip_type(p)) {
		recover(p, start);
		return;
	}
	type_to = p->i;
	if (is_name(p, p->i) && tok_punct(p, p->i + 1, '(')) {
		parse_method(p, &m, ctx, false, tp_from, tp_to, type_from, type_to);
		return;
	}
	if (is_name(p, p->i) && tp_to == 0) {
		parse_fields(p, &m, ctx, type_from, type_to);
		return;
	}
	recover(p, start);
}

/* Enum constants at the start of an enum body, up to ';' or '}'. */
static void parse_enum_constants(struct jparser *p, const struct jctx *ctx)
{
	for (;;) {
		struct jmods m;
		size_t name, idx, lp = 0, rp = 0;
		int eline;
		struct entity *e;
		struct jsonw w;
		const char *javadoc;

		parse_mods(p, &m);
		if (!is_name(p, p->i) || !(tok_punct(p, p->i + 1, '(') || tok_punct(p, p->i + 1, '{') ||
					   tok_punct(p, p->i + 1, ',') || tok_punct(p, p->i + 1, ';') ||
					   tok_punct(p, p->i + 1, '}'))) {
			p->i = m.first;
			break;
		}
		name = p->i++;
		if (tok_punct(p, p->i, '(')) {
			lp = p->i;
			rp = skip_balanced(p, '(', ')');
		}
		eline = tk(p, p->i > 0 ? p->i - 1 : 0)->eline;
		if (tok_punct(p, p->i, '{')) {
			/* A constant-specific class body: like an anonymous class. */
			size_t close = skip_balanced(p, '{', '}');

			eline = tk(p, close)->eline;
		}
		idx = new_entity(p, "enum_constant");
		e = ent(p, idx);
		e->name = tok_str(p, name);
		e->qualified_name = arena_printf(p->a, "%s#%s", ctx->qname, e->name);
		e->parent = ctx->qname;
		e->signature = rp > lp ? join_tokens(p, name, rp + 1, NULL, false, JAVA_MAX_SIG) : e->name;
		jsonw_init(&w, p->a);
		jsonw_obj_open(&w);
		javadoc = meta_common(p, &w, &m);
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
		e->javadoc = javadoc;
		set_lines(p, idx, tk(p, m.first)->line, eline);
		if (tok_punct(p, p->i, ',')) {
			p->i++;
			continue;
		}
		if (tok_punct(p, p->i, ';'))
			p->i++;
		break;
	}
	/* "enum E { A, B, ; ... }" and stray commas. */
	while (tok_punct(p, p->i, ',') || tok_punct(p, p->i, ';'))
		p->i++;
}

static void parse_class_body(struct jparser *p, const struct jctx *ctx)
{
	if (strcmp(ctx->kind, "enum") == 0)
		parse_enum_constants(p, ctx);
	while (!at_eof(p) && !tok_punct(p, p->i, '}')) {
		size_t before = p->i;

		parse_member(p, ctx);
		if (p->i == before)
			p->i++;
	}
}

/* A type declaration; p->i at its keyword, m its modifiers (possibly none). */
static void parse_type_decl(struct jparser *p, const struct jmods *m, const struct jctx *outer)
{
	const char *kind;
	size_t name, idx, head_end, tp_from = 0, tp_to = 0;
	struct jsonw w;
	const char *javadoc;
	struct entity *e;
	struct jctx ctx;
	const char *components;
	int depth = outer ? outer->depth + 1 : 0;

	if (tok_punct(p, p->i, '@')) {
		kind = "annotation";
		p->i += 2;
	} else {
		kind = tok_is(p, p->i, "class")	      ? "class"
		       : tok_is(p, p->i, "interface") ? "interface"
		       : tok_is(p, p->i, "enum")      ? "enum"
						      : "record";
		p->i++;
	}
	name = p->i++;
	if (depth > JAVA_MAX_DEPTH) {
		/* Too deep to be real code: skip it whole, iteratively. */
		while (!at_eof(p) && !tok_punct(p, p->i, '{') && !tok_punct(p, p->i, ';'))
			p->i++;
		if (tok_punct(p, p->i, '{'))
			skip_balanced(p, '{', '}');
		return;
	}
	idx = new_entity(p, kind);
	e = ent(p, idx);
	e->name = tok_str(p, name);
	if (outer)
		e->qualified_name = arena_printf(p->a, "%s.%s", outer->qname, e->name);
	else if (p->pkg)
		e->qualified_name = arena_printf(p->a, "%s.%s", p->pkg, e->name);
	else
		e->qualified_name = e->name;
	e->parent = outer ? outer->qname : NULL;
	p->ntypes++;

	jsonw_init(&w, p->a);
	jsonw_obj_open(&w);
	javadoc = meta_common(p, &w, m);
	if (p->pkg)
		jsonw_kv_str(&w, "package", p->pkg);
	if (!outer) {
		size_t j;

		jsonw_key(&w, "imports");
		jsonw_arr_open(&w);
		for (j = 0; j < p->nimports; j++)
			jsonw_str(&w, p->imports[j]);
		jsonw_arr_close(&w);
	}
	if (tok_punct(p, p->i, '<')) {
		tp_from = p->i;
		if (skip_angle(p))
			tp_to = p->i;
		if (tp_to)
			jsonw_kv_str(&w, "type_parameters", join_tokens(p, tp_from, tp_to, NULL, false, 512));
	}
	components = NULL;
	if (tok_punct(p, p->i, '(')) {
		size_t lp = p->i, rp = skip_balanced(p, '(', ')');

		components = parse_params(p, lp, rp, &w, "components");
	}
	for (;;) {
		if (tok_is(p, p->i, "extends")) {
			p->i++;
			parse_type_list(p, idx, &w, "extends", "extends");
		} else if (tok_is(p, p->i, "implements")) {
			p->i++;
			parse_type_list(p, idx, &w, "implements", "implements");
		} else if (tok_is(p, p->i, "permits")) {
			p->i++;
			parse_type_list(p, idx, &w, "permits", NULL);
		} else {
			break;
		}
	}
	jsonw_obj_close(&w);
	head_end = p->i;
	e = ent(p, idx);
	e->metadata = jsonw_finish(&w);
	e->javadoc = javadoc;
	e->signature = join_tokens(p, m->first, head_end, m, false, JAVA_MAX_SIG);
	if (!tok_punct(p, p->i, '{')) {
		/* Broken head: a type without a body still gets its lines. */
		set_lines(p, idx, tk(p, m->first)->line, tk(p, p->i > 0 ? p->i - 1 : 0)->eline);
		return;
	}
	p->i++;
	ctx.qname = ent(p, idx)->qualified_name;
	ctx.name = ent(p, idx)->name;
	ctx.kind = kind;
	ctx.components = components;
	ctx.depth = depth;
	parse_class_body(p, &ctx);
	set_lines(p, idx, tk(p, m->first)->line, tk(p, p->i)->eline);
	if (tok_punct(p, p->i, '}'))
		p->i++;
}

/* "package a.b;" and "import [static] a.b.C[.*];" */
static char *parse_qualified(struct jparser *p)
{
	size_t from = p->i;

	while (!at_eof(p) && !tok_punct(p, p->i, ';') && !tok_punct(p, p->i, '{') && !tok_punct(p, p->i, '}'))
		p->i++;
	return join_tokens(p, from, p->i, NULL, true, 1024);
}

static void parse_compilation_unit(struct jparser *p)
{
	size_t capimp = 0;

	while (!at_eof(p)) {
		size_t start = p->i;
		struct jmods m;

		parse_mods(p, &m);
		if (tok_is(p, p->i, "package") && !p->pkg) {
			p->i++;
			p->pkg = parse_qualified(p);
			if (tok_punct(p, p->i, ';'))
				p->i++;
			continue;
		}
		if (tok_is(p, p->i, "import")) {
			bool stat;
			char *imp;

			p->i++;
			stat = tok_is(p, p->i, "static");
			if (stat)
				p->i++;
			imp = parse_qualified(p);
			if (tok_punct(p, p->i, ';'))
				p->i++;
			if (p->nimports < JAVA_MAX_IMPORTS) {
				if (p->nimports == capimp) {
					size_t ncap = capimp ? capimp * 2 : 32;
					const char **ni = arena_alloc(p->a, ncap * sizeof(*ni));

					if (p->nimports)
						memcpy(ni, p->imports, p->nimports * sizeof(*ni));
					p->imports = ni;
					capimp = ncap;
				}
				p->imports[p->nimports++] = stat ? arena_printf(p->a, "static %s", imp) : imp;
			}
			continue;
		}
		if (type_keyword(p, p->i)) {
			parse_type_decl(p, &m, NULL);
			continue;
		}
		/* Stray tokens (a module declaration, garbage, a '}' too many). */
		if (tok_punct(p, p->i, '{')) {
			skip_balanced(p, '{', '}');
			continue;
		}
		if (p->i == start)
			p->i++;
	}
}

static void resolve_links(struct jparser *p)
{
	size_t j;

	for (j = 0; j < p->npend; j++)
		extract_link(p->a, ent(p, p->pend[j].entity), p->pend[j].kind,
			     resolve_type(p, p->pend[j].name));
}

int extract_java(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		 size_t len, struct entity_list *out)
{
	struct jparser p;

	/* Token offsets are 32-bit; no real source file comes close. */
	if (len >= UINT32_MAX)
		return extract_windows(a, opt, path, buf, len, out);
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.buf = buf;
	p.len = len;
	p.path = path;
	p.out = out;
	p.first = out->count;
	srcmap_init(&p.map, a, buf, len);
	jp_lex(&p);
	parse_compilation_unit(&p);
	if (p.ntypes == 0) {
		out->count = p.first;
		return extract_windows(a, opt, path, buf, len, out);
	}
	resolve_links(&p);
	return 0;
}
