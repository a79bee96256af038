/*
 * extract.c - language detection and the generic line-window extractor.
 *
 * Every language gets windows of opt->window_lines lines for now; the
 * language scanners (classes, methods, ...) will add their entities next
 * to these. Windows overlap so that code cut at a window border still
 * appears whole in one of the two neighbours.
 */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "extract/entkit.h"
#include "extract/extract.h"
#include "extract/extract_int.h"
#include "extract/srcmap.h"
#include "util/arena.h"
#include "util/status.h"

struct lang_rule {
	const char *key; /* extension without the dot, or a whole base name */
	const char *lang;
};

/* Whole base names first: they win over the extension ("CMakeLists.txt"). */
static const struct lang_rule lang_names[] = {
    {"Dockerfile", "dockerfile"}, {"Containerfile", "dockerfile"},
    {"Makefile", "makefile"},	  {"GNUmakefile", "makefile"},
    {"makefile", "makefile"},	  {"Jenkinsfile", "groovy"},
    {"CMakeLists.txt", "cmake"},  {"Rakefile", "ruby"},
    {"Gemfile", "ruby"},	  {".bashrc", "shell"},
    {".profile", "shell"},	  {".bash_profile", "shell"},
};

/* Matched case-insensitively: "README.MD" and "Foo.JAVA" exist. */
static const struct lang_rule lang_exts[] = {
    {"java", "java"},
    {"jsp", "jsp"},
    {"jspf", "jsp"},
    {"jspx", "jsp"},
    {"tag", "jsp"},
    {"tagx", "jsp"},
    {"xml", "xml"},
    {"xsd", "xml"},
    {"xsl", "xml"},
    {"xslt", "xml"},
    {"wsdl", "xml"},
    {"tld", "xml"},
    {"properties", "properties"},
    {"sql", "sql"},
    {"ddl", "sql"},
    {"js", "javascript"},
    {"mjs", "javascript"},
    {"cjs", "javascript"},
    {"jsx", "javascript"},
    {"ts", "typescript"},
    {"tsx", "typescript"},
    {"mts", "typescript"},
    {"cts", "typescript"},
    {"css", "css"},
    {"scss", "scss"},
    {"less", "less"},
    {"html", "html"},
    {"htm", "html"},
    {"xhtml", "html"},
    {"py", "python"},
    {"pyi", "python"},
    {"sh", "shell"},
    {"bash", "shell"},
    {"zsh", "shell"},
    {"ksh", "shell"},
    {"md", "markdown"},
    {"markdown", "markdown"},
    {"yml", "yaml"},
    {"yaml", "yaml"},
    {"json", "json"},
    {"c", "c"},
    {"h", "c"},
    {"cc", "cpp"},
    {"cpp", "cpp"},
    {"cxx", "cpp"},
    {"hh", "cpp"},
    {"hpp", "cpp"},
    {"hxx", "cpp"},
    {"go", "go"},
    {"rs", "rust"},
    {"rb", "ruby"},
    {"php", "php"},
    {"kt", "kotlin"},
    {"kts", "kotlin"},
    {"scala", "scala"},
    {"groovy", "groovy"},
    {"gradle", "groovy"},
    {"cs", "csharp"},
    {"pl", "perl"},
    {"pm", "perl"},
    {"lua", "lua"},
    {"swift", "swift"},
    {"vue", "vue"},
    {"toml", "toml"},
    {"ini", "ini"},
    {"mk", "makefile"},
    {"bat", "batch"},
    {"cmd", "batch"},
    {"ps1", "powershell"},
    {"rst", "rst"},
    {"proto", "protobuf"},
    {"tf", "terraform"},
};

const char *extract_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *extract_language(const char *path)
{
	const char *base = extract_basename(path), *dot;
	size_t i;

	for (i = 0; i < sizeof(lang_names) / sizeof(lang_names[0]); i++)
		if (strcmp(base, lang_names[i].key) == 0)
			return lang_names[i].lang;
	if (strncmp(base, "Dockerfile.", 11) == 0)
		return "dockerfile";
	dot = strrchr(base, '.');
	/* ".gitignore" is a hidden file without extension, not a "gitignore" file. */
	if (!dot || dot == base)
		return "text";
	for (i = 0; i < sizeof(lang_exts) / sizeof(lang_exts[0]); i++)
		if (strcasecmp(dot + 1, lang_exts[i].key) == 0)
			return lang_exts[i].lang;
	return "text";
}

int extract_count_lines(const char *buf, size_t len)
{
	struct srcmap m;

	/* The count srcmap_init makes, without its table. */
	srcmap_count(&m, buf, len);
	return m.nlines;
}

static bool is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr(" \t\r\n\v\f", s[i]))
			return false;
	return true;
}

/* Appends one zeroed entity, doubling the arena array when it is full. */
struct entity *extract_push(struct arena *a, struct entity_list *out)
{
	struct entity *items;

	if (out->count == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 16;

		/* The old array stays in the arena until it is reset: cheaper
		 * than a realloc-capable arena, and lists are short-lived. */
		items = arena_alloc(a, ncap * sizeof(*items));
		if (out->count)
			memcpy(items, out->items, out->count * sizeof(*items));
		out->items = items;
		out->cap = ncap;
	}
	memset(&out->items[out->count], 0, sizeof(out->items[0]));
	return &out->items[out->count++];
}

void extract_link(struct arena *a, struct entity *e, const char *kind, const char *target)
{
	struct entity_link *links = arena_alloc(a, (e->nlinks + 1) * sizeof(*links));

	if (e->nlinks)
		memcpy(links, e->links, e->nlinks * sizeof(*links));
	links[e->nlinks].kind = arena_strdup(a, kind);
	links[e->nlinks].target = arena_strdup(a, target);
	e->links = links;
	e->nlinks++;
}

int extract_windows(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		    size_t len, struct entity_list *out)
{
	const char *base = extract_basename(path);
	struct srcmap m;
	int start, end, step;

	if (opt->window_lines < 1 || opt->window_overlap < 0 || opt->window_overlap >= opt->window_lines)
		return DX_E_VALIDATION;
	srcmap_init(&m, a, buf, len);
	if (m.nlines >= INT_MAX - 1)
		return DX_E_TOOLARGE;
	step = opt->window_lines - opt->window_overlap;
	/* Stopping once a window reaches the last line means no window is
	 * emitted that adds no new line; a short last window is kept as is. */
	for (start = 1; start <= m.nlines; start += step) {
		size_t s = m.lstart[start - 1];

		end = start > m.nlines - opt->window_lines + 1 ? m.nlines : start + opt->window_lines - 1;
		/* Blank windows carry no meaning and embed to noise. */
		if (!is_blank(buf + s, m.lstart[end] - s)) {
			struct entity *e = extract_push(a, out);

			e->kind = "window";
			e->name = arena_printf(a, "%s:%d-%d", base, start, end);
			e->qualified_name = arena_printf(a, "%s#L%d-%d", path, start, end);
			srcmap_set_text(&m, a, e, start, end);
		}
		if (end == m.nlines)
			break;
	}
	return 0;
}

/* Which extractor reads which language. */
static const struct {
	const char *language;
	extract_fn fn;
} extract_table[] = {
    {"java", extract_java},
    {"jsp", extract_jsp},
    {"xml", extract_xml},
    {"sql", extract_sql},
    {"properties", extract_properties},
    {"javascript", extract_script},
    {"typescript", extract_script},
    {"python", extract_script},
};

/* Cuts text into pieces of at most EXTRACT_EMBED_MAX bytes, each headed by
 * the entity's identity, never splitting a UTF-8 sequence; at most max
 * pieces when max > 0. */
static void extract_embed_texts(struct arena *a, struct entity *e, size_t max)
{
	char *header =
	    arena_printf(a, "%s %s\n%s%s", e->kind, e->qualified_name ? e->qualified_name : e->name,
			 e->signature ? e->signature : "", e->signature ? "\n" : "");
	size_t hlen = strlen(header), room, off = 0, n = 0, cap;
	const char **texts;

	/* A header of absurd length keeps half the room, cut at a
	 * character boundary. */
	if (hlen > EXTRACT_EMBED_MAX / 2) {
		hlen = EXTRACT_EMBED_MAX / 2;
		while (hlen > 0 && ((unsigned char)header[hlen] & 0xc0) == 0x80)
			hlen--;
		header[hlen] = '\0';
	}
	room = EXTRACT_EMBED_MAX - hlen;
	cap = e->text_len / room + 2;
	if (max > 0 && cap > max)
		cap = max;
	texts = arena_alloc(a, cap * sizeof(*texts));
	do {
		size_t take = e->text_len - off > room ? room : e->text_len - off;
		char *t;

		while (take > 0 && off + take < e->text_len &&
		       ((unsigned char)e->text[off + take] & 0xc0) == 0x80)
			take--;
		t = arena_alloc(a, hlen + take + 1);
		memcpy(t, header, hlen);
		memcpy(t + hlen, e->text + off, take);
		t[hlen + take] = '\0';
		texts[n++] = t;
		off += take;
	} while (off < e->text_len && n < cap && room > 0);
	e->embed_texts = texts;
	e->nembed = n;
}

/* Sets container on the entities from first on that are some other
 * entity's parent. */
static void mark_containers(struct arena *a, struct entity_list *out, size_t first)
{
	struct qnset parents = {NULL, 0, 0};
	size_t i;

	for (i = first; i < out->count; i++)
		if (out->items[i].parent)
			qnset_add(&parents, a, out->items[i].parent);
	for (i = first; i < out->count && parents.count > 0; i++)
		out->items[i].container =
		    out->items[i].qualified_name && qnset_has(&parents, out->items[i].qualified_name);
}

int extract_file(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		 size_t len, struct entity_list *out)
{
	const char *language = extract_language(path);
	extract_fn fn = extract_windows;
	size_t i, first = out->count;
	int rc;

	for (i = 0; i < sizeof(extract_table) / sizeof(extract_table[0]); i++)
		if (strcmp(extract_table[i].language, language) == 0)
			fn = extract_table[i].fn;
	rc = fn(a, opt, path, buf, len, out);
	if (rc)
		return rc;
	mark_containers(a, out, first);
	for (i = first; i < out->count; i++)
		extract_embed_texts(a, &out->items[i],
				    out->items[i].container ? (size_t)opt->container_windows : 0);
	return 0;
}
