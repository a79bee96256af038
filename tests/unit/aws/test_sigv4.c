/*
 * Unit tests for src/aws/sigv4.c: every case of the AWS SigV4 test suite
 * ($DOCXP_SRCDIR/../shared/testdata/aws-sig-v4-test-suite/v4, not copied
 * into the repository), header and query signing, plus the Bedrock path.
 * A missing suite is a failure, not a skip.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "util/alloc.h"
#include "util/buf.h"

#define MIN_CASES 38

static char suite_dir[4096];

/* Reads a whole file; NULL when absent. Strips one trailing newline when
 * strip is set (the expected-result files end without one, mostly). */
static char *slurp(const char *dir, const char *name, size_t *len, bool strip)
{
	char path[8192], chunk[4096];
	struct buf b;
	size_t got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_init(&b, 0);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, got), 0);
	fclose(f);
	if (strip && b.len > 0 && b.ptr[b.len - 1] == '\n')
		b.ptr[--b.len] = '\0';
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

struct parsed_request {
	char *method, *path, *query;
	struct sigv4_header hdrs[32];
	size_t nhdrs;
	char *body;
	size_t body_len;
	char *storage;
};

/* Parses request.txt: "METHOD PATH[?QUERY] HTTP/1.1", headers (folded
 * continuation lines join the previous value), blank line, body. */
static void parse_request(char *text, size_t len, struct parsed_request *r)
{
	char *line = text, *end = text + len, *nl, *sp, *proto;

	memset(r, 0, sizeof(*r));
	r->storage = text;
	nl = strchr(line, '\n');
	assert_non_null(nl);
	*nl = '\0';
	sp = strchr(line, ' ');
	assert_non_null(sp);
	*sp = '\0';
	r->method = line;
	proto = strstr(sp + 1, " HTTP/");
	assert_non_null(proto);
	while (strstr(proto + 1, " HTTP/"))
		proto = strstr(proto + 1, " HTTP/");
	*proto = '\0';
	r->path = sp + 1;
	r->query = strchr(r->path, '?');
	if (r->query)
		*r->query++ = '\0';
	line = nl + 1;
	while (line < end) {
		char *colon;

		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		*nl = '\0';
		if (*line == '\0') { /* blank line: the body follows */
			line = nl + 1;
			break;
		}
		if (*line == ' ' || *line == '\t') {
			/* folded value: keep it in the previous header's value (the
			 * signer collapses the white space) */
			assert_true(r->nhdrs > 0);
			line[-1] = ' ';
			line = nl + 1;
			continue;
		}
		colon = strchr(line, ':');
		assert_non_null(colon);
		*colon = '\0';
		assert_true(r->nhdrs < 32);
		r->hdrs[r->nhdrs].name = line;
		r->hdrs[r->nhdrs].value = colon + 1;
		r->nhdrs++;
		line = nl + 1;
	}
	if (line < end) {
		r->body = line;
		r->body_len = (size_t)(end - line);
	}
}

struct context {
	struct aws_credentials cred;
	char region[64], service[64];
	time_t when;
	bool normalize, sign_body, omit_token;
	long expires;
};

static void load_context(const char *dir, struct context *c)
{
	char *text = slurp(dir, "context.json", NULL, false);
	json_object *root, *cred, *v;

	assert_non_null(text);
	root = json_tokener_parse(text);
	assert_non_null(root);
	memset(c, 0, sizeof(*c));
	assert_true(json_object_object_get_ex(root, "credentials", &cred));
	assert_true(json_object_object_get_ex(cred, "access_key_id", &v));
	snprintf(c->cred.access_key_id, sizeof(c->cred.access_key_id), "%s", json_object_get_string(v));
	assert_true(json_object_object_get_ex(cred, "secret_access_key", &v));
	snprintf(c->cred.secret_access_key, sizeof(c->cred.secret_access_key), "%s",
		 json_object_get_string(v));
	if (json_object_object_get_ex(cred, "token", &v))
		snprintf(c->cred.session_token, sizeof(c->cred.session_token), "%s",
			 json_object_get_string(v));
	assert_true(json_object_object_get_ex(root, "region", &v));
	snprintf(c->region, sizeof(c->region), "%s", json_object_get_string(v));
	assert_true(json_object_object_get_ex(root, "service", &v));
	snprintf(c->service, sizeof(c->service), "%s", json_object_get_string(v));
	assert_true(json_object_object_get_ex(root, "timestamp", &v));
	assert_int_equal(aws_parse_rfc3339(json_object_get_string(v), &c->when), 0);
	c->normalize = json_object_object_get_ex(root, "normalize", &v) && json_object_get_boolean(v);
	c->sign_body = json_object_object_get_ex(root, "sign_body", &v) && json_object_get_boolean(v);
	c->omit_token =
	    json_object_object_get_ex(root, "omit_session_token", &v) && json_object_get_boolean(v);
	c->expires =
	    json_object_object_get_ex(root, "expiration_in_seconds", &v) ? json_object_get_int64(v) : 0;
	json_object_put(root);
	free(text);
}

static void expect_file(const char *dir, const char *name, const char *got)
{
	char *want = slurp(dir, name, NULL, true);

	assert_non_null(want);
	if (strcmp(want, got) != 0)
		print_error("%s/%s differs:\n--- want\n%s\n--- got\n%s\n", dir, name, want, got);
	assert_string_equal(want, got);
	free(want);
}

/* The Authorization value of header-signed-request.txt. */
static void expect_authorization(const char *dir, const struct sigv4_result *res)
{
	char *want = slurp(dir, "header-signed-request.txt", NULL, false), *p, *e;
	const char *got = NULL;
	size_t i;

	assert_non_null(want);
	p = strstr(want, "\nAuthorization:");
	assert_non_null(p);
	p += strlen("\nAuthorization:");
	e = strchr(p, '\n');
	if (e)
		*e = '\0';
	for (i = 0; i < res->nadd_headers; i++)
		if (strncmp(res->add_headers[i], "Authorization: ", 15) == 0)
			got = res->add_headers[i] + 15;
	assert_non_null(got);
	assert_string_equal(p, got);
	free(want);
}

static void run_case(void **state)
{
	const char *dir = *state;
	struct parsed_request r;
	struct context c;
	struct sigv4_request req;
	struct sigv4_result res;
	size_t len;
	char *text = slurp(dir, "request.txt", &len, false);

	assert_non_null(text);
	load_context(dir, &c);
	parse_request(text, len, &r);
	memset(&req, 0, sizeof(req));
	req.method = r.method;
	req.path = r.path;
	req.query = r.query;
	req.headers = r.hdrs;
	req.nheaders = r.nhdrs;
	req.body = r.body;
	req.body_len = r.body_len;
	req.normalize_path = c.normalize;
	req.double_encode = true; /* the suite's service is not S3 */
	req.sign_body_header = c.sign_body;
	req.omit_session_token = c.omit_token;
	req.expires = c.expires;

	assert_int_equal(sigv4_sign(&req, &c.cred, c.region, c.service, c.when, &res), 0);
	expect_file(dir, "header-canonical-request.txt", res.canonical_request);
	expect_file(dir, "header-string-to-sign.txt", res.string_to_sign);
	expect_file(dir, "header-signature.txt", res.signature);
	expect_authorization(dir, &res);
	sigv4_result_release(&res);

	{
		char *qcr = slurp(dir, "query-canonical-request.txt", NULL, true);

		if (qcr) {
			char needle[128];

			free(qcr);
			assert_int_equal(sigv4_presign(&req, &c.cred, c.region, c.service, c.when, &res), 0);
			expect_file(dir, "query-canonical-request.txt", res.canonical_request);
			expect_file(dir, "query-string-to-sign.txt", res.string_to_sign);
			expect_file(dir, "query-signature.txt", res.signature);
			snprintf(needle, sizeof(needle), "X-Amz-Signature=%s", res.signature);
			assert_non_null(strstr(res.signed_query, needle));
			sigv4_result_release(&res);
		}
	}
	free(r.storage);
}

static void test_suite_present(void **state)
{
	size_t n = *(size_t *)*state;

	if (n < MIN_CASES)
		print_error("found %zu cases in %s, want at least %d (is ../shared/testdata there?)\n", n,
			    suite_dir, MIN_CASES);
	assert_true(n >= MIN_CASES);
}

/* Bedrock: "%3A" on the wire is signed as "%253A"; the service is bedrock. */
static void test_bedrock_path(void **state)
{
	struct aws_credentials cred;
	struct sigv4_header h[] = {{"Host", "bedrock-runtime.us-east-1.amazonaws.com"},
				   {"Content-Type", "application/json"}};
	struct sigv4_request req = {.method = "POST",
				    .path = "/model/amazon.titan-embed-text-v2%3A0/invoke",
				    .headers = h,
				    .nheaders = 2,
				    .body = "{\"inputText\":\"hi\"}",
				    .body_len = 18,
				    .normalize_path = true,
				    .double_encode = true,
				    .sign_body_header = true};
	struct sigv4_result res;
	bool token = false;
	size_t i;

	(void)state;
	memset(&cred, 0, sizeof(cred));
	strcpy(cred.access_key_id, "AKIDEXAMPLE");
	strcpy(cred.secret_access_key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	strcpy(cred.session_token, "tok/en+=");
	assert_int_equal(sigv4_sign(&req, &cred, "us-east-1", "bedrock", 1440938160, &res), 0);
	assert_non_null(
	    strstr(res.canonical_request, "POST\n/model/amazon.titan-embed-text-v2%253A0/invoke\n\n"));
	assert_non_null(strstr(res.canonical_request, "\nx-amz-security-token:tok/en+=\n"));
	assert_non_null(strstr(res.canonical_request,
			       "\ncontent-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"));
	assert_non_null(strstr(res.string_to_sign, "\n20150830/us-east-1/bedrock/aws4_request\n"));
	for (i = 0; i < res.nadd_headers; i++)
		if (strcmp(res.add_headers[i], "X-Amz-Security-Token: tok/en+=") == 0)
			token = true;
	assert_true(token);
	sigv4_result_release(&res);

	/* no host header: refused */
	req.nheaders = 0;
	assert_int_not_equal(sigv4_sign(&req, &cred, "us-east-1", "bedrock", 0, &res), 0);
	sigv4_result_release(&res);
}

static void test_uri_encode(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(sigv4_uri_encode("a b/c:~", 7, true, out, sizeof(out)), 11);
	assert_string_equal(out, "a%20b/c%3A~");
	assert_int_equal(sigv4_uri_encode("a/b", 3, false, out, sizeof(out)), 5);
	assert_string_equal(out, "a%2Fb");
	/* cut output stays terminated and reports the full length */
	assert_int_equal(sigv4_uri_encode("::::", 4, false, out, 5), 12);
	assert_string_equal(out, "%3A%");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *srcdir = getenv("DOCXP_SRCDIR");
	struct CMUnitTest *tests;
	char **names = NULL;
	size_t n = 0, ntests = 0, i;
	struct dirent *de;
	DIR *d;
	int rc;

	snprintf(suite_dir, sizeof(suite_dir), "%s/../shared/testdata/aws-sig-v4-test-suite/v4",
		 srcdir ? srcdir : "..");
	d = opendir(suite_dir);
	while (d && (de = readdir(d)) != NULL) {
		char p[8192];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/request.txt", suite_dir, de->d_name);
		if (stat(p, &st) != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n] = xmalloc(strlen(suite_dir) + strlen(de->d_name) + 2);
		sprintf(names[n], "%s/%s", suite_dir, de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), cmp_str);

	tests = xcalloc(n + 3, sizeof(*tests));
	tests[ntests].name = "suite_present";
	tests[ntests].test_func = test_suite_present;
	tests[ntests].initial_state = &n;
	ntests++;
	tests[ntests].name = "uri_encode";
	tests[ntests].test_func = test_uri_encode;
	ntests++;
	tests[ntests].name = "bedrock_path";
	tests[ntests].test_func = test_bedrock_path;
	ntests++;
	for (i = 0; i < n; i++) {
		tests = xrealloc(tests, (ntests + 1) * sizeof(*tests));
		memset(&tests[ntests], 0, sizeof(*tests));
		tests[ntests].name = strrchr(names[i], '/') + 1;
		tests[ntests].test_func = run_case;
		tests[ntests].initial_state = names[i];
		ntests++;
	}
	rc = _cmocka_run_group_tests("sigv4", tests, ntests, NULL, NULL);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}
