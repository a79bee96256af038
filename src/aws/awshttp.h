/*
 * awshttp.h - one blocking HTTP request with libcurl, for the credential
 * sources (STS, the container endpoint, instance metadata). The answer is
 * capped; no redirects are followed (a metadata endpoint that redirects is
 * not one we trust with credentials). STS goes through the proxy of the
 * environment (https_proxy, no_proxy) like any curl request; link-local
 * endpoints never do.
 */
#ifndef DOCXP_AWSHTTP_H
#define DOCXP_AWSHTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define AWSHTTP_MAX_ANSWER (256 * 1024)

struct awshttp_request {
	const char *method;	    /* "GET", "PUT", "POST" */
	const char *url;	    /* http:// or https:// */
	const char *const *headers; /* "Name: value" lines, NULL-terminated, or NULL */
	const char *body;	    /* may be NULL */
	size_t body_len;
	long timeout_ms; /* whole request; connecting gets the same bound */
	bool direct;	 /* never through a proxy (metadata, container endpoints) */
};

/*
 * Performs req. On 0, *status has the HTTP status and body the answer
 * (whatever the status; at most AWSHTTP_MAX_ANSWER bytes; body must be
 * buf_init'ed by the caller and is released by it). Returns DX_E_UNAVAILABLE
 * (could not connect, reset), DX_E_TIMEOUT or DX_E_TOOLARGE with the reason
 * in errmsg (never a header value: they may hold tokens).
 */
int awshttp_perform(const struct awshttp_request *req, long *status, struct buf *body, char *errmsg,
		    size_t errlen);

#endif
