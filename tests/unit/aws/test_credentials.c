/* Unit tests for src/aws/credentials.c: parsing, RFC 3339, the provider
 * following file changes and the environment. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/credentials.h"
#include "util/status.h"

static void test_rfc3339(void **state)
{
	time_t t;
	char out[21];

	(void)state;
	assert_int_equal(aws_parse_rfc3339("2015-08-30T12:36:00Z", &t), 0);
	assert_int_equal(t, 1440938160);
	assert_int_equal(aws_parse_rfc3339("2015-08-30T12:36:00.123456Z", &t), 0);
	assert_int_equal(t, 1440938160);
	assert_int_equal(aws_parse_rfc3339("2015-08-30T14:36:00+02:00", &t), 0);
	assert_int_equal(t, 1440938160);
	aws_format_rfc3339(1440938160, out);
	assert_string_equal(out, "2015-08-30T12:36:00Z");
	assert_int_equal(aws_parse_rfc3339("2015-08-30 12:36", &t), -EINVAL);
	assert_int_equal(aws_parse_rfc3339("2015-13-30T12:36:00Z", &t), -EINVAL);
	assert_int_equal(aws_parse_rfc3339("2015-08-30T12:36:00", &t), -EINVAL);
}

static void test_parse(void **state)
{
	struct aws_credentials c;
	char err[256];
	const char *ok = "{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"SECRET\","
			 "\"SessionToken\":\"TOK\",\"Expiration\":\"2030-01-01T00:00:00Z\"}";
	const char *stat = "{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"SECRET\"}";

	(void)state;
	assert_int_equal(aws_credentials_parse_json(ok, strlen(ok), &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKID");
	assert_string_equal(c.secret_access_key, "SECRET");
	assert_string_equal(c.session_token, "TOK");
	assert_int_equal(c.expiration, 1893456000);
	assert_true(aws_credentials_valid(&c, 1893456000 - 601, 600));
	assert_false(aws_credentials_valid(&c, 1893456000 - 599, 600));

	assert_int_equal(aws_credentials_parse_json(stat, strlen(stat), &c, err, sizeof(err)), 0);
	assert_int_equal(c.expiration, 0);
	assert_string_equal(c.session_token, "");
	assert_true(aws_credentials_valid(&c, 2000000000, 600));

	/* half-written, wrong version, missing secret: refused, no secret in the message */
	assert_int_equal(aws_credentials_parse_json(ok, 40, &c, err, sizeof(err)), DX_E_BADJSON);
	{
		const char *v2 = "{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}";
		const char *nosecret = "{\"Version\":1,\"AccessKeyId\":\"A\"}";

		assert_int_equal(aws_credentials_parse_json(v2, strlen(v2), &c, err, sizeof(err)),
				 DX_E_VALIDATION);
		assert_int_equal(aws_credentials_parse_json(nosecret, strlen(nosecret), &c, err, sizeof(err)),
				 DX_E_VALIDATION);
	}
	assert_null(strstr(err, "SECRET"));
	assert_int_equal(c.access_key_id[0], '\0');
}

static void write_file(const char *path, const char *akid, const char *exp)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fprintf(f,
		"{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"s-%s\",\"SessionToken\":\"t-%"
		"s\"%s%s%s}",
		akid, akid, akid, exp ? ",\"Expiration\":\"" : "", exp ? exp : "", exp ? "\"" : "");
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
}

static void test_provider(void **state)
{
	char dir[] = "/tmp/docxp-cred-XXXXXX", path[4096], err[256];
	struct aws_cred_provider *p;
	struct aws_credentials c;

	(void)state;
	unsetenv("AWS_ACCESS_KEY_ID");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/creds.json", dir);

	p = aws_cred_provider_new(path);
	assert_true(aws_cred_provider_get(p, false, &c, err, sizeof(err)) < 0); /* no file yet */

	write_file(path, "AKID1", "2030-01-01T00:00:00Z");
	assert_int_equal(aws_cred_provider_get(p, false, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKID1");
	assert_string_equal(c.session_token, "t-AKID1");
	assert_int_equal(c.expiration, 1893456000);
	assert_non_null(strstr(c.source, "file:"));
	assert_int_equal(aws_cred_provider_generation(p), 1);

	/* a change within the second is seen when forced (expired-token path) */
	write_file(path, "AKID2", NULL);
	assert_int_equal(aws_cred_provider_get(p, true, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKID2");
	assert_int_equal(c.expiration, 0);
	assert_int_equal(aws_cred_provider_generation(p), 2);

	/* a broken file keeps the last good credentials */
	{
		FILE *f = fopen(path, "w");

		fputs("{\"Version\":1,\"AccessKeyId\":", f);
		fclose(f);
	}
	assert_int_equal(aws_cred_provider_get(p, true, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKID2");

	/* the environment comes first, as in the SDKs' chain */
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
	unsetenv("AWS_SESSION_TOKEN");
	assert_int_equal(aws_cred_provider_get(p, false, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "ENVKEY");
	assert_string_equal(c.source, "environment");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");

	aws_cred_provider_free(p);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc3339),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_provider),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
