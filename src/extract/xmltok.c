/*
 * xmltok.c - a forgiving pull tokenizer for XML (see xmltok.h).
 */
#include "config.h"

#include <string.h>

#include "extract/entkit.h"
#include "extract/xmltok.h"
#include "util/arena.h"

void xmltok_init(struct xmltok *t, const char *buf, size_t len, size_t pos)
{
	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->len = len;
	t->pos = pos;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Name characters: ASCII letters, digits, "_:.-" and every non-ASCII byte. */
static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Offset just after the first occurrence of pat at or after from, or len. */
static size_t find_after(const struct xmltok *t, size_t from, const char *pat)
{
	size_t plen = strlen(pat);
	const char *p = t->buf + from, *end = t->buf + t->len;

	while (p < end) {
		const char *hit = memchr(p, pat[0], (size_t)(end - p));

		if (!hit || (size_t)(end - hit) < plen)
			break;
		if (memcmp(hit, pat, plen) == 0)
			return (size_t)(hit - t->buf) + plen;
		p = hit + 1;
	}
	return t->len;
}

/* Skips a DOCTYPE (or other <!...>) declaration starting at "<!": quoted
 * strings, an internal subset in [...] with its own comments and
 * declarations, up to the closing ">". */
static size_t skip_decl(const struct xmltok *t, size_t i)
{
	int bracket = 0;

	i += 2;
	while (i < t->len) {
		char c = t->buf[i];

		if (c == '"' || c == '\'') {
			const char *q = memchr(t->buf + i + 1, c, t->len - i - 1);

			i = q ? (size_t)(q - t->buf) + 1 : t->len;
		} else if (c == '<' && i + 3 < t->len && memcmp(t->buf + i, "<!--", 4) == 0) {
			i = find_after(t, i + 4, "-->");
		} else if (c == '<' && i + 1 < t->len && t->buf[i + 1] == '?') {
			i = find_after(t, i + 2, "?>");
		} else if (c == '[') {
			bracket++;
			i++;
		} else if (c == ']') {
			if (bracket > 0)
				bracket--;
			i++;
		} else if (c == '>' && bracket == 0) {
			return i + 1;
		} else {
			i++;
		}
	}
	return t->len;
}

/* Scans a start tag's attributes from i; sets end, selfclose, attrs. */
static void scan_attrs(struct xmltok *t, size_t i)
{
	const char *b = t->buf;

	while (i < t->len) {
		size_t ns, ne, vs = 0, ve = 0;

		while (i < t->len && is_space(b[i]))
			i++;
		if (i >= t->len)
			break;
		if (b[i] == '>') {
			i++;
			goto done;
		}
		if (b[i] == '/' && i + 1 < t->len && b[i + 1] == '>') {
			t->selfclose = true;
			i += 2;
			goto done;
		}
		if (b[i] == '<') /* an unterminated tag: the next one starts */
			goto done;
		if (!is_name_char((unsigned char)b[i]) && b[i] != '@' && b[i] != '[' && b[i] != '(') {
			i++; /* garbage between attributes */
			continue;
		}
		ns = i;
		while (i < t->len && !is_space(b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/' &&
		       b[i] != '<')
			i++;
		ne = i;
		while (i < t->len && is_space(b[i]))
			i++;
		if (i < t->len && b[i] == '=') {
			i++;
			while (i < t->len && is_space(b[i]))
				i++;
			if (i < t->len && (b[i] == '"' || b[i] == '\'')) {
				const char *q = memchr(b + i + 1, b[i], t->len - i - 1);

				vs = i + 1;
				ve = q ? (size_t)(q - b) : t->len;
				i = q ? ve + 1 : t->len;
			} else {
				vs = i;
				while (i < t->len && !is_space(b[i]) && b[i] != '>')
					i++;
				ve = i;
			}
		}
		if (ne == ns) {
			i++;
			continue;
		}
		if (t->nattrs < XMLTOK_MAX_ATTRS) {
			struct xmlattr *at = &t->attrs[t->nattrs++];

			at->name = b + ns;
			at->nlen = ne - ns;
			at->val = b + vs;
			at->vlen = ve - vs;
		}
	}
done:
	t->end = i;
	t->pos = i;
}

enum xmltok_type xmltok_next(struct xmltok *t)
{
	const char *b = t->buf;
	size_t i = t->pos;

	t->name = NULL;
	t->nlen = 0;
	t->selfclose = t->cdata = false;
	t->text = NULL;
	t->tlen = 0;
	t->nattrs = 0;
	t->start = i;
	if (i >= t->len) {
		t->type = XT_EOF;
		t->end = t->len;
		return XT_EOF;
	}
	if (b[i] == '<' && i + 1 < t->len) {
		unsigned char c = (unsigned char)b[i + 1];

		if (c == '!' && i + 3 < t->len && b[i + 2] == '-' && b[i + 3] == '-') {
			t->type = XT_OTHER;
			t->end = t->pos = find_after(t, i + 4, "-->");
			return t->type;
		}
		if (c == '!' && t->len - i >= 9 && memcmp(b + i, "<![CDATA[", 9) == 0) {
			size_t e = find_after(t, i + 9, "]]>");

			t->type = XT_TEXT;
			t->cdata = true;
			t->text = b + i + 9;
			t->tlen =
			    (e >= i + 12 && memcmp(b + e - 3, "]]>", 3) == 0) ? e - 3 - (i + 9) : e - (i + 9);
			t->end = t->pos = e;
			return t->type;
		}
		if (c == '!') {
			t->type = XT_OTHER;
			t->end = t->pos = skip_decl(t, i);
			return t->type;
		}
		if (c == '?') {
			t->type = XT_OTHER;
			t->end = t->pos = find_after(t, i + 2, "?>");
			return t->type;
		}
		if (c == '/' && i + 2 < t->len && is_name_start((unsigned char)b[i + 2])) {
			size_t s = i + 2, e = s;
			const char *gt;

			while (e < t->len && is_name_char((unsigned char)b[e]))
				e++;
			t->type = XT_END;
			t->name = b + s;
			t->nlen = e - s;
			gt = memchr(b + e, '>', t->len - e);
			/* "</a" followed by another tag: do not eat it */
			if (gt) {
				const char *lt = memchr(b + e, '<', (size_t)(gt - (b + e)));

				t->end = lt ? (size_t)(lt - b) : (size_t)(gt - b) + 1;
			} else {
				t->end = t->len;
			}
			t->pos = t->end;
			return t->type;
		}
		if (is_name_start(c)) {
			size_t s = i + 1, e = s;

			while (e < t->len && is_name_char((unsigned char)b[e]))
				e++;
			t->type = XT_START;
			t->name = b + s;
			t->nlen = e - s;
			scan_attrs(t, e);
			return t->type;
		}
	}
	/* Text up to the next "<" (a "<" that starts no markup is text). */
	{
		const char *lt = i + 1 < t->len ? memchr(b + i + 1, '<', t->len - i - 1) : NULL;

		t->type = XT_TEXT;
		t->end = t->pos = lt ? (size_t)(lt - b) : t->len;
		t->text = b + i;
		t->tlen = t->end - i;
	}
	return t->type;
}

static bool name_matches(const char *n, size_t nlen, const char *want)
{
	size_t wl = strlen(want);
	const char *colon;

	if (nlen == wl && memcmp(n, want, wl) == 0)
		return true;
	colon = memchr(n, ':', nlen);
	if (colon) {
		size_t rest = nlen - (size_t)(colon + 1 - n);

		return rest == wl && memcmp(colon + 1, want, wl) == 0;
	}
	return false;
}

char *xmltok_attr(const struct xmltok *t, struct arena *a, const char *name, size_t cap)
{
	size_t i;

	for (i = 0; i < t->nattrs; i++)
		if (t->attrs[i].nlen == strlen(name) && memcmp(t->attrs[i].name, name, t->attrs[i].nlen) == 0)
			return xmltok_decode(a, t->attrs[i].val, t->attrs[i].vlen, cap, true);
	for (i = 0; i < t->nattrs; i++)
		if (name_matches(t->attrs[i].name, t->attrs[i].nlen, name))
			return xmltok_decode(a, t->attrs[i].val, t->attrs[i].vlen, cap, true);
	return NULL;
}

char *xmltok_decode(struct arena *a, const char *s, size_t n, size_t cap, bool trim)
{
	char *out;
	size_t i = 0, k = 0;

	if (trim) {
		while (n > 0 && is_space(s[0])) {
			s++;
			n--;
		}
		while (n > 0 && is_space(s[n - 1]))
			n--;
	}
	/* Decoding never grows the text ("&#1;" is 4 bytes for 1, "&#x10000;"
	 * is 9 for 4, "&#0;" is 4 for the 3 of U+FFFD). */
	out = arena_alloc(a, (n < cap ? n : cap) + 4 + 1);
	while (i < n && k < cap) {
		const char *semi;
		size_t rl;

		if (s[i] != '&') {
			out[k++] = s[i++];
			continue;
		}
		semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
		if (!semi) {
			out[k++] = s[i++];
			continue;
		}
		rl = (size_t)(semi - (s + i)) + 1;
		if (rl == 4 && memcmp(s + i, "&lt;", 4) == 0) {
			out[k++] = '<';
		} else if (rl == 4 && memcmp(s + i, "&gt;", 4) == 0) {
			out[k++] = '>';
		} else if (rl == 5 && memcmp(s + i, "&amp;", 5) == 0) {
			out[k++] = '&';
		} else if (rl == 6 && memcmp(s + i, "&quot;", 6) == 0) {
			out[k++] = '"';
		} else if (rl == 6 && memcmp(s + i, "&apos;", 6) == 0) {
			out[k++] = '\'';
		} else if (rl >= 4 && s[i + 1] == '#') {
			unsigned long cp = 0;
			size_t j = i + 2;
			bool hex = s[j] == 'x' || s[j] == 'X', ok = true;

			if (hex)
				j++;
			if (j >= i + rl - 1)
				ok = false;
			for (; ok && j < i + rl - 1; j++) {
				char c = s[j];
				int d = c >= '0' && c <= '9'	      ? c - '0'
					: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
					: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
								      : -1;

				if (d < 0)
					ok = false;
				else if (cp <= 0x10ffff)
					cp = cp * (hex ? 16 : 10) + (unsigned long)d;
			}
			if (!ok) {
				out[k++] = s[i++];
				continue;
			}
			if (k + 4 > cap)
				break;
			k += entkit_put_utf8(out + k, cp == 0 ? 0xfffd : cp);
		} else {
			out[k++] = s[i++];
			continue;
		}
		i += rl;
	}
	/* A cut at cap must not split a character. */
	k = entkit_complete(out, k);
	out[k] = '\0';
	return out;
}
