/*
 * Unit tests for src/index/codewords.c. The expected values are what
 * PostgreSQL 15's docxp_entity_tsv (sql/002_search.sql) returns for the
 * same arguments (SELECT docxp_entity_tsv(...)::text; long ones as the
 * sha256 of that text). tests/integration/test_search_tsv.py compares
 * every entity of examples/ against the live function.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "index/codewords.h"
#include "util/buf.h"
#include "util/digest.h"

/* The text form of a binary one (tsvectorsend's layout), checking it is
 * well formed the way tsvectorrecv does: sorted lexemes, increasing
 * positions, nothing left over. */
static char *binary_to_text(const unsigned char *p, size_t len)
{
	static const char wchar[4] = {0, 'C', 'B', 'A'};
	const unsigned char *end = p + len, *prev = NULL;
	size_t prevlen = 0;
	uint32_t n, i, k;
	struct buf b;

	buf_init(&b, 0);
	assert_true(len >= 4);
	n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	p += 4;
	for (i = 0; i < n; i++) {
		const unsigned char *lex = p;
		size_t lexlen;
		int npos, last = 0;

		while (p < end && *p)
			p++;
		assert_true(p + 3 <= end);
		lexlen = (size_t)(p - lex);
		if (prev) {
			int r = memcmp(prev, lex, prevlen < lexlen ? prevlen : lexlen);

			assert_true(r < 0 || (r == 0 && prevlen < lexlen));
		}
		prev = lex;
		prevlen = lexlen;
		p++;
		npos = p[0] << 8 | p[1];
		p += 2;
		buf_printf(&b, "%s'%.*s'", i ? " " : "", (int)lexlen, (const char *)lex);
		for (k = 0; k < (uint32_t)npos; k++) {
			int pos;

			assert_true(p + 2 <= end);
			pos = p[0] << 8 | p[1];
			p += 2;
			assert_true((pos & 0x3fff) > last);
			last = pos & 0x3fff;
			buf_printf(&b, "%s%d", k ? "," : ":", pos & 0x3fff);
			if (wchar[pos >> 14])
				buf_printf(&b, "%c", wchar[pos >> 14]);
		}
	}
	assert_true(p == end);
	return buf_detach(&b);
}

/* One scratch for every case of the program, as a worker keeps one for
 * all the entities of a file: whatever came before, the answer is the
 * same as from a fresh one. */
static struct codewords_scratch *shared_scratch;

/* The text form; the binary form must say the same, as must a reused
 * scratch. */
static char *tsv(const char *n, const char *q, const char *s, const char *j, const char *c)
{
	struct buf b, bin, again;
	char *text, *decoded;

	if (!shared_scratch)
		shared_scratch = codewords_scratch_new();
	buf_init(&b, 0);
	buf_init(&bin, 0);
	buf_init(&again, 0);
	assert_int_equal(codewords_entity_tsv(NULL, &b, CODEWORDS_TEXT, n, q, s, j, c, c ? strlen(c) : 0), 1);
	assert_int_equal(codewords_entity_tsv(NULL, &bin, CODEWORDS_BINARY, n, q, s, j, c, c ? strlen(c) : 0),
			 1);
	assert_int_equal(
	    codewords_entity_tsv(shared_scratch, &again, CODEWORDS_BINARY, n, q, s, j, c, c ? strlen(c) : 0),
	    1);
	assert_int_equal(again.len, bin.len);
	assert_memory_equal(again.ptr, bin.ptr, bin.len);
	text = buf_detach(&b);
	decoded = binary_to_text((const unsigned char *)bin.ptr, bin.len);
	assert_string_equal(decoded, text);
	free(decoded);
	buf_release(&bin);
	buf_release(&again);
	return text;
}

static void assert_sha(char *got, const char *hex)
{
	char h[DIGEST_SHA256_HEXLEN + 1];

	digest_sha256_hex(got, strlen(got), h);
	assert_string_equal(h, hex);
	free(got);
}

static void test_java_method(void **state)
{
	char *t;

	(void)state;
	t = tsv("findByEmail", "com.acme.UserRepo#findByEmail(String)",
		"public User findByEmail(String email)", "Finds a user by e-mail.",
		"public User findByEmail(String email) { return repo.find_by_email(email); }");
	assert_string_equal(
	    t, "'a':31C,37C 'acme':6B,16B 'by':3A,20B,26B,33C,39C,54,61 'com':5B,15B 'e':34C,40C "
	       "'email':4A,14B,21B,27B,29B,46,50,55,57,62,63 'find':2A,19B,25B,53,60 "
	       "'findbyemail':1A,8B,12B,44,49 'finds':30C,36C 'mail':35C,41C 'public':10B,23B,42,51 "
	       "'repo':18B,48,59 'return':47,58 'string':9B,13B,22B,28B,45,56 "
	       "'user':11B,17B,24B,32C,38C,43,52 'userrepo':7B");
	free(t);
}

/* camelCase runs, "_" and "$", and the parser's scientific notation
 * ("12e5x" is two tokens). */
static void test_splitting(void **state)
{
	char *t;

	(void)state;
	t = tsv("HTTPServer", NULL, NULL, NULL,
		"12e5x 1e5e5 getHTTPResponseCode a1B2 $jq__x _ABCDef 007e7 x");
	assert_string_equal(t, "'007e7':12,28 '12e5':4,14 '1e5':6,16 'a1':22 'a1b2':9 'abc':26 'abcdef':11 "
			       "'b2':23 'code':21 'def':27 'e5':7,17 'get':18 'gethttpresponsecode':8 "
			       "'http':2A,19 'httpserver':1A 'jq':24 'jqx':10 'response':20 'server':3A "
			       "'x':5,13,15,25,29");
	free(t);
}

/* At most 255 positions per lexeme from one part. */
static void test_position_count_cap(void **state)
{
	char body[1000] = "";
	char *t;
	int i;

	(void)state;
	for (i = 0; i < 300; i++)
		strcat(body, "ab ");
	t = tsv("a", "b", NULL, "", body);
	assert_non_null(strstr(t, "'a':1A,2A 'ab':5,6,"));
	assert_non_null(strstr(t, ",258,259 'b':3B,4B"));
	assert_null(strstr(t, ",260"));
	free(t);
}

/* Positions past 16383 and the shift of "||". */
static void test_long_body(void **state)
{
	struct buf body;
	int i;

	(void)state;
	buf_init(&body, 0);
	for (i = 1; i <= 20000; i++)
		buf_printf(&body, "%st%d a", i > 1 ? " " : "", i % 50);
	assert_sha(tsv("w", "x y", "z", "doc", buf_str(&body)),
		   "459082f3cdd4864ee1091722a2cde9c981e4a3db3672e0f7a5256c7fd7902245");
	buf_release(&body);
}

/* Words of 2048 bytes and more are dropped; bodies are cut at 100,000. */
static void test_long_words(void **state)
{
	char *q = malloc(2048), *r = malloc(2049);
	struct buf body;
	int i;

	(void)state;
	memset(q, 'q', 2047);
	q[2047] = '\0';
	memset(r, 'r', 2048);
	r[2048] = '\0';
	buf_init(&body, 0);
	for (i = 0; i < 30000; i++)
		buf_addstr(&body, "abc ");
	assert_sha(tsv("n", q, r, "x", buf_str(&body)),
		   "bab60d7f3b1b5f22a007cff0362814af9605175e610a0fa70f26779c1119ba56");
	buf_release(&body);
	free(q);
	free(r);
}

static void test_empty_and_non_ascii(void **state)
{
	struct buf b;
	char *t;

	(void)state;
	t = tsv("", NULL, NULL, NULL, NULL);
	assert_string_equal(t, "");
	free(t);
	buf_init(&b, 0);
	/* PostgreSQL's locale decides about non-ASCII letters: not modelled. */
	assert_int_equal(
	    codewords_entity_tsv(NULL, &b, CODEWORDS_TEXT, "caf\xc3\xa9", NULL, NULL, NULL, "x", 1), 0);
	assert_int_equal(
	    codewords_entity_tsv(NULL, &b, CODEWORDS_TEXT, "x", NULL, NULL, "d\xc3\xa9j\xc3\xa0", "x", 1), 0);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_java_method),	       cmocka_unit_test(test_splitting),
	    cmocka_unit_test(test_position_count_cap), cmocka_unit_test(test_long_body),
	    cmocka_unit_test(test_long_words),	       cmocka_unit_test(test_empty_and_non_ascii),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	codewords_scratch_free(shared_scratch);
	return rc;
}
