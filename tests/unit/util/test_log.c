/* Unit tests for src/util/log.c: line format, global and per-subsystem levels. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/log.h"

/* Runs fn with stderr sent to a temporary file; returns what was written. */
static char *capture(void (*fn)(void))
{
	static char out[8192];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	assert_int_equal(dup2(fileno(tmp), 2), 2);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static void emit_mixed(void)
{
	log_msg_at("../src/http/server.c", LOG_DEBUG, "http debug | req=%d", 1);
	log_msg_at("../src/http/server.c", LOG_INFO, "http info");
	log_msg_at("src/aws/bedrock.c", LOG_INFO, "aws info");
	log_msg_at("src/aws/bedrock.c", LOG_NOTICE, "aws notice");
	log_msg_at("src/store/db.c", LOG_INFO, "store info");
	log_msg_at("src/store/db.c", LOG_DEBUG, "store debug");
	log_msg_at("nodir.c", LOG_INFO, "nodir info");
}

static void test_line_format(void **state)
{
	char *out;

	(void)state;
	log_set_level(LOG_INFO);
	assert_int_equal(log_set_subsystem_levels("", NULL, 0), 0);
	out = capture(emit_mixed);
	assert_string_equal(out, "<6>http info\n<6>aws info\n<5>aws notice\n<6>store info\n<6>nodir info\n");
}

static void emit_newline(void)
{
	log_info("two\nlines\rhere");
}

static void test_newlines_flattened(void **state)
{
	(void)state;
	log_set_level(LOG_INFO);
	assert_string_equal(capture(emit_newline), "<6>two lines here\n");
}

static void test_subsystem_levels(void **state)
{
	char why[256];
	char *out;

	(void)state;
	log_set_level(LOG_INFO);
	assert_int_equal(log_set_subsystem_levels(" http = debug , aws=warning", why, sizeof(why)), 0);
	out = capture(emit_mixed);
	assert_string_equal(out, "<7>http debug | req=1\n<6>http info\n<6>store info\n<6>nodir info\n");
	assert_true(log_enabled_at("../src/http/request.c", LOG_DEBUG));
	assert_false(log_enabled_at("../src/store/db.c", LOG_DEBUG));
	/* This file's own subsystem is the directory it is in ("util"). */
	assert_int_equal(log_set_subsystem_levels("util=error", why, sizeof(why)), 0);
	assert_false(log_enabled_at(__FILE__, LOG_WARNING));
	assert_true(log_enabled_at(__FILE__, LOG_ERR));
	assert_int_equal(log_set_subsystem_levels("", why, sizeof(why)), 0);
}

static void test_bad_specs(void **state)
{
	static const char *bad[] = {
	    "http",
	    "nosuch=debug",
	    "http=loud",
	    "=debug",
	    "http=",
	    "htt=debug",
	    "httpx=info",
	    "http=debug,aws",
	    "api=info,aws=info,client=info,cmd=info,embed=info,extract=info,http=info,index=info,queue=info,"
	    "search=info,store=info,util=info,api=info,aws=info,client=info,cmd=info,embed=info",
	};
	char why[256];
	size_t i;

	(void)state;
	assert_int_equal(log_set_subsystem_levels("http=debug", why, sizeof(why)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (log_set_subsystem_levels(bad[i], why, sizeof(why)) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(why[0] != '\0');
	}
	assert_non_null(strstr(why, "more than 16"));
	assert_int_equal(log_set_subsystem_levels("http=debug, nosuch=info", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "unknown subsystem 'nosuch'"));
	/* A refused spec keeps the levels in force. */
	assert_true(log_enabled_at("src/http/server.c", LOG_DEBUG));
	assert_int_equal(log_set_subsystem_levels(NULL, why, sizeof(why)), 0);
	assert_false(log_enabled_at("src/http/server.c", LOG_DEBUG));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_format),
	    cmocka_unit_test(test_newlines_flattened),
	    cmocka_unit_test(test_subsystem_levels),
	    cmocka_unit_test(test_bad_specs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
