/*
 * http.h - docxp's FastCGI responder: requests, responses and routing.
 *
 * The server runs N responder threads (libfcgi, FCGX_Accept_r) on one
 * listening socket: the socket systemd passes (sd_listen_fds, fd 3) or a
 * unix socket it creates itself. Each request gets a fresh arena that is
 * freed after the handler returns; everything hanging off the request is
 * owned by that arena.
 */
#ifndef DOCXP_HTTP_H
#define DOCXP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct arena;

#define HTTP_MAX_PARAMS 4

struct http_request {
	struct arena *arena;	   /* freed when the request ends */
	const char *method;	   /* "GET", "POST", ... */
	const char *path;	   /* URL path without the query string, percent-decoded */
	const char *query;	   /* raw query string, "" if none */
	const char *content_type;  /* "" if absent */
	const char *authorization; /* "" if absent */
	const char *last_event_id; /* Last-Event-ID header, "" if absent */
	const char *request_id;	   /* X-Request-Id from nginx, or generated */
	char *body;		   /* NUL-terminated, body_len bytes; "" if none */
	size_t body_len;
	const char *params[HTTP_MAX_PARAMS]; /* {name} captures of the route, in order */
	int nparams;
	void *thread_ctx; /* what the server's thread_init returned for this thread */
	void *fcgi;	  /* FCGX_Request *, for the response writers */
	bool responded;	  /* a response (or stream head) was sent */
	int status;	  /* HTTP status sent, 0 before the response */
};

/* Returns the percent-decoded value of query parameter name (arena-owned),
 * or NULL when absent. '+' decodes to a space; a parameter without '='
 * has the value ""; when a name repeats, the first occurrence wins. A value
 * whose encoding is invalid (bad %XX, %00) reads as NULL; the server
 * rejects such query strings with 400 before any handler runs. */
const char *http_query_param(struct http_request *r, const char *name);

/* Sends status and body (serialised compactly) with Content-Type
 * application/json. Does not take ownership of body. */
void http_respond_json(struct http_request *r, int status, struct json_object *body);

/* Sends {"error":{"code":status_code(rc),"message":...}} with status_http(rc). */
void http_respond_error(struct http_request *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like http_respond_error, with extra header lines ("Allow: GET\r\n",
 * "Retry-After: 30\r\n") or NULL; the caller builds them, well-formed. */
void http_respond_error_hdr(struct http_request *r, int rc, const char *headers, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sends status with a text body and the given content type. */
void http_respond_text(struct http_request *r, int status, const char *content_type, const char *text);

/* Server-Sent Events. http_sse_begin sends the headers (200,
 * text/event-stream, no caching, X-Accel-Buffering: no). The writers flush
 * after every event and return 0, or -EPIPE once the client is gone.
 * Multi-line data and comments are split into one field per line; id and
 * event (either may be NULL) must not contain line breaks: -EINVAL.
 * http_sse_begin returns -EINVAL when a response was already sent. */
int http_sse_begin(struct http_request *r);
int http_sse_event(struct http_request *r, const char *id, const char *event, const char *data);
int http_sse_comment(struct http_request *r, const char *text);
int http_sse_retry(struct http_request *r, int millis);

typedef void (*http_handler_fn)(struct http_request *r);

/* A route: method and a pattern whose {name} segments match one path
 * segment each and are captured into r->params in order. */
struct http_route {
	const char *method;
	const char *pattern;
	http_handler_fn handler;
	int access; /* what the authorize hook requires (meaning is the caller's) */
};

struct http_server_config {
	const char *socket_path; /* created when no socket is passed by systemd */
	int socket_mode;	 /* chmod of the created socket */
	int threads;
	size_t max_body_bytes;
	const struct http_route *routes;
	size_t nroutes;
	/* Called in each responder thread before its first request, and at
	 * its end; thread_init's result becomes r->thread_ctx. */
	void *(*thread_init)(void *arg);
	void (*thread_fini)(void *ctx);
	void *thread_arg;
	/* Called after routing and before the body is read; returns 0 to go
	 * on, or non-zero after sending an error (401, 403, ...). NULL: all
	 * requests are allowed. */
	int (*authorize)(struct http_request *r, const struct http_route *route);
	/* Called after every request with its route (NULL when none matched),
	 * final status and duration; for metrics. May be NULL. */
	void (*after)(struct http_request *r, const struct http_route *route, int64_t usec);
	/* Requests slower than this are logged at notice level (0: never). */
	int slow_request_ms;
};

/*
 * Serves requests until SIGTERM or SIGINT, then stops accepting, lets the
 * running requests finish and joins the threads. Sends READY=1 and
 * STOPPING=1 to systemd when NOTIFY_SOCKET is set. Returns 0 or a negative
 * status (socket could not be created: DX_E_CONFIG / -errno).
 *
 * Routing: an unknown path answers 404, a known path with another method
 * 405 (with Allow), a body over max_body_bytes 413 (all JSON errors). A
 * CONTENT_LENGTH over max_body_bytes (0 = 1 MiB) is refused before the
 * body is read; without CONTENT_LENGTH the body is read to its end but
 * never past the cap; a garbage CONTENT_LENGTH, a body shorter than
 * announced, or a path with bad %-escapes or %00 answers 400.
 *
 * r->request_id is nginx's X-Request-Id (HTTP_X_REQUEST_ID) when it is
 * 1-64 plain characters, else 32 random hex digits; every request is logged
 * with it. The X-Request-Id response header is left to nginx (add_header).
 *
 * The listening socket is never shutdown(): a socket passed by systemd must
 * survive a restart, so the threads wait in poll() on it and on an eventfd
 * that wakes them all to stop.
 */
int http_server_run(const struct http_server_config *cfg);

/* Returns true once http_server_run has been asked to stop. Long-running
 * handlers (event streams) poll it between events and return. */
bool http_server_stopping(void);

/* FastCGI connections accepted since the server started (nginx keeps its
 * connections for further requests: far fewer than requests). */
unsigned long http_server_connections_accepted(void);

/* Matches path against pattern; fills params (arena-owned) and returns true on a match. */
bool http_route_match(struct arena *a, const char *pattern, const char *path, const char **params,
		      int *nparams);

#endif
