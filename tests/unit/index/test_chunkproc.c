/* Unit tests for src/index/chunkproc.c: classification and decoding of files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/chunkproc.h"
#include "index/codewords.h"
#include "util/arena.h"
#include "util/buf.h"

static char root[256];

static void put(const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(data, 1, len, f);
	fclose(f);
}

static int setup(void **state)
{
	char *real;

	(void)state;
	strcpy(root, "/tmp/docxp-chunkproc-XXXXXX");
	assert_non_null(mkdtemp(root));
	/* /tmp may itself be a symlink: work with the real path, like the worker. */
	real = realpath(root, NULL);
	snprintf(root, sizeof(root), "%s", real);
	free(real);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct extract_options xopt = {60, 10, 0, 0};

static void test_text_file(void **state)
{
	struct arena *a = arena_new();
	struct file_result r;
	const char *text = "first line\n\nthird line\nlast line\n";
	const char *java = "package a;\n\npublic class A {\n}\n";

	(void)state;
	put("notes.txt", text, strlen(text));
	chunkproc_file(a, &xopt, root, "notes.txt", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_PROCESSED);
	assert_string_equal(r.language, "text");
	assert_int_equal(r.size, (int64_t)strlen(text));
	assert_int_equal(r.lines, 4);
	assert_int_equal(strlen(r.sha256), 64);
	assert_int_equal(r.entities.count, 1);
	assert_string_equal(r.entities.items[0].text, text);

	/* Java goes through its own extractor: the class is an entity. */
	put("A.java", java, strlen(java));
	chunkproc_file(a, &xopt, root, "A.java", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_PROCESSED);
	assert_string_equal(r.language, "java");
	assert_true(r.entities.count >= 1);
	assert_string_equal(r.entities.items[0].kind, "class");
	assert_string_equal(r.entities.items[0].qualified_name, "a.A");

	/* The same content as indexed before: unchanged, not extracted. */
	{
		char sha[65];

		strcpy(sha, r.sha256);
		chunkproc_file(a, &xopt, root, "A.java", 1000, sha, &r);
		assert_int_equal(r.outcome, FILE_UNCHANGED);
		assert_int_equal(r.entities.count, 0);
	}
	arena_free(a);
}

static void test_skips(void **state)
{
	struct arena *a = arena_new();
	struct file_result r;
	char big[2000];
	char link[600];

	(void)state;
	put("bin.dat", "GIF89a\0\0\x01", 9);
	chunkproc_file(a, &xopt, root, "bin.dat", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_SKIPPED);
	assert_string_equal(r.reason, "binary");

	memset(big, 'x', sizeof(big));
	put("big.txt", big, sizeof(big));
	chunkproc_file(a, &xopt, root, "big.txt", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_SKIPPED);
	assert_string_equal(r.reason, "too_large");

	snprintf(link, sizeof(link), "%s/out.txt", root);
	assert_int_equal(symlink("/etc/hostname", link), 0);
	chunkproc_file(a, &xopt, root, "out.txt", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_SKIPPED);
	assert_string_equal(r.reason, "symlink_outside");

	chunkproc_file(a, &xopt, root, "gone.txt", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_FAILED);
	assert_string_equal(r.reason, "read_error");
	assert_non_null(strstr(r.message, "No such file"));
	arena_free(a);
}

static void test_latin1(void **state)
{
	struct arena *a = arena_new();
	struct file_result r;

	(void)state;
	put("msg.properties",
	    "label=Gr\xfc\xdf"
	    "e\n",
	    12);
	chunkproc_file(a, &xopt, root, "msg.properties", 1000, NULL, &r);
	assert_int_equal(r.outcome, FILE_PROCESSED);
	assert_int_equal(r.entities.count, 1);
	assert_string_equal(r.entities.items[0].text, "label=Gr\xc3\xbc\xc3\x9f"
						      "e\n");
	arena_free(a);
}

/* The entity of kind in r (first one). */
static struct entity *entity_of(struct file_result *r, const char *kind)
{
	size_t i;

	for (i = 0; i < r->entities.count; i++)
		if (strcmp(r->entities.items[i].kind, kind) == 0)
			return &r->entities.items[i];
	fail_msg("no %s entity", kind);
	return NULL;
}

/* Whether doc is codewords' document of e with the first len bytes. */
static int doc_is(const struct search_doc *doc, const struct entity *e, size_t len)
{
	struct buf b;
	int same;

	buf_init(&b, 0);
	assert_int_equal(codewords_entity_tsv(NULL, &b, CODEWORDS_BINARY, e->name, e->qualified_name,
					      e->signature, e->javadoc, e->text, len),
			 1);
	same = doc->data && doc->len == b.len && memcmp(doc->data, b.ptr, b.len) == 0;
	buf_release(&b);
	return same;
}

/* Writes Orders.java: a class with twelve methods; note (or NULL) is a
 * comment on its first line. */
static void put_orders(const char *note)
{
	char src[4096];
	size_t n = 0, i;

	n += (size_t)snprintf(src + n, sizeof(src) - n,
			      "package p;\n/** Orders of a customer. */\npublic class Orders { // %s\n",
			      note ? note : "");
	for (i = 0; i < 12; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n,
				      "    int amountOfInvoice%zu(int x) { return x * %zu; }\n", i, i);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "}\n");
	put("Orders.java", src, n);
}

/* A class's keyword document covers its first container_search_chars
 * characters and its metadata says so; its members, short classes and
 * non-ASCII prefixes are left whole; 0 keeps everything. */
static void test_container_search_chars(void **state)
{
	static const struct extract_options cut = {60, 10, 0, 120};
	struct arena *a = arena_new();
	struct file_result r;
	struct entity *cls, *m;

	(void)state;
	put_orders(NULL);
	chunkproc_file(a, &cut, root, "Orders.java", 100000, NULL, &r);
	assert_int_equal(r.outcome, FILE_PROCESSED);
	cls = entity_of(&r, "class");
	assert_true(cls->container && cls->text_len > 120);
	assert_true(doc_is(&r.search_docs[cls - r.entities.items], cls, 120));
	assert_non_null(strstr(cls->metadata, "\"search_chars\":120}"));
	m = entity_of(&r, "method");
	assert_true(doc_is(&r.search_docs[m - r.entities.items], m, m->text_len));
	assert_null(strstr(m->metadata ? m->metadata : "", "search_chars"));

	/* 0: the whole body, no mark */
	chunkproc_file(a, &xopt, root, "Orders.java", 100000, NULL, &r);
	cls = entity_of(&r, "class");
	assert_true(doc_is(&r.search_docs[cls - r.entities.items], cls, cls->text_len));
	assert_null(strstr(cls->metadata ? cls->metadata : "", "search_chars"));

	/* a non-ASCII character in the first 120: left whole (to PostgreSQL) */
	put_orders("caf\xc3\xa9");
	chunkproc_file(a, &cut, root, "Orders.java", 100000, NULL, &r);
	cls = entity_of(&r, "class");
	assert_null(r.search_docs[cls - r.entities.items].data);
	assert_null(strstr(cls->metadata ? cls->metadata : "", "search_chars"));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {

	    cmocka_unit_test(test_text_file),
	    cmocka_unit_test(test_skips),
	    cmocka_unit_test(test_latin1),
	    cmocka_unit_test(test_container_search_chars),
	};

	return cmocka_run_group_tests_name("chunkproc", tests, setup, teardown);
}
