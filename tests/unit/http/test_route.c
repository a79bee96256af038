/* Unit tests for src/http/request.c (routing, target and query decoding)
 * and the response writers without a FastCGI stream. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/arena.h"
#include "util/status.h"

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static void test_match_literal(void **state)
{
	struct arena *a = *state;
	const char *p[HTTP_MAX_PARAMS];
	int n = -1;

	assert_true(http_route_match(a, "/v1/health", "/v1/health", p, &n));
	assert_int_equal(n, 0);
	assert_false(http_route_match(a, "/v1/health", "/v1/health/", p, &n));
	assert_false(http_route_match(a, "/v1/health", "/v1/healt", p, &n));
	assert_false(http_route_match(a, "/v1/health", "/v1/healthz", p, &n));
	assert_false(http_route_match(a, "/v1/health", "", p, &n));
	assert_true(http_route_match(a, "/", "/", p, &n));
	assert_false(http_route_match(a, "/", "//", p, &n));
}

static void test_match_params(void **state)
{
	struct arena *a = *state;
	const char *p[HTTP_MAX_PARAMS];
	int n = -1;

	assert_true(http_route_match(a, "/v1/jobs/{id}", "/v1/jobs/42", p, &n));
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "42");

	assert_true(http_route_match(a, "/v1/jobs/{id}/events/{ev}", "/v1/jobs/a b/events/x.y", p, &n));
	assert_int_equal(n, 2);
	assert_string_equal(p[0], "a b");
	assert_string_equal(p[1], "x.y");

	/* A capture is one whole, non-empty segment. */
	assert_false(http_route_match(a, "/v1/jobs/{id}", "/v1/jobs/", p, &n));
	assert_int_equal(n, 0);
	assert_false(http_route_match(a, "/v1/jobs/{id}", "/v1/jobs/1/2", p, &n));
	assert_false(http_route_match(a, "/v1/jobs/{id}/events", "/v1/jobs//events", p, &n));
	assert_false(http_route_match(a, "/v1/jobs/{id}/events", "/v1/jobs/1/event", p, &n));
	assert_false(http_route_match(a, "/v1/jobs/{id}/events", "/v1/jobs/1", p, &n));
	/* Captures must fill whole segments; a malformed pattern never matches. */
	assert_false(http_route_match(a, "/f/{id}.json", "/f/x.json", p, &n));
	assert_false(http_route_match(a, "/f/{id", "/f/x", p, &n));
	/* More captures than HTTP_MAX_PARAMS cannot match. */
	assert_false(http_route_match(a, "/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", p, &n));
	assert_true(http_route_match(a, "/{a}/{b}/{c}/{d}", "/1/2/3/4", p, &n));
	assert_int_equal(n, 4);
	assert_string_equal(p[3], "4");
}

static void handler_none(struct http_request *r)
{
	(void)r;
}

static void test_router(void **state)
{
	static const struct http_route routes[] = {
	    {"GET", "/v1/jobs", handler_none, 0},      {"POST", "/v1/jobs", handler_none, 0},
	    {"GET", "/v1/jobs/{id}", handler_none, 0}, {"DELETE", "/v1/jobs/{id}", handler_none, 0},
	    {"GET", "/v1/jobs/{id}", handler_none, 0},
	};
	struct arena *a = *state;
	const struct http_route *route;
	const char *p[HTTP_MAX_PARAMS], *allow;
	int n;

	assert_int_equal(http_router_find(a, routes, 5, "POST", "/v1/jobs", &route, p, &n, &allow), 0);
	assert_ptr_equal(route, &routes[1]);
	assert_int_equal(http_router_find(a, routes, 5, "DELETE", "/v1/jobs/7", &route, p, &n, &allow), 0);
	assert_ptr_equal(route, &routes[3]);
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "7");

	assert_int_equal(http_router_find(a, routes, 5, "PUT", "/v1/jobs/7", &route, p, &n, &allow),
			 DX_E_METHOD);
	assert_null(route);
	assert_string_equal(allow, "GET, DELETE");
	assert_int_equal(http_router_find(a, routes, 5, "", "/v1/jobs", &route, p, &n, &allow), DX_E_METHOD);
	assert_string_equal(allow, "GET, POST");

	assert_int_equal(http_router_find(a, routes, 5, "GET", "/v1/nope", &route, p, &n, &allow),
			 DX_E_NOTFOUND);
	assert_null(allow);
	assert_int_equal(http_router_find(a, routes, 0, "GET", "/v1/jobs", &route, p, &n, &allow),
			 DX_E_NOTFOUND);
}

static void test_percent_decode(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	assert_int_equal(http_percent_decode(out, "a%20b+c%2Fd%7e", 14, true, &n), 0);
	assert_string_equal(out, "a b c/d~");
	assert_int_equal(n, 8);
	assert_int_equal(http_percent_decode(out, "a+b", 3, false, &n), 0);
	assert_string_equal(out, "a+b");
	assert_int_equal(http_percent_decode(out, "%C3%A9", 6, true, &n), 0);
	assert_string_equal(out, "\xc3\xa9");
	assert_int_equal(http_percent_decode(out, "", 0, true, &n), 0);
	assert_int_equal(n, 0);
	/* Bad escapes, truncated escapes and encoded NULs are errors. */
	assert_int_equal(http_percent_decode(out, "%zz", 3, true, &n), DX_E_BADREQUEST);
	assert_int_equal(http_percent_decode(out, "%2", 2, true, &n), DX_E_BADREQUEST);
	assert_int_equal(http_percent_decode(out, "ab%", 3, true, &n), DX_E_BADREQUEST);
	assert_int_equal(http_percent_decode(out, "%00", 3, true, &n), DX_E_BADREQUEST);
	assert_int_equal(http_percent_decode(out, "%g1", 3, true, &n), DX_E_BADREQUEST);
	/* n bounds the input: an escape cut by n is truncated even if src goes on. */
	assert_int_equal(http_percent_decode(out, "%41", 2, true, &n), DX_E_BADREQUEST);
}

static void test_parse_target(void **state)
{
	struct arena *a = *state;
	const char *path, *query, *why;
	char *big;

	assert_int_equal(http_parse_target(a, "/v1/a%20b+c?q=x%20y&z", &path, &query, &why), 0);
	assert_string_equal(path, "/v1/a b+c");
	assert_string_equal(query, "q=x%20y&z");
	assert_int_equal(http_parse_target(a, "/v1/x", &path, &query, &why), 0);
	assert_string_equal(query, "");
	assert_int_equal(http_parse_target(a, "/v1/x?", &path, &query, &why), 0);
	assert_string_equal(path, "/v1/x");
	assert_string_equal(query, "");
	/* %3F in the path is a literal '?', not the start of the query. */
	assert_int_equal(http_parse_target(a, "/v1/x%3Fy?a=b?c", &path, &query, &why), 0);
	assert_string_equal(path, "/v1/x?y");
	assert_string_equal(query, "a=b?c");

	assert_int_equal(http_parse_target(a, "/v1/%00x", &path, &query, &why), DX_E_BADREQUEST);
	assert_non_null(why);
	assert_int_equal(http_parse_target(a, "/v1/%zz", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "/v1/%", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "v1/x", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "http://h/x", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "/v1/x?q=%", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "/v1/x?q=a%00", &path, &query, &why), DX_E_BADREQUEST);
	assert_int_equal(http_parse_target(a, "/v1/x?%zz=1", &path, &query, &why), DX_E_BADREQUEST);

	big = malloc(HTTP_MAX_TARGET + 2);
	memset(big, 'a', HTTP_MAX_TARGET + 1);
	big[0] = '/';
	big[HTTP_MAX_TARGET + 1] = '\0';
	assert_int_equal(http_parse_target(a, big, &path, &query, &why), DX_E_BADREQUEST);
	big[HTTP_MAX_TARGET] = '\0';
	assert_int_equal(http_parse_target(a, big, &path, &query, &why), 0);
	assert_int_equal(strlen(path), HTTP_MAX_TARGET);
	free(big);
}

static void test_query_param(void **state)
{
	struct http_request r;

	memset(&r, 0, sizeof(r));
	r.arena = *state;
	r.query = "q=hello+world&lang=java&lang=go&empty=&flag&enc=%41%2b%2B%26%3d&sp%20ace=1&&x=a=b&bad=%zz&"
		  "nul=%00";
	assert_string_equal(http_query_param(&r, "q"), "hello world");
	/* Repeated names: the first one wins. */
	assert_string_equal(http_query_param(&r, "lang"), "java");
	assert_string_equal(http_query_param(&r, "empty"), "");
	assert_string_equal(http_query_param(&r, "flag"), "");
	assert_string_equal(http_query_param(&r, "enc"), "A++&=");
	/* Names are decoded too. */
	assert_string_equal(http_query_param(&r, "sp ace"), "1");
	assert_null(http_query_param(&r, "sp%20ace"));
	/* Only the first '=' separates name and value. */
	assert_string_equal(http_query_param(&r, "x"), "a=b");
	assert_null(http_query_param(&r, "missing"));
	assert_null(http_query_param(&r, ""));
	assert_null(http_query_param(&r, "la"));
	/* Values that do not decode read as absent. */
	assert_null(http_query_param(&r, "bad"));
	assert_null(http_query_param(&r, "nul"));

	assert_int_equal(http_query_validate("a=1&b=%20&c+d=+&&"), 0);
	assert_int_equal(http_query_validate(""), 0);
	assert_int_equal(http_query_validate("a=%2"), DX_E_BADREQUEST);
	assert_int_equal(http_query_validate("a%=1"), DX_E_BADREQUEST);
	/* values reach PostgreSQL: invalid or overlong UTF-8 is refused here */
	assert_int_equal(http_query_validate("q=caf%C3%A9&r=%E2%82%AC"), 0);
	assert_int_equal(http_query_validate("repository=%ff"), DX_E_BADREQUEST);
	assert_int_equal(http_query_validate("repository=%c0%af"), DX_E_BADREQUEST);
	assert_int_equal(http_query_validate("%ed%a0%80=1"), DX_E_BADREQUEST);

	r.query = "";
	assert_null(http_query_param(&r, "q"));
	r.query = NULL;
	assert_null(http_query_param(&r, "q"));
}

static void test_respond_without_stream(void **state)
{
	struct http_request r;

	memset(&r, 0, sizeof(r));
	r.arena = *state;
	r.request_id = "t";
	http_respond_error(&r, DX_E_NOTFOUND, "no %s", "thing");
	assert_true(r.responded);
	assert_int_equal(r.status, 404);
	/* A second response is refused and does not change the status. */
	http_respond_text(&r, 200, "text/plain", "x");
	assert_int_equal(r.status, 404);
	assert_int_equal(http_sse_begin(&r), -EINVAL);

	memset(&r, 0, sizeof(r));
	http_respond_error(&r, 0, "success is not an error");
	assert_int_equal(r.status, 500);

	memset(&r, 0, sizeof(r));
	assert_int_equal(http_sse_begin(&r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(http_sse_event(&r, "1", "progress", "a\nb"), 0);
	assert_int_equal(http_sse_event(&r, "1\n2", NULL, "x"), -EINVAL);
	assert_int_equal(http_sse_event(&r, NULL, "a\rb", "x"), -EINVAL);
	assert_int_equal(http_sse_retry(&r, -1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_match_literal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_match_params, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_router, setup, teardown),
	    cmocka_unit_test(test_percent_decode),
	    cmocka_unit_test_setup_teardown(test_parse_target, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_param, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_respond_without_stream, setup, teardown),
	};

	return cmocka_run_group_tests_name("http_route", tests, NULL, NULL);
}
