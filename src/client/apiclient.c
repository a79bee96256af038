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
