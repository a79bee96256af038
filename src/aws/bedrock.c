/*
 * bedrock.c - the "bedrock" embedding provider: Amazon Titan Text
 * Embeddings v2 through Bedrock Runtime InvokeModel.
 *
 * One text per request (the model takes one inputText), many requests in
 * flight through one curl multi handle whose easy handles live as long as
 * the provider, so connections are reused across batches.
 *
 * Retries follow the AWS SDKs' "standard" mode (botocore's
 * retries/standard.py): throttling errors, 408/5xx and connection errors
 * are retried up to embedding.max_attempts attempts in all, after a
 * full-jitter delay of rand(0,1) * 2^(attempt-1) seconds capped at 20 s,
 * and only while the retry quota allows it (500 units; a retry costs 5, or
 * 10 after a timeout; a success gives back what its last retry took, or 1
 * when it needed none). A quota that runs dry stops retry storms against
 * an overloaded service: the batch then fails with DX_E_THROTTLED and the
 * caller retries it later.
 *
 * An expired-token answer makes us re-read the credentials file; with new
 * credentials the text is sent again at once, without new ones the batch
 * fails with DX_E_CREDENTIALS (the job waits for docxp-credentials).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "aws/bedrock.h"
#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "embed/embed.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/conf.h"
#include "util/log.h"
#include "util/status.h"

#define SERVICE		   "bedrock"
#define RESPONSE_MAX	   (4 * 1024 * 1024)
#define RETRY_QUOTA_MAX	   500
#define RETRY_COST	   5
#define RETRY_COST_TIMEOUT 10
#define NO_RETRY_INCREMENT 1
#define MAX_BACKOFF_S	   20.0
#define CONNECT_TIMEOUT_MS 10000L
#define REQUEST_TIMEOUT_MS 60000L

/* One easy handle and what belongs to the request it carries. */
struct slot {
	CURL *easy;
	struct curl_slist *hdrs;
	struct buf resp;
	char errtype[128]; /* x-amzn-ErrorType up to ':' */
	char reqid[80];	   /* x-amzn-RequestId, for logs */
	size_t item;	   /* index into the batch */
	bool busy;
};

/* The state of one text of the batch. */
struct item {
	char *body; /* request JSON */
	size_t body_len;
	int attempts;		/* requests sent */
	int quota_held;		/* units taken for the last retry */
	double ready_at;	/* monotonic time it may be sent */
	unsigned long cred_gen; /* credentials generation it was signed with */
	bool done, in_flight;
};

struct bedrock {
	struct embed_provider base;
	struct conf_copy {
		char *region, *model, *endpoint, *credfile;
		int dims, concurrency, max_attempts, max_chars;
		bool normalize;
	} c;
	char *url;  /* endpoint + path */
	char *host; /* authority sent (and signed) as Host */
	char *path; /* wire path: /model/<id %-encoded>/invoke */
	CURLM *multi;
	struct slot *slots;
	int nslots;
	struct aws_cred_provider *creds;
	int quota;
	uint64_t rng;
	/* health */
	time_t last_success;
	unsigned long requests, retries, throttled, server_errors, conn_errors, expired_answers;
	int last_rc;
	char last_error[256];
	struct aws_credentials last_cred; /* for health only (source, expiry) */
	char health[1536];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: jitter only, not security. */
static double rng_unit(struct bedrock *br)
{
	uint64_t x = br->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	br->rng = x;
	return (double)((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* ---- request construction --------------------------------------------- */

/* Byte length of the first max_chars code points of s (never splitting a
 * UTF-8 sequence); sets *cut when s is longer. */
static size_t utf8_prefix(const char *s, size_t len, int max_chars, bool *cut)
{
	size_t i = 0;
	int chars = 0;

	*cut = false;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;

		if (chars == max_chars) {
			*cut = true;
			return i;
		}
		if (i + w > len)
			w = len - i;
		i += w;
		chars++;
	}
	return len;
}

static char *make_body(struct bedrock *br, const char *text, size_t len, size_t *body_len)
{
	json_object *o = json_object_new_object();
	const char *s;
	char *out;

	json_object_object_add(o, "inputText", json_object_new_string_len(text, (int)len));
	json_object_object_add(o, "dimensions", json_object_new_int(br->c.dims));
	json_object_object_add(o, "normalize", json_object_new_boolean(br->c.normalize));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	out = xstrdup(s);
	*body_len = strlen(out);
	json_object_put(o);
	return out;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct slot *s = ud;

	if (buf_add(&s->resp, ptr, size * nmemb) < 0)
		return 0; /* too large: curl fails the transfer */
	return size * nmemb;
}

static void header_value(const char *line, size_t n, const char *name, char *dst, size_t dstlen,
			 bool cut_colon)
{
	size_t nl = strlen(name), i, o = 0;

	if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	i = nl + 1;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (; i < n && o + 1 < dstlen; i++) {
		if (line[i] == '\r' || line[i] == '\n' || (cut_colon && line[i] == ':'))
			break;
		dst[o++] = line[i];
	}
	dst[o] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct slot *s = ud;
	size_t n = size * nmemb;

	header_value(ptr, n, "x-amzn-ErrorType", s->errtype, sizeof(s->errtype), true);
	header_value(ptr, n, "x-amzn-RequestId", s->reqid, sizeof(s->reqid), false);
	return n;
}

/*
 * Current credentials; re-read the file when forced or when the ones in
 * hand have expired. Returns 0 or DX_E_CREDENTIALS with b->errmsg set.
 */
static int get_creds(struct bedrock *br, bool force, struct aws_credentials *cred, struct embed_batch *b)
{
	char why[256];
	time_t now = time(NULL);
	int rc = aws_cred_provider_get(br->creds, force, cred, why, sizeof(why));

	if (rc == 0 && cred->expiration && cred->expiration <= now && !force)
		rc = aws_cred_provider_get(br->creds, true, cred, why, sizeof(why));
	if (rc < 0) {
		snprintf(b->errmsg, sizeof(b->errmsg), "no AWS credentials: %s", why);
		return DX_E_CREDENTIALS;
	}
	br->last_cred = *cred;
	explicit_bzero(br->last_cred.secret_access_key, sizeof(br->last_cred.secret_access_key));
	explicit_bzero(br->last_cred.session_token, sizeof(br->last_cred.session_token));
	if (cred->expiration && cred->expiration <= now) {
		char exp[21];

		aws_format_rfc3339(cred->expiration, exp);
		snprintf(b->errmsg, sizeof(b->errmsg), "credentials expired at %s (%s) and no fresh ones",
			 exp, cred->source);
		return DX_E_CREDENTIALS;
	}
	return 0;
}

/* Signs and queues item i on slot s. Returns 0 or a batch failure. */
static int start_request(struct bedrock *br, struct slot *s, struct item *it, size_t i, struct embed_batch *b)
{
	struct aws_credentials cred;
	struct sigv4_header h[2] = {{"Host", br->host}, {"Content-Type", "application/json"}};
	struct sigv4_request req = {.method = "POST",
				    .path = br->path,
				    .headers = h,
				    .nheaders = 2,
				    .body = it->body,
				    .body_len = it->body_len,
				    .normalize_path = true,
				    .double_encode = true,
				    .sign_body_header = true};
	struct sigv4_result sig;
	char hostline[512];
	size_t k;
	int rc;

	rc = get_creds(br, false, &cred, b);
	if (rc < 0)
		return rc;
	it->cred_gen = aws_cred_provider_generation(br->creds);
	rc = sigv4_sign(&req, &cred, br->c.region, SERVICE, time(NULL), &sig);
	aws_credentials_clear(&cred);
	if (rc < 0) {
		sigv4_result_release(&sig);
		snprintf(b->errmsg, sizeof(b->errmsg), "could not sign the bedrock request");
		return DX_E_INTERNAL;
	}
	curl_slist_free_all(s->hdrs);
	s->hdrs = NULL;
	snprintf(hostline, sizeof(hostline), "Host: %s", br->host);
	s->hdrs = curl_slist_append(s->hdrs, hostline);
	s->hdrs = curl_slist_append(s->hdrs, "Content-Type: application/json");
	s->hdrs = curl_slist_append(s->hdrs, "Accept: application/json");
	s->hdrs = curl_slist_append(s->hdrs, "Expect:");
	for (k = 0; k < sig.nadd_headers; k++)
		s->hdrs = curl_slist_append(s->hdrs, sig.add_headers[k]);
	sigv4_result_release(&sig);
	if (!s->hdrs)
		abort();

	buf_reset(&s->resp);
	s->errtype[0] = s->reqid[0] = '\0';
	curl_easy_setopt(s->easy, CURLOPT_URL, br->url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->hdrs);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->body_len);
	s->item = i;
	s->busy = true;
	it->in_flight = true;
	it->attempts++;
	br->requests++;
	if (curl_multi_add_handle(br->multi, s->easy) != CURLM_OK)
		abort();
	return 0;
}

/* ---- answers ----------------------------------------------------------- */

static bool is_throttle(const char *type)
{
	static const char *const codes[] = {"ThrottlingException",	    "Throttling",
					    "TooManyRequestsException",	    "ServiceUnavailableException",
					    "ModelNotReadyException",	    "RequestLimitExceeded",
					    "ServiceQuotaExceededException"};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(type, codes[i]) == 0)
			return true;
	return false;
}

/* The "message" of an error body (JSON), cut into dst. */
static void error_message(const struct slot *s, char *dst, size_t dstlen)
{
	json_object *o = json_tokener_parse(buf_str(&s->resp)), *m;

	dst[0] = '\0';
	if (o &&
	    (json_object_object_get_ex(o, "message", &m) || json_object_object_get_ex(o, "Message", &m)) &&
	    json_object_is_type(m, json_type_string))
		snprintf(dst, dstlen, "%s", json_object_get_string(m));
	if (o)
		json_object_put(o);
}

/* Parses a 200 answer into vector i. Returns 0 or a per-text status. */
static int parse_embedding(struct bedrock *br, const struct slot *s, struct embed_batch *b, size_t i)
{
	json_object *o = json_tokener_parse(buf_str(&s->resp)), *emb, *tok;
	float *v = b->vectors + i * (size_t)br->c.dims;
	size_t n, k;
	int rc = 0;

	if (!o || !json_object_object_get_ex(o, "embedding", &emb) ||
	    !json_object_is_type(emb, json_type_array)) {
		rc = DX_E_BADJSON;
		goto out;
	}
	n = json_object_array_length(emb);
	if (n != (size_t)br->c.dims) {
		rc = DX_E_INTERNAL;
		goto out;
	}
	for (k = 0; k < n; k++) {
		json_object *x = json_object_array_get_idx(emb, k);

		if (!json_object_is_type(x, json_type_double) && !json_object_is_type(x, json_type_int)) {
			rc = DX_E_BADJSON;
			goto out;
		}
		v[k] = (float)json_object_get_double(x);
	}
	if (json_object_object_get_ex(o, "inputTextTokenCount", &tok) &&
	    json_object_is_type(tok, json_type_int))
		b->tokens[i] = json_object_get_int(tok);
	else
		b->tokens[i] = (int)((strlen(b->texts[i]) + 3) / 4);
out:
	if (o)
		json_object_put(o);
	return rc;
}

static void quota_release(struct bedrock *br, struct item *it)
{
	br->quota += it->quota_held ? it->quota_held : NO_RETRY_INCREMENT;
	if (br->quota > RETRY_QUOTA_MAX)
		br->quota = RETRY_QUOTA_MAX;
	it->quota_held = 0;
}

/*
 * Decides what a finished transfer means for its text. Returns 0 (done or
 * rescheduled) or a negative status that fails the whole batch.
 */
static int finish(struct bedrock *br, struct slot *s, CURLcode cc, struct embed_batch *b, struct item *items)
{
	size_t i = s->item;
	struct item *it = &items[i];
	long status = 0;
	char msg[200];
	bool timeout = false;
	int fail_rc = DX_E_THROTTLED;

	curl_multi_remove_handle(br->multi, s->easy);
	s->busy = false;
	it->in_flight = false;
	if (cc == CURLE_OK)
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);

	if (cc == CURLE_OK && status == 200) {
		int rc = parse_embedding(br, s, b, i);

		b->status[i] = rc;
		if (rc < 0 && !b->errmsg[0])
			snprintf(b->errmsg, sizeof(b->errmsg),
				 "text %zu: bedrock answered an unusable embedding", i);
		it->done = true;
		quota_release(br, it);
		br->last_success = time(NULL);
		return 0;
	}
	if (cc != CURLE_OK) {
		br->conn_errors++;
		timeout = cc == CURLE_OPERATION_TIMEDOUT;
		fail_rc = DX_E_UNAVAILABLE;
		snprintf(msg, sizeof(msg), "%s", curl_easy_strerror(cc));
	} else {
		char m[160];

		error_message(s, m, sizeof(m));
		snprintf(msg, sizeof(msg), "HTTP %ld %s: %s", status, s->errtype[0] ? s->errtype : "-", m);
		if ((status == 403 || status == 400 || status == 401) &&
		    (strcmp(s->errtype, "ExpiredTokenException") == 0 || strcasestr(m, "expired"))) {
			struct aws_credentials cred;
			int rc;

			br->expired_answers++;
			rc = get_creds(br, true, &cred, b);
			aws_credentials_clear(&cred);
			if (rc == 0 && aws_cred_provider_generation(br->creds) != it->cred_gen) {
				log_debug(
				    "bedrock: credentials expired, retrying with the re-read ones | text=%zu",
				    i);
				it->ready_at = 0;
				return 0;
			}
			if (rc == 0 || !b->errmsg[0])
				snprintf(b->errmsg, sizeof(b->errmsg),
					 "credentials expired (%s) and no fresh ones",
					 s->errtype[0] ? s->errtype : "HTTP 403");
			return DX_E_CREDENTIALS;
		}
		if (status == 429 || status == 408 || status >= 500 || is_throttle(s->errtype) ||
		    strcmp(s->errtype, "ModelTimeoutException") == 0) {
			if (status == 429 || is_throttle(s->errtype))
				br->throttled++;
			else
				br->server_errors++;
		} else if (status == 400 || status == 413 || status == 422) {
			/* ValidationException: this text, not the batch */
			b->status[i] = DX_E_VALIDATION;
			if (!b->errmsg[0])
				snprintf(b->errmsg, sizeof(b->errmsg), "text %zu: %s", i, msg);
			log_notice("bedrock refused a text | text=%zu status=%ld type=%s req=%s", i, status,
				   s->errtype[0] ? s->errtype : "-", s->reqid);
			it->done = true;
			quota_release(br, it);
			return 0;
		} else if (status == 401 || status == 403) {
			snprintf(b->errmsg, sizeof(b->errmsg), "bedrock refused our credentials: %s", msg);
			return DX_E_CREDENTIALS;
		} else {
			snprintf(b->errmsg, sizeof(b->errmsg), "bedrock: %s", msg);
			return DX_E_UNAVAILABLE;
		}
	}
	if (it->attempts >= br->c.max_attempts) {
		snprintf(b->errmsg, sizeof(b->errmsg), "bedrock: %d attempts failed, last: %s", it->attempts,
			 msg);
		return fail_rc;
	}
	{
		int cost = timeout ? RETRY_COST_TIMEOUT : RETRY_COST;
		double delay;

		if (br->quota < cost) {
			snprintf(b->errmsg, sizeof(b->errmsg), "bedrock: retry quota exhausted, last: %s",
				 msg);
			return fail_rc;
		}
		br->quota -= cost;
		it->quota_held = cost;
		delay = rng_unit(br) * pow(2.0, it->attempts - 1);
		if (delay > MAX_BACKOFF_S)
			delay = MAX_BACKOFF_S;
		it->ready_at = mono_now() + delay;
		br->retries++;
		log_debug("bedrock: retrying | text=%zu attempt=%d delay_ms=%d why=%s", i, it->attempts,
			  (int)(delay * 1000), msg);
	}
	return 0;
}

/* ---- the batch loop ---------------------------------------------------- */

static void abort_in_flight(struct bedrock *br)
{
	int k;

	for (k = 0; k < br->nslots; k++) {
		if (br->slots[k].busy) {
			curl_multi_remove_handle(br->multi, br->slots[k].easy);
			br->slots[k].busy = false;
		}
	}
}

static int bedrock_embed(struct embed_provider *p, struct embed_batch *b)
{
	struct bedrock *br = p->impl;
	struct item *items = xcalloc(b->n ? b->n : 1, sizeof(*items));
	size_t i, left = b->n, cursor = 0;
	int rc = 0, k;

	b->errmsg[0] = '\0';
	for (i = 0; i < b->n; i++) {
		size_t len = strlen(b->texts[i]), use;
		bool cut;

		use = utf8_prefix(b->texts[i], len, br->c.max_chars, &cut);
		b->truncated[i] = cut;
		b->status[i] = 0;
		b->tokens[i] = 0;
		items[i].body = make_body(br, b->texts[i], use, &items[i].body_len);
	}

	while (left > 0) {
		double now = mono_now(), wait = 1.0;
		int running = 0, nmsg;
		CURLMsg *m;

		/* fill free slots with texts that are due */
		for (k = 0; k < br->nslots && rc == 0; k++) {
			size_t scanned;

			if (br->slots[k].busy)
				continue;
			for (scanned = 0; scanned < b->n; scanned++) {
				size_t j = (cursor + scanned) % b->n;
				struct item *it = &items[j];

				if (it->done || it->in_flight || it->ready_at > now)
					continue;
				rc = start_request(br, &br->slots[k], it, j, b);
				cursor = (j + 1) % b->n;
				break;
			}
		}
		if (rc < 0)
			break;
		curl_multi_perform(br->multi, &running);
		while ((m = curl_multi_info_read(br->multi, &nmsg)) != NULL) {
			struct slot *s = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			for (k = 0; k < br->nslots; k++)
				if (br->slots[k].easy == m->easy_handle)
					s = &br->slots[k];
			if (!s)
				continue;
			{
				CURLcode cc = m->data.result;
				size_t idx = s->item;

				rc = finish(br, s, cc, b, items);
				if (rc < 0)
					break;
				if (items[idx].done)
					left--;
			}
		}
		if (rc < 0 || left == 0)
			break;
		/* sleep until a transfer moves or a backed-off text is due */
		now = mono_now();
		for (i = 0; i < b->n; i++)
			if (!items[i].done && !items[i].in_flight) {
				double d = items[i].ready_at - now;

				if (d < wait)
					wait = d;
			}
		if (wait < 0)
			wait = 0;
		{
			bool any_free = false, any_busy = false;

			for (k = 0; k < br->nslots; k++) {
				if (br->slots[k].busy)
					any_busy = true;
				else
					any_free = true;
			}
			if (!any_free && wait < 1.0)
				wait = 1.0; /* nothing can start before a transfer ends */
			if (!any_busy && wait <= 0)
				continue;
		}
		/* a long backoff or a slow answer must not cost the caller its
		 * lease: it renews while we wait, at most a second apart */
		if (b->keepalive) {
			rc = b->keepalive(b->keepalive_arg);
			if (rc) {
				snprintf(b->errmsg, sizeof(b->errmsg),
					 "stopped while waiting for Bedrock: %s", status_str(rc));
				rc = rc < 0 ? rc : DX_E_INTERNAL;
				break;
			}
		}
		if (wait > 1.0)
			wait = 1.0;
		curl_multi_poll(br->multi, NULL, 0, (int)(wait * 1000.0) + (wait > 0 ? 1 : 0), NULL);
	}

	if (rc < 0) {
		abort_in_flight(br);
		for (i = 0; i < b->n; i++)
			if (!items[i].done)
				b->status[i] = rc;
		br->last_rc = rc;
		snprintf(br->last_error, sizeof(br->last_error), "%s", b->errmsg);
		log_warn("bedrock batch failed: %s | rc=%s texts=%zu", b->errmsg, status_code(rc), b->n);
	} else {
		br->last_rc = 0;
	}
	for (i = 0; i < b->n; i++)
		free(items[i].body);
	free(items);
	return rc;
}

/* ---- health, lifetime -------------------------------------------------- */

static const char *bedrock_health(struct embed_provider *p)
{
	struct bedrock *br = p->impl;
	time_t now = time(NULL);
	char exp[32] = "null", last[32] = "null";
	json_object *o = json_object_new_object(), *c = json_object_new_object();

	if (br->last_cred.expiration)
		aws_format_rfc3339(br->last_cred.expiration, exp);
	if (br->last_success)
		aws_format_rfc3339(br->last_success, last);
	json_object_object_add(o, "provider", json_object_new_string("bedrock"));
	json_object_object_add(o, "model", json_object_new_string(br->c.model));
	json_object_object_add(o, "region", json_object_new_string(br->c.region));
	json_object_object_add(c, "source",
			       br->last_cred.source[0] ? json_object_new_string(br->last_cred.source) : NULL);
	json_object_object_add(c, "expiration",
			       br->last_cred.expiration ? json_object_new_string(exp) : NULL);
	json_object_object_add(
	    c, "seconds_left",
	    br->last_cred.expiration ? json_object_new_int64(br->last_cred.expiration - now) : NULL);
	json_object_object_add(
	    c, "expired",
	    json_object_new_boolean(br->last_rc == DX_E_CREDENTIALS ||
				    (br->last_cred.expiration && br->last_cred.expiration <= now)));
	json_object_object_add(o, "credentials", c);
	json_object_object_add(o, "last_success", br->last_success ? json_object_new_string(last) : NULL);
	json_object_object_add(o, "requests", json_object_new_int64((int64_t)br->requests));
	json_object_object_add(o, "retries", json_object_new_int64((int64_t)br->retries));
	json_object_object_add(o, "throttled", json_object_new_int64((int64_t)br->throttled));
	json_object_object_add(o, "server_errors", json_object_new_int64((int64_t)br->server_errors));
	json_object_object_add(o, "connection_errors", json_object_new_int64((int64_t)br->conn_errors));
	json_object_object_add(o, "expired_token_answers",
			       json_object_new_int64((int64_t)br->expired_answers));
	json_object_object_add(o, "retry_quota", json_object_new_int(br->quota));
	json_object_object_add(o, "state",
			       json_object_new_string(br->last_rc == 0 ? "ok"
						      : br->last_rc == DX_E_CREDENTIALS
							  ? "credentials_expired"
							  : "degraded"));
	json_object_object_add(o, "last_error", br->last_rc ? json_object_new_string(br->last_error) : NULL);
	snprintf(br->health, sizeof(br->health), "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return br->health;
}

static void bedrock_free(struct embed_provider *p)
{
	struct bedrock *br;
	int k;

	if (!p)
		return;
	br = p->impl;
	abort_in_flight(br);
	for (k = 0; k < br->nslots; k++) {
		curl_easy_cleanup(br->slots[k].easy);
		curl_slist_free_all(br->slots[k].hdrs);
		buf_release(&br->slots[k].resp);
	}
	free(br->slots);
	if (br->multi)
		curl_multi_cleanup(br->multi);
	aws_cred_provider_free(br->creds);
	free(br->c.region);
	free(br->c.model);
	free(br->c.endpoint);
	free(br->c.credfile);
	free(br->url);
	free(br->host);
	free(br->path);
	free(br);
}

/* Splits "scheme://authority/base" into the authority and the base path. */
static int parse_endpoint(const char *ep, char **host, char **base, char *errmsg, size_t errlen)
{
	const char *a = strstr(ep, "://"), *slash;

	if (!a || (strncmp(ep, "http://", 7) != 0 && strncmp(ep, "https://", 8) != 0) || !a[3]) {
		snprintf(errmsg, errlen, "aws.bedrock_endpoint must be an http:// or https:// URL, not '%s'",
			 ep);
		return DX_E_CONFIG;
	}
	a += 3;
	slash = strchr(a, '/');
	*host = slash ? xstrndup(a, (size_t)(slash - a)) : xstrdup(a);
	*base = xstrdup(slash ? slash : "");
	/* no trailing slash on the base path */
	while (**base && (*base)[strlen(*base) - 1] == '/')
		(*base)[strlen(*base) - 1] = '\0';
	if (!**host || strchr(*host, '@') || strchr(*host, '?')) {
		snprintf(errmsg, errlen, "aws.bedrock_endpoint has no usable host: '%s'", ep);
		free(*host);
		free(*base);
		return DX_E_CONFIG;
	}
	return 0;
}

struct embed_provider *aws_bedrock_provider_new(const struct conf *cfg, char *errmsg, size_t errlen)
{
	struct bedrock *br;
	struct buf b;
	char *base = NULL, *enc;
	size_t need;
	int k;

	pthread_once(&curl_once, curl_init_once);
	if (!cfg->aws_region || !*cfg->aws_region || !cfg->bedrock_model_id || !*cfg->bedrock_model_id) {
		snprintf(errmsg, errlen,
			 "aws.region and aws.bedrock_model_id must be set for the bedrock provider");
		return NULL;
	}
	if (cfg->embedding_dimensions != 256 && cfg->embedding_dimensions != 512 &&
	    cfg->embedding_dimensions != 1024) {
		snprintf(errmsg, errlen, "Titan v2 takes dimensions 256, 512 or 1024, not %d",
			 cfg->embedding_dimensions);
		return NULL;
	}
	br = xcalloc(1, sizeof(*br));
	br->base.impl = br;
	br->c.region = xstrdup(cfg->aws_region);
	br->c.model = xstrdup(cfg->bedrock_model_id);
	br->c.credfile = xstrdup(cfg->aws_credentials_file ? cfg->aws_credentials_file : "");
	br->c.dims = cfg->embedding_dimensions;
	br->c.normalize = cfg->embedding_normalize != 0;
	br->c.concurrency = cfg->embedding_concurrency > 0 ? cfg->embedding_concurrency : 1;
	br->c.max_attempts = cfg->embedding_max_attempts > 0 ? cfg->embedding_max_attempts : 1;
	br->c.max_chars = cfg->embedding_max_text_chars > 0 ? cfg->embedding_max_text_chars : 50000;
	if (cfg->bedrock_endpoint && *cfg->bedrock_endpoint) {
		br->c.endpoint = xstrdup(cfg->bedrock_endpoint);
	} else {
		buf_init(&b, 0);
		buf_printf(&b, "https://bedrock-runtime.%s.amazonaws.com", cfg->aws_region);
		br->c.endpoint = buf_detach(&b);
	}
	if (parse_endpoint(br->c.endpoint, &br->host, &base, errmsg, errlen) < 0) {
		br->host = NULL;
		bedrock_free(&br->base);
		return NULL;
	}
	need = sigv4_uri_encode(br->c.model, strlen(br->c.model), false, NULL, 0);
	enc = xmalloc(need + 1);
	sigv4_uri_encode(br->c.model, strlen(br->c.model), false, enc, need + 1);
	buf_init(&b, 0);
	buf_printf(&b, "%s/model/%s/invoke", base, enc);
	br->path = buf_detach(&b);
	buf_init(&b, 0);
	buf_printf(&b, "%.*s%s%s", (int)(strstr(br->c.endpoint, "://") + 3 - br->c.endpoint), br->c.endpoint,
		   br->host, br->path);
	br->url = buf_detach(&b);
	free(enc);
	free(base);

	br->creds = aws_cred_provider_new(br->c.credfile);
	br->quota = RETRY_QUOTA_MAX;
	if (getrandom(&br->rng, sizeof(br->rng), 0) != sizeof(br->rng) || br->rng == 0)
		br->rng = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ULL;

	br->multi = curl_multi_init();
	if (!br->multi)
		abort();
	curl_multi_setopt(br->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)br->c.concurrency);
	curl_multi_setopt(br->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)br->c.concurrency);
	curl_multi_setopt(br->multi, CURLMOPT_MAXCONNECTS, (long)br->c.concurrency);
	br->nslots = br->c.concurrency;
	br->slots = xcalloc((size_t)br->nslots, sizeof(*br->slots));
	for (k = 0; k < br->nslots; k++) {
		struct slot *s = &br->slots[k];

		s->easy = curl_easy_init();
		if (!s->easy)
			abort();
		buf_init(&s->resp, RESPONSE_MAX);
		curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
		curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
		curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
		curl_easy_setopt(s->easy, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(s->easy, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(s->easy, CURLOPT_USERAGENT, "docxp/" PACKAGE_VERSION);
		curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
	}

	br->base.name = "bedrock";
	br->base.model = br->c.model;
	br->base.dimensions = br->c.dims;
	br->base.normalize = br->c.normalize;
	br->base.embed = bedrock_embed;
	br->base.health = bedrock_health;
	br->base.free = bedrock_free;
	br->base.impl = br;
	log_info("bedrock provider ready | endpoint=%s model=%s region=%s dims=%d concurrency=%d",
		 br->c.endpoint, br->c.model, br->c.region, br->c.dims, br->c.concurrency);
	return &br->base;
}

struct embed_provider *embed_bedrock_new(const struct conf *cfg, char *errmsg, size_t errlen)
{
	return aws_bedrock_provider_new(cfg, errmsg, errlen);
}
