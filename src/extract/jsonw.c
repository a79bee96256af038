/*
 * jsonw.c - JSON text writer for entity metadata.
 *
 * Growth doubles into a fresh arena block; the old block stays in the
 * arena until reset, so the total is at most twice the final size.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "extract/jsonw.h"
#include "util/arena.h"

void jsonw_init(struct jsonw *w, struct arena *a)
{
	memset(w, 0, sizeof(*w));
	w->a = a;
	w->cap = 256;
	w->p = arena_alloc(a, w->cap);
	w->p[0] = '\0';
}

static void jsonw_reserve(struct jsonw *w, size_t n)
{
	char *np;
	size_t ncap;

	if (w->len + n + 1 <= w->cap)
		return;
	ncap = w->cap * 2;
	while (ncap < w->len + n + 1)
		ncap *= 2;
	np = arena_alloc(w->a, ncap);
	memcpy(np, w->p, w->len);
	w->p = np;
	w->cap = ncap;
}

static void jsonw_put(struct jsonw *w, const char *s, size_t n)
{
	jsonw_reserve(w, n);
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

/* Before any value: the comma that separates it from its predecessor. */
static void jsonw_value_start(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		jsonw_put(w, ",", 1);
	w->need_comma[w->depth] = true;
}

static void jsonw_open(struct jsonw *w, const char *c)
{
	jsonw_value_start(w);
	jsonw_put(w, c, 1);
	if (w->depth < JSONW_MAX_DEPTH)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void jsonw_close(struct jsonw *w, const char *c)
{
	jsonw_put(w, c, 1);
	if (w->depth > 0)
		w->depth--;
}

void jsonw_obj_open(struct jsonw *w)
{
	jsonw_open(w, "{");
}

void jsonw_obj_close(struct jsonw *w)
{
	jsonw_close(w, "}");
}

void jsonw_arr_open(struct jsonw *w)
{
	jsonw_open(w, "[");
}

void jsonw_arr_close(struct jsonw *w)
{
	jsonw_close(w, "]");
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

void jsonw_escape(struct jsonw *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	jsonw_reserve(w, n + 2);
	while (i < n) {
		unsigned char c = u[i];
		size_t k;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_seq(u + i, n - i);
			if (k) {
				i += k;
				run += k;
				continue;
			}
		}
		/* Flush the plain run, then the escaped character. */
		jsonw_put(w, (const char *)u + i - run, run);
		run = 0;
		if (c >= 0x80) {
			jsonw_put(w, "\xef\xbf\xbd", 3);
		} else if (c == '"') {
			jsonw_put(w, "\\\"", 2);
		} else if (c == '\\') {
			jsonw_put(w, "\\\\", 2);
		} else if (c == '\n') {
			jsonw_put(w, "\\n", 2);
		} else if (c == '\r') {
			jsonw_put(w, "\\r", 2);
		} else if (c == '\t') {
			jsonw_put(w, "\\t", 2);
		} else {
			char esc[8];

			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jsonw_put(w, esc, 6);
		}
		i++;
	}
	jsonw_put(w, (const char *)u + i - run, run);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_value_start(w);
	jsonw_put(w, "\"", 1);
	jsonw_escape(w, key, strlen(key));
	jsonw_put(w, "\":", 2);
	w->after_key = true;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	jsonw_value_start(w);
	jsonw_put(w, "\"", 1);
	jsonw_escape(w, s, n);
	jsonw_put(w, "\"", 1);
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_strn(w, s, strlen(s));
}

void jsonw_int(struct jsonw *w, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lld", v);

	jsonw_value_start(w);
	jsonw_put(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	jsonw_value_start(w);
	jsonw_put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	jsonw_value_start(w);
	jsonw_put(w, "null", 4);
}

void jsonw_kv_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kv_int(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

const char *jsonw_finish(struct jsonw *w)
{
	return w->p;
}
