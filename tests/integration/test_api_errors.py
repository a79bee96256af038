#!/usr/bin/python3
"""Every malformed request gets its 4xx JSON error through nginx, and none
of them harms the service (invariant 6)."""
import os
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok, json_error  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
START = "/api/v1/indexing/start"
JSON = {"Content-Type": "application/json"}
V422 = (422,)
V4XX = (400, 422)       # a wrong type may be either


def make_stack():
    # API limit below nginx's so that both 413s can be seen.
    return Stack(workers=1, name="docxp-api-errors", extra_conf={"api": {"max_body_bytes": "64k"}})


def start(stack, body):
    return stack.http("POST", START, body, JSON)


def test_invalid_json(stack):
    for body in (b"{not json", b'{"repository_path": "/tmp",', b"", b"\xff\xfe{}", b"nul\x00l"):
        json_error(start(stack, body), (400,), "invalid_json", repr(body[:20]))


def test_invalid_utf8_and_deep_nesting(stack):
    json_error(start(stack, b'{"repository_path": "/tmp/\xc3\x28"}'), V4XX, None, "invalid UTF-8")
    json_error(start(stack, b"[" * 100000 + b"]" * 100000), (400, 413, 422), None, "deep nesting")


def test_not_an_object(stack):
    for body in ([], [EXAMPLES], "just a string", 42, None):
        import json as _j
        json_error(start(stack, _j.dumps(body)), V4XX, None, repr(body))


def test_missing_field(stack):
    json_error(start(stack, {}), V422, "validation_error", "{}")
    json_error(start(stack, {"job_type": "full"}), V422, "validation_error", "no repository_path")


def test_wrong_types(stack):
    cases = [
        {"repository_path": 123},
        {"repository_path": None},
        {"repository_path": [EXAMPLES]},
        {"repository_path": {"p": EXAMPLES}},
        {"repository_path": True},
        {"repository_path": EXAMPLES, "job_type": 5},
        {"repository_path": EXAMPLES, "file_patterns": "*.java"},
        {"repository_path": EXAMPLES, "file_patterns": [1, 2]},
        {"repository_path": EXAMPLES, "file_patterns": {"a": 1}},
        {"repository_path": EXAMPLES, "exclude_patterns": "target/**"},
        {"repository_path": EXAMPLES, "exclude_patterns": [None]},
    ]
    for c in cases:
        json_error(start(stack, c), V4XX, None, repr(c))


def test_bogus_job_type(stack):
    for jt in ("bogus", ""):
        json_error(start(stack, {"repository_path": EXAMPLES, "job_type": jt}), V422,
                   "validation_error", repr(jt))


def test_bad_repository_paths(stack):
    with tempfile.NamedTemporaryFile(prefix="docxp-notadir-") as f:
        cases = [
            os.path.join(EXAMPLES, "pom.xml"),              # a file
            f.name,                                         # another file
            "/nonexistent/docxp/%s" % uuid.uuid4(),          # does not exist
            "examples",                                     # relative
            "./examples",
            "",
        ]
        for p in cases:
            json_error(start(stack, {"repository_path": p, "job_type": "full"}), V422, None, repr(p))


def test_api_413(stack):
    # Over api.max_body_bytes (64k here) but under nginx's 1m: the API's own 413.
    body = b'{"repository_path": "' + b"a" * (100 << 10) + b'"}'
    json_error(start(stack, body), 413, "payload_too_large", "API limit")


def test_nginx_413(stack):
    # 2 MB: refused by nginx (client_max_body_size 1m) before the API sees it.
    body = b'{"repository_path": "' + b"a" * (2 << 20) + b'"}'
    json_error(start(stack, body), 413, "payload_too_large", "nginx limit")


def test_unknown_routes(stack):
    for path in ("/api/v1/nope", "/api/v1/indexing", "/api/v1/indexing/jobs/x/y/z", "/api/",
                 "/api/v2/indexing/health", "/"):
        json_error(stack.http("GET", path), 404, "not_found", path)


def test_wrong_method(stack):
    for method, path in (("GET", START), ("PUT", START), ("DELETE", "/api/v1/indexing/health"),
                         ("POST", "/api/v1/indexing/health"), ("PATCH", "/api/v1/indexing/jobs")):
        json_error(stack.http(method, path, b"{}" if method != "GET" else None, JSON), 405, None,
                   method + " " + path)


def test_unknown_job(stack):
    u = str(uuid.uuid4())
    json_error(stack.http("GET", "/api/v1/indexing/jobs/%s/status" % u), 404, "not_found", "uuid")
    for garbage in ("garbage", "1", "%27%3B--", "00000000-0000-0000-0000-00000000000g",
                    "x" * 300):
        json_error(stack.http("GET", "/api/v1/indexing/jobs/%s/status" % garbage), (400, 404),
                   None, garbage)


def test_bad_list_parameters(stack):
    for q in ("limit=-1", "limit=abc", "offset=-5", "status_filter=bogus"):
        st, _, b = stack.http("GET", "/api/v1/indexing/jobs?" + q)
        if st != 200:
            json_error((st, _, b), V4XX, None, q)


def test_still_healthy(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200, "health after the bad requests")
    eq(b.get("status"), "ok")
    ok(stack.procs["api"].poll() is None, "docxp-api died", stack.diagnostics(20))
    # and it still does real work
    j = stack.start_job(EXAMPLES)
    done = stack.wait_job(j, 120)
    ok(done["status"] in ("completed", "completed_with_errors"), "job after errors", done)


if __name__ == "__main__":
    sys.exit(taptest.main())
