/*
 * apiclient.h - a small HTTP client for docxp's REST API (libcurl).
 *
 * Used by the docxp command line tool. Responses are bounded (a server
 * that sends more than max_response bytes is an error).
 */
#ifndef DOCXP_APICLIENT_H
#define DOCXP_APICLIENT_H

#include "util/buf.h"

struct apiclient {
	char *base_url; /* e.g. http://127.0.0.1:8080, without trailing slash */
	char *api_key;	/* bearer token or NULL */
	void *curl;	/* CURL * */
	char errmsg[256];
};

/* Returns 0 or DX_E_CONFIG (bad URL). Release with apiclient_release. */
int apiclient_init(struct apiclient *c, const char *base_url, const char *api_key);
void apiclient_release(struct apiclient *c);

/* Sends method path (with query) and an optional JSON body; fills *status
 * and the response body into out (reset first). Returns 0 when an HTTP
 * response arrived (whatever its status), else DX_E_UNAVAILABLE. */
int apiclient_request(struct apiclient *c, const char *method, const char *path, const char *json_body,
		      long *status, struct buf *out);

#endif
