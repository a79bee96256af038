/*
 * response.c - CGI-style response heads, JSON/text bodies and the SSE writer.
 *
 * libfcgi buffers output: FCGX_PutStr succeeds even when nginx (or the
 * client behind it) is gone, and the failure only shows on FCGX_FFlush.
 * That is why every SSE writer flushes and reports -EPIPE from the flush.
 *
 * X-Request-Id is not sent from here: nginx sets it on every response
 * (add_header ... always), and a second copy would duplicate it.
 *
 * A request without an FCGX_Request (r->fcgi == NULL, as in unit tests of
 * handlers) records its status but writes nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <fcgiapp.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/log.h"
#include "util/status.h"

static const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return status < 400 ? "OK" : "Error";
	}
}

static FCGX_Stream *http_out(struct http_request *r)
{
	return r->fcgi ? ((FCGX_Request *)r->fcgi)->out : NULL;
}

/* A header value we did not build ourselves must not carry a line break. */
static bool http_header_safe(const char *s)
{
	return s && strpbrk(s, "\r\n") == NULL;
}

/* Claims the response for r; false (and a log line) if one was sent. */
static bool http_claim(struct http_request *r, int status)
{
	if (r->responded) {
		log_warn("response already sent | req=%s status=%d", r->request_id ? r->request_id : "-",
			 status);
		return false;
	}
	r->responded = true;
	r->status = status;
	return true;
}

static int http_write_head(struct http_request *r, int status, const char *content_type, const char *headers)
{
	FCGX_Stream *out = http_out(r);

	if (!out)
		return 0;
	if (!http_header_safe(content_type))
		content_type = "application/octet-stream";
	if (FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\n", status, http_reason(status),
			 content_type) < 0)
		return -EPIPE;
	if (headers && FCGX_PutS(headers, out) < 0)
		return -EPIPE;
	if (FCGX_PutS("\r\n", out) < 0)
		return -EPIPE;
	return 0;
}

static void http_write_body(struct http_request *r, const char *body, size_t len)
{
	FCGX_Stream *out = http_out(r);

	/* Writes are capped at INT_MAX per call by the libfcgi API. */
	while (out && len > 0) {
		int n = len > (1u << 30) ? (1 << 30) : (int)len;

		if (FCGX_PutStr(body, n, out) < 0)
			return;
		body += n;
		len -= (size_t)n;
	}
}

static void http_respond_raw(struct http_request *r, int status, const char *content_type,
			     const char *headers, const char *body, size_t len)
{
	if (!http_claim(r, status))
		return;
	if (http_write_head(r, status, content_type, headers) < 0)
		return;
	http_write_body(r, body, len);
}

void http_respond_json(struct http_request *r, int status, struct json_object *body)
{
	const char *s;

	s = body ? json_object_to_json_string_ext(body,
						  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
		 : "null";
	http_respond_raw(r, status, "application/json", NULL, s, strlen(s));
}

void http_respond_text(struct http_request *r, int status, const char *content_type, const char *text)
{
	if (!text)
		text = "";
	http_respond_raw(r, status, content_type ? content_type : "text/plain; charset=utf-8", NULL, text,
			 strlen(text));
}

static void http_respond_error_v(struct http_request *r, int rc, const char *headers, const char *fmt,
				 va_list ap) __attribute__((format(printf, 4, 0)));

static void http_respond_error_v(struct http_request *r, int rc, const char *headers, const char *fmt,
				 va_list ap)
{
	struct json_object *root, *err;
	char msg[1024];
	const char *s;
	int status;

	/* A success code here is a bug in the caller; do not answer 200. */
	if (rc >= 0)
		rc = DX_E_INTERNAL;
	status = status_http(rc);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (status >= 500)
		log_warn("request failed: %s | req=%s rc=%d", msg, r->request_id ? r->request_id : "-", rc);
	err = json_object_new_object();
	json_object_object_add(err, "code", json_object_new_string(status_code(rc)));
	json_object_object_add(err, "message", json_object_new_string(msg));
	root = json_object_new_object();
	json_object_object_add(root, "error", err);
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	http_respond_raw(r, status, "application/json", headers, s, strlen(s));
	json_object_put(root);
}

void http_respond_error(struct http_request *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_respond_error_v(r, rc, NULL, fmt, ap);
	va_end(ap);
}

void http_respond_error_hdr(struct http_request *r, int rc, const char *headers, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_respond_error_v(r, rc, headers, fmt, ap);
	va_end(ap);
}

static int sse_flush(struct http_request *r)
{
	FCGX_Stream *out = http_out(r);

	if (!out)
		return 0;
	if (FCGX_FFlush(out) < 0 || FCGX_GetError(out) != 0)
		return -EPIPE;
	return 0;
}

static int sse_puts(FCGX_Stream *out, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	return FCGX_PutStr(s, (int)n, out) < 0 ? -EPIPE : 0;
}

/* Writes text as one "<prefix>line\n" per line; CR, LF and CRLF all end a line. */
static int sse_put_lines(FCGX_Stream *out, const char *prefix, const char *text)
{
	const char *s = text ? text : "";

	for (;;) {
		size_t n = strcspn(s, "\r\n");

		/* Lines longer than INT_MAX are not a thing SSE clients take. */
		if (n > (1u << 30))
			return -EINVAL;
		if (sse_puts(out, prefix, strlen(prefix)) < 0 || sse_puts(out, s, n) < 0 ||
		    sse_puts(out, "\n", 1) < 0)
			return -EPIPE;
		s += n;
		if (*s == '\0')
			return 0;
		if (s[0] == '\r' && s[1] == '\n')
			s += 2;
		else
			s++;
	}
}

int http_sse_begin(struct http_request *r)
{
	int rc;

	if (r->responded)
		return -EINVAL;
	http_claim(r, 200);
	rc = http_write_head(r, 200, "text/event-stream",
			     "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\n");
	if (rc < 0)
		return rc;
	return sse_flush(r);
}

int http_sse_event(struct http_request *r, const char *id, const char *event, const char *data)
{
	FCGX_Stream *out = http_out(r);

	if ((id && !http_header_safe(id)) || (event && !http_header_safe(event)))
		return -EINVAL;
	if (!out)
		return 0;
	if (id &&
	    (sse_puts(out, "id: ", 4) < 0 || sse_puts(out, id, strlen(id)) < 0 || sse_puts(out, "\n", 1) < 0))
		return -EPIPE;
	if (event && (sse_puts(out, "event: ", 7) < 0 || sse_puts(out, event, strlen(event)) < 0 ||
		      sse_puts(out, "\n", 1) < 0))
		return -EPIPE;
	if (sse_put_lines(out, "data: ", data) < 0 || sse_puts(out, "\n", 1) < 0)
		return -EPIPE;
	return sse_flush(r);
}

int http_sse_comment(struct http_request *r, const char *text)
{
	FCGX_Stream *out = http_out(r);

	if (!out)
		return 0;
	if (sse_put_lines(out, ": ", text) < 0 || sse_puts(out, "\n", 1) < 0)
		return -EPIPE;
	return sse_flush(r);
}

int http_sse_retry(struct http_request *r, int millis)
{
	FCGX_Stream *out = http_out(r);

	if (millis < 0)
		return -EINVAL;
	if (!out)
		return 0;
	if (FCGX_FPrintF(out, "retry: %d\n\n", millis) < 0)
		return -EPIPE;
	return sse_flush(r);
}
