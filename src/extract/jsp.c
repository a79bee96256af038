/*
 * jsp.c - entities of JSP pages, fragments (.jspf) and tag files.
 *
 * One jsp_page entity for the file carries what the page declares and
 * uses (directives, taglibs, beans, custom tags, EL); children are the
 * page's forms (linked to the action they post to), its scriptlets,
 * expressions and declarations, and its static and dynamic includes.
 * One linear pass; anything unterminated ends at the end of the file.
 * Both the classic syntax and the XML syntax (jsp:directive.page,
 * jsp:scriptlet, ...) are understood.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/srcmap.h"
#include "util/arena.h"

#define JSP_MAX_ATTRS  64   /* attributes of one tag or directive */
#define JSP_MAX_TAGS   256  /* distinct custom tags counted */
#define JSP_MAX_LIST   256  /* taglibs, includes, beans, imports kept */
#define JSP_MAX_FORMS  64   /* forms open at the same time */
#define JSP_EL_SAMPLES 5    /* EL expressions kept as a sample */
#define JSP_MAX_VALUE  1024 /* bytes of an attribute value kept */
#define JSP_MAX_CODE   2048 /* bytes of code kept in metadata */

struct jsp_attr {
	const char *name;
	size_t nlen;
	const char *val; /* NULL for a bare attribute */
	size_t vlen;
};

struct jsp_tagcount {
	const char *name;
	long n;
};

struct jsp_strlist {
	const char *v[JSP_MAX_LIST];
	size_t n;
};

struct jsp_scan {
	struct arena *a;
	const char *s;
	size_t n;
	const char *path;
	struct srcmap map;
	struct entity_list *out;
	size_t page; /* index of the jsp_page entity */
	int cur_line;
	size_t cur_off;	    /* cur_line is the line of cur_off (lines only grow) */
	struct jsonw pagew; /* "page" directive attributes */
	bool pagew_any;
	struct jsonw tagw; /* "tag" directive attributes */
	bool tagw_any;
	struct jsp_strlist imports, tag_attrs;
	struct jsonw taglibs, includes, beans;
	size_t ntaglibs, nincludes, nbeans;
	struct jsp_tagcount tags[JSP_MAX_TAGS];
	size_t ntags;
	long el_count;
	const char *el_sample[JSP_EL_SAMPLES];
	size_t nel_sample;
	size_t forms[JSP_MAX_FORMS];
	size_t nforms;
	int last_line[5], same_line[5]; /* per kind of child, for block_id */
};

/* Lines of increasing offsets: a forward walk is cheaper than bsearch. */
static int line_of(struct jsp_scan *sc, size_t off)
{
	if (off < sc->cur_off)
		return srcmap_line(&sc->map, off);
	while (sc->cur_line < sc->map.nlines && sc->map.lstart[sc->cur_line] <= off)
		sc->cur_line++;
	sc->cur_off = off;
	return sc->cur_line;
}

static const char *find(const char *s, size_t from, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	while (from + k <= n) {
		const char *p = memchr(s + from, needle[0], n - from);

		if (!p || (size_t)(p - s) + k > n)
			return NULL;
		if (memcmp(p, needle, k) == 0)
			return p;
		from = (size_t)(p - s) + 1;
	}
	return NULL;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == ':' || c == '.' || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static char *copy_cap(struct arena *a, const char *s, size_t n, size_t max)
{
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return arena_strndup(a, s, n);
}

static bool attr_is(const struct jsp_attr *at, const char *name)
{
	return at->nlen == strlen(name) && strncasecmp(at->name, name, at->nlen) == 0;
}

static const struct jsp_attr *attr_get(const struct jsp_attr *at, size_t nat, const char *name)
{
	size_t j;

	for (j = 0; j < nat; j++)
		if (attr_is(&at[j], name) && at[j].val)
			return &at[j];
	return NULL;
}

static char *attr_str(struct jsp_scan *sc, const struct jsp_attr *at, size_t nat, const char *name)
{
	const struct jsp_attr *x = attr_get(at, nat, name);

	return x ? copy_cap(sc->a, x->val, x->vlen, JSP_MAX_VALUE) : NULL;
}

/* Is there a custom tag ("<c:url ", "<html:rewrite ") at i? */
static bool inner_tag(const char *s, size_t i, size_t limit)
{
	size_t k = i + 1;
	bool colon = false;

	while (k < limit && name_char(s[k])) {
		colon |= s[k] == ':';
		k++;
	}
	return colon && k > i + 2 && k < limit && (is_space(s[k]) || s[k] == '/' || s[k] == '>');
}

static void scan_el(struct jsp_scan *sc, size_t from, size_t to);
static size_t scan_block(struct jsp_scan *sc, size_t i, size_t limit);

/* Parses attributes from i up to the end of a tag ('>' or "/>", outside
 * quotes) or to limit. Scriptlet expressions inside values are entities
 * of their own; EL inside values is counted. Returns the offset after
 * the tag; *selfclose tells "/>". */
static size_t parse_attrs(struct jsp_scan *sc, size_t i, size_t limit, struct jsp_attr *at, size_t *nat,
			  bool *selfclose)
{
	const char *s = sc->s;

	*nat = 0;
	*selfclose = false;
	while (i < limit) {
		size_t nstart;

		while (i < limit && is_space(s[i]))
			i++;
		if (i >= limit)
			break;
		if (s[i] == '>')
			return i + 1;
		if (s[i] == '/' && i + 1 < limit && s[i + 1] == '>') {
			*selfclose = true;
			return i + 2;
		}
		if (s[i] == '%' && i + 1 < limit && s[i + 1] == '>')
			return i + 2; /* end of a directive */
		if (s[i] == '<') {
			if (i + 1 < limit && s[i + 1] == '%') {
				i = scan_block(sc, i, limit); /* "<input <%= checked %>>" */
				continue;
			}
			return i; /* a broken tag: the next one starts here */
		}
		nstart = i;
		while (i < limit && name_char(s[i]))
			i++;
		if (i == nstart) {
			i++;
			continue;
		}
		if (*nat < JSP_MAX_ATTRS) {
			at[*nat].name = s + nstart;
			at[*nat].nlen = i - nstart;
			at[*nat].val = NULL;
			at[*nat].vlen = 0;
		}
		while (i < limit && is_space(s[i]))
			i++;
		if (i < limit && s[i] == '=') {
			size_t vstart;

			i++;
			while (i < limit && is_space(s[i]))
				i++;
			if (i < limit && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];

				vstart = i;
				while (i < limit && s[i] != q) {
					if (s[i] == '<' && i + 1 < limit && s[i + 1] == '%') {
						i = scan_block(sc, i, limit);
						continue;
					}
					if (s[i] == '<' && inner_tag(s, i, limit)) {
						/* <form action="<c:url value="/x"/>">: the inner
						 * tag's quotes do not end the value. */
						const char *gt = memchr(s + i, '>', limit - i);

						i = gt ? (size_t)(gt - s) + 1 : limit;
						continue;
					}
					i++;
				}
				if (*nat < JSP_MAX_ATTRS) {
					at[*nat].val = s + vstart;
					at[*nat].vlen = i - vstart;
				}
				scan_el(sc, vstart, i);
				if (i < limit)
					i++;
			} else {
				vstart = i;
				while (i < limit && !is_space(s[i]) && s[i] != '>')
					i++;
				if (*nat < JSP_MAX_ATTRS) {
					at[*nat].val = s + vstart;
					at[*nat].vlen = i - vstart;
				}
			}
		}
		if (*nat < JSP_MAX_ATTRS)
			(*nat)++;
	}
	return i;
}

/* Qualified names must be unique in the file: two blocks on one line get
 * "@L12", "@L12.2". */
static char *block_id(struct jsp_scan *sc, const char *what, int line)
{
	static const char *const whats[5] = {"scriptlet", "expression", "declaration", "include", "form"};
	int k = 0;

	while (k < 4 && strcmp(whats[k], what) != 0)
		k++;
	if (line == sc->last_line[k]) {
		sc->same_line[k]++;
		return arena_printf(sc->a, "%s@L%d.%d", what, line, sc->same_line[k]);
	}
	sc->last_line[k] = line;
	sc->same_line[k] = 1;
	return arena_printf(sc->a, "%s@L%d", what, line);
}

static size_t child(struct jsp_scan *sc, const char *kind, int first, int last)
{
	struct entity *e = extract_push(sc->a, sc->out);

	e->kind = kind;
	e->parent = sc->path;
	srcmap_set_text(&sc->map, sc->a, e, first, last);
	return sc->out->count - 1;
}

static void page_link(struct jsp_scan *sc, const char *kind, const char *target)
{
	extract_link(sc->a, &sc->out->items[sc->page], kind, target);
}

static void add_include(struct jsp_scan *sc, const char *how, const char *target, int first, int last)
{
	size_t idx;
	struct entity *e;
	struct jsonw w;

	if (!target || !*target)
		return;
	idx = child(sc, "jsp_include", first, last);
	e = &sc->out->items[idx];
	e->name = target;
	e->qualified_name = arena_printf(sc->a, "%s#%s", sc->path, block_id(sc, "include", first));
	jsonw_init(&w, sc->a);
	jsonw_obj_open(&w);
	jsonw_kv_str(&w, "how", how);
	jsonw_kv_str(&w, "path", target);
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	extract_link(sc->a, e, "includes", target);
	page_link(sc, "includes", target);
	if (sc->nincludes < JSP_MAX_LIST) {
		jsonw_obj_open(&sc->includes);
		jsonw_kv_str(&sc->includes, "how", how);
		jsonw_kv_str(&sc->includes, "path", target);
		jsonw_obj_close(&sc->includes);
		sc->nincludes++;
	}
}

static void add_list(struct jsp_strlist *l, const char *v)
{
	if (l->n < JSP_MAX_LIST)
		l->v[l->n++] = v;
}

/* "<%@ page import="a.B, c.*" %>" and friends. */
static void directive(struct jsp_scan *sc, const char *name, size_t nlen, const struct jsp_attr *at,
		      size_t nat, int first, int last)
{
	size_t j;

	if (nlen == 4 && strncmp(name, "page", 4) == 0) {
		for (j = 0; j < nat; j++) {
			char *key, *val;

			if (!at[j].val)
				continue;
			key = arena_strndup(sc->a, at[j].name, at[j].nlen);
			val = copy_cap(sc->a, at[j].val, at[j].vlen, JSP_MAX_VALUE);
			if (strcmp(key, "import") == 0) {
				/* A comma-separated list, possibly over several directives. */
				char *tok = val, *comma;

				do {
					comma = strchr(tok, ',');
					if (comma)
						*comma = '\0';
					while (is_space(*tok))
						tok++;
					{
						size_t l = strlen(tok);

						while (l > 0 && is_space(tok[l - 1]))
							tok[--l] = '\0';
						if (l)
							add_list(&sc->imports, tok);
					}
					tok = comma ? comma + 1 : NULL;
				} while (tok);
				continue;
			}
			jsonw_kv_str(&sc->pagew, key, val);
			sc->pagew_any = true;
			if (strcmp(key, "errorPage") == 0)
				page_link(sc, "error_page", val);
		}
	} else if (nlen == 6 && strncmp(name, "taglib", 6) == 0) {
		char *uri = attr_str(sc, at, nat, "uri"), *tagdir = attr_str(sc, at, nat, "tagdir");
		char *prefix = attr_str(sc, at, nat, "prefix");

		if (sc->ntaglibs < JSP_MAX_LIST) {
			jsonw_obj_open(&sc->taglibs);
			jsonw_kv_str(&sc->taglibs, "prefix", prefix);
			if (uri)
				jsonw_kv_str(&sc->taglibs, "uri", uri);
			if (tagdir)
				jsonw_kv_str(&sc->taglibs, "tagdir", tagdir);
			jsonw_obj_close(&sc->taglibs);
			sc->ntaglibs++;
		}
		if (uri || tagdir)
			page_link(sc, "uses_taglib", uri ? uri : tagdir);
	} else if (nlen == 7 && strncmp(name, "include", 7) == 0) {
		add_include(sc, "directive", attr_str(sc, at, nat, "file"), first, last);
	} else if (nlen == 3 && strncmp(name, "tag", 3) == 0) {
		for (j = 0; j < nat; j++) {
			if (!at[j].val)
				continue;
			jsonw_kv_str(&sc->tagw, arena_strndup(sc->a, at[j].name, at[j].nlen),
				     copy_cap(sc->a, at[j].val, at[j].vlen, JSP_MAX_VALUE));
			sc->tagw_any = true;
		}
	} else if (nlen == 9 && strncmp(name, "attribute", 9) == 0) {
		char *an = attr_str(sc, at, nat, "name");

		if (an)
			add_list(&sc->tag_attrs, an);
	}
}

/* A "<%...%>" block at i (not a comment); returns the offset after it. */
static size_t scan_block(struct jsp_scan *sc, size_t i, size_t limit)
{
	const char *s = sc->s, *endp;
	size_t body = i + 2, end;
	const char *kind, *what;
	int first = line_of(sc, i), last;

	endp = find(s, body, limit, "%>");
	end = endp ? (size_t)(endp - s) + 2 : limit;
	last = line_of(sc, end > i ? end - 1 : i);
	if (body < limit && s[body] == '@') {
		struct jsp_attr at[JSP_MAX_ATTRS];
		size_t nat, k = body + 1, nstart, stop = endp ? (size_t)(endp - s) : limit;
		bool sc_;

		while (k < stop && is_space(s[k]))
			k++;
		nstart = k;
		while (k < stop && name_char(s[k]))
			k++;
		parse_attrs(sc, k, stop, at, &nat, &sc_);
		directive(sc, s + nstart, k - nstart, at, nat, first, last);
		return end;
	}
	if (body < limit && s[body] == '!') {
		kind = "jsp_declaration";
		what = "declaration";
		body++;
	} else if (body < limit && s[body] == '=') {
		kind = "jsp_expression";
		what = "expression";
		body++;
	} else {
		kind = "jsp_scriptlet";
		what = "scriptlet";
	}
	{
		size_t idx = child(sc, kind, first, last), cend = endp ? (size_t)(endp - s) : limit;
		struct entity *e = &sc->out->items[idx];
		struct jsonw w;
		size_t b = body;

		e->name = block_id(sc, what, first);
		e->qualified_name = arena_printf(sc->a, "%s#%s", sc->path, e->name);
		while (b < cend && is_space(s[b]))
			b++;
		while (cend > b && is_space(s[cend - 1]))
			cend--;
		jsonw_init(&w, sc->a);
		jsonw_obj_open(&w);
		jsonw_key(&w, "code");
		jsonw_str(&w, copy_cap(sc->a, s + b, cend - b, JSP_MAX_CODE));
		if (!endp)
			jsonw_kv_str(&w, "error", "unterminated");
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
	}
	return end;
}

/* "${...}" / "#{...}" in [from, to): counted, a few kept as a sample. */
static void scan_el(struct jsp_scan *sc, size_t from, size_t to)
{
	const char *s = sc->s;
	size_t i = from;

	while (i + 1 < to) {
		if ((s[i] == '$' || s[i] == '#') && s[i + 1] == '{' && !(i > 0 && s[i - 1] == '\\')) {
			size_t k = i + 2;
			int depth = 1;
			char q = 0;

			while (k < to && depth > 0) {
				if (q) {
					if (s[k] == '\\')
						k++;
					else if (s[k] == q)
						q = 0;
				} else if (s[k] == '"' || s[k] == '\'') {
					q = s[k];
				} else if (s[k] == '{') {
					depth++;
				} else if (s[k] == '}') {
					depth--;
				}
				k++;
			}
			sc->el_count++;
			if (sc->nel_sample < JSP_EL_SAMPLES)
				sc->el_sample[sc->nel_sample++] =
				    copy_cap(sc->a, s + i, (k > to ? to : k) - i, 200);
			i = k;
			continue;
		}
		i++;
	}
}

static void count_tag(struct jsp_scan *sc, const char *name, size_t nlen)
{
	size_t j;

	for (j = 0; j < sc->ntags; j++)
		if (strlen(sc->tags[j].name) == nlen && strncmp(sc->tags[j].name, name, nlen) == 0) {
			sc->tags[j].n++;
			return;
		}
	if (sc->ntags < JSP_MAX_TAGS) {
		sc->tags[sc->ntags].name = arena_strndup(sc->a, name, nlen);
		sc->tags[sc->ntags].n = 1;
		sc->ntags++;
	}
}

/* The action a form posts to, as a path: "<%=request.getContextPath()%>
 * /orderSave.do" and "${pageContext.request.contextPath}/orderSave.do"
 * become "/orderSave"; so does Struts 1's "orderSave" or "/orderSave". */
static char *normalize_action(struct jsp_scan *sc, const char *v, size_t n, const char *ns)
{
	char *out = arena_alloc(sc->a, n + (ns ? strlen(ns) : 0) + 3), *o = out;
	size_t i = 0, len;

	if (ns && *ns && strcmp(ns, "/") != 0) {
		if (*ns != '/')
			*o++ = '/';
		memcpy(o, ns, strlen(ns));
		o += strlen(ns);
		if (o[-1] == '/')
			o--;
		*o++ = '/'; /* the action's own slash, if any, is dropped below */
	}
	while (i < n) {
		if (v[i] == '<' && i + 1 < n && v[i + 1] == '%') {
			const char *e = find(v, i, n, "%>");

			i = e ? (size_t)(e - v) + 2 : n;
			continue;
		}
		if (v[i] == '<') {
			/* A URL tag: <c:url value='/x.do'/>, <html:rewrite action="/x"/>:
			 * its value/action/page attribute is the path. */
			const char *gt = memchr(v + i, '>', n - i);
			size_t tend = gt ? (size_t)(gt - v) + 1 : n, k;
			static const char *const keys[] = {"value=", "action=", "page=", "href="};

			for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				const char *at = find(v, i, tend, keys[k]);

				if (at && (size_t)(at - v) + strlen(keys[k]) < tend) {
					const char *q = at + strlen(keys[k]), *qe;

					if (*q != '"' && *q != '\'')
						continue;
					qe = memchr(q + 1, *q, (size_t)(v + tend - q - 1));
					if (!qe)
						continue;
					q++;
					if (o > out && o[-1] == '/' && q < qe && *q == '/')
						q++;
					memcpy(o, q, (size_t)(qe - q));
					o += qe - q;
					break;
				}
			}
			i = tend;
			continue;
		}
		if ((v[i] == '$' || v[i] == '#') && i + 1 < n && v[i + 1] == '{') {
			const char *e = memchr(v + i, '}', n - i);

			i = e ? (size_t)(e - v) + 1 : n;
			continue;
		}
		if (v[i] == '?' || v[i] == '#' || v[i] == ';')
			break;
		if (v[i] == '/' && o > out && o[-1] == '/') {
			i++;
			continue;
		}
		*o++ = v[i++];
	}
	*o = '\0';
	len = (size_t)(o - out);
	if (len >= 3 && strcmp(out + len - 3, ".do") == 0)
		out[len -= 3] = '\0';
	else if (len >= 7 && strcmp(out + len - 7, ".action") == 0)
		out[len -= 7] = '\0';
	if (len == 0)
		return NULL;
	if (out[0] != '/') {
		memmove(out + 1, out, len + 1);
		out[0] = '/';
	}
	return out;
}

static void open_form(struct jsp_scan *sc, const char *tag, size_t tlen, const struct jsp_attr *at,
		      size_t nat, int first, int last, bool selfclose)
{
	const struct jsp_attr *action = attr_get(at, nat, "action");
	char *ns = attr_str(sc, at, nat, "namespace");
	size_t idx = child(sc, "jsp_form", first, last);
	struct entity *e = &sc->out->items[idx];
	struct jsonw w;
	char *target = action ? normalize_action(sc, action->val, action->vlen, ns) : NULL;
	const char *keys[] = {"method", "name",	    "styleId",	      "id",	    "enctype",
			      "focus",	"onsubmit", "modelAttribute", "commandName"};
	size_t j;

	e->name = action ? copy_cap(sc->a, action->val, action->vlen, JSP_MAX_VALUE)
			 : arena_printf(sc->a, "form@L%d", first);
	e->qualified_name = arena_printf(sc->a, "%s#%s", sc->path, block_id(sc, "form", first));
	jsonw_init(&w, sc->a);
	jsonw_obj_open(&w);
	jsonw_kv_str(&w, "tag", arena_strndup(sc->a, tag, tlen));
	if (action)
		jsonw_kv_str(&w, "action", e->name);
	if (ns)
		jsonw_kv_str(&w, "namespace", ns);
	for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
		char *v = attr_str(sc, at, nat, keys[j]);

		if (v)
			jsonw_kv_str(&w, keys[j], v);
	}
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	e->signature = arena_printf(sc->a, "<%.*s action=\"%s\">", (int)tlen, tag, e->name);
	if (target)
		extract_link(sc->a, e, "form_action", target);
	if (!selfclose && sc->nforms < JSP_MAX_FORMS)
		sc->forms[sc->nforms++] = idx;
}

static void close_form(struct jsp_scan *sc, int line)
{
	struct entity *e;

	if (sc->nforms == 0)
		return;
	e = &sc->out->items[sc->forms[--sc->nforms]];
	srcmap_set_text(&sc->map, sc->a, e, e->start_line, line);
}

/* XML-syntax blocks: "<jsp:scriptlet>...</jsp:scriptlet>". */
static size_t xml_block(struct jsp_scan *sc, size_t i, size_t body, const char *kind, const char *what,
			const char *close)
{
	const char *endp = find(sc->s, body, sc->n, close);
	size_t end = endp ? (size_t)(endp - sc->s) + strlen(close) : sc->n;
	int first = line_of(sc, i), last = line_of(sc, end > i ? end - 1 : i);
	size_t idx = child(sc, kind, first, last);
	struct entity *e = &sc->out->items[idx];

	e->name = block_id(sc, what, first);
	e->qualified_name = arena_printf(sc->a, "%s#%s", sc->path, e->name);
	return end;
}

/* A start tag at i ("<name ..."); returns the offset after it. */
static size_t scan_tag(struct jsp_scan *sc, size_t i)
{
	const char *s = sc->s, *name = s + i + 1, *colon;
	size_t k = i + 1, nlen, nat, end, llen;
	struct jsp_attr at[JSP_MAX_ATTRS];
	bool selfclose;
	int first = line_of(sc, i), last;
	const char *local;

	while (k < sc->n && name_char(s[k]))
		k++;
	nlen = (size_t)(s + k - name);
	end = parse_attrs(sc, k, sc->n, at, &nat, &selfclose);
	last = line_of(sc, end > i ? end - 1 : i);
	colon = memchr(name, ':', nlen);
	local = colon ? colon + 1 : name;
	llen = nlen - (size_t)(local - name);
	if (colon && !(colon - name == 3 && strncmp(name, "jsp", 3) == 0))
		count_tag(sc, name, nlen);
	if (llen == 4 && strncasecmp(local, "form", 4) == 0) {
		open_form(sc, name, nlen, at, nat, first, last, selfclose);
		return end;
	}
	if (!colon || colon - name != 3 || strncmp(name, "jsp", 3) != 0)
		return end;
	if (llen == 7 && strncmp(local, "include", 7) == 0) {
		add_include(sc, "action", attr_str(sc, at, nat, "page"), first, last);
	} else if (llen == 7 && strncmp(local, "forward", 7) == 0) {
		char *page = attr_str(sc, at, nat, "page");

		if (page)
			page_link(sc, "forwards_to", page);
	} else if (llen == 7 && strncmp(local, "useBean", 7) == 0) {
		char *id = attr_str(sc, at, nat, "id"), *cls = attr_str(sc, at, nat, "class");
		char *type = attr_str(sc, at, nat, "type"), *scope = attr_str(sc, at, nat, "scope");

		if (sc->nbeans < JSP_MAX_LIST) {
			jsonw_obj_open(&sc->beans);
			jsonw_kv_str(&sc->beans, "id", id);
			if (cls)
				jsonw_kv_str(&sc->beans, "class", cls);
			if (type)
				jsonw_kv_str(&sc->beans, "type", type);
			jsonw_kv_str(&sc->beans, "scope", scope ? scope : "page");
			jsonw_obj_close(&sc->beans);
			sc->nbeans++;
		}
		if (cls || type)
			page_link(sc, "uses_bean", cls ? cls : type);
	} else if (llen > 10 && strncmp(local, "directive.", 10) == 0) {
		directive(sc, local + 10, llen - 10, at, nat, first, last);
	} else if (!selfclose && llen == 9 && strncmp(local, "scriptlet", 9) == 0) {
		return xml_block(sc, i, end, "jsp_scriptlet", "scriptlet", "</jsp:scriptlet>");
	} else if (!selfclose && llen == 10 && strncmp(local, "expression", 10) == 0) {
		return xml_block(sc, i, end, "jsp_expression", "expression", "</jsp:expression>");
	} else if (!selfclose && llen == 11 && strncmp(local, "declaration", 11) == 0) {
		return xml_block(sc, i, end, "jsp_declaration", "declaration", "</jsp:declaration>");
	}
	return end;
}

static void finish_page(struct jsp_scan *sc)
{
	struct entity *e = &sc->out->items[sc->page];
	size_t j;

	jsonw_obj_close(&sc->pagew);
	jsonw_obj_close(&sc->tagw);
	jsonw_arr_close(&sc->taglibs);
	jsonw_arr_close(&sc->includes);
	jsonw_arr_close(&sc->beans);
	/* The parts are JSON documents of their own, spliced together below. */
	{
		struct jsonw m;
		char *out;

		jsonw_init(&m, sc->a);
		jsonw_obj_open(&m);
		jsonw_key(&m, "imports");
		jsonw_arr_open(&m);
		for (j = 0; j < sc->imports.n; j++)
			jsonw_str(&m, sc->imports.v[j]);
		jsonw_arr_close(&m);
		if (sc->tag_attrs.n) {
			jsonw_key(&m, "tag_attributes");
			jsonw_arr_open(&m);
			for (j = 0; j < sc->tag_attrs.n; j++)
				jsonw_str(&m, sc->tag_attrs.v[j]);
			jsonw_arr_close(&m);
		}
		jsonw_key(&m, "custom_tags");
		jsonw_obj_open(&m);
		for (j = 0; j < sc->ntags; j++)
			jsonw_kv_int(&m, sc->tags[j].name, sc->tags[j].n);
		jsonw_obj_close(&m);
		jsonw_kv_int(&m, "el_count", sc->el_count);
		jsonw_key(&m, "el_sample");
		jsonw_arr_open(&m);
		for (j = 0; j < sc->nel_sample; j++)
			jsonw_str(&m, sc->el_sample[j]);
		jsonw_arr_close(&m);
		jsonw_obj_close(&m);
		/* Splice the parts: {"page":{...},"tag":{...},"taglibs":[...],...}. */
		out = arena_printf(sc->a, "{\"page\":%s,%s%s%s\"taglibs\":%s,\"includes\":%s,\"beans\":%s,%s",
				   jsonw_finish(&sc->pagew), sc->tagw_any ? "\"tag\":" : "",
				   sc->tagw_any ? jsonw_finish(&sc->tagw) : "", sc->tagw_any ? "," : "",
				   jsonw_finish(&sc->taglibs), jsonw_finish(&sc->includes),
				   jsonw_finish(&sc->beans), jsonw_finish(&m) + 1);
		e->metadata = out;
	}
}

int extract_jsp(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out)
{
	struct jsp_scan *sc = arena_zalloc(a, sizeof(*sc));
	const char *s = buf;
	size_t i;
	struct entity *page;

	(void)opt;
	sc->a = a;
	sc->s = buf;
	sc->n = len;
	sc->path = path;
	sc->out = out;
	sc->cur_line = 1;
	srcmap_init(&sc->map, a, buf, len);
	jsonw_init(&sc->pagew, a);
	jsonw_obj_open(&sc->pagew);
	jsonw_init(&sc->tagw, a);
	jsonw_obj_open(&sc->tagw);
	jsonw_init(&sc->taglibs, a);
	jsonw_arr_open(&sc->taglibs);
	jsonw_init(&sc->includes, a);
	jsonw_arr_open(&sc->includes);
	jsonw_init(&sc->beans, a);
	jsonw_arr_open(&sc->beans);
	sc->page = out->count;
	page = extract_push(a, out);
	page->kind = "jsp_page";
	page->name = extract_basename(path);
	page->qualified_name = path;
	srcmap_set_text(&sc->map, a, page, 1, sc->map.nlines);

	i = sc->map.base;
	while (i < len) {
		const char *p = s + i;
		size_t rest = len - i;

		if (*p == '<') {
			if (rest >= 4 && memcmp(p, "<%--", 4) == 0) {
				const char *e = find(s, i + 4, len, "--%>");

				i = e ? (size_t)(e - s) + 4 : len;
			} else if (rest >= 2 && p[1] == '%') {
				i = scan_block(sc, i, len);
			} else if (rest >= 3 && p[1] == '/' && name_char(p[2])) {
				size_t k = i + 2, nstart = k;
				const char *colon, *local;

				while (k < len && name_char(s[k]))
					k++;
				colon = memchr(s + nstart, ':', k - nstart);
				local = colon ? colon + 1 : s + nstart;
				if (s + k - local == 4 && strncasecmp(local, "form", 4) == 0)
					close_form(sc, line_of(sc, i));
				while (k < len && s[k] != '>' && s[k] != '<')
					k++;
				i = k < len && s[k] == '>' ? k + 1 : k;
			} else if (rest >= 2 &&
				   ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) {
				i = scan_tag(sc, i);
			} else {
				i++;
			}
			continue;
		}
		if ((*p == '$' || *p == '#') && rest >= 2 && p[1] == '{') {
			/* scan_el handles one expression from here. */
			long before = sc->el_count;
			size_t k = i + 2;
			int depth = 1;

			while (k < len && depth > 0) {
				if (s[k] == '{')
					depth++;
				else if (s[k] == '}')
					depth--;
				else if (s[k] == '<' && k + 1 < len && s[k + 1] == '%')
					break;
				k++;
			}
			scan_el(sc, i, k);
			i = sc->el_count > before ? k : i + 1;
			continue;
		}
		/* Jump to the next character that can start something. */
		{
			size_t k = i + 1;

			while (k < len && s[k] != '<' && s[k] != '$' && s[k] != '#')
				k++;
			i = k;
		}
	}
	/* Forms still open at the end run to the end (a fragment may open a
	 * form that another one closes). */
	while (sc->nforms > 0)
		close_form(sc, sc->map.nlines);
	finish_page(sc);
	return 0;
}
