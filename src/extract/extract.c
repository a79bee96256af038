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

#include "extract/extract.h"
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

static const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *extract_language(const char *path)
{
	const char *base = path_basename(path), *dot;
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
	const char *p = buf, *end = buf + len;
	int64_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* Offset just after n more lines from off (len when the text ends first). */
static size_t skip_lines(const char *buf, size_t len, size_t off, int64_t n)
{
	while (n-- > 0 && off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);

		off = nl ? (size_t)(nl - buf) + 1 : len;
	}
	return off;
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
static struct entity *entity_list_push(struct arena *a, struct entity_list *out)
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

int extract_file(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		 size_t len, struct entity_list *out)
{
	const char *base = path_basename(path);
	int64_t total, start, end, step;
	size_t off = 0, end_off;
	int rc = 0;

	if (opt->window_lines < 1 || opt->window_overlap < 0 || opt->window_overlap >= opt->window_lines) {
		rc = DX_E_VALIDATION;
		goto out;
	}
	total = extract_count_lines(buf, len);
	if (total == INT_MAX) {
		rc = DX_E_TOOLARGE;
		goto out;
	}
	step = opt->window_lines - opt->window_overlap;
	/* Stopping once a window reaches the last line means no window is
	 * emitted that adds no new line; a short last window is kept as is. */
	for (start = 1; start <= total; start += step) {
		end = start + opt->window_lines - 1;
		if (end > total)
			end = total;
		end_off = skip_lines(buf, len, off, end - start + 1);
		/* Blank windows carry no meaning and embed to noise. */
		if (!is_blank(buf + off, end_off - off)) {
			struct entity *e = entity_list_push(a, out);

			e->kind = "window";
			e->name = arena_printf(a, "%s:%d-%d", base, (int)start, (int)end);
			e->qualified_name = arena_printf(a, "%s#L%d-%d", path, (int)start, (int)end);
			e->start_line = (int)start;
			e->end_line = (int)end;
			e->text = arena_strndup(a, buf + off, end_off - off);
			e->text_len = end_off - off;
		}
		if (end == total)
			break;
		off = skip_lines(buf, len, off, step);
	}
out:
	return rc;
}
