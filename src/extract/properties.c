/*
 * properties.c - entities of Java .properties files: one per key.
 *
 * Follows java.util.Properties.load: logical lines continue after an odd
 * number of trailing backslashes, "#" and "!" start comments, the key ends
 * at an unescaped "=", ":" or white space, escapes (\t \n \r \f \uXXXX,
 * \x for any other x) are decoded. The bundle of a message file is its
 * base name without extension and locale ("messages_de.properties" is
 * bundle "messages", locale "de"), so qualified names of the same key in
 * all locales agree: "messages:mail.subject".
 */
#include "config.h"

#include <string.h>

#include "extract/entkit.h"
#include "extract/extract_int.h"
#include "extract/jsonw.h"
#include "extract/srcmap.h"
#include "util/arena.h"
#include "util/hex.h"

#define PROP_NAME_CAP	 512
#define PROP_VALUE_CAP	 4096
#define PROP_COMMENT_CAP 1024

/* ISO 639-1 codes (and Java's old in, iw, ji): what may follow "_" as a
 * locale in a bundle file name. */
static const char iso639[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
    "he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv ka kg ki kj kk "
    "kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt "
    "my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw "
    "sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

static bool is_lang(const char *s, size_t n)
{
	const char *p;

	if (n != 2)
		return false;
	for (p = iso639;; p += 3) {
		if (p[0] == s[0] && p[1] == s[1])
			return true;
		if (!p[2])
			return false;
	}
}

/* Does s[0..n) look like a locale: lang[_COUNTRY[_variant]]? */
static bool is_locale(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || !is_lang(s, 2))
		return false;
	if (n == 2)
		return true;
	if (s[2] != '_' || n < 5)
		return false;
	/* COUNTRY: two capitals or three digits (UN M.49). */
	if (s[3] >= 'A' && s[3] <= 'Z' && s[4] >= 'A' && s[4] <= 'Z') {
		i = 5;
	} else if (n >= 6 && s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9' && s[5] >= '0' &&
		   s[5] <= '9') {
		i = 6;
	} else {
		return false;
	}
	return i == n || (s[i] == '_' && i + 1 < n);
}

/* Splits "dir/messages_de_CH.properties" into bundle "messages" and locale
 * "de_CH" (NULL when there is none). */
static void bundle_of(struct arena *a, const char *path, const char **bundle, const char **locale)
{
	const char *base = extract_basename(path), *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base), i;

	*bundle = arena_strndup(a, base, n);
	*locale = NULL;
	for (i = 1; i + 1 < n; i++)
		if (base[i] == '_' && is_locale(base + i + 1, n - i - 1)) {
			*bundle = arena_strndup(a, base, i);
			*locale = arena_strndup(a, base + i + 1, n - i - 1);
			return;
		}
}

/* Reads \uXXXX at s[i] (s[i] == 'u'); returns the code unit or -1. */
static long read_u(const char *s, size_t n, size_t i)
{
	long v = 0;
	size_t k;

	for (k = 1; k <= 4; k++) {
		int h = i + k < n ? hex_digit_value(s[i + k]) : -1;

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Decodes the escapes of s[0..n) into out (room for n bytes: no escape
 * grows, "\uXXXX" is 6 bytes for at most 4 of UTF-8 and a surrogate pair
 * is 12 for 4). Stops at the first unescaped terminator when key is set
 * and returns where it stopped in *used. Returns the decoded length.
 */
static size_t decode(const char *s, size_t n, bool key, char *out, size_t *used)
{
	size_t i = 0, k = 0;

	while (i < n) {
		char c = s[i];

		if (key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f'))
			break;
		if (c != '\\') {
			out[k++] = c;
			i++;
			continue;
		}
		if (i + 1 >= n) { /* a lone trailing backslash */
			i++;
			break;
		}
		c = s[i + 1];
		i += 2;
		switch (c) {
		case 't': out[k++] = '\t'; break;
		case 'n': out[k++] = '\n'; break;
		case 'r': out[k++] = '\r'; break;
		case 'f': out[k++] = '\f'; break;
		case 'u': {
			long u = read_u(s, n, i - 1), lo;

			if (u < 0) {
				out[k++] = 'u'; /* Java throws; we keep the text */
				break;
			}
			i += 4;
			if (u >= 0xd800 && u <= 0xdbff && i + 1 < n && s[i] == '\\' && s[i + 1] == 'u' &&
			    (lo = read_u(s, n, i + 1)) >= 0xdc00 && lo <= 0xdfff) {
				i += 6;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			}
			/* A lone surrogate becomes U+FFFD (entkit_put_utf8), and so
			 * does NUL, which PostgreSQL text cannot hold. */
			k += entkit_put_utf8(out + k, u == 0 ? 0xfffd : (unsigned long)u);
			break;
		}
		default:
			/* A multi-byte character after "\" is copied whole below. */
			out[k++] = c;
			break;
		}
	}
	if (used)
		*used = i;
	return k;
}

/* True when line s[0..n) ends with an odd number of backslashes. */
static bool continues(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[n - 1 - k] == '\\')
		k++;
	return k % 2 == 1;
}

/* The content of line (1-based) without its line end. */
static void line_span(const struct srcmap *m, int line, const char **s, size_t *n)
{
	size_t a = entkit_line_start(m, line), b = entkit_line_end(m, line);

	while (b > a && (m->buf[b - 1] == '\n' || m->buf[b - 1] == '\r'))
		b--;
	*s = m->buf + a;
	*n = b - a;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f'))
		i++;
	return i;
}

int extract_properties(struct arena *a, const struct extract_options *opt, const char *path, const char *buf,
		       size_t len, struct entity_list *out)
{
	struct srcmap m;
	struct qnset qns = {0};
	const char *bundle, *locale;
	size_t first = out->count;
	int line, comment_first = 0, comment_last = 0;

	srcmap_init(&m, a, buf, len);
	bundle_of(a, path, &bundle, &locale);
	for (line = 1; line <= m.nlines; line++) {
		const char *s;
		size_t n, i, klen, vlen, used, total = 0;
		int last = line;
		char *logical, *key, *value;
		struct entity *e;
		struct jsonw w;

		line_span(&m, line, &s, &n);
		i = skip_ws(s, n, 0);
		if (i == n) {
			comment_first = comment_last = 0;
			continue;
		}
		if (s[i] == '#' || s[i] == '!') {
			if (comment_last != line - 1 || !comment_first)
				comment_first = line;
			comment_last = line;
			continue;
		}
		/* Join the logical line: continuation lines lose their
		 * leading white space and the previous line its backslash. */
		while (continues(s, n) && last < m.nlines) {
			const char *t;
			size_t tn;

			total += n;
			line_span(&m, ++last, &t, &tn);
			s = t;
			n = tn;
		}
		total += n;
		logical = arena_alloc(a, total + 1);
		total = 0;
		{
			int l;

			for (l = line; l <= last; l++) {
				const char *t;
				size_t tn, j;

				line_span(&m, l, &t, &tn);
				j = skip_ws(t, tn, 0);
				if (l < last)
					tn--; /* the continuation backslash */
				if (j < tn) {
					memcpy(logical + total, t + j, tn - j);
					total += tn - j;
				}
			}
		}
		logical[total] = '\0';
		key = arena_alloc(a, total + 1);
		klen = decode(logical, total, true, key, &used);
		key[klen] = '\0';
		i = skip_ws(logical, total, used);
		if (i < total && (logical[i] == '=' || logical[i] == ':'))
			i = skip_ws(logical, total, i + 1);
		value = arena_alloc(a, total - i + 1);
		vlen = decode(logical + i, total - i, false, value, NULL);
		value[vlen] = '\0';
		if (klen == 0) {
			line = last;
			comment_first = comment_last = 0;
			continue;
		}
		e = entkit_entity(&m, a, out, "property", line, last);
		e->name = entkit_strndup_cap(a, key, klen, PROP_NAME_CAP);
		e->qualified_name = qnset_unique(&qns, a, arena_printf(a, "%s:%s", bundle, e->name));
		jsonw_init(&w, a);
		jsonw_obj_open(&w);
		jsonw_key(&w, "key");
		jsonw_strn(&w, key, klen);
		jsonw_key(&w, "value");
		jsonw_strn(&w, value, entkit_cut(value, vlen, PROP_VALUE_CAP));
		if (vlen > PROP_VALUE_CAP) {
			jsonw_key(&w, "value_truncated");
			jsonw_bool(&w, true);
		}
		jsonw_kv_str(&w, "bundle", bundle);
		if (locale)
			jsonw_kv_str(&w, "locale", locale);
		if (comment_first && comment_last == line - 1) {
			size_t cs = entkit_line_start(&m, comment_first), ce = entkit_line_start(&m, line);

			jsonw_kv_str(&w, "comment",
				     entkit_strndup_cap(a, buf + cs, ce - cs, PROP_COMMENT_CAP));
		}
		jsonw_obj_close(&w);
		e->metadata = jsonw_finish(&w);
		comment_first = comment_last = 0;
		line = last;
	}
	/* A file of comments only is still worth finding. */
	if (out->count == first || !entkit_finish(&m, a, out, first))
		return extract_windows(a, opt, path, buf, len, out);
	return 0;
}
