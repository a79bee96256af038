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

/* Called per Server-Sent Event; returns non-zero to stop the stream. */
typedef int (*apiclient_event_fn)(const char *id, const char *event, const char *data, void *arg);

/*
 * Follows an SSE stream at path, sending Last-Event-ID when last_id is not
 * empty, and calls fn for each event. Returns 0 when the server ended the
 * stream or fn asked to stop, DX_E_UNAVAILABLE when the connection failed
 * or broke (last_id then holds the last id seen, for a reconnect), or the
 * HTTP status as a positive number when the server refused the stream.
 */
int apiclient_stream(struct apiclient *c, const char *path, char *last_id, size_t last_id_len,
		     apiclient_event_fn fn, void *arg);

#endif
