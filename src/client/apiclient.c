/*
 * apiclient.c - libcurl easy handle wrapper.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client/apiclient.h"
#include "util/alloc.h"
#include "util/status.h"

#define APICLIENT_MAX_RESPONSE (64u << 20)

int apiclient_init(struct apiclient *c, const char *base_url, const char *api_key)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0) {
		snprintf(c->errmsg, sizeof(c->errmsg), "the API URL must start with http:// or https://: %s",
			 base_url);
		return DX_E_CONFIG;
	}
	c->base_url = xstrdup(base_url);
	n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	c->api_key = api_key && *api_key ? xstrdup(api_key) : NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c->curl = curl_easy_init();
	return 0;
}

void apiclient_release(struct apiclient *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->base_url);
	free(c->api_key);
	memset(c, 0, sizeof(*c));
}

static size_t apiclient_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct buf *out = userp;

	/* Returning less than given makes curl fail the transfer. */
	return buf_add(out, data, size * nmemb) == 0 ? size * nmemb : 0;
}

int apiclient_request(struct apiclient *c, const char *method, const char *path, const char *json_body,
		      long *status, struct buf *out)
{
	struct curl_slist *headers = NULL;
	char *url, auth[512];
	CURLcode cc;

	buf_reset(out);
	out->max = APICLIENT_MAX_RESPONSE;
	url = xmalloc(strlen(c->base_url) + strlen(path) + 1);
	strcpy(url, c->base_url);
	strcat(url, path);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, apiclient_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	headers = curl_slist_append(headers, "Accept: application/json");
	if (c->api_key) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->api_key);
		headers = curl_slist_append(headers, auth);
	}
	if (json_body) {
		headers = curl_slist_append(headers, "Content-Type: application/json");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, json_body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(json_body));
	}
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
	cc = curl_easy_perform(c->curl);
	curl_slist_free_all(headers);
	free(url);
	if (cc != CURLE_OK) {
		snprintf(c->errmsg, sizeof(c->errmsg), "could not reach the docxp API at %s: %s", c->base_url,
			 curl_easy_strerror(cc));
		return DX_E_UNAVAILABLE;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* SSE parsing state (the text/event-stream format). */
struct sse_parser {
	struct buf line; /* current line, bounded */
	struct buf data; /* data lines of the current event */
	char event[64];
	char id[128];
	char *last_id;
	size_t last_id_len;
	apiclient_event_fn fn;
	void *arg;
	int stopped;
	long status;
	CURL *curl;
};

static void sse_dispatch(struct sse_parser *p)
{
	if (p->data.len > 0 || p->event[0]) {
		if (p->id[0])
			snprintf(p->last_id, p->last_id_len, "%s", p->id);
		if (!p->stopped &&
		    p->fn(p->id, p->event[0] ? p->event : "message", buf_str(&p->data), p->arg))
			p->stopped = 1;
	}
	buf_reset(&p->data);
	p->event[0] = '\0';
}

static void sse_line(struct sse_parser *p, const char *line, size_t len)
{
	const char *colon, *value;
	size_t flen;

	if (len == 0) {
		sse_dispatch(p);
		return;
	}
	if (line[0] == ':')
		return; /* comment (heartbeat) */
	colon = memchr(line, ':', len);
	flen = colon ? (size_t)(colon - line) : len;
	value = colon ? colon + 1 : line + len;
	if (colon && *value == ' ')
		value++;
	if (flen == 4 && strncmp(line, "data", 4) == 0) {
		if (p->data.len)
			buf_add(&p->data, "\n", 1);
		buf_add(&p->data, value, (size_t)(line + len - value));
	} else if (flen == 5 && strncmp(line, "event", 5) == 0) {
		snprintf(p->event, sizeof(p->event), "%.*s", (int)(line + len - value), value);
	} else if (flen == 2 && strncmp(line, "id", 2) == 0) {
		snprintf(p->id, sizeof(p->id), "%.*s", (int)(line + len - value), value);
	}
}

static size_t sse_write(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct sse_parser *p = userp;
	size_t n = size * nmemb, i;

	if (!p->status)
		curl_easy_getinfo(p->curl, CURLINFO_RESPONSE_CODE, &p->status);
	if (p->status != 200) {
		/* An error document, not a stream: keep it for the caller. */
		buf_add(&p->data, ptr, n);
		return n;
	}
	for (i = 0; i < n && !p->stopped; i++) {
		if (ptr[i] == '\n') {
			size_t l = p->line.len;

			if (l && p->line.ptr[l - 1] == '\r')
				l--;
			sse_line(p, buf_str(&p->line), l);
			buf_reset(&p->line);
		} else if (buf_add(&p->line, ptr + i, 1) != 0) {
			return 0; /* a line over the cap: a broken server */
		}
	}
	return p->stopped ? 0 : n;
}

int apiclient_stream(struct apiclient *c, const char *path, char *last_id, size_t last_id_len,
		     apiclient_event_fn fn, void *arg)
{
	struct curl_slist *headers = NULL;
	struct sse_parser p;
	char *url, hdr[256];
	CURLcode cc;
	int rc;

	memset(&p, 0, sizeof(p));
	buf_init(&p.line, 1 << 20);
	buf_init(&p.data, 16 << 20);
	p.last_id = last_id;
	p.last_id_len = last_id_len;
	p.fn = fn;
	p.arg = arg;
	p.curl = c->curl;
	url = xmalloc(strlen(c->base_url) + strlen(path) + 1);
	strcpy(url, c->base_url);
	strcat(url, path);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sse_write);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &p);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	/* No overall timeout, but a silent connection (heartbeats stopped)
	 * is given up after a minute. */
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, 60L);
	headers = curl_slist_append(headers, "Accept: text/event-stream");
	if (last_id[0]) {
		snprintf(hdr, sizeof(hdr), "Last-Event-ID: %s", last_id);
		headers = curl_slist_append(headers, hdr);
	}
	if (c->api_key) {
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", c->api_key);
		headers = curl_slist_append(headers, hdr);
	}
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
	cc = curl_easy_perform(c->curl);
	curl_slist_free_all(headers);
	free(url);
	if (!p.status)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &p.status);
	if (p.stopped)
		rc = 0;
	else if (p.status && p.status != 200)
		rc = (int)p.status;
	else if (cc == CURLE_OK)
		rc = 0;
	else {
		snprintf(c->errmsg, sizeof(c->errmsg), "event stream broke: %s", curl_easy_strerror(cc));
		rc = DX_E_UNAVAILABLE;
	}
	buf_release(&p.line);
	buf_release(&p.data);
	return rc;
}
