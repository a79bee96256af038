/*
 * query.c - search query cleaning, words and their parts, glob to regex.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "search/query.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"
#include "util/utf8.h"

/* English words that say nothing about code: left out of prose queries
 * ("sum of the net line totals"), never out of a one-word query. */
static const char *const query_stopwords[] = {
    "a",    "an",   "the", "of",   "to",    "for",   "with", "in",   "on",   "at",
    "by",   "and",  "or",  "is",   "are",   "be",    "its",  "it",   "from", "into",
    "that", "this", "how", "what", "where", "which", "do",   "does", "we",   "i"};

static int query_stopword(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(query_stopwords) / sizeof(query_stopwords[0]); i++)
		if (strlen(query_stopwords[i]) == n && strncasecmp(query_stopwords[i], w, n) == 0)
			return 1;
	return 0;
}

static int query_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Adds a term unless it is there already. */
static void query_term(struct arena *a, struct search_query *q, const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < q->nterms; i++)
		if (strlen(q->terms[i]) == n && memcmp(q->terms[i], s, n) == 0)
			return;
	if (q->nterms >= SEARCH_QUERY_MAX_WORDS * 4)
		return;
	q->terms[q->nterms++] = arena_strndup(a, s, n);
}

/* Appends 'term' as a to_tsquery operand (the characters are word
 * characters only, but quote anyway: the operand is never an operator). */
static void query_operand(struct buf *b, const char *s)
{
	buf_addstr(b, "'");
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_add(b, "\\", 1);
		buf_add(b, s, 1);
	}
	buf_addstr(b, "'");
}

/* The tsquery text all with every operand restricted to weights: the same
 * words, but only in the name (":A") or outside the body (":ABC"). */
static const char *query_weighted(struct arena *a, const char *all, const char *weights)
{
	struct buf b;
	const char *p = all, *out;

	buf_init(&b, 0);
	while (*p) {
		if (*p != '\'') {
			buf_add(&b, p, 1);
			p++;
			continue;
		}
		/* an operand: up to its closing quote (\' and \\ are escaped) */
		buf_add(&b, p++, 1);
		while (*p && *p != '\'') {
			if (*p == '\\' && p[1])
				buf_add(&b, p++, 1);
			buf_add(&b, p++, 1);
		}
		if (*p)
			buf_add(&b, p++, 1);
		buf_addstr(&b, weights);
	}
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}

/* Splits word w (n bytes) into lower-cased parts at '_', '$',
 * lower/digit->upper and UPPER->Upper-lower boundaries (as
 * docxp_code_words does in SQL). Returns the number of parts. */
static size_t query_parts(const char *w, size_t n, char parts[][SEARCH_QUERY_MAX_WORD + 1], size_t maxparts)
{
	size_t i, start = 0, np = 0;

	for (i = 0; i <= n && np < maxparts; i++) {
		int cut = i == n || w[i] == '_' || w[i] == '$';

		if (!cut && i > 0) {
			unsigned char p = (unsigned char)w[i - 1], c = (unsigned char)w[i];
			unsigned char nx = i + 1 < n ? (unsigned char)w[i + 1] : 0;

			cut = ((islower(p) || isdigit(p)) && isupper(c)) ||
			      (isupper(p) && isupper(c) && islower(nx));
		}
		if (!cut)
			continue;
		if (i > start && w[start] != '_' && w[start] != '$') {
			size_t len = i - start, k;

			for (k = 0; k < len; k++)
				parts[np][k] = (char)tolower((unsigned char)w[start + k]);
			parts[np][len] = '\0';
			np++;
		}
		start = (i < n && (w[i] == '_' || w[i] == '$')) ? i + 1 : i;
	}
	return np;
}

int search_query_parse(struct arena *a, const char *raw, size_t len, struct search_query *q, char *errmsg,
		       size_t errlen)
{
	struct buf text, all, any;
	size_t i, nchars = 0, nwords = 0;
	const char *p, *end;
	int rc = 0, skip_stop = 0;

	memset(q, 0, sizeof(*q));
	if (!utf8_valid(raw, len)) {
		snprintf(errmsg, errlen, "the query is not valid UTF-8 text");
		return DX_E_BADREQUEST;
	}
	for (i = 0; i < len; i++)
		nchars += ((unsigned char)raw[i] & 0xc0) != 0x80;
	if (nchars > SEARCH_QUERY_MAX_CHARS) {
		snprintf(errmsg, errlen, "the query has %zu characters; at most %d are allowed", nchars,
			 SEARCH_QUERY_MAX_CHARS);
		return DX_E_BADREQUEST;
	}
	buf_init(&text, len + 1);
	buf_init(&all, 0);
	buf_init(&any, 0);
	/* Control characters go, runs of white space become one space. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c < 0x20 || c == 0x7f || isspace(c)) {
			if (text.len > 0 && text.ptr[text.len - 1] != ' ' && (isspace(c) || c == '\t'))
				buf_add(&text, " ", 1);
			continue;
		}
		/* C1 controls (U+0080..U+009F) are two bytes: 0xc2 0x80..0x9f. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)raw[i + 1] < 0xa0) {
			i++;
			continue;
		}
		buf_add(&text, raw + i, 1);
	}
	while (text.len > 0 && text.ptr[text.len - 1] == ' ')
		text.ptr[--text.len] = '\0';
	if (text.len == 0) {
		snprintf(errmsg, errlen, "the query is empty");
		rc = DX_E_BADREQUEST;
		goto out;
	}
	q->text = arena_strndup(a, text.ptr, text.len);
	q->terms = arena_alloc(a, SEARCH_QUERY_MAX_WORDS * 4 * sizeof(*q->terms));
	q->words = arena_zalloc(a, SEARCH_QUERY_MAX_WORDS * sizeof(*q->words));

	p = q->text;
	end = p + text.len;
	/* Stop words go only when something else is left. */
	{
		const char *s2 = p;
		size_t total = 0, stop = 0;

		while (s2 < end) {
			const char *w;

			if (!query_word_char((unsigned char)*s2)) {
				s2++;
				continue;
			}
			w = s2;
			while (s2 < end && query_word_char((unsigned char)*s2))
				s2++;
			total++;
			stop += query_stopword(w, (size_t)(s2 - w));
		}
		skip_stop = total > 1 && stop < total;
	}
	while (p < end && nwords < SEARCH_QUERY_MAX_WORDS) {
		char whole[SEARCH_QUERY_MAX_WORD + 1], parts[8][SEARCH_QUERY_MAX_WORD + 1];
		const char *s;
		size_t n, wn = 0, np, k;

		if (!query_word_char((unsigned char)*p)) {
			p++;
			continue;
		}
		s = p;
		while (p < end && query_word_char((unsigned char)*p))
			p++;
		n = (size_t)(p - s);
		if (skip_stop && query_stopword(s, n))
			continue;
		if (n > SEARCH_QUERY_MAX_WORD) {
			n = SEARCH_QUERY_MAX_WORD;
			/* never cut a UTF-8 sequence */
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		}
		for (k = 0; k < n; k++)
			if (s[k] != '_' && s[k] != '$')
				whole[wn++] = (char)tolower((unsigned char)s[k]);
		whole[wn] = '\0';
		if (wn == 0)
			continue;
		np = query_parts(s, n, parts, 8);
		buf_addstr(&all, nwords ? " & " : "");
		if (np > 1) {
			buf_addstr(&all, "( ");
			query_operand(&all, whole);
			buf_addstr(&all, " | ( ");
			for (k = 0; k < np; k++) {
				buf_addstr(&all, k ? " & " : "");
				query_operand(&all, parts[k]);
			}
			buf_addstr(&all, " ) )");
		} else {
			query_operand(&all, whole);
		}
		query_term(a, q, whole, wn);
		for (k = 0; k < np; k++)
			query_term(a, q, parts[k], strlen(parts[k]));
		q->words[nwords].whole = arena_strndup(a, whole, wn);
		if (np > 1) {
			q->words[nwords].parts = arena_alloc(a, np * sizeof(char *));
			for (k = 0; k < np; k++)
				q->words[nwords].parts[k] = arena_strdup(a, parts[k]);
			q->words[nwords].nparts = np;
		}
		nwords++;
	}
	q->nwords = nwords;
	if (nwords > 0) {
		for (i = 0; i < q->nterms; i++) {
			buf_addstr(&any, i ? " | " : "");
			query_operand(&any, q->terms[i]);
		}
		q->tsq_all = arena_strndup(a, all.ptr, all.len);
		q->tsq_any = arena_strndup(a, any.ptr, any.len);
		q->tsq_all_named = query_weighted(a, q->tsq_all, ":ABC");
		q->tsq_all_name = query_weighted(a, q->tsq_all, ":A");
	}
	/* One token (an identifier, a path, "edit.jsp"): also matched against
	 * names as a whole, for equality, substrings and typos. */
	if (!strchr(q->text, ' ') && nwords > 0 && text.len <= 200) {
		char *lower = arena_strdup(a, q->text);
		struct buf like;

		for (i = 0; lower[i]; i++)
			lower[i] = (char)tolower((unsigned char)lower[i]);
		q->name = lower;
		buf_init(&like, 0);
		buf_addstr(&like, "%");
		for (i = 0; lower[i]; i++) {
			if (lower[i] == '%' || lower[i] == '_' || lower[i] == '\\')
				buf_add(&like, "\\", 1);
			buf_add(&like, lower + i, 1);
		}
		buf_addstr(&like, "%");
		q->name_like = arena_strndup(a, like.ptr, like.len);
		buf_release(&like);
	}
out:
	buf_release(&text);
	buf_release(&all);
	buf_release(&any);
	return rc;
}

const char *search_like_prefix(struct arena *a, const char *prefix)
{
	size_t n = strlen(prefix), i, o = 0;
	char *out = arena_alloc(a, 2 * n + 2);

	for (i = 0; i < n; i++) {
		if (prefix[i] == '%' || prefix[i] == '_' || prefix[i] == '\\')
			out[o++] = '\\';
		out[o++] = prefix[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}

const char *search_glob_regex(struct arena *a, const char *glob)
{
	struct buf b;
	const char *p = glob;
	char *out;

	buf_init(&b, 0);
	buf_addstr(&b, strchr(glob, '/') ? "^" : "^(.*/)?");
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			/* Two stars then a slash: any number of leading segments;
			 * elsewhere (a trailing slash-star-star): anything. */
			if (p[2] == '/') {
				buf_addstr(&b, "(.*/)?");
				p += 3;
			} else {
				buf_addstr(&b, ".*");
				p += 2;
			}
			continue;
		}
		switch (*p) {
		case '*': buf_addstr(&b, "[^/]*"); break;
		case '?': buf_addstr(&b, "[^/]"); break;
		case '[': {
			const char *close = strchr(p + 1, ']');

			if (!close) {
				buf_addstr(&b, "\\[");
				break;
			}
			buf_addstr(&b, "[");
			p++;
			if (*p == '!' || *p == '^') {
				buf_addstr(&b, "^");
				p++;
			}
			for (; p < close; p++) {
				if (*p == '\\')
					buf_addstr(&b, "\\");
				buf_add(&b, p, 1);
			}
			buf_addstr(&b, "]");
			break;
		}
		default:
			if (strchr("\\.^$|()+{}", *p))
				buf_addstr(&b, "\\");
			buf_add(&b, p, 1);
		}
		p++;
	}
	/* A pattern ending in '/' selects directories: everything below. */
	buf_addstr(&b, glob[0] && glob[strlen(glob) - 1] == '/' ? ".*$" : "$");
	out = arena_strndup(a, b.ptr, b.len);
	buf_release(&b);
	return out;
}
