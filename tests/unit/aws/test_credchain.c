/* Unit tests for the credential chain's pure parts: the shared AWS files
 * (src/aws/awsini.c), STS XML answers (src/aws/sts.c), container and
 * instance metadata JSON, the source order and the fall-through with
 * reasons (src/aws/credchain.c, no network: the sources that would need
 * one are left out or unconfigured), and the state file writer
 * (src/aws/credfile.c). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/awsini.h"
#include "aws/credchain.h"
#include "aws/credentials.h"
#include "aws/credfile.h"
#include "aws/sts.h"
#include "util/status.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/docxp-credchain-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text, char *path, size_t pathlen)
{
	FILE *f;

	snprintf(path, pathlen, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void clear_aws_env(void)
{
	static const char *const vars[] = {"AWS_ACCESS_KEY_ID",
					   "AWS_SECRET_ACCESS_KEY",
					   "AWS_SESSION_TOKEN",
					   "AWS_PROFILE",
					   "AWS_SHARED_CREDENTIALS_FILE",
					   "AWS_CONFIG_FILE",
					   "AWS_WEB_IDENTITY_TOKEN_FILE",
					   "AWS_ROLE_ARN",
					   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
					   "AWS_CONTAINER_CREDENTIALS_FULL_URI",
					   "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	setenv("HOME", tmpdir, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

/* ---- awsini ---------------------------------------------------------------- */

static void test_ini_credentials_vs_config(void **state)
{
	const char *creds =
	    "# comment\n[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key=SEC#RET  # note\n"
	    "\n[dev]\r\naws_access_key_id = AKIDDEV\r\n[profile odd]\nx = 1\n";
	const char *config =
	    "[default]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n"
	    "[profile dev]\nrole_arn = arn:aws:iam::1:role/r\ns3 =\n  max_concurrent_requests = 5\n"
	    "[prod]\naws_access_key_id = IGNORED\n[sso-session s]\nsso_region = x\n";
	struct awsini *ini = awsini_new();
	char err[256];

	(void)state;
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, creds, strlen(creds), err, sizeof(err)), 0);
	assert_int_equal(awsini_add(ini, AWSINI_CONFIG, config, strlen(config), err, sizeof(err)), 0);
	/* credentials file wins over config for the same key */
	assert_string_equal(awsini_get(ini, "default", "aws_access_key_id"), "AKIDDEF");
	/* '#' without white space before it is part of the value */
	assert_string_equal(awsini_get(ini, "default", "aws_secret_access_key"), "SEC#RET");
	assert_string_equal(awsini_get(ini, "default", "region"), "eu-west-1");
	/* [profile dev] in config merges with [dev] in credentials */
	assert_string_equal(awsini_get(ini, "dev", "aws_access_key_id"), "AKIDDEV");
	assert_string_equal(awsini_get(ini, "dev", "role_arn"), "arn:aws:iam::1:role/r");
	/* nested values are skipped */
	assert_null(awsini_get(ini, "dev", "max_concurrent_requests"));
	/* a bare [prod] in config and [sso-session] are no profiles */
	assert_false(awsini_has_profile(ini, "prod"));
	assert_false(awsini_has_profile(ini, "s"));
	/* "[profile odd]" in the credentials file is the profile "profile odd" */
	assert_true(awsini_has_profile(ini, "profile odd"));
	assert_false(awsini_has_profile(ini, "odd"));
	awsini_free(ini);
}

static void test_ini_hostile(void **state)
{
	struct awsini *ini = awsini_new();
	char err[256], *big;
	size_t i, n = AWSINI_MAX_BYTES + 10;

	(void)state;
	assert_int_equal(awsini_add(ini, AWSINI_CONFIG, "[default\nx=1\n", 12, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_non_null(strstr(err, "line 1"));
	assert_int_equal(awsini_add(ini, AWSINI_CONFIG, "x = 1\n", 6, err, sizeof(err)), DX_E_VALIDATION);
	assert_non_null(strstr(err, "outside"));
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, "[a]\njunk\n", 9, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, "[a]\n= v\n", 8, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, "[a]\nk=\0v\n", 9, err, sizeof(err)),
			 DX_E_VALIDATION);
	big = malloc(n);
	assert_non_null(big);
	memset(big, '#', n);
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, big, n, err, sizeof(err)), DX_E_TOOLARGE);
	/* too many entries */
	for (i = 0; i + 8 < AWSINI_MAX_BYTES; i += 8)
		memcpy(big + i, "[a]\nk=v\n", 8);
	for (i = 0; i < 12000; i++) {
		char line[32];
		int w = snprintf(line, sizeof(line), "k%zu=v\n", i);

		memcpy(big + 4 + (size_t)i * 12, line, (size_t)w);
		memset(big + 4 + (size_t)i * 12 + w, ' ', (size_t)(12 - w));
		big[4 + (size_t)i * 12 + 11] = '\n';
	}
	assert_int_equal(awsini_add(ini, AWSINI_CREDENTIALS, big, 4 + 12000 * 12, err, sizeof(err)),
			 DX_E_TOOLARGE);
	free(big);
	awsini_free(ini);
	ini = awsini_new();
	assert_int_equal(awsini_load(ini, AWSINI_CONFIG, "/nonexistent/config", err, sizeof(err)), -ENOENT);
	awsini_free(ini);
}

/* ---- STS XML ------------------------------------------------------------------ */

static const char assume_ok[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleResult>\n"
    "    <SourceIdentity>Alice</SourceIdentity>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
    "      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764&amp;x</SessionToken>\n"
    "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
    "    </Credentials>\n"
    "    <PackedPolicySize>6</PackedPolicySize>\n"
    "  </AssumeRoleResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

static void test_sts_parse(void **state)
{
	struct aws_credentials c;
	char err[512], *xml;
	const char *errxml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
			     "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
			     "    <Message>User: arn:aws:iam::1:user/x is not authorized to perform: "
			     "sts:AssumeRole on resource: arn:aws:iam::1:role/r &amp; more</Message>\n"
			     "  </Error>\n  <RequestId>x</RequestId>\n</ErrorResponse>\n";
	const char *web =
	    "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
	    "<Credentials><SessionToken>T</SessionToken><SecretAccessKey>S</SecretAccessKey>"
	    "<Expiration>2030-01-01T00:00:00.000Z</Expiration><AccessKeyId>A</AccessKeyId>"
	    "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
	size_t n;

	(void)state;
	assert_int_equal(
	    sts_parse_credentials(assume_ok, strlen(assume_ok), "AssumeRole", &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_string_equal(c.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764&x");
	assert_int_equal(c.expiration, 1573306481);
	assert_int_equal(
	    sts_parse_credentials(web, strlen(web), "AssumeRoleWithWebIdentity", &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "A");
	/* the wrong action's answer */
	assert_int_equal(sts_parse_credentials(web, strlen(web), "AssumeRole", &c, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_int_equal(sts_parse_credentials(errxml, strlen(errxml), "AssumeRole", &c, err, sizeof(err)),
			 DX_E_UNAUTHORIZED);
	assert_non_null(strstr(err, "AccessDenied: User: arn:aws:iam::1:user/x is not authorized"));
	assert_non_null(strstr(err, "& more"));
	/* hostile: truncated anywhere before the result is complete,
	 * garbage, huge */
	for (n = 0; n < (size_t)(strstr(assume_ok, "</AssumeRoleResult>") - assume_ok); n++) {
		int rc = sts_parse_credentials(assume_ok, n, "AssumeRole", &c, err, sizeof(err));

		assert_true(rc == DX_E_VALIDATION);
		assert_string_equal(c.access_key_id, "");
	}
	assert_int_equal(sts_parse_credentials("<<<>>>&&&<", 10, "AssumeRole", &c, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_int_equal(sts_parse_credentials("", 0, "AssumeRole", &c, err, sizeof(err)), DX_E_VALIDATION);
	xml = malloc(STS_MAX_ANSWER + 2);
	assert_non_null(xml);
	memset(xml, '<', STS_MAX_ANSWER + 1);
	assert_int_equal(sts_parse_credentials(xml, STS_MAX_ANSWER + 1, "AssumeRole", &c, err, sizeof(err)),
			 DX_E_TOOLARGE);
	/* a token too long for the struct */
	n = (size_t)snprintf(xml, STS_MAX_ANSWER,
			     "<AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
			     "<SecretAccessKey>S</SecretAccessKey><SessionToken>");
	memset(xml + n, 'x', 5000);
	n += 5000;
	n += (size_t)snprintf(xml + n, STS_MAX_ANSWER - n,
			      "</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
			      "</AssumeRoleResult>");
	assert_int_equal(sts_parse_credentials(xml, n, "AssumeRole", &c, err, sizeof(err)), DX_E_VALIDATION);
	assert_null(strstr(err, "xxxx"));
	free(xml);
	/* a bad expiration */
	{
		const char *bad =
		    "<AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S"
		    "</SecretAccessKey><SessionToken>T</SessionToken><Expiration>tomorrow</Expiration>"
		    "</Credentials></AssumeRoleResult>";

		assert_int_equal(sts_parse_credentials(bad, strlen(bad), "AssumeRole", &c, err, sizeof(err)),
				 DX_E_VALIDATION);
	}
}

static void test_xml_text(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(sts_xml_text("<a x=\"1\">&lt;&#65;&#x42;&gt;</a>", 32, "a", out, sizeof(out)), 0);
	assert_string_equal(out, "<AB>");
	assert_int_equal(sts_xml_text("<ab>1</ab><a>2</a>", 18, "a", out, sizeof(out)), 0);
	assert_string_equal(out, "2");
	assert_int_equal(sts_xml_text("<a>12345678901234567890</a>", 27, "a", out, sizeof(out)),
			 DX_E_TOOLARGE);
	assert_int_equal(sts_xml_text("<a>open", 7, "a", out, sizeof(out)), -ENOENT);
	assert_int_equal(sts_xml_text("<a", 2, "a", out, sizeof(out)), -ENOENT);
}

/* ---- container / IMDS JSON -------------------------------------------------------- */

static void test_metadata_json(void **state)
{
	struct aws_credentials c;
	char err[256];
	const char *imds =
	    "{\"Code\":\"Success\",\"LastUpdated\":\"2012-04-26T16:39:16Z\",\"Type\":\"AWS-HMAC\","
	    "\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"S\",\"Token\":\"T\","
	    "\"Expiration\":\"2030-05-17T15:09:54Z\"}";
	const char *ecs =
	    "{\"AccessKeyId\":\"ASIAECS\",\"Expiration\":\"2030-05-17T15:09:54Z\","
	    "\"RoleArn\":\"arn:aws:iam::1:role/task\",\"SecretAccessKey\":\"S\",\"Token\":\"T\"}";
	const char *fail = "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"denied\"}";

	(void)state;
	assert_int_equal(credchain_parse_metadata_json(imds, strlen(imds), true, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "ASIAIMDS");
	assert_string_equal(c.session_token, "T");
	assert_true(c.expiration > 0);
	assert_int_equal(credchain_parse_metadata_json(ecs, strlen(ecs), false, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "ASIAECS");
	/* IMDS needs Code Success; the container endpoint has no Code */
	assert_int_equal(credchain_parse_metadata_json(ecs, strlen(ecs), true, &c, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_int_equal(credchain_parse_metadata_json(fail, strlen(fail), true, &c, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_non_null(strstr(err, "AssumeRoleUnauthorizedAccess: denied"));
	assert_int_equal(
	    credchain_parse_metadata_json("{\"AccessKeyId\":1}", 17, false, &c, err, sizeof(err)),
	    DX_E_VALIDATION);
	assert_int_equal(credchain_parse_metadata_json("{\"Acc", 5, false, &c, err, sizeof(err)),
			 DX_E_BADJSON);
	assert_int_equal(credchain_parse_metadata_json("[]", 2, false, &c, err, sizeof(err)), DX_E_BADJSON);
	assert_int_equal(credchain_parse_metadata_json(
			     "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Expiration\":\"soon\"}", 61,
			     false, &c, err, sizeof(err)),
			 DX_E_VALIDATION);
	assert_string_equal(c.access_key_id, "");
}

static void test_container_hosts(void **state)
{
	(void)state;
	assert_true(credchain_container_host_allowed("http://127.0.0.1:8080/creds"));
	assert_true(credchain_container_host_allowed("http://127.1.2.3/creds"));
	assert_true(credchain_container_host_allowed("http://localhost/x"));
	assert_true(credchain_container_host_allowed("http://169.254.170.2/v2/credentials/x"));
	assert_true(credchain_container_host_allowed("http://169.254.170.23/v1/credentials"));
	assert_true(credchain_container_host_allowed("http://[fd00:ec2::23]/v1/credentials"));
	assert_true(credchain_container_host_allowed("http://[::1]:9/x"));
	assert_true(credchain_container_host_allowed("https://creds.example.com/x"));
	assert_false(credchain_container_host_allowed("http://example.com/x"));
	assert_false(credchain_container_host_allowed("http://127.0.0.1.evil.com/x"));
	assert_false(credchain_container_host_allowed("http://user@127.0.0.1/x"));
	assert_false(credchain_container_host_allowed("file:///etc/passwd"));
	assert_false(credchain_container_host_allowed("http://"));
}

/* ---- order and fall-through ------------------------------------------------------------- */

static void test_order(void **state)
{
	enum credchain_source o[CREDCHAIN_MAX_SOURCES];
	char err[256];

	(void)state;
	assert_int_equal(credchain_parse_order(NULL, o, CREDCHAIN_MAX_SOURCES, err, sizeof(err)), 5);
	assert_int_equal(o[0], CRED_SRC_ENVIRONMENT);
	assert_int_equal(o[4], CRED_SRC_IMDS);
	assert_int_equal(
	    credchain_parse_order(" imds , environment", o, CREDCHAIN_MAX_SOURCES, err, sizeof(err)), 2);
	assert_int_equal(o[0], CRED_SRC_IMDS);
	assert_int_equal(o[1], CRED_SRC_ENVIRONMENT);
	assert_int_equal(credchain_parse_order("env", o, CREDCHAIN_MAX_SOURCES, err, sizeof(err)),
			 DX_E_CONFIG);
	assert_non_null(strstr(err, "unknown credential source 'env'"));
	assert_int_equal(credchain_parse_order("imds,imds", o, CREDCHAIN_MAX_SOURCES, err, sizeof(err)),
			 DX_E_CONFIG);
	assert_int_equal(credchain_parse_order(",", o, CREDCHAIN_MAX_SOURCES, err, sizeof(err)), DX_E_CONFIG);
	assert_int_equal(credchain_parse_order("environment,profile", o, 1, err, sizeof(err)), DX_E_CONFIG);
}

static void test_fall_through(void **state)
{
	struct credchain_config cfg = {.region = "us-east-1", .timeout_ms = 5000};
	struct credchain_result res;
	char path[512], path2[512], desc[4096];

	(void)state;
	clear_aws_env();
	/* nothing configured: every source says why */
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_int_equal(res.ntried, 5);
	assert_string_equal(res.tried[0].source, "environment");
	assert_non_null(strstr(res.tried[0].why, "AWS_ACCESS_KEY_ID"));
	assert_non_null(strstr(res.tried[1].why, "no shared credentials or config file"));
	assert_non_null(strstr(res.tried[2].why, "AWS_WEB_IDENTITY_TOKEN_FILE"));
	assert_non_null(strstr(res.tried[3].why, "AWS_CONTAINER_CREDENTIALS"));
	assert_non_null(strstr(res.tried[4].why, "AWS_EC2_METADATA_DISABLED"));
	credchain_describe_failures(&res, desc, sizeof(desc));
	assert_non_null(strstr(desc, "environment: AWS_ACCESS_KEY_ID"));
	assert_non_null(strstr(desc, "; imds: disabled"));

	/* a profile with static keys wins over the later sources */
	write_file("credentials", "[default]\naws_access_key_id=AKIDPROFILE\naws_secret_access_key=S\n", path,
		   sizeof(path));
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	assert_int_equal(credchain_resolve(&cfg, &res), 0);
	assert_int_equal(res.ntried, 2);
	assert_string_equal(res.cred.access_key_id, "AKIDPROFILE");
	assert_string_equal(res.cred.source, "profile:default");
	assert_int_equal(res.cred.expiration, 0);

	/* environment comes first ... */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "S", 1);
	assert_int_equal(credchain_resolve(&cfg, &res), 0);
	assert_int_equal(res.ntried, 1);
	assert_string_equal(res.cred.source, "environment");
	/* ... unless the order says otherwise */
	cfg.order = "profile,environment";
	assert_int_equal(credchain_resolve(&cfg, &res), 0);
	assert_string_equal(res.cred.access_key_id, "AKIDPROFILE");
	cfg.order = "imds,environment";
	assert_int_equal(credchain_resolve(&cfg, &res), 0);
	assert_int_equal(res.ntried, 2);
	assert_string_equal(res.cred.source, "environment");
	cfg.order = "nonsense";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CONFIG);
	assert_non_null(strstr(res.tried[0].why, "nonsense"));
	cfg.order = NULL;
	unsetenv("AWS_ACCESS_KEY_ID");

	/* a named profile: AWS_PROFILE, then cfg.profile over it */
	write_file(
	    "credentials",
	    "[default]\naws_access_key_id=AKIDPROFILE\naws_secret_access_key=S\n[nokeys]\nregion=x\n"
	    "[half]\naws_access_key_id=A\n[sso]\nsso_start_url=https://x\n[loop1]\nrole_arn=arn:r\n"
	    "source_profile=loop2\n[loop2]\nrole_arn=arn:r\nsource_profile=loop1\n[norole]\nrole_arn=arn:r\n",
	    path, sizeof(path));
	setenv("AWS_PROFILE", "missing", 1);
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "profile 'missing' not found"));
	cfg.profile = "nokeys";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "has no aws_access_key_id, role_arn or credential_process"));
	cfg.profile = "half";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "no aws_secret_access_key"));
	cfg.profile = "sso";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "SSO"));
	cfg.profile = "loop1";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "a loop?"));
	cfg.profile = "norole";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "no source_profile, credential_source"));
	unsetenv("AWS_PROFILE");

	/* credential_process: its JSON, its failures */
	write_file("proc.sh",
		   "#!/bin/sh\ncase \"$1\" in\nok) echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
		   "\"SecretAccessKey\": \"S\", \"SessionToken\": \"T\", \"Expiration\": "
		   "\"2030-01-01T00:00:00Z\"}';;\n"
		   "fail) echo nope >&2; exit 3;;\nbad) echo '{\"Version\": 2}';;\nslow) sleep 5;;\n"
		   "big) head -c 200000 /dev/zero;;\nesac\n",
		   path2, sizeof(path2));
	chmod(path2, 0700);
	{
		char text[2048];

		snprintf(text, sizeof(text),
			 "[ok]\ncredential_process = %s ok\n[fail]\ncredential_process = %s fail\n"
			 "[bad]\ncredential_process = %s bad\n[slow]\ncredential_process = %s slow\n"
			 "[big]\ncredential_process = %s big\n",
			 path2, path2, path2, path2, path2);
		write_file("config", text, path, sizeof(path));
		unsetenv("AWS_SHARED_CREDENTIALS_FILE");
		setenv("AWS_CONFIG_FILE", path, 1);
	}
	/* no [profile x] in config: these are not profiles */
	cfg.profile = "ok";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "profile 'ok' not found"));
	{
		char text[2048];

		snprintf(
		    text, sizeof(text),
		    "[profile ok]\ncredential_process = %s ok\n[profile fail]\ncredential_process = %s fail\n"
		    "[profile bad]\ncredential_process = %s bad\n[profile slow]\ncredential_process = %s "
		    "slow\n"
		    "[profile big]\ncredential_process = %s big\n",
		    path2, path2, path2, path2, path2);
		write_file("config", text, path, sizeof(path));
	}
	assert_int_equal(credchain_resolve(&cfg, &res), 0);
	assert_string_equal(res.cred.access_key_id, "AKIDPROC");
	assert_string_equal(res.cred.source, "process:ok");
	assert_int_equal(res.cred.expiration, 1893456000);
	cfg.profile = "fail";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "exited with status 3"));
	cfg.profile = "bad";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "Version must be 1"));
	cfg.profile = "big";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "more than"));
	cfg.profile = "slow";
	cfg.timeout_ms = 300;
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[1].why, "did not finish within 300 ms"));
	unsetenv("AWS_CONFIG_FILE");

	/* web identity and container: bad configuration is reported */
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/r", 1);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
	cfg.order = "web_identity,container";
	assert_int_equal(credchain_resolve(&cfg, &res), DX_E_CREDENTIALS);
	assert_non_null(strstr(res.tried[0].why, "could not open /nonexistent/token"));
	assert_non_null(strstr(res.tried[1].why, "must be https or a loopback"));
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	aws_credentials_clear(&res.cred);
}

/* ---- the state file ------------------------------------------------------------------------ */

static void test_credfile(void **state)
{
	struct aws_credentials c, back;
	char path[512], err[256], *json;
	struct stat st;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.access_key_id, "AKID\"quoted");
	strcpy(c.secret_access_key, "se/cret+\\");
	strcpy(c.session_token, "tok");
	c.expiration = 1893456000;
	json = credfile_format_json(&c);
	assert_int_equal(aws_credentials_parse_json(json, strlen(json), &back, err, sizeof(err)), 0);
	assert_string_equal(back.access_key_id, c.access_key_id);
	assert_string_equal(back.secret_access_key, c.secret_access_key);
	assert_string_equal(back.session_token, "tok");
	assert_int_equal(back.expiration, c.expiration);
	free(json);
	c.session_token[0] = '\0';
	c.expiration = 0;
	json = credfile_format_json(&c);
	assert_null(strstr(json, "SessionToken"));
	assert_null(strstr(json, "Expiration"));
	free(json);

	snprintf(path, sizeof(path), "%s/state.json", tmpdir);
	umask(022);
	assert_int_equal(credfile_write(path, &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(aws_credentials_from_file(path, &back, err, sizeof(err)), 0);
	assert_string_equal(back.access_key_id, c.access_key_id);
	/* a directory that does not exist: an error, nothing left behind */
	assert_true(
	    credfile_write("/nonexistent/dir/state.json", &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "could not create a temporary file in /nonexistent/dir"));
}

static void test_windows_and_status(void **state)
{
	struct aws_cred_status st;
	struct aws_credentials c;
	char path[512], err[256];
	long adv, mand;
	time_t now = time(NULL);

	(void)state;
	/* an hour: the SDKs' 15 and 10 minutes */
	aws_cred_windows(1000, 1000 + 3600, &adv, &mand);
	assert_int_equal(adv, 900);
	assert_int_equal(mand, 600);
	/* 30 s test credentials: a half and a third of their life */
	aws_cred_windows(1000, 1030, &adv, &mand);
	assert_int_equal(adv, 15);
	assert_int_equal(mand, 10);

	memset(&c, 0, sizeof(c));
	strcpy(c.access_key_id, "ASIAHEALTH");
	strcpy(c.secret_access_key, "secret");
	snprintf(c.source, sizeof(c.source), "imds:role");
	c.expiration = now + 3600;
	snprintf(path, sizeof(path), "%s/status.json", tmpdir);
	assert_int_equal(credfile_write(path, &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_int_equal(aws_credentials_file_status(path, now, &st, err, sizeof(err)), 0);
	assert_string_equal(st.source, "imds:role");
	assert_string_equal(st.key_prefix, "ASIA");
	assert_int_equal(st.seconds_left, 3600);
	assert_false(st.expired);
	assert_false(st.refresh_overdue);
	/* 9 minutes left of an hour: inside the mandatory window */
	assert_int_equal(aws_credentials_file_status(path, now + 3600 - 540, &st, err, sizeof(err)), 0);
	assert_true(st.refresh_overdue);
	assert_false(st.expired);
	assert_int_equal(aws_credentials_file_status(path, now + 3601, &st, err, sizeof(err)), 0);
	assert_true(st.expired);
	/* static keys never expire */
	c.expiration = 0;
	assert_int_equal(credfile_write(path, &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_int_equal(aws_credentials_file_status(path, now + 999999, &st, err, sizeof(err)), 0);
	assert_false(st.expired);
	assert_false(st.refresh_overdue);
	assert_true(aws_credentials_file_status("/nonexistent/x.json", now, &st, err, sizeof(err)) < 0);
}

/*
 * 1,000 refreshes through credfile_write (the path docxp-credentials
 * takes) while a reader process re-reads and parses the file without
 * pause: it must never see a missing or half-written file. On tmpfs when
 * there is one (atomicity is the point; fsync on a disk would only make
 * this slow). tests/integration/test_credentials.py does the same with
 * docxp-credentials processes.
 */
static void test_credfile_hammer(void **state)
{
	char dir[256], path[300], err[256];
	struct aws_credentials c;
	int fds[2], i, status;
	long reads = 0, bad = 0;
	pid_t pid;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/docxp-hammer-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmpdir);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/creds.json", dir);
	memset(&c, 0, sizeof(c));
	strcpy(c.access_key_id, "AKIDSTART");
	strcpy(c.secret_access_key, "s");
	assert_int_equal(credfile_write(path, &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct aws_credentials r;
		char why[256], stop[320];
		long res[2] = {0, 0};

		snprintf(stop, sizeof(stop), "%s/stop", dir);
		close(fds[0]);
		while (access(stop, F_OK) != 0) {
			res[0]++;
			if (aws_credentials_from_file(path, &r, why, sizeof(why)) != 0)
				res[1]++;
		}
		if (write(fds[1], res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	for (i = 0; i < 1000; i++) {
		snprintf(c.access_key_id, sizeof(c.access_key_id), "AKIDROUND%d", i);
		snprintf(c.secret_access_key, sizeof(c.secret_access_key), "secret-%d", i);
		memset(c.session_token, 'x', (size_t)(i % 3000));
		c.session_token[i % 3000] = '\0';
		c.expiration = 1893456000 + i;
		assert_int_equal(credfile_write(path, &c, (uid_t)-1, (gid_t)-1, err, sizeof(err)), 0);
	}
	{
		char stop[320];
		FILE *f;

		snprintf(stop, sizeof(stop), "%s/stop", dir);
		f = fopen(stop, "w");
		assert_non_null(f);
		fclose(f);
	}
	{
		long res[2];

		assert_int_equal(read(fds[0], res, sizeof(res)), sizeof(res));
		reads = res[0];
		bad = res[1];
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	print_message("1000 refreshes; the reader read the file %ld times, %ld bad\n", reads, bad);
	assert_int_equal(bad, 0);
	assert_true(reads > 100);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ini_credentials_vs_config),
	    cmocka_unit_test(test_ini_hostile),
	    cmocka_unit_test(test_sts_parse),
	    cmocka_unit_test(test_xml_text),
	    cmocka_unit_test(test_metadata_json),
	    cmocka_unit_test(test_container_hosts),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_fall_through),
	    cmocka_unit_test(test_credfile),
	    cmocka_unit_test(test_windows_and_status),
	    cmocka_unit_test(test_credfile_hammer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
