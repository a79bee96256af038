/*
 * bedrock_bench - throughput of the Bedrock provider (src/aws/bedrock.c)
 * against tests/harness/fake_bedrock.py, and (--check) a functional check
 * of its retries, signatures and credential handling.
 *
 *   bench/bedrock-bench [--latency-ms 50] [--concurrency 1,8,32] [--texts N]
 *                       [--batch 256] [--dims 1024]
 *       prints a table of texts/s per concurrency and a final JSON line.
 *   bench/bedrock-bench --check
 *       200 texts with 20 % throttling and 10 % 5xx: all embedded, every
 *       request correctly signed (the fake verifies with botocore); a
 *       refused text fails alone; long texts are cut; an expired key gives
 *       DX_E_CREDENTIALS until the credentials file is refreshed; a key
 *       that expires mid-batch is replaced by the re-read file. Prints
 *       "N passed, N failed" and exits 1 on any failure.
 *
 * The fake is started with /usr/bin/python3 from $DOCXP_SRCDIR (or the
 * configured source tree) unless --endpoint URL points at a running one.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "aws/bedrock.h"
#include "aws/credentials.h"
#include "embed/embed.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/status.h"

#ifndef DOCXP_ABS_SRCDIR
#define DOCXP_ABS_SRCDIR "."
#endif

static char endpoint[256];
static char credfile[512];
static char tmpdir[256];
static pid_t fake_pid = -1;
static int passed, failed;

static void die(const char *msg)
{
	fprintf(stderr, "bedrock-bench: %s\n", msg);
	if (fake_pid > 0)
		kill(fake_pid, SIGTERM);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the fake --------------------------------------------------------- */

static void start_fake(double latency_ms)
{
	const char *src = getenv("DOCXP_SRCDIR");
	char script[1024], lat[32], line[128];
	int pfd[2];
	FILE *f;

	snprintf(script, sizeof(script), "%s/tests/harness/fake_bedrock.py",
		 src && *src ? src : DOCXP_ABS_SRCDIR);
	snprintf(lat, sizeof(lat), "%g", latency_ms);
	if (pipe(pfd) < 0)
		die("pipe failed");
	fake_pid = fork();
	if (fake_pid < 0)
		die("fork failed");
	if (fake_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* no orphaned fake if we crash */
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl("/usr/bin/python3", "python3", script, "--port", "0", "--latency-ms", lat,
		      "--credentials-file", credfile, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "PORT ", 5) != 0)
		die("the fake bedrock did not start (is python3-botocore installed?)");
	snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", atoi(line + 5));
	fclose(f);
}

static void stop_fake(void)
{
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
		fake_pid = -1;
	}
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *ud)
{
	buf_add(ud, ptr, size * nmemb);
	return size * nmemb;
}

/* GET (body NULL) or POST a control endpoint; returns the parsed answer. */
static json_object *control(const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	char url[512];
	struct buf b;
	json_object *o;

	snprintf(url, sizeof(url), "%s%s", endpoint, path);
	buf_init(&b, 64 << 20);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	if (curl_easy_perform(c) != CURLE_OK)
		die("control request to the fake failed");
	curl_easy_cleanup(c);
	o = json_tokener_parse(buf_str(&b));
	buf_release(&b);
	if (!o)
		die("the fake answered no JSON");
	return o;
}

static void fake_config(const char *body)
{
	json_object_put(control("/_fake/config", body));
}

static long stat_num(json_object *stats, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(stats, key, &v) ? (long)json_object_get_int64(v) : -1;
}

static long stat_status(json_object *stats, const char *code)
{
	json_object *st, *v;

	if (!json_object_object_get_ex(stats, "statuses", &st) || !json_object_object_get_ex(st, code, &v))
		return 0;
	return (long)json_object_get_int64(v);
}

/* Writes the credentials state file atomically (as docxp-credentials will). */
static void write_creds(const char *akid, long valid_s)
{
	char tmp[600], exp[21];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", credfile);
	aws_format_rfc3339(time(NULL) + valid_s, exp);
	f = fopen(tmp, "w");
	if (!f)
		die("cannot write the credentials file");
	fprintf(f,
		"{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"secret-of-%s\", "
		"\"SessionToken\": \"token/of+%s==\", \"Expiration\": \"%s\"}\n",
		akid, akid, akid, exp);
	fclose(f);
	chmod(tmp, 0600);
	if (rename(tmp, credfile) < 0)
		die("rename of the credentials file failed");
}

/* ---- embedding -------------------------------------------------------- */

struct batchbuf {
	struct embed_batch b;
	const char **texts;
	int dims;
};

static void batch_init(struct batchbuf *bb, size_t n, int dims)
{
	memset(bb, 0, sizeof(*bb));
	bb->texts = calloc(n, sizeof(char *));
	bb->b.n = n;
	bb->b.texts = bb->texts;
	bb->b.vectors = calloc(n * (size_t)dims, sizeof(float));
	bb->b.tokens = calloc(n, sizeof(int));
	bb->b.status = calloc(n, sizeof(int));
	bb->b.truncated = calloc(n, sizeof(bool));
	bb->dims = dims;
}

static void batch_free(struct batchbuf *bb)
{
	size_t i;

	for (i = 0; i < bb->b.n; i++)
		free((char *)bb->texts[i]);
	free(bb->texts);
	free(bb->b.vectors);
	free(bb->b.tokens);
	free(bb->b.status);
	free(bb->b.truncated);
}

static char *make_text(size_t i, const char *salt)
{
	char *t = malloc(256);

	snprintf(t, 256, "public void process%zuOrder(Order order) { validate order %zu %s; save it; }", i,
		 i * 7, salt);
	return t;
}

static void base_conf(struct conf *cfg, int concurrency, int dims)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->embedding_provider = "bedrock";
	cfg->embedding_dimensions = dims;
	cfg->embedding_normalize = 1;
	cfg->embedding_concurrency = concurrency;
	cfg->embedding_max_attempts = 8;
	cfg->embedding_max_text_chars = 50000;
	cfg->aws_region = "us-east-1";
	cfg->bedrock_model_id = "amazon.titan-embed-text-v2:0";
	cfg->aws_credentials_file = credfile;
	cfg->bedrock_endpoint = endpoint;
}

static struct embed_provider *provider(const struct conf *cfg)
{
	char err[256];
	struct embed_provider *p = aws_bedrock_provider_new(cfg, err, sizeof(err));

	if (!p) {
		fprintf(stderr, "bedrock-bench: %s\n", err);
		die("cannot create the provider");
	}
	return p;
}

static void check(bool cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "FAIL", what);
	fflush(stdout);
	if (cond)
		passed++;
	else
		failed++;
}

/* ---- modes ------------------------------------------------------------ */

static int run_bench(double latency_ms, const char *conc_list, int texts_arg, int batch, int dims)
{
	char list[256], *tok, *save = NULL, json[4096];
	size_t jl = 0;
	json_object *stats;

	start_fake(latency_ms);
	write_creds("AKIDBENCH", 3600);
	printf("bedrock provider against fake_bedrock.py (%g ms latency, %d dims, batches of %d)\n",
	       latency_ms, dims, batch);
	printf("%12s %8s %10s %12s\n", "concurrency", "texts", "seconds", "texts/s");
	jl += (size_t)snprintf(
	    json + jl, sizeof(json) - jl,
	    "{\"bench\":\"bedrock\",\"latency_ms\":%g,\"dims\":%d,\"batch\":%d,\"results\":[", latency_ms,
	    dims, batch);
	snprintf(list, sizeof(list), "%s", conc_list);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = atoi(tok), n = texts_arg > 0 ? texts_arg : (c * 40 > 100 ? c * 40 : 100), done = 0,
		    bad = 0;
		struct conf cfg;
		struct embed_provider *p;
		double t0, dt;

		if (c < 1)
			continue;
		base_conf(&cfg, c, dims);
		p = provider(&cfg);
		t0 = now_s();
		while (done < n) {
			struct batchbuf bb;
			int k = n - done < batch ? n - done : batch, i;
			char salt[32];

			snprintf(salt, sizeof(salt), "c%d", c);
			batch_init(&bb, (size_t)k, dims);
			for (i = 0; i < k; i++)
				bb.texts[i] = make_text((size_t)(done + i), salt);
			if (p->embed(p, &bb.b) != 0)
				bad += k;
			for (i = 0; i < k; i++)
				bad += bb.b.status[i] != 0;
			batch_free(&bb);
			done += k;
		}
		dt = now_s() - t0;
		printf("%12d %8d %10.2f %12.1f%s\n", c, n, dt, n / dt, bad ? "  (failures!)" : "");
		jl += (size_t)snprintf(
		    json + jl, sizeof(json) - jl,
		    "%s{\"concurrency\":%d,\"texts\":%d,\"seconds\":%.3f,\"texts_per_s\":%.1f,"
		    "\"failed\":%d}",
		    json[jl - 1] == '[' ? "" : ",", c, n, dt, n / dt, bad);
		p->free(p);
	}
	stats = control("/_fake/stats", NULL);
	jl += (size_t)snprintf(
	    json + jl, sizeof(json) - jl, "],\"fake_requests\":%ld,\"sig_bad\":%ld,\"fake_connections\":%ld}",
	    stat_num(stats, "requests"), stat_num(stats, "sig_bad"), stat_num(stats, "connections"));
	printf("fake: %ld requests, %ld with a bad signature, %ld connections\n", stat_num(stats, "requests"),
	       stat_num(stats, "sig_bad"), stat_num(stats, "connections"));
	json_object_put(stats);
	printf("%s\n", json);
	stop_fake();
	return 0;
}

static bool unit_vector(const float *v, int dims)
{
	double s = 0;
	int i;

	for (i = 0; i < dims; i++)
		s += (double)v[i] * v[i];
	return fabs(s - 1.0) < 1e-3;
}

static int embed_n(struct embed_provider *p, size_t n, const char *salt, int dims, int *fails)
{
	struct batchbuf bb;
	size_t i;
	int rc;

	batch_init(&bb, n, dims);
	for (i = 0; i < n; i++)
		bb.texts[i] = make_text(i, salt);
	rc = p->embed(p, &bb.b);
	*fails = 0;
	for (i = 0; i < n; i++)
		*fails += bb.b.status[i] != 0;
	batch_free(&bb);
	return rc;
}

static int run_check(void)
{
	const int dims = 256;
	struct conf cfg;
	struct embed_provider *p;
	json_object *stats;
	char msg[256];
	int total_ok = 0, all_unit = 1, all_tokens = 1, fails, rc, b;
	long sig_bad, n429, n5xx, nreq;

	start_fake(2);
	write_creds("AKIDCHECK1", 3600);
	base_conf(&cfg, 8, dims);
	p = provider(&cfg);

	/* 1. the fault mix: 20 % throttling, 10 % 5xx */
	fake_config("{\"throttle\": 0.2, \"error5xx\": 0.1, \"seed\": 7}");
	{
		double t0 = now_s();

		for (b = 0; b < 4; b++) {
			struct batchbuf bb;
			size_t i;

			batch_init(&bb, 50, dims);
			for (i = 0; i < 50; i++)
				bb.texts[i] = make_text((size_t)b * 50 + i, "mix");
			rc = p->embed(p, &bb.b);
			if (rc != 0)
				printf("# batch %d: rc=%s %s\n", b, status_code(rc), bb.b.errmsg);
			for (i = 0; i < 50; i++) {
				if (rc == 0 && bb.b.status[i] == 0)
					total_ok++;
				if (!unit_vector(bb.b.vectors + i * dims, dims))
					all_unit = 0;
				if (bb.b.tokens[i] <= 0)
					all_tokens = 0;
			}
			batch_free(&bb);
		}
		printf("# 200 texts with the fault mix in %.2f s; provider health: %s\n", now_s() - t0,
		       p->health(p));
	}
	stats = control("/_fake/stats", NULL);
	nreq = stat_num(stats, "requests");
	sig_bad = stat_num(stats, "sig_bad");
	n429 = stat_status(stats, "429");
	n5xx = stat_status(stats, "500") + stat_status(stats, "503");
	json_object_put(stats);
	snprintf(msg, sizeof(msg), "fault mix: %d/200 texts embedded (%ld requests, %ld x 429, %ld x 5xx)",
		 total_ok, nreq, n429, n5xx);
	check(total_ok == 200, msg);
	check(all_unit && all_tokens, "vectors have unit length and token counts are set");
	check(n429 > 0 && n5xx > 0 && nreq > 200, "faults were injected and retried");
	snprintf(msg, sizeof(msg), "every request was correctly signed (botocore): %ld bad", sig_bad);
	check(sig_bad == 0, msg);

	/* 2. a text the model refuses fails alone; a long text is cut */
	fake_config("{\"throttle\": 0, \"error5xx\": 0}");
	{
		struct batchbuf bb;
		struct conf c2;
		struct embed_provider *p2;
		char *longt = malloc(3 * 1500 + 1);
		size_t i;

		batch_init(&bb, 3, dims);
		bb.texts[0] = strdup("a fine text");
		bb.texts[1] = strdup("FAKE_INVALID text");
		/* 1500 three-byte characters: cut to 1000 characters, never mid-character */
		for (i = 0; i < 1500; i++)
			memcpy(longt + 3 * i, "\xe2\x82\xac", 3);
		longt[4500] = '\0';
		bb.texts[2] = longt;
		base_conf(&c2, 2, dims);
		c2.embedding_max_text_chars = 1000;
		p2 = provider(&c2);
		rc = p2->embed(p2, &bb.b);
		check(rc == 0 && bb.b.status[0] == 0 && bb.b.status[1] == DX_E_VALIDATION &&
			  bb.b.status[2] == 0,
		      "a ValidationException fails that text, not the batch");
		check(!bb.b.truncated[0] && bb.b.truncated[2], "the long text is marked truncated");
		p2->free(p2);
		batch_free(&bb);
		stats = control("/_fake/requests", NULL);
		{
			size_t k, n = json_object_array_length(stats);
			long maxchars = 0;

			for (k = 0; k < n; k++) {
				json_object *r = json_object_array_get_idx(stats, k), *v;

				if (json_object_object_get_ex(r, "chars", &v) &&
				    json_object_get_int(v) > maxchars)
					maxchars = json_object_get_int(v);
			}
			snprintf(msg, sizeof(msg),
				 "the longest text the fake received has %ld characters (<= 1000)", maxchars);
			check(maxchars == 1000, msg);
		}
		json_object_put(stats);
	}

	/* 3. the key in the file has expired at AWS: DX_E_CREDENTIALS, then recovery */
	fake_config("{\"expired\": [\"AKIDCHECK1\"]}");
	rc = embed_n(p, 20, "exp", dims, &fails);
	snprintf(msg, sizeof(msg), "expired credentials and no fresh ones: rc=%s", status_code(rc));
	check(rc == DX_E_CREDENTIALS, msg);
	check(strstr(p->health(p), "\"credentials_expired\"") != NULL, "health says credentials_expired");
	rc = embed_n(p, 20, "exp2", dims, &fails);
	check(rc == DX_E_CREDENTIALS, "still DX_E_CREDENTIALS while the file is not refreshed");
	write_creds("AKIDCHECK2", 3600);
	rc = embed_n(p, 20, "exp3", dims, &fails);
	snprintf(msg, sizeof(msg), "refreshed credentials file: rc=%s, %d failed texts", status_code(rc),
		 fails);
	check(rc == 0 && fails == 0, msg);
	check(strstr(p->health(p), "\"state\":\"ok\"") != NULL, "health is ok again");

	/* 4. the key expires mid-job while the file already holds a new one:
	 * the expired answer makes the provider re-read the file and retry */
	stats = control("/_fake/stats", NULL);
	{
		json_object *errs, *v;
		long before = 0, after = 0;

		if (json_object_object_get_ex(stats, "errors", &errs) &&
		    json_object_object_get_ex(errs, "ExpiredTokenException", &v))
			before = json_object_get_int(v);
		json_object_put(stats);
		write_creds("AKIDCHECK3", 3600);
		fake_config("{\"expired\": [\"AKIDCHECK1\", \"AKIDCHECK2\"]}");
		rc = embed_n(p, 40, "rot", dims, &fails);
		stats = control("/_fake/stats", NULL);
		if (json_object_object_get_ex(stats, "errors", &errs) &&
		    json_object_object_get_ex(errs, "ExpiredTokenException", &v))
			after = json_object_get_int(v);
		sig_bad = stat_num(stats, "sig_bad");
		json_object_put(stats);
		snprintf(msg, sizeof(msg),
			 "key rotated mid-batch: rc=%s, %d failed, %ld expired answers re-read",
			 status_code(rc), fails, after - before);
		check(rc == 0 && fails == 0, msg);
		if (after == before)
			printf("# note: the provider saw the new file before sending (no expired answer to "
			       "retry)\n");
	}
	/* 5. nobody listening: connection errors are retried, then DX_E_UNAVAILABLE */
	{
		struct conf c3;
		struct embed_provider *p3;

		base_conf(&c3, 2, dims);
		c3.bedrock_endpoint = "http://127.0.0.1:1";
		c3.embedding_max_attempts = 2;
		p3 = provider(&c3);
		rc = embed_n(p3, 3, "down", dims, &fails);
		snprintf(msg, sizeof(msg), "endpoint down: rc=%s after 2 attempts", status_code(rc));
		check(rc == DX_E_UNAVAILABLE, msg);
		p3->free(p3);
	}
	snprintf(msg, sizeof(msg), "no request with a bad signature in the whole check: %ld bad", sig_bad);
	check(sig_bad == 0, msg);
	printf("# provider health: %s\n", p->health(p));
	p->free(p);
	stop_fake();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	double latency = 50;
	const char *conc = "1,8,32";
	int texts = 0, batch = 256, dims = 1024, i, rc;
	bool checkmode = false;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check") == 0)
			checkmode = true;
		else if (strcmp(argv[i], "--latency-ms") == 0 && i + 1 < argc)
			latency = atof(argv[++i]);
		else if (strcmp(argv[i], "--concurrency") == 0 && i + 1 < argc)
			conc = argv[++i];
		else if (strcmp(argv[i], "--texts") == 0 && i + 1 < argc)
			texts = atoi(argv[++i]);
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			batch = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dims") == 0 && i + 1 < argc)
			dims = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bedrock-bench [--check] [--latency-ms MS] [--concurrency "
					"1,8,32] [--texts N]\n"
					"                     [--batch N] [--dims 256|512|1024]\n");
			return 64;
		}
	}
	if (batch < 1)
		batch = 1;
	unsetenv("AWS_ACCESS_KEY_ID"); /* the credentials file is what we test */
	snprintf(tmpdir, sizeof(tmpdir), "%s/docxp-bedrock-bench-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		die("mkdtemp failed");
	snprintf(credfile, sizeof(credfile), "%s/aws-credentials.json", tmpdir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = checkmode ? run_check() : run_bench(latency, conc, texts, batch, dims);
	unlink(credfile);
	rmdir(tmpdir);
	curl_global_cleanup();
	return rc;
}
