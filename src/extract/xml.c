/*
 * xml.c - entities of XML files: the configuration dialects of a Java web
 * stack, and a generic element-level fallback for everything else.
 *
 * The file is read once by the forgiving tokenizer (xmltok.c) into a
 * shallow element tree: elements deeper than XML_NODE_DEPTH get no node
 * (no dialect needs them) but are still tracked on an explicit stack, so
 * absurd nesting costs memory linear in the input and no recursion. The
 * dialect is chosen by the root element (and file name); each dialect walks
 * the few levels it knows. Link targets use the spellings other entities
 * use as qualified names: "form-bean:orderForm", "servlet:action",
 * "bean:orderDao", "tiles:layout.main"; class names and JSP paths are
 * linked as written.
 */
#include "config.h"

#include <string.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/srcmap.h"
#include "extract/xmltok.h"
#include "util/arena.h"

#define XML_NODE_DEPTH	 8	/* root is depth 0 */
#define XML_MAX_NODES	 200000 /* elements with a node per file */
#define XML_MAX_ENTITIES 5000	/* entities per file */
#define XML_VAL_CAP	 2048	/* attribute values and texts kept */
#define XML_TEXT_SCAN	 65536	/* bytes of an element's content read for its text */
#define XML_MATCH_DEPTH	 64	/* how far down the stack an end tag looks for its start tag */

struct xnode {
	const char *name;
	size_t nlen;
	struct xmlattr *attrs;
	size_t nattrs;
	size_t content_start, content_end;
	int start_line, end_line;
	int parent, first_child, last_child, next;
	int depth;
};

struct xdoc {
	struct arena *a;
	const struct srcmap *m;
	const char *path;
	struct xnode *nodes;
	size_t n, cap;
	int root;
	struct qnset qns;
	struct entity_list *out;
	size_t first, nent;
};

struct xframe {
	const char *name;
	size_t nlen;
	int node;
};

/* The name without its namespace prefix. */
static void local_name(const char *n, size_t nlen, const char **ln, size_t *llen)
{
	const char *colon = memchr(n, ':', nlen);

	*ln = colon ? colon + 1 : n;
	*llen = colon ? nlen - (size_t)(colon + 1 - n) : nlen;
}

static bool is_named(const struct xdoc *d, int node, const char *want)
{
	const char *ln;
	size_t llen;

	if (node < 0)
		return false;
	local_name(d->nodes[node].name, d->nodes[node].nlen, &ln, &llen);
	return llen == strlen(want) && memcmp(ln, want, llen) == 0;
}

static int add_node(struct xdoc *d, const struct xmltok *t, int parent, int depth)
{
	struct xnode *x;
	int idx;

	d->nodes = arena_reserve(d->a, d->nodes, d->n, d->n + 1, &d->cap, sizeof(*d->nodes), 256);
	idx = (int)d->n++;
	x = &d->nodes[idx];
	memset(x, 0, sizeof(*x));
	x->name = t->name;
	x->nlen = t->nlen;
	if (t->nattrs) {
		x->attrs = arena_alloc(d->a, t->nattrs * sizeof(*x->attrs));
		memcpy(x->attrs, t->attrs, t->nattrs * sizeof(*x->attrs));
		x->nattrs = t->nattrs;
	}
	x->content_start = t->end;
	x->content_end = t->end;
	x->start_line = srcmap_line(d->m, t->start);
	x->end_line = srcmap_line(d->m, t->end > t->start ? t->end - 1 : t->start);
	x->parent = parent;
	x->first_child = x->last_child = x->next = -1;
	x->depth = depth;
	if (parent >= 0) {
		struct xnode *p = &d->nodes[parent];

		if (p->last_child >= 0)
			d->nodes[p->last_child].next = idx;
		else
			p->first_child = idx;
		p->last_child = idx;
	} else if (d->root < 0) {
		d->root = idx;
	}
	return idx;
}

/* Builds the shallow tree; returns false when the text holds no element. */
static bool xdoc_build(struct xdoc *d, const char *buf, size_t len)
{
	struct xmltok t;
	struct xframe *stack = NULL;
	size_t depth = 0, scap = 0, i;

	xmltok_init(&t, buf, len, d->m->base);
	d->root = -1;
	while (xmltok_next(&t) != XT_EOF) {
		if (t.type == XT_START) {
			int parent = depth ? stack[depth - 1].node : -1, node = -1;

			/* Elements after the root closed (a second root) attach
			 * nowhere but still count as top level. */
			if ((depth == 0 || parent >= 0) && depth <= XML_NODE_DEPTH && d->n < XML_MAX_NODES)
				node = add_node(d, &t, parent, (int)depth);
			if (t.selfclose)
				continue;
			stack = arena_reserve(d->a, stack, depth, depth + 1, &scap, sizeof(*stack), 64);
			stack[depth].name = t.name;
			stack[depth].nlen = t.nlen;
			stack[depth].node = node;
			depth++;
		} else if (t.type == XT_END) {
			size_t k, lim = depth > XML_MATCH_DEPTH ? depth - XML_MATCH_DEPTH : 0;
			int end_line = srcmap_line(d->m, t.end > t.start ? t.end - 1 : t.start);

			/* An end tag closes its start tag and whatever was left
			 * open inside it; one that matches nothing is ignored. */
			for (k = depth; k > lim; k--)
				if (stack[k - 1].nlen == t.nlen &&
				    memcmp(stack[k - 1].name, t.name, t.nlen) == 0)
					break;
			if (k == lim)
				continue;
			while (depth >= k) {
				int node = stack[depth - 1].node;

				if (node >= 0) {
					d->nodes[node].end_line = end_line;
					d->nodes[node].content_end = t.start;
				}
				depth--;
				if (depth == 0)
					break;
			}
		}
	}
	/* Unclosed elements run to the end of the file. */
	for (i = 0; i < depth; i++)
		if (stack[i].node >= 0) {
			d->nodes[stack[i].node].end_line = d->m->nlines > 0 ? d->m->nlines : 1;
			d->nodes[stack[i].node].content_end = len;
		}
	return d->root >= 0;
}

/* Attribute of a node (decoded, trimmed), or NULL. */
static char *xattr(struct xdoc *d, int node, const char *name)
{
	struct xmltok t;

	if (node < 0)
		return NULL;
	/* Reuse the tokenizer's lookup on a stack copy of the attributes. */
	memset(&t, 0, sizeof(t));
	t.nattrs = d->nodes[node].nattrs;
	if (t.nattrs)
		memcpy(t.attrs, d->nodes[node].attrs, t.nattrs * sizeof(t.attrs[0]));
	return xmltok_attr(&t, d->a, name, XML_VAL_CAP);
}

/* The text content of a node: its character data and that of its
 * descendants, decoded, trimmed, at most XML_VAL_CAP bytes. */
static char *xtext(struct xdoc *d, int node)
{
	const struct xnode *x;
	struct xmltok t;
	size_t end, k = 0;
	char *out;

	if (node < 0)
		return NULL;
	x = &d->nodes[node];
	end = x->content_end;
	if (end > x->content_start + XML_TEXT_SCAN)
		end = x->content_start + XML_TEXT_SCAN;
	out = arena_alloc(d->a, XML_VAL_CAP + 1);
	xmltok_init(&t, d->m->buf, end, x->content_start);
	while (xmltok_next(&t) != XT_EOF && k < XML_VAL_CAP) {
		const char *s;
		size_t n;

		if (t.type != XT_TEXT)
			continue;
		if (t.cdata) {
			s = t.text;
			n = t.tlen;
		} else {
			s = xmltok_decode(d->a, t.text, t.tlen, XML_VAL_CAP, false);
			n = strlen(s);
		}
		if (n > XML_VAL_CAP - k)
			n = XML_VAL_CAP - k;
		memcpy(out + k, s, n);
		k += n;
	}
	k = entkit_complete(out, k);
	out[k] = '\0';
	/* trim */
	{
		char *s = out;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		k = strlen(s);
		while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\n' || s[k - 1] == '\r'))
			s[--k] = '\0';
		return s;
	}
}

static int xchild(struct xdoc *d, int node, const char *name)
{
	int c;

	if (node < 0)
		return -1;
	for (c = d->nodes[node].first_child; c >= 0; c = d->nodes[c].next)
		if (is_named(d, c, name))
			return c;
	return -1;
}

static char *xchild_text(struct xdoc *d, int node, const char *name)
{
	int c = xchild(d, node, name);

	return c >= 0 ? xtext(d, c) : NULL;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* Creates the entity of a node; NULL when the file has enough of them. */
static struct entity *xent(struct xdoc *d, int node, const char *kind, const char *name, const char *qn,
			   const char *parent)
{
	struct entity *e;

	if (d->nent >= XML_MAX_ENTITIES)
		return NULL;
	d->nent++;
	e = entkit_entity(d->m, d->a, d->out, kind, d->nodes[node].start_line, d->nodes[node].end_line);
	e->name = nonempty(name) ? name : arena_strndup(d->a, d->nodes[node].name, d->nodes[node].nlen);
	e->qualified_name = qnset_unique(&d->qns, d->a, qn ? qn : e->name);
	e->parent = parent;
	return e;
}

static void kv(struct jsonw *w, const char *key, const char *val)
{
	if (val) {
		jsonw_key(w, key);
		jsonw_str(w, val);
	}
}

/* key: [{attr: value, ...}, ...] for the children of node named child. */
static void children_attrs(struct xdoc *d, struct jsonw *w, int node, const char *key, const char *child,
			   const char *const *attrs)
{
	int c;
	size_t i;

	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (c = d->nodes[node].first_child; c >= 0; c = d->nodes[c].next)
		if (is_named(d, c, child)) {
			jsonw_obj_open(w);
			for (i = 0; attrs[i]; i++)
				kv(w, attrs[i], xattr(d, c, attrs[i]));
			jsonw_obj_close(w);
		}
	jsonw_arr_close(w);
}

/* An element name with the id/name-like attribute that identifies it. */
static char *generic_name(struct xdoc *d, int node)
{
	static const char *const ids[] = {"id", "name", "key", "path", "property", "class", "type"};
	const struct xnode *x = &d->nodes[node];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char *v = xattr(d, node, ids[i]);

		if (nonempty(v))
			return arena_printf(d->a, "%.*s[%s]", (int)x->nlen, x->name,
					    entkit_strndup_cap(d->a, v, strlen(v), 200));
	}
	return arena_strndup(d->a, x->name, x->nlen);
}

static void generic_metadata(struct xdoc *d, struct entity *e, int node)
{
	const struct xnode *x = &d->nodes[node];
	struct jsonw w;
	size_t i;
	char *text;

	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	jsonw_key(&w, "element");
	jsonw_strn(&w, x->name, x->nlen);
	if (x->nattrs) {
		jsonw_key(&w, "attributes");
		jsonw_obj_open(&w);
		for (i = 0; i < x->nattrs && i < 32; i++) {
			char *k = arena_strndup(d->a, x->attrs[i].name, x->attrs[i].nlen);

			jsonw_key(&w, k);
			jsonw_str(&w, xmltok_decode(d->a, x->attrs[i].val, x->attrs[i].vlen, 512, true));
		}
		jsonw_obj_close(&w);
	}
	if (x->first_child < 0 && (text = xtext(d, node)) != NULL && *text) {
		jsonw_key(&w, "text");
		jsonw_str(&w, entkit_strndup_cap(d->a, text, strlen(text), 512));
	}
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
}

/* One xml_element for node; returns its qualified name. */
static const char *generic_entity(struct xdoc *d, int node, const char *prefix, const char *parent)
{
	char *name = generic_name(d, node);
	struct entity *e =
	    xent(d, node, "xml_element", name, arena_printf(d->a, "%s/%s", prefix, name), parent);

	if (!e)
		return NULL;
	generic_metadata(d, e, node);
	return e->qualified_name;
}

static void xml_generic(struct xdoc *d)
{
	int root = d->root, c, g;
	char *rname = arena_strndup(d->a, d->nodes[root].name, d->nodes[root].nlen);

	if (d->nodes[root].first_child < 0) {
		struct entity *e = xent(d, root, "xml_element", generic_name(d, root), NULL, NULL);

		if (e)
			generic_metadata(d, e, root);
		return;
	}
	for (c = d->nodes[root].first_child; c >= 0; c = d->nodes[c].next) {
		const char *qn = generic_entity(d, c, rname, NULL);

		if (!qn)
			return;
		for (g = d->nodes[c].first_child; g >= 0; g = d->nodes[g].next)
			if (!generic_entity(d, g, qn, qn))
				return;
	}
}

/* Counts the elements the generic extractor would emit. */
static size_t generic_count(const struct xdoc *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->nodes[i].depth == 1 || d->nodes[i].depth == 2)
			n++;
	return n;
}

/* ------------------------------------------------------------ Struts 1 */

static void struts1_forwards_meta(struct xdoc *d, struct jsonw *w, struct entity *e, int action)
{
	int f;

	jsonw_key(w, "forwards");
	jsonw_arr_open(w);
	for (f = d->nodes[action].first_child; f >= 0; f = d->nodes[f].next) {
		char *path;

		if (!is_named(d, f, "forward"))
			continue;
		path = xattr(d, f, "path");
		jsonw_obj_open(w);
		kv(w, "name", xattr(d, f, "name"));
		kv(w, "path", path);
		kv(w, "redirect", xattr(d, f, "redirect"));
		jsonw_obj_close(w);
		if (nonempty(path))
			entkit_link(d->a, e, "forward", path);
	}
	jsonw_arr_close(w);
}

static const char *const exception_attrs[] = {"key", "type", "path", NULL};

static void struts1_action(struct xdoc *d, int node)
{
	static const char *const attrs[] = {"path",	 "type",     "name",	  "scope",	 "input",
					    "parameter", "validate", "attribute", "forward",	 "include",
					    "roles",	 "prefix",   "suffix",	  "cancellable", "extends"};
	char *path = xattr(d, node, "path"), *type = xattr(d, node, "type"), *form = xattr(d, node, "name");
	char *input = xattr(d, node, "input"), *fwd = xattr(d, node, "forward"),
	     *inc = xattr(d, node, "include");
	struct entity *e;
	struct jsonw w;
	size_t i;

	e = xent(d, node, "struts_action", path,
		 nonempty(path) ? arena_printf(d->a, "action:%s", path) : "action:", NULL);
	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		kv(&w, attrs[i], xattr(d, node, attrs[i]));
	if (nonempty(type))
		entkit_link(d->a, e, "action_class", type);
	if (nonempty(form))
		entkit_link(d->a, e, "form_bean", arena_printf(d->a, "form-bean:%s", form));
	struts1_forwards_meta(d, &w, e, node);
	if (nonempty(fwd))
		entkit_link(d->a, e, "forward", fwd);
	if (nonempty(inc))
		entkit_link(d->a, e, "forward", inc);
	if (nonempty(input))
		entkit_link(d->a, e, "input", input);
	children_attrs(d, &w, node, "exceptions", "exception", exception_attrs);
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	e->signature = arena_printf(d->a, "action path=\"%s\" type=\"%s\"%s%s%s", path ? path : "",
				    type ? type : "", nonempty(form) ? " name=\"" : "",
				    nonempty(form) ? form : "", nonempty(form) ? "\"" : "");
}

static void struts1_form_bean(struct xdoc *d, int node)
{
	char *name = xattr(d, node, "name"), *type = xattr(d, node, "type"), *ext = xattr(d, node, "extends");
	struct entity *e = xent(d, node, "struts_form_bean", name,
				arena_printf(d->a, "form-bean:%s", name ? name : ""), NULL);
	struct jsonw w;

	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	kv(&w, "name", name);
	kv(&w, "type", type);
	kv(&w, "extends", ext);
	{
		static const char *const attrs[] = {"name", "type", "initial", "size", NULL};

		children_attrs(d, &w, node, "form_properties", "form-property", attrs);
	}
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	if (nonempty(type))
		entkit_link(d->a, e, "form_class", type);
	if (nonempty(ext))
		entkit_link(d->a, e, "extends", arena_printf(d->a, "form-bean:%s", ext));
}

static void struts1_simple(struct xdoc *d, int node, const char *kind, const char *name, const char *qn,
			   const char *const *attrs, size_t nattrs)
{
	struct entity *e = xent(d, node, kind, name, qn, NULL);
	struct jsonw w;
	size_t i;
	int p;

	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	for (i = 0; i < nattrs; i++)
		kv(&w, attrs[i], xattr(d, node, attrs[i]));
	/* plug-in and controller settings */
	if (d->nodes[node].first_child >= 0) {
		jsonw_key(&w, "properties");
		jsonw_obj_open(&w);
		for (p = d->nodes[node].first_child; p >= 0; p = d->nodes[p].next)
			if (is_named(d, p, "set-property")) {
				char *k = xattr(d, p, "property");

				if (!k)
					k = xattr(d, p, "key");
				if (nonempty(k)) {
					jsonw_key(&w, k);
					jsonw_str(&w, xattr(d, p, "value"));
				}
			}
		jsonw_obj_close(&w);
	}
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	if (strcmp(kind, "struts_forward") == 0)
		entkit_link(d->a, e, "forward", xattr(d, node, "path"));
	else if (strcmp(kind, "struts_plugin") == 0)
		entkit_link(d->a, e, "plugin_class", xattr(d, node, "className"));
	else if (strcmp(kind, "struts_controller") == 0)
		entkit_link(d->a, e, "processor_class", xattr(d, node, "processorClass"));
	else if (strcmp(kind, "struts_message_resources") == 0)
		entkit_link(d->a, e, "bundle", xattr(d, node, "parameter"));
	else if (strcmp(kind, "struts_exception") == 0) {
		entkit_link(d->a, e, "exception_class", xattr(d, node, "type"));
		entkit_link(d->a, e, "forward", xattr(d, node, "path"));
		entkit_link(d->a, e, "handler_class", xattr(d, node, "handler"));
	}
}

static void xml_struts1(struct xdoc *d)
{
	static const char *const fwd_attrs[] = {"name", "path", "redirect", "module"};
	static const char *const plug_attrs[] = {"className"};
	static const char *const ctl_attrs[] = {"processorClass", "contentType", "nocache", "maxFileSize",
						"inputForward"};
	static const char *const msg_attrs[] = {"parameter", "key", "null", "factory"};
	static const char *const exc_attrs[] = {"key", "type", "path", "handler", "scope"};
	int c, k;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		if (is_named(d, c, "form-beans")) {
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next)
				if (is_named(d, k, "form-bean"))
					struts1_form_bean(d, k);
		} else if (is_named(d, c, "action-mappings")) {
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next)
				if (is_named(d, k, "action"))
					struts1_action(d, k);
		} else if (is_named(d, c, "global-forwards")) {
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next)
				if (is_named(d, k, "forward")) {
					char *n = xattr(d, k, "name");

					struts1_simple(d, k, "struts_forward", n,
						       arena_printf(d->a, "forward:%s", n ? n : ""),
						       fwd_attrs, 4);
				}
		} else if (is_named(d, c, "global-exceptions")) {
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next)
				if (is_named(d, k, "exception")) {
					char *n = xattr(d, k, "type");

					struts1_simple(d, k, "struts_exception", n,
						       arena_printf(d->a, "exception:%s", n ? n : ""),
						       exc_attrs, 5);
				}
		} else if (is_named(d, c, "plug-in")) {
			char *n = xattr(d, c, "className");

			struts1_simple(d, c, "struts_plugin", n, arena_printf(d->a, "plugin:%s", n ? n : ""),
				       plug_attrs, 1);
		} else if (is_named(d, c, "controller")) {
			char *n = xattr(d, c, "processorClass");

			struts1_simple(d, c, "struts_controller", nonempty(n) ? n : "controller",
				       "controller", ctl_attrs, 5);
		} else if (is_named(d, c, "message-resources")) {
			char *n = xattr(d, c, "parameter");

			struts1_simple(d, c, "struts_message_resources", n,
				       arena_printf(d->a, "message-resources:%s", n ? n : ""), msg_attrs, 4);
		} else {
			generic_entity(d, c, "struts-config", NULL);
		}
	}
}

/* ------------------------------------------------------------ Struts 2 */

/* The <interceptor-ref>s of an action or stack: listed in its metadata
 * and linked. */
static void interceptor_refs(struct xdoc *d, int node, struct entity *e, struct jsonw *w)
{
	int r;

	jsonw_key(w, "interceptor_refs");
	jsonw_arr_open(w);
	for (r = d->nodes[node].first_child; r >= 0; r = d->nodes[r].next)
		if (is_named(d, r, "interceptor-ref")) {
			char *n = xattr(d, r, "name");

			jsonw_str(w, n);
			if (nonempty(n))
				entkit_link(d->a, e, "interceptor_ref",
					    arena_printf(d->a, "interceptor:%s", n));
		}
	jsonw_arr_close(w);
}

static void struts2_action(struct xdoc *d, int node, const char *ns, const char *pkg_qn)
{
	char *name = xattr(d, node, "name"), *cls = xattr(d, node, "class"),
	     *method = xattr(d, node, "method");
	size_t nslen = strlen(ns);
	struct entity *e;
	struct jsonw w;
	int r;

	while (nslen > 0 && ns[nslen - 1] == '/')
		nslen--;
	e = xent(d, node, "struts2_action", name,
		 arena_printf(d->a, "action:%.*s/%s", (int)nslen, ns, name ? name : ""), pkg_qn);
	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	kv(&w, "name", name);
	kv(&w, "namespace", ns);
	kv(&w, "class", cls);
	kv(&w, "method", method);
	jsonw_key(&w, "results");
	jsonw_arr_open(&w);
	for (r = d->nodes[node].first_child; r >= 0; r = d->nodes[r].next) {
		char *loc = NULL;
		int p;

		if (!is_named(d, r, "result"))
			continue;
		for (p = d->nodes[r].first_child; p >= 0; p = d->nodes[p].next) {
			char *pn = xattr(d, p, "name");

			if (is_named(d, p, "param") && pn && strcmp(pn, "location") == 0)
				loc = xtext(d, p);
		}
		if (!loc && d->nodes[r].first_child < 0)
			loc = xtext(d, r);
		jsonw_obj_open(&w);
		kv(&w, "name", nonempty(xattr(d, r, "name")) ? xattr(d, r, "name") : "success");
		kv(&w, "type", xattr(d, r, "type"));
		kv(&w, "location", loc);
		jsonw_obj_close(&w);
		if (nonempty(loc))
			entkit_link(d->a, e, "result", loc);
	}
	jsonw_arr_close(&w);
	interceptor_refs(d, node, e, &w);
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	if (nonempty(cls))
		entkit_link(d->a, e, "action_class", cls);
	e->signature = arena_printf(d->a, "action name=\"%s\" class=\"%s\"%s%s%s", name ? name : "",
				    cls ? cls : "", nonempty(method) ? " method=\"" : "",
				    nonempty(method) ? method : "", nonempty(method) ? "\"" : "");
}

static void struts2_interceptor(struct xdoc *d, int node, const char *pkg_qn)
{
	char *name = xattr(d, node, "name"), *cls = xattr(d, node, "class");
	struct entity *e = xent(d, node, "struts2_interceptor", name,
				arena_printf(d->a, "interceptor:%s", name ? name : ""), pkg_qn);
	struct jsonw w;

	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	kv(&w, "name", name);
	kv(&w, "class", cls);
	if (is_named(d, node, "interceptor-stack")) {
		jsonw_key(&w, "stack");
		jsonw_bool(&w, true);
		interceptor_refs(d, node, e, &w);
	}
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	if (nonempty(cls))
		entkit_link(d->a, e, "interceptor_class", cls);
}

static void xml_struts2(struct xdoc *d)
{
	int c, k, i;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		if (is_named(d, c, "package")) {
			char *name = xattr(d, c, "name"), *ext = xattr(d, c, "extends"),
			     *ns = xattr(d, c, "namespace");
			struct entity *e = xent(d, c, "struts2_package", name,
						arena_printf(d->a, "package:%s", name ? name : ""), NULL);
			struct jsonw w;
			const char *qn;

			if (!e)
				return;
			qn = e->qualified_name;
			jsonw_init(&w, d->a);
			jsonw_obj_open(&w);
			kv(&w, "name", name);
			kv(&w, "extends", ext);
			kv(&w, "namespace", ns);
			kv(&w, "abstract", xattr(d, c, "abstract"));
			jsonw_obj_close(&w);
			e->metadata = jsonw_finish(&w);
			if (nonempty(ext)) {
				char *p = ext, *tok;

				/* extends="a, b" */
				while ((tok = strsep(&p, ", ")) != NULL)
					if (*tok)
						entkit_link(d->a, e, "extends",
							    arena_printf(d->a, "package:%s", tok));
			}
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next) {
				if (is_named(d, k, "action"))
					struts2_action(d, k, ns ? ns : "", qn);
				else if (is_named(d, k, "interceptors"))
					for (i = d->nodes[k].first_child; i >= 0; i = d->nodes[i].next)
						if (is_named(d, i, "interceptor") ||
						    is_named(d, i, "interceptor-stack"))
							struts2_interceptor(d, i, qn);
			}
		} else if (is_named(d, c, "include")) {
			char *file = xattr(d, c, "file");
			struct entity *e = xent(d, c, "struts2_include", file,
						arena_printf(d->a, "include:%s", file ? file : ""), NULL);

			if (e)
				entkit_link(d->a, e, "include", file);
		} else {
			generic_entity(d, c, "struts", NULL);
		}
	}
}

/* ------------------------------------------------------------ web.xml */

static void web_params(struct xdoc *d, struct jsonw *w, int node)
{
	int p;

	jsonw_key(w, "init_params");
	jsonw_obj_open(w);
	for (p = d->nodes[node].first_child; p >= 0; p = d->nodes[p].next)
		if (is_named(d, p, "init-param")) {
			char *n = xchild_text(d, p, "param-name");

			if (nonempty(n)) {
				jsonw_key(w, n);
				jsonw_str(w, xchild_text(d, p, "param-value"));
			}
		}
	jsonw_obj_close(w);
}

/* Every child text named name, as a JSON array; returns the first. */
static char *web_list(struct xdoc *d, struct jsonw *w, int node, const char *key, const char *name,
		      struct entity *e, const char *link_kind, const char *link_prefix)
{
	char *first = NULL;
	int p;

	jsonw_key(w, key);
	jsonw_arr_open(w);
	for (p = d->nodes[node].first_child; p >= 0; p = d->nodes[p].next)
		if (is_named(d, p, name)) {
			char *v = xtext(d, p);

			jsonw_str(w, v);
			if (!first && nonempty(v))
				first = v;
			if (e && link_kind && nonempty(v))
				entkit_link(d->a, e, link_kind, arena_printf(d->a, "%s%s", link_prefix, v));
		}
	jsonw_arr_close(w);
	return first;
}

static void xml_webapp(struct xdoc *d)
{
	int c;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		struct entity *e = NULL;
		struct jsonw w;

		jsonw_init(&w, d->a);
		jsonw_obj_open(&w);
		if (is_named(d, c, "servlet") || is_named(d, c, "filter")) {
			bool servlet = is_named(d, c, "servlet");
			char *name = xchild_text(d, c, servlet ? "servlet-name" : "filter-name");
			char *cls = xchild_text(d, c, servlet ? "servlet-class" : "filter-class");
			char *jsp = servlet ? xchild_text(d, c, "jsp-file") : NULL;

			e = xent(
			    d, c, servlet ? "servlet" : "filter", name,
			    arena_printf(d->a, "%s:%s", servlet ? "servlet" : "filter", name ? name : ""),
			    NULL);
			if (!e)
				break;
			kv(&w, "name", name);
			kv(&w, "class", cls);
			kv(&w, "jsp_file", jsp);
			kv(&w, "load_on_startup", servlet ? xchild_text(d, c, "load-on-startup") : NULL);
			web_params(d, &w, c);
			if (nonempty(cls))
				entkit_link(d->a, e, servlet ? "servlet_class" : "filter_class", cls);
			if (nonempty(jsp))
				entkit_link(d->a, e, "jsp_file", jsp);
		} else if (is_named(d, c, "servlet-mapping") || is_named(d, c, "filter-mapping")) {
			bool servlet = is_named(d, c, "servlet-mapping");
			char *target = xchild_text(d, c, servlet ? "servlet-name" : "filter-name");
			struct jsonw tmp;
			char *first;

			/* The name is the first url-pattern (or servlet-name). */
			jsonw_init(&tmp, d->a);
			jsonw_arr_open(&tmp);
			first = web_list(d, &tmp, c, "x", "url-pattern", NULL, NULL, NULL);
			if (!first && !servlet) {
				int s = xchild(d, c, "servlet-name");

				first = s >= 0 ? xtext(d, s) : NULL;
			}
			e = xent(d, c, servlet ? "servlet_mapping" : "filter_mapping", first,
				 arena_printf(d->a, "%s:%s", servlet ? "servlet-mapping" : "filter-mapping",
					      first ? first : ""),
				 NULL);
			if (!e)
				break;
			kv(&w, servlet ? "servlet_name" : "filter_name", target);
			web_list(d, &w, c, "url_patterns", "url-pattern", NULL, NULL, NULL);
			if (!servlet) {
				web_list(d, &w, c, "servlet_names", "servlet-name", e, "servlet", "servlet:");
				web_list(d, &w, c, "dispatchers", "dispatcher", NULL, NULL, NULL);
			}
			if (nonempty(target))
				entkit_link(
				    d->a, e, "maps_to",
				    arena_printf(d->a, "%s:%s", servlet ? "servlet" : "filter", target));
		} else if (is_named(d, c, "listener")) {
			char *cls = xchild_text(d, c, "listener-class");

			e = xent(d, c, "listener", cls, arena_printf(d->a, "listener:%s", cls ? cls : ""),
				 NULL);
			if (!e)
				break;
			kv(&w, "class", cls);
			if (nonempty(cls))
				entkit_link(d->a, e, "listener_class", cls);
		} else if (is_named(d, c, "context-param")) {
			char *name = xchild_text(d, c, "param-name");

			e = xent(d, c, "context_param", name,
				 arena_printf(d->a, "context-param:%s", name ? name : ""), NULL);
			if (!e)
				break;
			kv(&w, "name", name);
			kv(&w, "value", xchild_text(d, c, "param-value"));
		} else if (is_named(d, c, "error-page")) {
			char *code = xchild_text(d, c, "error-code"),
			     *type = xchild_text(d, c, "exception-type");
			char *loc = xchild_text(d, c, "location"), *name = nonempty(code) ? code : type;

			e = xent(d, c, "error_page", name,
				 arena_printf(d->a, "error-page:%s", name ? name : ""), NULL);
			if (!e)
				break;
			kv(&w, "error_code", code);
			kv(&w, "exception_type", type);
			kv(&w, "location", loc);
			if (nonempty(loc))
				entkit_link(d->a, e, "location", loc);
			if (nonempty(type))
				entkit_link(d->a, e, "exception_class", type);
		} else if (is_named(d, c, "welcome-file-list")) {
			e = xent(d, c, "welcome_files", "welcome-file-list", "welcome-files", NULL);
			if (!e)
				break;
			web_list(d, &w, c, "files", "welcome-file", e, "welcome_file", "");
		} else {
			generic_entity(d, c, "web-app", NULL);
		}
		jsonw_obj_close(&w);
		if (e)
			e->metadata = jsonw_finish(&w);
	}
}

/* ------------------------------------------------------------ Spring */

/* The node after cur in document order within top's subtree, skipping
 * cur's children when skip is set; -1 at the end. No recursion, no stack. */
static int xnext_in(const struct xdoc *d, int cur, int top, bool skip)
{
	if (!skip && d->nodes[cur].first_child >= 0)
		return d->nodes[cur].first_child;
	while (cur != top && cur >= 0) {
		if (d->nodes[cur].next >= 0)
			return d->nodes[cur].next;
		cur = d->nodes[cur].parent;
	}
	return -1;
}

/* Adds ref links for every bean reference in the subtree of node (the
 * stored tree is at most XML_NODE_DEPTH deep; walked with a stack). */
static void spring_refs(struct xdoc *d, struct entity *e, int node)
{
	int n;

	for (n = node; n >= 0; n = xnext_in(d, n, node, false)) {
		size_t i;

		for (i = 0; i < d->nodes[n].nattrs; i++) {
			const struct xmlattr *at = &d->nodes[n].attrs[i];
			bool ref = false;

			if (n == node && at->nlen == 6 && memcmp(at->name, "parent", 6) == 0)
				continue; /* the bean's own parent: linked as "parent" */
			if ((at->nlen == 3 && memcmp(at->name, "ref", 3) == 0) ||
			    (at->nlen == 9 && memcmp(at->name, "value-ref", 9) == 0) ||
			    (at->nlen == 7 && memcmp(at->name, "key-ref", 7) == 0) ||
			    (at->nlen == 12 && memcmp(at->name, "factory-bean", 12) == 0) ||
			    (at->nlen > 4 && memcmp(at->name + at->nlen - 4, "-ref", 4) == 0 &&
			     at->nlen > 2 && memcmp(at->name, "p:", 2) == 0))
				ref = true;
			if (is_named(d, n, "ref") || is_named(d, n, "idref"))
				ref = ref || (at->nlen == 4 && memcmp(at->name, "bean", 4) == 0) ||
				      (at->nlen == 5 && memcmp(at->name, "local", 5) == 0) ||
				      (at->nlen == 6 && memcmp(at->name, "parent", 6) == 0);
			if (ref) {
				char *v = xmltok_decode(d->a, at->val, at->vlen, XML_VAL_CAP, true);

				if (*v)
					entkit_link(d->a, e, "ref", arena_printf(d->a, "bean:%s", v));
			}
		}
	}
}

static void spring_value(struct xdoc *d, struct jsonw *w, int p)
{
	char *v = xattr(d, p, "value"), *ref = xattr(d, p, "ref");
	int c = d->nodes[p].first_child;

	if (ref) {
		kv(w, "ref", ref);
	} else if (v) {
		kv(w, "value", v);
	} else if (c >= 0) {
		if (is_named(d, c, "value"))
			kv(w, "value", xtext(d, c));
		else if (is_named(d, c, "ref"))
			kv(w, "ref",
			   nonempty(xattr(d, c, "bean")) ? xattr(d, c, "bean") : xattr(d, c, "local"));
		else
			kv(w, "value", arena_printf(d->a, "(%.*s)", (int)d->nodes[c].nlen, d->nodes[c].name));
	}
}

static void spring_bean(struct xdoc *d, int node, const char *parent_qn, int *count)
{
	static const char *const attrs[] = {"class",	      "scope",	     "parent",	       "abstract",
					    "lazy-init",      "init-method", "destroy-method", "factory-bean",
					    "factory-method", "autowire",    "depends-on",     "primary"};
	char *id = xattr(d, node, "id"), *names = xattr(d, node, "name"), *cls = xattr(d, node, "class");
	char *parent = xattr(d, node, "parent"), *deps = xattr(d, node, "depends-on"), *name = id;
	struct entity *e;
	struct jsonw w;
	size_t i;
	int p;

	if (!nonempty(name) && nonempty(names)) {
		size_t n = strcspn(names, ",; \t");

		name = arena_strndup(d->a, names, n);
	}
	if (!nonempty(name))
		name = nonempty(cls) ? cls : "(anonymous)";
	e = xent(d, node, "spring_bean", name, arena_printf(d->a, "bean:%s", name), parent_qn);
	if (!e)
		return;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	kv(&w, "id", id);
	kv(&w, "name", names);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		kv(&w, attrs[i], xattr(d, node, attrs[i]));
	jsonw_key(&w, "properties");
	jsonw_arr_open(&w);
	for (p = d->nodes[node].first_child; p >= 0; p = d->nodes[p].next)
		if (is_named(d, p, "property")) {
			jsonw_obj_open(&w);
			kv(&w, "name", xattr(d, p, "name"));
			spring_value(d, &w, p);
			jsonw_obj_close(&w);
		}
	jsonw_arr_close(&w);
	jsonw_key(&w, "constructor_args");
	jsonw_arr_open(&w);
	for (p = d->nodes[node].first_child; p >= 0; p = d->nodes[p].next)
		if (is_named(d, p, "constructor-arg")) {
			jsonw_obj_open(&w);
			kv(&w, "index", xattr(d, p, "index"));
			kv(&w, "name", xattr(d, p, "name"));
			spring_value(d, &w, p);
			jsonw_obj_close(&w);
		}
	jsonw_arr_close(&w);
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	e->signature = arena_printf(d->a, "bean id=\"%s\" class=\"%s\"", name, cls ? cls : "");
	if (nonempty(cls))
		entkit_link(d->a, e, "bean_class", cls);
	if (nonempty(parent))
		entkit_link(d->a, e, "parent", arena_printf(d->a, "bean:%s", parent));
	if (nonempty(deps)) {
		char *s = deps, *tok;

		while ((tok = strsep(&s, ",; ")) != NULL)
			if (*tok)
				entkit_link(d->a, e, "depends_on", arena_printf(d->a, "bean:%s", tok));
	}
	spring_refs(d, e, node);
	(*count)++;
	/* Inner beans are beans too; the recursion is bounded by the depth
	 * of the stored tree (XML_NODE_DEPTH). */
	{
		const char *qn = e->qualified_name;
		int n = d->nodes[node].first_child >= 0 ? d->nodes[node].first_child : -1;

		while (n >= 0) {
			bool inner = is_named(d, n, "bean");

			if (inner)
				spring_bean(d, n, qn, count);
			n = xnext_in(d, n, node, inner);
		}
	}
}

static void xml_spring(struct xdoc *d)
{
	int c, count = 0;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		if (is_named(d, c, "bean")) {
			spring_bean(d, c, NULL, &count);
		} else if (is_named(d, c, "import")) {
			char *res = xattr(d, c, "resource");
			struct entity *e = xent(d, c, "spring_import", res,
						arena_printf(d->a, "import:%s", res ? res : ""), NULL);

			if (e)
				entkit_link(d->a, e, "import", res);
		} else if (is_named(d, c, "alias")) {
			char *name = xattr(d, c, "name"), *alias = xattr(d, c, "alias");
			struct entity *e = xent(d, c, "spring_alias", alias,
						arena_printf(d->a, "bean:%s", alias ? alias : ""), NULL);

			if (e && nonempty(name))
				entkit_link(d->a, e, "ref", arena_printf(d->a, "bean:%s", name));
		} else {
			generic_entity(d, c, "beans", NULL);
		}
	}
}

/* ------------------------------------------------------------ Tiles */

static void xml_tiles(struct xdoc *d)
{
	int c, p, q;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		char *name, *ext, *tpl;
		struct entity *e;
		struct jsonw w;

		if (!is_named(d, c, "definition")) {
			generic_entity(d, c, "tiles-definitions", NULL);
			continue;
		}
		name = xattr(d, c, "name");
		ext = xattr(d, c, "extends");
		tpl = xattr(d, c, "template");
		if (!tpl)
			tpl = xattr(d, c, "path"); /* Tiles 1 */
		e = xent(d, c, "tiles_definition", name, arena_printf(d->a, "tiles:%s", name ? name : ""),
			 NULL);
		if (!e)
			return;
		jsonw_init(&w, d->a);
		jsonw_obj_open(&w);
		kv(&w, "name", name);
		kv(&w, "extends", ext);
		kv(&w, "template", tpl);
		kv(&w, "controller", xattr(d, c, "controllerClass"));
		jsonw_key(&w, "puts");
		jsonw_arr_open(&w);
		for (p = d->nodes[c].first_child; p >= 0; p = d->nodes[p].next) {
			bool put = is_named(d, p, "put") || is_named(d, p, "put-attribute");
			bool list = is_named(d, p, "putList") || is_named(d, p, "put-list-attribute");
			char *v;

			if (!put && !list)
				continue;
			jsonw_obj_open(&w);
			kv(&w, "name", xattr(d, p, "name"));
			if (put) {
				v = xattr(d, p, "value");
				if (!v)
					v = xtext(d, p);
				kv(&w, "value", v);
				kv(&w, "type", xattr(d, p, "type"));
				if (v && v[0] == '/')
					entkit_link(d->a, e, "put", v);
			} else {
				jsonw_key(&w, "values");
				jsonw_arr_open(&w);
				for (q = d->nodes[p].first_child; q >= 0; q = d->nodes[q].next) {
					v = xattr(d, q, "value");
					jsonw_str(&w, v);
					if (v && v[0] == '/')
						entkit_link(d->a, e, "put", v);
				}
				jsonw_arr_close(&w);
			}
			jsonw_obj_close(&w);
		}
		jsonw_arr_close(&w);
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
		if (nonempty(ext))
			entkit_link(d->a, e, "extends", arena_printf(d->a, "tiles:%s", ext));
		if (nonempty(tpl))
			entkit_link(d->a, e, "template", tpl);
	}
}

/* ------------------------------------------------------------ Commons Validator */

static void xml_validation(struct xdoc *d)
{
	int c, f;

	for (c = d->nodes[d->root].first_child; c >= 0; c = d->nodes[c].next) {
		if (!is_named(d, c, "formset")) {
			generic_entity(d, c, "form-validation", NULL);
			continue;
		}
		for (f = d->nodes[c].first_child; f >= 0; f = d->nodes[f].next) {
			char *name;
			struct entity *e;
			struct jsonw w;

			if (!is_named(d, f, "form"))
				continue;
			name = xattr(d, f, "name");
			e = xent(d, f, "validation_form", name,
				 arena_printf(d->a, "validation:%s", name ? name : ""), NULL);
			if (!e)
				return;
			jsonw_init(&w, d->a);
			jsonw_obj_open(&w);
			kv(&w, "name", name);
			kv(&w, "language", xattr(d, c, "language"));
			kv(&w, "country", xattr(d, c, "country"));
			{
				static const char *const attrs[] = {"property", "depends", NULL};

				children_attrs(d, &w, f, "fields", "field", attrs);
			}
			jsonw_obj_close(&w);
			e->metadata = jsonw_finish(&w);
			if (nonempty(name))
				entkit_link(d->a, e, "form_bean", arena_printf(d->a, "form-bean:%s", name));
		}
	}
}

/* ------------------------------------------------------------ Maven */

static char *maven_ga(struct xdoc *d, int node, const char *dflt_group)
{
	char *g = xchild_text(d, node, "groupId"), *a = xchild_text(d, node, "artifactId");

	if (!nonempty(g))
		g = (char *)(dflt_group ? dflt_group : "");
	return arena_printf(d->a, "%s:%s", g, a ? a : "");
}

static void maven_deps(struct xdoc *d, int list, const char *item, const char *kind, const char *parent_qn)
{
	int k;

	for (k = d->nodes[list].first_child; k >= 0; k = d->nodes[k].next) {
		char *ga;
		struct entity *e;
		struct jsonw w;
		bool plugin = strcmp(kind, "maven_plugin") == 0;

		if (!is_named(d, k, item))
			continue;
		ga = maven_ga(d, k, plugin ? "org.apache.maven.plugins" : NULL);
		e = xent(d, k, kind, ga,
			 arena_printf(d->a, "%s:%s", plugin ? "maven-plugin" : "maven-dependency", ga),
			 parent_qn);
		if (!e)
			return;
		jsonw_init(&w, d->a);
		jsonw_obj_open(&w);
		kv(&w, "groupId", xchild_text(d, k, "groupId"));
		kv(&w, "artifactId", xchild_text(d, k, "artifactId"));
		kv(&w, "version", xchild_text(d, k, "version"));
		kv(&w, "scope", xchild_text(d, k, "scope"));
		kv(&w, "type", xchild_text(d, k, "type"));
		kv(&w, "optional", xchild_text(d, k, "optional"));
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
		entkit_link(d->a, e, plugin ? "uses_plugin" : "depends_on",
			    arena_printf(d->a, "maven:%s", ga));
	}
}

static void xml_maven(struct xdoc *d)
{
	int root = d->root, par = xchild(d, root, "parent"), c, k;
	char *pg = par >= 0 ? xchild_text(d, par, "groupId") : NULL, *ga = maven_ga(d, root, pg);
	struct entity *e = xent(d, root, "maven_project", ga, arena_printf(d->a, "maven:%s", ga), NULL);
	struct jsonw w;
	const char *qn;

	if (!e)
		return;
	qn = e->qualified_name;
	jsonw_init(&w, d->a);
	jsonw_obj_open(&w);
	kv(&w, "groupId", xchild_text(d, root, "groupId"));
	kv(&w, "artifactId", xchild_text(d, root, "artifactId"));
	kv(&w, "version", xchild_text(d, root, "version"));
	kv(&w, "packaging", xchild_text(d, root, "packaging"));
	kv(&w, "name", xchild_text(d, root, "name"));
	if (par >= 0)
		kv(&w, "parent", maven_ga(d, par, NULL));
	jsonw_obj_close(&w);
	e->metadata = jsonw_finish(&w);
	if (par >= 0)
		entkit_link(d->a, e, "parent", arena_printf(d->a, "maven:%s", maven_ga(d, par, NULL)));
	for (c = d->nodes[root].first_child; c >= 0; c = d->nodes[c].next) {
		if (is_named(d, c, "dependencies")) {
			maven_deps(d, c, "dependency", "maven_dependency", qn);
		} else if (is_named(d, c, "dependencyManagement")) {
			k = xchild(d, c, "dependencies");
			if (k >= 0)
				maven_deps(d, k, "dependency", "maven_dependency", qn);
		} else if (is_named(d, c, "build")) {
			k = xchild(d, c, "plugins");
			if (k >= 0)
				maven_deps(d, k, "plugin", "maven_plugin", qn);
			k = xchild(d, c, "pluginManagement");
			if (k >= 0 && (k = xchild(d, k, "plugins")) >= 0)
				maven_deps(d, k, "plugin", "maven_plugin", qn);
		} else if (is_named(d, c, "modules")) {
			for (k = d->nodes[c].first_child; k >= 0; k = d->nodes[k].next)
				if (is_named(d, k, "module"))
					entkit_link(d->a, e, "module", xtext(d, k));
		}
	}
}

/* ------------------------------------------------------------ dispatch */

static bool base_starts(const char *path, const char *prefix)
{
	return strncmp(extract_basename(path), prefix, strlen(prefix)) == 0;
}

int extract_xml(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		size_t len, struct entity_list *out)
{
	struct srcmap m;
	struct xdoc d;

	memset(&d, 0, sizeof(d));
	srcmap_init(&m, a, buf, len);
	d.a = a;
	d.m = &m;
	d.path = path;
	d.out = out;
	d.first = out->count;
	if (!xdoc_build(&d, buf, len))
		return extract_windows(a, opt, path, buf, len, out);
	if (is_named(&d, d.root, "struts-config")) {
		xml_struts1(&d);
	} else if ((is_named(&d, d.root, "struts") || is_named(&d, d.root, "xwork")) &&
		   (base_starts(path, "struts") || base_starts(path, "xwork") ||
		    xchild(&d, d.root, "package") >= 0)) {
		xml_struts2(&d);
	} else if (is_named(&d, d.root, "web-app") || is_named(&d, d.root, "web-fragment")) {
		xml_webapp(&d);
	} else if (is_named(&d, d.root, "beans")) {
		xml_spring(&d);
	} else if (is_named(&d, d.root, "tiles-definitions")) {
		xml_tiles(&d);
	} else if (is_named(&d, d.root, "form-validation")) {
		xml_validation(&d);
	} else if (is_named(&d, d.root, "project") && (strcmp(extract_basename(path), "pom.xml") == 0 ||
						       xchild(&d, d.root, "artifactId") >= 0)) {
		xml_maven(&d);
	} else if (generic_count(&d) > XML_MAX_ENTITIES) {
		/* A flat data file: windows say more than 5,000 elements. */
		return extract_windows(a, opt, path, buf, len, out);
	} else {
		xml_generic(&d);
	}
	if (out->count == d.first || !entkit_finish(&m, a, out, d.first))
		return extract_windows(a, opt, path, buf, len, out);
	return 0;
}
