/*
 * glob.c - gitignore-like path globs.
 *
 * Matching works on two levels: a pattern is a sequence of '/'-separated
 * segments matched against the path's segments, where a "**" segment
 * absorbs any number of path segments; inside one segment "*", "?" and
 * "[...]" work like fnmatch(3) without FNM_PATHNAME trouble. Both levels
 * use the classic greedy matcher with one backtrack point, which keeps the
 * cost at O(pattern * path) even for hostile patterns such as
 * "**\/a/\**\/a/\**\/b" (a recursive matcher would be exponential there).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/glob.h"
#include "util/alloc.h"

#define GLOB_MAX_LEN 512

enum seg_kind {
	SEG_GLOB,     /* an ordinary segment, matched character by character */
	SEG_STARSTAR, /* "**": zero or more path segments */
	SEG_ANY,      /* exactly one path segment, whatever it is */
};

struct seg {
	const char *p;
	size_t len;
	enum seg_kind kind;
};

/*
 * Matches the class starting at p[i] == '[' against c. Returns 1 or 0 and
 * sets *adv to the class's length, or returns -1 when the '[' has no
 * closing ']' in the segment (it is then an ordinary character).
 */
static int class_match(const char *p, size_t pn, size_t i, unsigned char c, size_t *adv)
{
	size_t start = i;
	bool negate = false, matched = false, first = true;

	i++;
	if (i < pn && (p[i] == '!' || p[i] == '^')) {
		negate = true;
		i++;
	}
	while (i < pn) {
		unsigned char lo, hi;

		/* A ']' right after "[" or "[!" is a member, as in fnmatch. */
		if (p[i] == ']' && !first) {
			*adv = i + 1 - start;
			return matched != negate;
		}
		first = false;
		if (p[i] == '\\' && i + 1 < pn)
			i++;
		lo = (unsigned char)p[i++];
		hi = lo;
		if (i + 1 < pn && p[i] == '-' && p[i + 1] != ']') {
			i++;
			if (p[i] == '\\' && i + 1 < pn)
				i++;
			hi = (unsigned char)p[i++];
		}
		if (c >= lo && c <= hi)
			matched = true;
	}
	return -1;
}

/* Matches one pattern token at p[i] against c; *adv is the token's length. */
static bool char_match(const char *p, size_t pn, size_t i, unsigned char c, size_t *adv)
{
	int r;

	switch (p[i]) {
	case '?': *adv = 1; return true;
	case '[':
		r = class_match(p, pn, i, c, adv);
		if (r >= 0)
			return r == 1;
		*adv = 1;
		return c == '[';
	case '\\':
		if (i + 1 < pn) {
			*adv = 2;
			return (unsigned char)p[i + 1] == c;
		}
		*adv = 1;
		return c == '\\';
	default: *adv = 1; return (unsigned char)p[i] == c;
	}
}

/* One segment against one path segment (neither contains '/'). */
static bool seg_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_pi = SIZE_MAX, star_si = 0, adv;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			while (pi < pn && p[pi] == '*')
				pi++;
			star_pi = pi;
			star_si = si;
			continue;
		}
		if (pi < pn && char_match(p, pn, pi, (unsigned char)s[si], &adv)) {
			pi += adv;
			si++;
			continue;
		}
		if (star_pi == SIZE_MAX)
			return false;
		si = ++star_si;
		pi = star_pi;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* Start of the path segment after s, or NULL after the last one. */
static const char *path_next(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash ? slash + 1 : NULL;
}

static bool segs_match(const struct seg *segs, size_t nseg, const char *path)
{
	const char *s = path, *star_s = NULL;
	size_t pi = 0, star_pi = SIZE_MAX;

	while (s) {
		size_t slen = strcspn(s, "/");

		if (pi < nseg && segs[pi].kind == SEG_STARSTAR) {
			star_pi = ++pi;
			star_s = s;
			continue;
		}
		if (pi < nseg && (segs[pi].kind == SEG_ANY || seg_match(segs[pi].p, segs[pi].len, s, slen))) {
			pi++;
			s = path_next(s);
			continue;
		}
		if (star_pi == SIZE_MAX)
			return false;
		star_s = path_next(star_s);
		s = star_s;
		pi = star_pi;
	}
	while (pi < nseg && segs[pi].kind == SEG_STARSTAR)
		pi++;
	return pi == nseg;
}

/* The part of path a pattern without '/' is matched against: its last
 * segment, keeping a trailing '/' so that "build/" can select directories. */
static const char *path_base(const char *path)
{
	size_t n = strlen(path);
	size_t i = n;

	if (i > 0 && path[i - 1] == '/')
		i--;
	while (i > 0 && path[i - 1] != '/')
		i--;
	return path + i;
}

bool glob_match(const char *pattern, const char *path)
{
	struct seg stack_segs[64];
	struct seg *segs = stack_segs;
	size_t nseg = 1, n;
	const char *p, *slash;
	bool ok;

	/* A '/' at the very end does not anchor: "build/" is a base name. */
	n = strlen(pattern);
	slash = memchr(pattern, '/', n > 0 ? n - 1 : 0);
	if (!slash)
		path = path_base(path);

	for (p = pattern; *p; p++)
		if (*p == '/')
			nseg++;
	/* +1: a trailing "**" turns into ANY + STARSTAR. */
	if (nseg + 1 > sizeof(stack_segs) / sizeof(stack_segs[0]))
		segs = xmalloc((nseg + 1) * sizeof(*segs));

	nseg = 0;
	p = pattern;
	for (;;) {
		size_t len = strcspn(p, "/");

		segs[nseg].p = p;
		segs[nseg].len = len;
		segs[nseg].kind = (len == 2 && p[0] == '*' && p[1] == '*') ? SEG_STARSTAR : SEG_GLOB;
		nseg++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	/* gitignore: "a/\**" is everything inside a, but not a itself. */
	if (nseg > 1 && segs[nseg - 1].kind == SEG_STARSTAR && segs[nseg - 2].kind != SEG_STARSTAR) {
		segs[nseg - 1].kind = SEG_ANY;
		segs[nseg].p = segs[nseg - 1].p;
		segs[nseg].len = segs[nseg - 1].len;
		segs[nseg].kind = SEG_STARSTAR;
		nseg++;
	}

	ok = segs_match(segs, nseg, path);
	if (segs != stack_segs)
		free(segs);
	return ok;
}

const char *glob_validate(const char *pattern)
{
	const char *p, *seg;
	size_t n;

	if (!pattern || !*pattern)
		return "pattern is empty";
	n = strlen(pattern);
	if (n > GLOB_MAX_LEN)
		return "pattern is longer than 512 bytes";
	if (pattern[0] == '/')
		return "pattern must be relative";
	for (seg = pattern; seg; seg = path_next(seg)) {
		size_t len = strcspn(seg, "/");

		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return "pattern must not contain a '..' segment";
		for (p = seg; p < seg + len; p++) {
			size_t adv;

			if (*p == '\\' && p + 1 < seg + len) {
				p++;
				continue;
			}
			if (*p == ']')
				continue;
			if (*p == '[') {
				if (class_match(seg, len, (size_t)(p - seg), 0, &adv) < 0)
					return "unbalanced '[' in pattern";
				p += adv - 1;
			}
		}
	}
	return NULL;
}
