/* Unit tests for src/util/conf.c: defaults, file, environment, errors. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/conf.h"
#include "util/status.h"

static char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	strcpy(path, "/tmp/docxp-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_defaults(void **state)
{
	struct conf cfg;

	(void)state;
	unsetenv("INDEXING_CHUNK_SIZE");
	assert_int_equal(conf_load(&cfg, "/dev/null"), 0);
	assert_int_equal(cfg.chunk_size, 25);
	assert_int_equal(cfg.max_retries, 3);
	assert_string_equal(cfg.embedding_provider, "local");
	assert_int_equal(cfg.api_max_body_bytes, 1L << 20);
	assert_int_equal(cfg.api_socket_mode, 0660);
	conf_release(&cfg);
}

static void test_file_values(void **state)
{
	struct conf cfg;
	char *p = write_tmp("# comment\n[indexing]\nchunk_size = 10\nmax_file_bytes = 4k\n"
			    "[api]\nsocket_mode=0666\n; other comment\n[embedding]\nprovider = bedrock\n");

	(void)state;
	assert_int_equal(conf_load(&cfg, p), 0);
	assert_int_equal(cfg.chunk_size, 10);
	assert_int_equal(cfg.max_file_bytes, 4096);
	assert_int_equal(cfg.api_socket_mode, 0666);
	assert_string_equal(cfg.embedding_provider, "bedrock");
	conf_release(&cfg);
	unlink(p);
}

static void expect_error(const char *text, const char *needle)
{
	struct conf cfg;
	char *p = write_tmp(text);

	assert_int_equal(conf_load(&cfg, p), DX_E_CONFIG);
	if (!strstr(cfg.errmsg, needle))
		fail_msg("error '%s' does not mention '%s'", cfg.errmsg, needle);
	conf_release(&cfg);
	unlink(p);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[indexing]\nchunk_sise = 3\n", "unknown key 'chunk_sise'");
	expect_error("[nosuch]\n", "unknown section [nosuch]");
	expect_error("[indexing]\nchunk_size = 0\n", "out of range");
	expect_error("[indexing]\nchunk_size = ten\n", "not a number");
	expect_error("[indexing]\nmax_file_bytes = 3x\n", "not a size");
	expect_error("[embedding]\nprovider = openai\n", "must be one of");
	expect_error("chunk_size = 3\n", "outside of a section");
	expect_error("[indexing]\nchunk_size\n", "expected 'key = value'");
	expect_error("[indexing]\nwindow_lines = 10\nwindow_overlap = 10\n", "must be smaller");
}

static void test_missing_explicit_file(void **state)
{
	struct conf cfg;

	(void)state;
	assert_int_equal(conf_load(&cfg, "/nonexistent/docxp.conf"), DX_E_CONFIG);
	assert_non_null(strstr(cfg.errmsg, "could not open"));
	conf_release(&cfg);
}

static void test_environment(void **state)
{
	struct conf cfg;
	char *p = write_tmp("[indexing]\nchunk_size = 10\nmax_retries = 4\n");

	(void)state;
	setenv("INDEXING_CHUNK_SIZE", "7", 1);
	setenv("DOCXP_INDEXING_MAX_RETRIES", "9", 1);
	setenv("BEDROCK_EMBED_MODEL_ID", "amazon.titan-embed-text-v2:0", 1);
	setenv("AWS_REGION", "eu-west-1", 1);
	assert_int_equal(conf_load(&cfg, p), 0);
	assert_int_equal(cfg.chunk_size, 7);
	assert_int_equal(cfg.max_retries, 9);
	assert_string_equal(cfg.aws_region, "eu-west-1");
	conf_release(&cfg);

	/* docxp's own name wins over the legacy one */
	setenv("DOCXP_INDEXING_CHUNK_SIZE", "5", 1);
	assert_int_equal(conf_load(&cfg, p), 0);
	assert_int_equal(cfg.chunk_size, 5);
	conf_release(&cfg);

	setenv("MAX_CONCURRENT_CHUNKS", "-1", 1);
	assert_int_equal(conf_load(&cfg, p), DX_E_CONFIG);
	assert_non_null(strstr(cfg.errmsg, "MAX_CONCURRENT_CHUNKS"));
	conf_release(&cfg);
	unsetenv("MAX_CONCURRENT_CHUNKS");
	unsetenv("DOCXP_INDEXING_CHUNK_SIZE");
	unsetenv("INDEXING_CHUNK_SIZE");
	unsetenv("DOCXP_INDEXING_MAX_RETRIES");
	unsetenv("AWS_REGION");
	unsetenv("BEDROCK_EMBED_MODEL_ID");
	unlink(p);
}

static void test_dump_hides_secrets(void **state)
{
	struct conf cfg;
	char *p = write_tmp("[redis]\npassword = hunter2\n[database]\nuri = postgresql://u:pw@h/db\n");
	char out[8192] = "";
	FILE *f;

	(void)state;
	assert_int_equal(conf_load(&cfg, p), 0);
	f = fmemopen(out, sizeof(out) - 1, "w");
	conf_dump(&cfg, f);
	fclose(f);
	assert_null(strstr(out, "hunter2"));
	assert_null(strstr(out, "pw@h"));
	assert_non_null(strstr(out, "redis.password = (set)"));
	conf_release(&cfg);
	unlink(p);
}

static void test_secret_permissions(void **state)
{
	struct conf cfg;
	char *p = write_tmp("[database]\nuri = postgresql://u:pw@h/db\n");

	(void)state;
	chmod(p, 0644);
	assert_int_equal(conf_load(&cfg, p), DX_E_CONFIG);
	assert_non_null(strstr(cfg.errmsg, "readable by every user"));
	conf_release(&cfg);
	chmod(p, 0640);
	assert_int_equal(conf_load(&cfg, p), 0);
	conf_release(&cfg);
	unlink(p);
	/* no secret: world-readable is fine */
	p = write_tmp("[database]\nuri = postgresql://u@h/db\n");
	chmod(p, 0644);
	assert_int_equal(conf_load(&cfg, p), 0);
	conf_release(&cfg);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_file_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_missing_explicit_file),
	    cmocka_unit_test(test_environment),
	    cmocka_unit_test(test_dump_hides_secrets),
	    cmocka_unit_test(test_secret_permissions),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
