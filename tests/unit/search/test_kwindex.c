/* Unit tests for src/search/kwindex.c: ranks and similarities against
 * figures PostgreSQL 15 computed (ts_rank, pg_trgm's similarity), which
 * entities match (every word, whole or by its parts), the name bonuses,
 * the candidate branches, filters, hostile tsvector texts and queries, and
 * a keyword set held and refreshed by vecindex_use. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search/kwindex.h"
#include "search/query.h"
#include "search/vecindex.h"
#include "util/arena.h"
#include "util/status.h"

/* Parses text into q (arena-owned). */
static void parse(struct arena *a, const char *text, struct search_query *q)
{
	char why[256];

	assert_int_equal(search_query_parse(a, text, strlen(text), q, why, sizeof(why)), 0);
}

static size_t search(const struct kwset *s, const char *text, unsigned branches, const struct vec_filter *f,
		     struct kw_hit *out, size_t k)
{
	struct arena *a = arena_new();
	struct search_query q;
	size_t n;

	parse(a, text, &q);
	n = kwset_search(s, &q, f, branches, k, out);
	arena_free(a);
	return n;
}

static const struct kw_hit *find_hit(const struct kw_hit *h, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h[i].id == id)
			return &h[i];
	return NULL;
}

/* ts_rank('{0.05,0.2,0.4,1.0}', tsv, to_tsquery('simple', any word), 1)
 * as PostgreSQL 15 computed it; name bonuses on top as searchstore.c. */
static void test_rank_matches_postgresql(void **state)
{
	struct kwset *s = kwset_new();
	struct kw_hit h[8];
	const struct kw_hit *x;
	size_t n;

	(void)state;
	/* named neither like the query nor with every word in A-C */
	assert_int_equal(kwset_add(s, 10, "lookup", "method", "java", "src/A.java",
				   "'find':1A,7 'findbyemail':1A 'by':2A 'email':3A,9,12 'user':5B,20C,30"),
			 0);
	assert_int_equal(kwset_add(s, 11, "UserDao", "class", "java", "src/UserDao.java",
				   "'user':5B,20C,30 'dao':6 'x':1"),
			 0);
	assert_int_equal(
	    kwset_add(s, 12, "orders", "table", "sql", "db/s.sql", "'order':1,2,3,4,5,6,7,8,9,10C"), 0);
	kwset_finish(s);
	assert_int_equal(kwset_count(s), 3);
	assert_true(kwset_bytes(s) > 0);

	/* "find by email": every word is there, all in the name (A): +0.3 +0.5 */
	n = search(s, "find by email", KW_BRANCH_TEXT, NULL, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 10);
	assert_true(h[0].all);
	assert_false(h[0].exact);
	/* tsq_any of "find by email" is find | by | email: three operands */
	{
		struct kwset *t = kwset_new();

		kwset_add(t, 1, "zz", "m", "j", "p", "'user':5B,20C,30 'dao':6 'x':1");
		kwset_finish(t);
		/* "user dao zzz" has no entity with every word: rank via NAMES */
		n = search(t, "user dao zzz", KW_BRANCH_NAMES, NULL, h, 8);
		assert_int_equal(n, 0); /* no word in the name (A) */
		kwset_free(t);
	}
	n = search(s, "order", KW_BRANCH_TEXT, NULL, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 12);
	/* 0.048675265 + every word in A-C (C) 0.3; one token "order": no
	 * name equality, similarity('orders', 'order') */
	assert_true(fabs(h[0].score - (0.048675265 + 0.3 + 0.5 * kw_similarity("orders", "order"))) < 1e-5);
	n = search(s, "user dao", KW_BRANCH_TEXT, NULL, h, 8);
	assert_int_equal(n, 1);
	x = find_hit(h, n, 11);
	assert_non_null(x);
	/* ts_rank over 'user' | 'dao' (two operands): PG gives 0.039631903
	 * for three operands of which two match, so x 3/2 here; 'dao' is D
	 * only: no bonus */
	assert_true(fabs(x->score - 0.039631903 * 3.0 / 2.0) < 1e-5);
	kwset_free(s);
}

static void test_rank_all_words_case(void **state)
{
	struct kwset *s = kwset_new();
	struct kw_hit h[4];
	size_t n;

	(void)state;
	kwset_add(s, 1, "x", "m", "j", "p",
		  "'find':1A,7 'findbyemail':1A 'by':2A 'email':3A,9,12 'user':5B,20C,30");
	kwset_finish(s);
	/* one operand set of four: find | by | email | findbyemail */
	n = search(s, "findByEmail", KW_BRANCH_TEXT, NULL, h, 4);
	assert_int_equal(n, 1);
	/* PG: 0.17707273, +0.3 +0.5 (in the name), similarity('x', ...) = 0 */
	assert_true(fabs(h[0].score - (0.17707273 + 0.8)) < 1e-5);
	kwset_free(s);
}

static void test_similarity_matches_pg_trgm(void **state)
{
	(void)state;
	assert_true(fabs(kw_similarity("findbyemial", "findbyemail") - 0.5) < 1e-6);
	assert_true(fabs(kw_similarity("userdao", "user_dao") - 0.54545456) < 1e-6);
	assert_true(fabs(kw_similarity("edit.jsp", "edit") - 0.5555556) < 1e-6);
	assert_true(fabs(kw_similarity("a", "abc") - 0.2) < 1e-6);
	assert_true(fabs(kw_similarity("", "abc")) < 1e-9);
	assert_true(fabs(kw_similarity("...", "...")) < 1e-9);
	assert_true(fabs(kw_similarity("same", "same") - 1.0) < 1e-6);
}

static struct kwset *sample(void)
{
	struct kwset *s = kwset_new();

	/* findByEmail: whole and parts, in the name */
	kwset_add(s, 1, "findByEmail", "method", "java", "src/main/java/a/UserDAO.java",
		  "'find':1A 'findbyemail':1A 'by':2A 'email':3A 'user':5B");
	/* the parts only, in the body */
	kwset_add(s, 2, "lookup", "method", "java", "src/main/java/a/Other.java",
		  "'lookup':1A 'find':4 'by':5 'email':6");
	/* two of three parts */
	kwset_add(s, 3, "findBy", "method", "java", "src/main/java/b/Repo.java",
		  "'find':1A 'findby':1A 'by':2A");
	kwset_add(s, 4, "UserDAO", "class", "java", "src/main/java/a/UserDAO.java",
		  "'user':1A 'userdao':1A 'dao':2A 'findbyemail':9");
	kwset_add(s, 5, "userDao", "field", "java", "src/main/java/a/Service.java",
		  "'user':1A 'userdao':1A 'dao':2A");
	kwset_add(s, 6, "edit.jsp", "jsp_page", "jsp", "src/main/webapp/order/edit.jsp",
		  "'edit':1A 'jsp':2A 'order':5");
	kwset_finish(s);
	return s;
}

static void test_every_word_whole_or_parts(void **state)
{
	struct kwset *s = sample();
	struct kw_hit h[8];
	size_t n;

	(void)state;
	n = search(s, "findByEmail", KW_BRANCH_TEXT, NULL, h, 8);
	/* 1 (whole and parts), 2 (parts), 4 (whole); not 3 (no email) */
	assert_int_equal(n, 3);
	assert_int_equal(h[0].id, 1);
	assert_non_null(find_hit(h, n, 2));
	assert_non_null(find_hit(h, n, 4));
	assert_null(find_hit(h, n, 3));
	n = search(s, "find by email", KW_BRANCH_TEXT, NULL, h, 8);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].id, 1);
	assert_int_equal(h[1].id, 2);
	n = search(s, "find_by_email", KW_BRANCH_TEXT, NULL, h, 8);
	assert_int_equal(h[0].id, 1);
	/* a word no entity has: nothing */
	assert_int_equal(search(s, "find nosuchword", KW_BRANCH_TEXT, NULL, h, 8), 0);
	/* k bounds the answer */
	assert_int_equal(search(s, "findByEmail", KW_BRANCH_TEXT, NULL, h, 1), 1);
	assert_int_equal(h[0].id, 1);
	kwset_free(s);
}

static void test_names_exact_case(void **state)
{
	struct kwset *s = sample();
	struct kw_hit h[8];
	size_t n;

	(void)state;
	/* "UserDAO" as typed: the class (case agrees) before the field */
	n = search(s, "UserDAO", KW_BRANCH_TEXT | KW_BRANCH_EXACT, NULL, h, 8);
	assert_true(n >= 2);
	assert_int_equal(h[0].id, 4);
	assert_true(h[0].exact);
	assert_int_equal(h[1].id, 5);
	assert_true(h[1].exact);
	assert_true(h[0].score - h[1].score > 0.4);
	n = search(s, "userDao", KW_BRANCH_TEXT | KW_BRANCH_EXACT, NULL, h, 8);
	assert_int_equal(h[0].id, 5);
	kwset_free(s);
}

static void test_branches(void **state)
{
	struct kwset *s = sample();
	struct kw_hit h[8];
	size_t n;

	(void)state;
	/* a typo: nothing by words, a similar name */
	assert_int_equal(search(s, "findByEmial", KW_BRANCH_TEXT | KW_BRANCH_EXACT, NULL, h, 8), 0);
	n = search(s, "findByEmial", KW_BRANCH_SIMILAR, NULL, h, 8);
	assert_true(n >= 1);
	assert_non_null(find_hit(h, n, 1)); /* similarity 0.5 */
	assert_false(find_hit(h, n, 1)->all);
	assert_null(find_hit(h, n, 5));
	/* names with any word */
	n = search(s, "email zzz", KW_BRANCH_NAMES, NULL, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 1);
	/* substrings of names (the scan crosses name boundaries safely) */
	n = search(s, "dao", KW_BRANCH_SUBSTRING, NULL, h, 8);
	assert_int_equal(n, 2);
	n = search(s, "it.js", KW_BRANCH_SUBSTRING, NULL, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 6);
	/* tokens under 3 bytes do not scan substrings */
	assert_int_equal(search(s, "da", KW_BRANCH_SUBSTRING, NULL, h, 8), 0);
	/* every branch at once: no entity twice */
	n = search(s, "findByEmail", ~0u, NULL, h, 8);
	{
		size_t i, j;

		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				assert_true(h[i].id != h[j].id);
	}
	kwset_free(s);
}

static void test_filters(void **state)
{
	struct kwset *s = sample();
	struct kw_hit h[8];
	struct vec_filter kind = {NULL, "class", NULL, NULL}, lang = {"jsp", NULL, NULL, NULL};
	struct vec_filter prefix = {NULL, NULL, "src/main/java/a/User", NULL};
	struct vec_filter glob = {NULL, NULL, NULL, "**/Repo.java"}, none = {NULL, "nosuchkind", NULL, NULL};
	size_t n;

	(void)state;
	n = search(s, "findByEmail", KW_BRANCH_TEXT, &kind, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 4);
	assert_int_equal(search(s, "findByEmail", KW_BRANCH_TEXT, &lang, h, 8), 0);
	assert_int_equal(search(s, "order", KW_BRANCH_TEXT, &lang, h, 8), 1);
	n = search(s, "findByEmail", KW_BRANCH_TEXT, &prefix, h, 8);
	assert_int_equal(n, 2); /* 1 and 4, not 2 (a/Other.java) */
	assert_null(find_hit(h, n, 2));
	n = search(s, "find by", KW_BRANCH_TEXT, &glob, h, 8);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 3);
	assert_int_equal(search(s, "findByEmail", ~0u, &none, h, 8), 0);
	kwset_free(s);
}

static void test_hostile(void **state)
{
	struct kwset *s = kwset_new();
	struct kw_hit h[8];
	char *big = malloc(5000), *name = malloc(400);
	struct arena *a = arena_new();
	struct search_query q;
	size_t n;

	(void)state;
	/* tsvector texts that do not parse: the entity stays, without words */
	assert_int_equal(kwset_add(s, 1, "a", "m", "j", "p", "'unterminated"), DX_E_BADREQUEST);
	assert_int_equal(kwset_add(s, 2, "b", "m", "j", "p", "'x':"), DX_E_BADREQUEST);
	assert_int_equal(kwset_add(s, 3, "c", "m", "j", "p", "'x':1Z"), DX_E_BADREQUEST);
	assert_int_equal(kwset_add(s, 4, "d", "m", "j", "p", "noquote"), DX_E_BADREQUEST);
	memset(big, 'q', 4998);
	big[0] = '\'';
	big[4998] = '\'';
	big[4999] = '\0';
	assert_int_equal(kwset_add(s, 5, "e", "m", "j", "p", big), DX_E_BADREQUEST); /* lexeme > 2047 */
	/* quotes and backslashes as tsvector text escapes them */
	assert_int_equal(kwset_add(s, 6, "it's", "m", "j", "p", "'it''s':1A 'a\\\\b':2 'x':1,2,3"), 0);
	/* NULL-ish columns, an empty tsvector, odd names */
	assert_int_equal(kwset_add(s, 7, NULL, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(kwset_add(s, 8, "\xc3\xbc\xc3\xbc\xc3\xbc", "m", "j", "p", ""), 0);
	memset(name, 'z', 399);
	name[399] = '\0';
	assert_int_equal(kwset_add(s, 9, name, "m", "j", "p", "'zz':1A"), 0);
	kwset_finish(s);
	kwset_finish(s); /* twice: harmless */
	assert_int_equal(kwset_count(s), 9);
	n = search(s, "it's", ~0u, NULL, h, 8);
	assert_true(n >= 1);
	assert_non_null(find_hit(h, n, 6));
	assert_int_equal(search(s, "noquote", ~0u, NULL, h, 8), 0);
	/* only punctuation: no words, nothing to look for */
	parse(a, "%%% ;;; '--", &q);
	assert_int_equal(kwset_search(s, &q, NULL, ~0u, 8, h), 0);
	/* k = 0, a long token, an empty set */
	assert_int_equal(search(s, "zz", ~0u, NULL, h, 0), 0);
	n = search(s, name, ~0u, NULL, h, 8);
	assert_true(n <= 8);
	assert_int_equal(search(s, "\xc3\xbc\xc3\xbc\xc3\xbc", ~0u, NULL, h, 8), 1);
	{
		struct kwset *e = kwset_new();

		assert_int_equal(search(e, "anything", ~0u, NULL, h, 8), 0);
		kwset_finish(e);
		assert_int_equal(search(e, "anything", ~0u, NULL, h, 8), 0);
		kwset_free(e);
	}
	/* SQL metacharacters are plain text here */
	assert_int_equal(search(s, "x' OR '1'='1", ~0u, NULL, h, 8) <= 8, 1);
	arena_free(a);
	free(big);
	free(name);
	kwset_free(s);
	kwset_free(NULL);
}

/* ---- held and refreshed by vecindex_use ----------------------------- */

static int generation;
static int loads;

static int load_set(void *arg, size_t max_bytes, void **out, char *errmsg, size_t errlen)
{
	struct kwset *s = kwset_new();

	(void)arg;
	(void)errmsg;
	(void)errlen;
	(void)max_bytes;
	loads++;
	if (generation == 1)
		kwset_add(s, 100, "oldName", "method", "java", "p", "'old':1A 'name':2A 'oldname':1A");
	else
		kwset_add(s, 200, "newName", "method", "java", "p", "'new':1A 'name':2A 'newname':1A");
	kwset_finish(s);
	*out = s;
	return 0;
}

struct use_args {
	const char *text;
	struct kw_hit h[4];
	size_t n;
};

static int use_set(void *arg, const void *set, char *errmsg, size_t errlen)
{
	struct use_args *u = arg;

	(void)errmsg;
	(void)errlen;
	u->n = search(set, u->text, KW_BRANCH_TEXT, NULL, u->h, 4);
	return 0;
}

static void test_refresh(void **state)
{
	struct vecindex *vx = vecindex_new(64 << 20, 0);
	struct vecindex_stats st;
	struct use_args u = {"name", {{0}}, 0};
	char why[256];

	(void)state;
	generation = 1;
	loads = 0;
	assert_int_equal(vecindex_use(vx, 7, "keyword", "sig1", false, &kwset_ops, load_set, NULL, use_set,
				      &u, why, sizeof(why)),
			 0);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.h[0].id, 100);
	/* same signature: held, not reloaded */
	generation = 2;
	assert_int_equal(vecindex_use(vx, 7, "keyword", "sig1", false, &kwset_ops, load_set, NULL, use_set,
				      &u, why, sizeof(why)),
			 0);
	assert_int_equal(u.h[0].id, 100);
	assert_int_equal(loads, 1);
	/* the repository's index changed: reloaded, the old entity gone */
	assert_int_equal(vecindex_use(vx, 7, "keyword", "sig2", false, &kwset_ops, load_set, NULL, use_set,
				      &u, why, sizeof(why)),
			 0);
	assert_int_equal(loads, 2);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.h[0].id, 200);
	vecindex_get_stats(vx, &st);
	assert_int_equal(st.other_sets, 1);
	assert_int_equal(st.other_items, 1);
	assert_true(st.other_bytes > 0);
	assert_int_equal(st.sets, 0);
	vecindex_free(vx);
}

/* ---- set operations and the candidate lists, against references ------- */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* A sorted, duplicate-free list of universe numbers, each present with
 * probability per_mille / 1000; flags[i] says whether i is. */
static size_t rnd_list(uint32_t *out, unsigned char *flags, size_t universe, unsigned per_mille)
{
	size_t i, n = 0;

	for (i = 0; i < universe; i++) {
		flags[i] = rnd() % 1000 < per_mille;
		if (flags[i])
			out[n++] = (uint32_t)i;
	}
	return n;
}

/* Intersections (galloping either way, or merging), unions of two and of
 * many lists of every density mix equal the straightforward set
 * operations on flags. */
static void test_set_ops_match_reference(void **state)
{
	enum { U = 5000, L = 6 };
	static const unsigned dens[] = {0, 1, 5, 30, 200, 700, 1000};
	uint32_t *a = malloc(U * sizeof(uint32_t)), *b = malloc(U * sizeof(uint32_t)),
		 *out = malloc(2 * U * sizeof(uint32_t)), *lists[L];
	unsigned char *fa = malloc(U), *fb = malloc(U), *fl[L];
	uint64_t *bits = calloc(U / 64 + 1, sizeof(uint64_t));
	size_t lens[L], x, y, i, l, round;

	(void)state;
	for (l = 0; l < L; l++) {
		lists[l] = malloc(U * sizeof(uint32_t));
		fl[l] = malloc(U);
	}
	for (x = 0; x < sizeof(dens) / sizeof(dens[0]); x++)
		for (y = 0; y < sizeof(dens) / sizeof(dens[0]); y++)
			for (round = 0; round < 3; round++) {
				size_t na = rnd_list(a, fa, U, dens[x]), nb = rnd_list(b, fb, U, dens[y]), n,
				       o;

				/* a & b, then in place (out = a) */
				n = kw_intersect(a, na, b, nb, out);
				for (i = 0, o = 0; i < U; i++)
					if (fa[i] && fb[i]) {
						assert_true(o < n);
						assert_int_equal(out[o++], i);
					}
				assert_int_equal(o, n);
				assert_int_equal(kw_intersect(b, nb, a, na, b), n);
				assert_memory_equal(b, out, n * sizeof(uint32_t));
				/* a | b */
				nb = rnd_list(b, fb, U, dens[y]);
				n = kw_union(a, na, b, nb, out);
				for (i = 0, o = 0; i < U; i++)
					if (fa[i] || fb[i]) {
						assert_true(o < n);
						assert_int_equal(out[o++], i);
					}
				assert_int_equal(o, n);
				/* a | several lists, by the bitmap */
				for (l = 0; l < L; l++)
					lens[l] =
					    rnd_list(lists[l], fl[l], U, dens[(x + y + l) % 7] / (l + 1));
				n = kw_union_many(a, na, (const uint32_t *const *)lists, lens, L, bits);
				for (i = 0, o = 0; i < U; i++) {
					bool in = fa[i];

					for (l = 0; l < L; l++)
						in = in || fl[l][i];
					if (in) {
						assert_true(o < n);
						assert_int_equal(a[o++], i);
					}
				}
				assert_int_equal(o, n);
				for (i = 0; i < U / 64 + 1; i++)
					assert_true(bits[i] == 0);
			}
	for (l = 0; l < L; l++) {
		free(lists[l]);
		free(fl[l]);
	}
	free(a);
	free(b);
	free(out);
	free(fa);
	free(fb);
	free(bits);
}

/* A filtered search ranks what the same search without the filter ranks,
 * less what the filter drops (the text candidates are filtered early),
 * for queries of rare and common words, whole and by parts. */
static void test_filter_early_same_ranking(void **state)
{
	static const char *words[] = {"the", "of",    "order",	"total",   "find",
				      "by",  "email", "ledger", "quarter", "tax"};
	static const char *queries[] = {"the order total", "find by email of the ledger",
					"findByEmail the", "quarter tax order",
					"the of",	   "orderTotal find",
					"ledger"};
	struct kwset *s = kwset_new();
	struct kw_hit *all = malloc(3000 * sizeof(*all)), got[20];
	struct vec_filter f = {NULL, "method", "src/p1/", NULL};
	size_t i, q, total = 0;

	(void)state;
	for (i = 0; i < 3000; i++) {
		char name[64], tsv[512], path[64];
		const char *w1 = words[rnd() % 10], *w2 = words[rnd() % 10];
		int n = 0;

		snprintf(name, sizeof(name), "%s%u", w1, (unsigned)i);
		snprintf(path, sizeof(path), "src/p%u/F%u.java", (unsigned)(i / 7 % 3), (unsigned)(i / 7));
		/* lexemes sorted: the tsvector text is */
		if (strcmp(w1, w2) < 0)
			n = snprintf(tsv, sizeof(tsv), "'%s':1A '%s':%uB", w1, w2, 2 + rnd() % 5);
		else if (strcmp(w1, w2) > 0)
			n = snprintf(tsv, sizeof(tsv), "'%s':%uC '%s':1A", w2, 2 + rnd() % 5, w1);
		else
			n = snprintf(tsv, sizeof(tsv), "'%s':1A,4", w1);
		if (rnd() % 2)
			snprintf(tsv + n, sizeof(tsv) - (size_t)n, " 'zz':9");
		kwset_add(s, (int64_t)i + 1, name, i % 3 ? "method" : "field", "java", path, tsv);
	}
	kwset_finish(s);
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		size_t na = search(s, queries[q], KW_BRANCH_TEXT | KW_BRANCH_NAMES, NULL, all, 3000), ng,
		       o = 0;

		ng = search(s, queries[q], KW_BRANCH_TEXT | KW_BRANCH_NAMES, &f, got, 20);
		for (i = 0; i < na && o < 20; i++) {
			int64_t d = all[i].id - 1;

			if (d % 3 == 0 || d / 7 % 3 != 1)
				continue;
			assert_true(o < ng);
			assert_int_equal(got[o].id, all[i].id);
			assert_true(got[o].score == all[i].score);
			assert_int_equal(got[o].all, all[i].all);
			o++;
		}
		assert_int_equal(o, ng);
		total += ng;
	}
	assert_true(total > 60); /* not vacuous */
	free(all);
	kwset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rank_matches_postgresql),
	    cmocka_unit_test(test_rank_all_words_case),
	    cmocka_unit_test(test_similarity_matches_pg_trgm),
	    cmocka_unit_test(test_every_word_whole_or_parts),
	    cmocka_unit_test(test_names_exact_case),
	    cmocka_unit_test(test_branches),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_refresh),
	    cmocka_unit_test(test_set_ops_match_reference),
	    cmocka_unit_test(test_filter_early_same_ranking),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	kwindex_cleanup();
	return rc;
}
