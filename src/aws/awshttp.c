/*
 * awshttp.c - one blocking HTTP request with libcurl (credential sources).
 */
#include "config.h"

#include "aws/awshttp.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "util/status.h"

struct sink {
	struct buf *body;
	bool too_large;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (buf_add(s->body, data, size * n) < 0) {
		s->too_large = true;
		return 0; /* aborts the transfer */
	}
	return size * n;
}

int awshttp_perform(const struct awshttp_request *req, long *status, struct buf *body, char *errmsg,
		    size_t errlen)
{
	struct sink sink = {body, false};
	struct curl_slist *hdrs = NULL;
	CURL *easy = curl_easy_init();
	CURLcode cc;
	int rc = 0;
	size_t i;

	*status = 0;
	if (!easy) {
		snprintf(errmsg, errlen, "could not create a curl handle");
		return DX_E_INTERNAL;
	}
	/* no "Expect: 100-continue" round trip; an empty Content-Type unless
	 * the caller sets one */
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (i = 0; req->headers && req->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, req->headers[i]);
	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "docxp/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
	if (req->direct)
		curl_easy_setopt(easy, CURLOPT_PROXY, "");
	if (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (strcmp(req->method, "POST") != 0)
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req->method);
	cc = curl_easy_perform(easy);
	if (sink.too_large) {
		snprintf(errmsg, errlen, "answer from %s larger than %zu bytes", req->url, body->max);
		rc = DX_E_TOOLARGE;
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(errmsg, errlen, "%s: timed out after %ld ms", req->url, req->timeout_ms);
		rc = DX_E_TIMEOUT;
	} else if (cc != CURLE_OK) {
		snprintf(errmsg, errlen, "%s: %s", req->url, curl_easy_strerror(cc));
		rc = DX_E_UNAVAILABLE;
	} else {
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(easy);
	return rc;
}
