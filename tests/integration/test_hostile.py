#!/usr/bin/python3
"""Hostile requests through nginx (issue 9): every case below gets the right
status and a JSON error (or, for SQL metacharacters that are valid data, a
harmless 2xx), while a long real job runs; afterwards the product is still
healthy, every daemon is alive and the job finishes with the right counts.

Table-driven: CASES has one entry per request, each one TAP test point.
Cases already covered elsewhere are not repeated here: test_api_errors.py
(malformed JSON, top-level wrong types, missing fields, relative and
non-directory paths, both 413s, unknown routes, the basic wrong methods,
garbage job ids on /status, basic list parameters) and test_auth.py (missing
key on health/jobs/start, malformed and unknown Bearer values on /jobs,
revoked key on /jobs, read key starting a job).

Run one case: DOCXP_TEST=test_setup,test_h042_cap_429 (setup is needed)."""
import json
import os
import re
import shutil
import socket
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from docxp_stack import TERMINAL_STATES  # noqa: E402
from taptest import Stack, eq, json_error, ok  # noqa: E402

START = "/api/v1/indexing/start"
JOBS = "/api/v1/indexing/jobs"
CAP = 2                    # [api] max_running_jobs_per_key of this stack
NLONG = 2000               # files of the long job
SLOW = {"chunk_size": 5, "max_concurrent_chunks": 1}
SQLI = "x'; DROP TABLE jobs; --"
SQLI2 = "\" OR 1=1; DELETE FROM api_keys WHERE ''='"
S = {}                     # state shared by the cases: keys, paths, job ids


def make_stack():
    base = tempfile.mkdtemp(prefix="docxp-hostile-")
    os.chmod(base, 0o755)
    S["base"] = base
    S["roots"] = os.path.join(base, "roots")
    os.makedirs(S["roots"])
    os.chmod(S["roots"], 0o755)
    return Stack(workers=1, name="docxp-hostile",
                 extra_conf={"api": {"max_running_jobs_per_key": str(CAP)},
                             "indexing": {"repository_roots": S["roots"]}})


def bearer(key):
    return {"Authorization": "Bearer " + key}


def raw(stack, data, timeout=30):
    """Sends data (bytes, a whole HTTP request) to nginx as is and returns
    (status, headers with lower-case names, parsed JSON or text): for what
    http.client refuses to send (CR/LF in headers, bad framing)."""
    with socket.create_connection(("127.0.0.1", stack.http_port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                break
            if not b:
                break
            chunks.append(b)
    resp = b"".join(chunks)
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0] if lines else "")
    ok(m, "no HTTP status line in the answer", resp[:300])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    if hdrs.get("transfer-encoding", "").lower() == "chunked":
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        body = out
    text = body.decode("utf-8", "replace")
    try:
        return int(m.group(1)), hdrs, json.loads(text)
    except ValueError:
        return int(m.group(1)), hdrs, text


def req_line(method, path, headers=(), body=b"", key="admin"):
    """A raw request with Host, Connection: close and the given key."""
    h = [b"%s %s HTTP/1.1" % (method.encode(), path.encode()), b"Host: localhost",
         b"Connection: close"]
    if key:
        h.append(b"Authorization: Bearer " + S["keys"][key].encode())
    h += list(headers)
    if body:
        h.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(h) + b"\r\n\r\n" + body


# ---- the table ---------------------------------------------------------------
#
# Each case: name, and either a request (method, path, body, headers, key:
# "admin" | "read" | "write" | "revoked" | "cap" | None) or raw (a function
# of the stack returning the raw bytes); what it expects: status (int or
# tuple), code (error code or None), check (a function of (status, headers,
# body) for more). Paths and bodies may be functions of S, evaluated when the
# case runs. status 2xx means the input is data, not an error: then the
# check proves nothing happened beyond it.


def job_path(suffix=""):
    return lambda: "%s/%s%s" % (JOBS, S["long_job"], suffix)


def start_body(**kw):
    def body():
        d = {"repository_path": S["small"]}
        d.update({k: (v() if callable(v) else v) for k, v in kw.items()})
        return d
    return body


def no_list_leak(st, hdrs, body):
    eq(body.get("total"), 0, "a metacharacter filter matched jobs")


def field_named(name):
    def check(st, hdrs, body):
        ok(name in body["error"]["message"], "the message names the field %r" % name, body)
    return check


def retry_after(st, hdrs, body):
    ok(hdrs.get("retry-after", "").isdigit() and int(hdrs["retry-after"]) > 0,
       "429 without Retry-After seconds", hdrs)
    ok("max_running_jobs_per_key" in body["error"]["message"], "message names the setting", body)


def no_injected_header(st, hdrs, body):
    ok("x-injected" not in hdrs and "set-cookie" not in hdrs, "a header was injected", hdrs)


def nested(depth, leaf="1"):
    return '{"repository_path": "/x", "limits": ' + '{"a": ' * depth + leaf + "}" * depth + "}"


U0 = "00000000-0000-0000-0000-000000000000"
CASES = [
    # -- no key, on what test_auth does not cover
    dict(name="nokey_status", method="GET", path=job_path("/status"), key=None, status=401,
         code="unauthorized"),
    dict(name="nokey_cancel", method="DELETE", path=job_path(), key=None, status=401, code="unauthorized"),
    dict(name="nokey_pause", method="POST", path=job_path("/pause"), key=None, status=401,
         code="unauthorized"),
    dict(name="nokey_stream", method="GET", path=job_path("/stream"), key=None, status=401,
         code="unauthorized"),
    dict(name="nokey_search", method="GET", path="/api/v1/search?q=user", key=None, status=401,
         code="unauthorized"),
    dict(name="nokey_metrics_json", method="GET", path="/api/v1/indexing/metrics", key=None, status=401,
         code="unauthorized"),
    # (a well-formed key that is not one: a real one would land in nginx's
    # access log, which is why docxp takes keys from the header only)
    dict(name="key_in_query_string", method="GET", key=None, status=401, code="unauthorized",
         path=JOBS + "?api_key=dxp_0123456789ab_" + "0" * 64 + "&access_token=x"),
    # -- revoked key, on writes
    dict(name="revoked_start", method="POST", path=START, body=start_body(), key="revoked", status=401,
         code="unauthorized"),
    dict(name="revoked_cancel", method="DELETE", path=job_path(), key="revoked", status=401,
         code="unauthorized"),
    # -- wrong scope, on the running job (which must not notice)
    dict(name="read_pauses", method="POST", path=job_path("/pause"), key="read", status=403, code="forbidden"),
    dict(name="read_cancels", method="DELETE", path=job_path(), key="read", status=403, code="forbidden"),
    dict(name="read_cancels_post", method="POST", path=job_path("/cancel"), key="read", status=403,
         code="forbidden"),
    dict(name="read_resumes", method="POST", path=job_path("/resume"), key="read", status=403,
         code="forbidden"),
    dict(name="write_reads_admin_metrics", method="GET", path="/api/v1/indexing/metrics", key="write",
         status=403, code="forbidden"),
    # -- bogus Authorization forms
    dict(name="bearer_double_space", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Bearer  " + S["keys"]["admin"]}, key=None, status=401),
    dict(name="bearer_key_plus_char", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Bearer " + S["keys"]["admin"] + "0"}, key=None, status=401),
    dict(name="bearer_key_truncated", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Bearer " + S["keys"]["admin"][:-1]}, key=None, status=401),
    dict(name="bearer_two_keys", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Bearer %s, Bearer %s" % (S["keys"]["read"], S["keys"]["admin"])},
         key=None, status=401),
    dict(name="basic_with_key", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Basic " + S["keys"]["admin"]}, key=None, status=401),
    dict(name="bearer_tab", method="GET", path=JOBS,
         headers=lambda: {"Authorization": "Bearer\t" + S["keys"]["admin"]}, key=None, status=401),
    # -- repository roots
    dict(name="path_etc", method="POST", path=START, body={"repository_path": "/etc"}, status=403,
         code="forbidden"),
    dict(name="path_root", method="POST", path=START, body={"repository_path": "/"}, status=403,
         code="forbidden"),
    dict(name="path_proc_root", method="POST", path=START, body={"repository_path": "/proc/self/root"},
         status=403, code="forbidden"),
    dict(name="path_dotdot_out", method="POST", path=START,
         body=lambda: {"repository_path": S["roots"] + "/../.."}, status=403, code="forbidden"),
    dict(name="path_symlink_escape", method="POST", path=START,
         body=lambda: {"repository_path": os.path.join(S["roots"], "escape")}, status=403, code="forbidden"),
    dict(name="path_sibling_prefix", method="POST", path=START,
         body=lambda: {"repository_path": S["roots"] + "-evil"}, status=403, code="forbidden"),
    dict(name="path_nul", method="POST", path=START,
         body=lambda: {"repository_path": S["small"] + "\u0000/../../etc"}, status=422,
         code="validation_error"),
    dict(name="path_too_long", method="POST", path=START, body={"repository_path": "/" + "a" * 5000},
         status=422, code="validation_error"),
    # -- ".." and absolute patterns
    dict(name="pattern_dotdot", method="POST", path=START, body=start_body(file_patterns=["../*.java"]),
         status=422, code="validation_error", check=field_named("file_patterns[0]")),
    dict(name="pattern_inner_dotdot", method="POST", path=START,
         body=start_body(file_patterns=["*.java", "src/../../etc/*"]), status=422, code="validation_error",
         check=field_named("file_patterns[1]")),
    dict(name="pattern_only_dotdot", method="POST", path=START, body=start_body(exclude_patterns=[".."]),
         status=422, code="validation_error"),
    dict(name="pattern_absolute", method="POST", path=START, body=start_body(exclude_patterns=["/etc/**"]),
         status=422, code="validation_error", check=field_named("exclude_patterns[0]")),
    dict(name="pattern_nul", method="POST", path=START, body=start_body(file_patterns=["a\u0000b"]),
         status=422, code="validation_error"),
    dict(name="pattern_empty", method="POST", path=START, body=start_body(file_patterns=[""]),
         status=422, code="validation_error"),
    dict(name="pattern_too_long", method="POST", path=START, body=start_body(file_patterns=["a" * 600]),
         status=422, code="validation_error"),
    dict(name="pattern_unbalanced", method="POST", path=START, body=start_body(file_patterns=["[abc"]),
         status=422, code="validation_error"),
    dict(name="patterns_too_many", method="POST", path=START,
         body=start_body(file_patterns=["*.java"] * 1001), status=422, code="validation_error"),
    # -- nesting, encoding, types, unknown fields
    dict(name="nested_17", method="POST", path=START, body=nested(17), status=400, code="invalid_json"),
    dict(name="nested_arrays_5000", method="POST", path=START,
         body='{"file_patterns": ' + "[" * 5000 + "]" * 5000 + "}", status=400, code="invalid_json"),
    dict(name="invalid_utf8_pattern", method="POST", path=START,
         body=lambda: b'{"repository_path": "' + S["small"].encode() + b'", "file_patterns": ["\xff*.java"]}',
         status=400, code="invalid_json"),
    dict(name="overlong_utf8_slash", method="POST", path=START,
         body=lambda: b'{"repository_path": "' + S["roots"].encode() + b'/\xc0\xaf..\xc0\xafetc"}',
         status=400, code="invalid_json"),
    dict(name="overlong_utf8_pattern", method="POST", path=START,
         body=lambda: b'{"repository_path": "' + S["small"].encode() + b'", "file_patterns": ["\xc0\xaf*"]}',
         status=400, code="invalid_json"),
    dict(name="surrogate_escape_pattern", method="POST", path=START,
         body={"repository_path": "/etc", "exclude_patterns": ["\ud800*.java"]}, status=(400, 403, 422)),
    dict(name="lone_surrogate", method="POST", path=START,
         body=lambda: '{"repository_path": "%s/\\ud800"}' % S["roots"], status=(400, 422)),
    dict(name="utf16_body", method="POST", path=START,
         body='{"repository_path": "/x"}'.encode("utf-16"), status=400, code="invalid_json"),
    dict(name="limit_float", method="POST", path=START, body=start_body(limits={"chunk_size": 10.5}),
         status=422, code="validation_error"),
    dict(name="limit_string", method="POST", path=START, body=start_body(limits={"chunk_size": "10"}),
         status=422, code="validation_error"),
    dict(name="limit_bool", method="POST", path=START, body=start_body(limits={"max_retries": True}),
         status=422, code="validation_error"),
    dict(name="limit_negative", method="POST", path=START, body=start_body(limits={"chunk_size": -1}),
         status=422, code="validation_error"),
    dict(name="limit_zero", method="POST", path=START,
         body=start_body(limits={"max_concurrent_chunks": 0}), status=422, code="validation_error"),
    dict(name="limit_int64_max", method="POST", path=START,
         body=start_body(limits={"max_file_bytes": 2 ** 63 - 1}), status=422, code="validation_error"),
    dict(name="limit_beyond_int64", method="POST", path=START,
         body=lambda: '{"repository_path": "%s", "limits": {"chunk_size": 99999999999999999999999}}'
         % S["small"], status=422, code="validation_error"),
    dict(name="limits_array", method="POST", path=START, body=start_body(limits=[1, 2]), status=422,
         code="validation_error"),
    dict(name="job_type_null", method="POST", path=START, body=start_body(job_type=None), status=422,
         code="validation_error"),
    dict(name="unknown_field", method="POST", path=START, body=start_body(repositoryPath="/etc"),
         status=422, code="validation_error", check=field_named("repositoryPath")),
    dict(name="unknown_limits_field", method="POST", path=START, body=start_body(limits={"workers": 99}),
         status=422, code="validation_error", check=field_named("limits.workers")),
    dict(name="unknown_field_proto", method="POST", path=START, body=start_body(__proto__={"admin": True}),
         status=422, code="validation_error", check=field_named("__proto__")),
    # -- SQL metacharacters in every string field
    dict(name="sqli_repository_path", method="POST", path=START, body={"repository_path": "/" + SQLI},
         status=422, code="validation_error"),
    dict(name="sqli_job_type", method="POST", path=START, body=start_body(job_type="full' OR '1'='1"),
         status=422, code="validation_error"),
    dict(name="sqli_patterns_stored_verbatim", method="POST", path=START, key="write",
         body=start_body(file_patterns=["*.java" + SQLI], exclude_patterns=[SQLI2]), status=202,
         check=lambda st, h, b: S.__setitem__("sqli_job", b["job_id"])),
    dict(name="sqli_list_status", method="GET", path=JOBS + "?status_filter=running%27%20OR%201%3D1--",
         status=400, code="bad_request"),
    dict(name="sqli_list_repository", method="GET", path=JOBS + "?repository=%27%20OR%20%271%27%3D%271",
         status=200, check=no_list_leak),
    dict(name="sqli_errors_kind", method="GET", path=job_path("/errors?kind=failed%27%3B--"),
         status=(400, 422)),
    dict(name="sqli_search_query", method="POST", path="/api/v1/search/hybrid",
         body={"query": SQLI, "mode": "keyword"}, status=200),
    dict(name="sqli_search_filters", method="POST", path="/api/v1/search/hybrid",
         body={"query": "user", "mode": "keyword", "repository": SQLI, "language": SQLI2, "kind": SQLI,
               "path_prefix": SQLI2, "path_glob": "*" + SQLI}, status=(200, 400, 404, 422)),
    dict(name="sqli_search_get", method="GET",
         path="/api/v1/search?q=%27%29%3B%20DROP%20TABLE%20entities%3B--&mode=keyword&language=%27",
         status=200),
    # -- bogus ids on every job route
    dict(name="id_pause_garbage", method="POST", path=JOBS + "/not-a-uuid/pause", status=404, code="not_found"),
    dict(name="id_resume_unknown", method="POST", path=JOBS + "/" + U0 + "/resume", status=404,
         code="not_found"),
    dict(name="id_cancel_sqli", method="DELETE", path=JOBS + "/%27%20OR%201%3D1--", status=404,
         code="not_found"),
    dict(name="id_errors_unknown", method="GET", path=JOBS + "/" + U0 + "/errors", status=404, code="not_found"),
    dict(name="id_stream_unknown", method="GET", path=JOBS + "/" + U0 + "/stream", status=404, code="not_found"),
    dict(name="id_braced_uuid", method="GET", path=JOBS + "/%7B" + U0 + "%7D/status", status=404,
         code="not_found"),
    dict(name="id_encoded_slash", method="GET", path=JOBS + "/..%2F..%2Fhealth/status", status=404,
         code="not_found"),
    dict(name="id_invalid_utf8", method="GET", path=JOBS + "/%ff%fe/status", status=404, code="not_found"),
    dict(name="entity_negative", method="GET", path="/api/v1/entities/-1", status=(400, 404)),
    dict(name="entity_huge", method="GET", path="/api/v1/entities/99999999999999999999999", status=(400, 404)),
    dict(name="entity_text", method="GET", path="/api/v1/entities/1%20OR%201=1", status=(400, 404)),
    # -- limits and offsets
    dict(name="list_limit_zero", method="GET", path=JOBS + "?limit=0", status=400, code="bad_request"),
    dict(name="list_limit_101", method="GET", path=JOBS + "?limit=101", status=400, code="bad_request"),
    dict(name="list_limit_huge", method="GET", path=JOBS + "?limit=99999999999999999999", status=400,
         code="bad_request"),
    dict(name="list_offset_huge", method="GET", path=JOBS + "?offset=2147483648", status=400, code="bad_request"),
    dict(name="list_limit_exponent", method="GET", path=JOBS + "?limit=1e2", status=400, code="bad_request"),
    dict(name="list_limit_space", method="GET", path=JOBS + "?limit=%2010", status=400, code="bad_request"),
    dict(name="list_invalid_utf8_repository", method="GET", path=JOBS + "?repository=%ff%fe", status=400,
         code="bad_request"),
    dict(name="list_overlong_utf8_repository", method="GET", path=JOBS + "?repository=%c0%af", status=400,
         code="bad_request"),
    dict(name="errors_limit_negative", method="GET", path=job_path("/errors?limit=-1"), status=400,
         code="bad_request"),
    dict(name="search_limit_negative", method="GET", path="/api/v1/search?q=user&limit=-1", status=400),
    dict(name="search_offset_huge", method="GET", path="/api/v1/search?q=user&offset=99999999999",
         status=400),
    dict(name="search_body_limit_huge", method="POST", path="/api/v1/search/hybrid",
         body={"query": "user", "limit": 10 ** 12}, status=(400, 422)),
    dict(name="bad_percent_escape", method="GET", path=JOBS + "?limit=%zz", status=400, code="bad_request"),
    dict(name="encoded_nul_in_query", method="GET", path=JOBS + "?repository=a%00b", status=400,
         code="bad_request"),
    # -- header injection and framing (raw requests)
    dict(name="crlf_in_path", raw=lambda s: req_line("GET", JOBS + "%0d%0aX-Injected:%201/status"),
         status=404, code="not_found", check=no_injected_header),
    dict(name="crlf_in_query", raw=lambda s: req_line("GET", JOBS + "?limit=1%0d%0aSet-Cookie:%20a=b"),
         status=400, code="bad_request", check=no_injected_header),
    dict(name="bare_cr_in_header", raw=lambda s: req_line("GET", JOBS, [b"X-Foo: a\rX-Injected: 1"], key=None),
         status=400),
    dict(name="header_without_colon", raw=lambda s: req_line("GET", JOBS, [b"Authorization"], key=None),
         status=(400, 401)),
    dict(name="huge_header", raw=lambda s: req_line("GET", JOBS, [b"X-Big: " + b"a" * 20000], key=None), status=400),
    dict(name="huge_authorization", raw=lambda s: req_line(
        "GET", JOBS, [b"Authorization: Bearer " + b"k" * 20000], key=None), status=400),
    dict(name="content_length_negative", raw=lambda s: req_line(
        "POST", START, [b"Content-Length: -1", b"Content-Type: application/json"], key=None), status=400),
    dict(name="content_length_and_chunked", raw=lambda s: req_line(
        "POST", START, [b"Content-Length: 4", b"Transfer-Encoding: chunked",
                        b"Content-Type: application/json"], key=None) + b"0\r\n\r\n", status=400),
    dict(name="chunked_garbage_json", raw=lambda s: req_line(
        "POST", START, [b"Transfer-Encoding: chunked", b"Content-Type: application/json"])
        + b"5\r\n{nope\r\n0\r\n\r\n", status=400, code="invalid_json"),
    dict(name="no_host_http11", raw=lambda s: b"GET " + JOBS.encode() + b" HTTP/1.1\r\nConnection: close\r\n\r\n",
         status=400),
    # -- methods
    dict(name="method_options", method="OPTIONS", path=JOBS, status=405, code="method_not_allowed"),
    dict(name="method_put_job", method="PUT", path=job_path(), body=b"{}", status=405,
         code="method_not_allowed"),
    dict(name="method_post_status", method="POST", path=job_path("/status"), body=b"{}", status=405,
         code="method_not_allowed"),
    dict(name="method_delete_search", method="DELETE", path="/api/v1/search", status=405,
         code="method_not_allowed"),
    dict(name="method_unknown", method="BREW", path=JOBS, status=405, code="method_not_allowed"),
    dict(name="method_lowercase", raw=lambda s: req_line("get", JOBS, key=None), status=400),
    # -- content types
    dict(name="ctype_text_plain", method="POST", path=START, body=lambda: json.dumps(start_body()()),
         headers={"Content-Type": "text/plain"}, status=415, code="unsupported_media_type"),
    dict(name="ctype_form", method="POST", path=START, body="repository_path=/etc",
         headers={"Content-Type": "application/x-www-form-urlencoded"}, status=415,
         code="unsupported_media_type"),
    dict(name="ctype_multipart", method="POST", path=START, body="--x\r\n\r\n{}\r\n--x--",
         headers={"Content-Type": "multipart/form-data; boundary=x"}, status=415, code="unsupported_media_type"),
    dict(name="ctype_json_lookalike", method="POST", path=START, body=lambda: json.dumps(start_body()()),
         headers={"Content-Type": "application/jsonp"}, status=415, code="unsupported_media_type"),
    dict(name="ctype_search_xml", method="POST", path="/api/v1/search/hybrid", body="<q>user</q>",
         headers={"Content-Type": "application/xml"}, status=415, code="unsupported_media_type"),
    # -- huge bodies on the other POST routes
    dict(name="search_body_over_nginx_limit", method="POST", path="/api/v1/search/hybrid",
         body=b'{"query": "' + b"a" * (2 << 20) + b'"}', status=413, code="payload_too_large"),
    dict(name="pause_body_over_nginx_limit", method="POST", path=job_path("/pause"),
         body=b"x" * (3 << 20), status=413, code="payload_too_large"),
    dict(name="many_unknown_fields", method="POST", path=START,
         body=lambda: "{" + ",".join('"f%d": %d' % (i, i) for i in range(40000)) + "}", status=422,
         code="validation_error"),
    # -- the per-key job cap (two jobs of the cap key are paused by test_setup)
    dict(name="cap_429", method="POST", path=START, key="cap", body=lambda: {"repository_path": S["cap3"]},
         status=429, code="too_many_jobs", check=retry_after),
    dict(name="cap_429_again", method="POST", path=START, key="cap",
         body=lambda: {"repository_path": S["cap3"], "job_type": "incremental"}, status=429,
         code="too_many_jobs", check=retry_after),
    dict(name="cap_other_key_unaffected", method="POST", path=START, key="write",
         body=lambda: {"repository_path": S["cap3"]}, status=202,
         check=lambda st, h, b: S.__setitem__("cap3_job", b["job_id"])),
]


# ---- the run -------------------------------------------------------------------


def test_setup(stack):
    """Keys, repositories, the long job, and the cap key's two paused jobs."""
    roots = S["roots"]
    S["keys"] = {"admin": stack.api_key}
    for scope, name in (("read", "read"), ("write", "write"), ("write", "revoked"), ("write", "cap")):
        S["keys"][name] = stack.create_key("hostile-" + name, scope)
    r = stack.docxp("-c", stack.config, "apikey", "revoke", "hostile-revoked")
    eq(r.returncode, 0, r.stderr)
    S["long"] = os.path.join(roots, "long")
    genrepo.generate(S["long"], NLONG, seed=9)
    outside = os.path.join(S["base"], "outside-secret.txt")
    with open(outside, "w") as f:
        f.write("secret outside the repository roots\n")
    os.symlink(outside, os.path.join(S["long"], "leak.txt"))
    os.symlink("/etc", os.path.join(roots, "escape"))
    os.makedirs(roots + "-evil")
    os.chmod(roots + "-evil", 0o755)
    for name, n in (("small", 20), ("cap1", 300), ("cap2", 300), ("cap3", 20)):
        S[name] = os.path.join(roots, name)
        genrepo.generate(S[name], n, seed=3)
    S["long_job"] = stack.start_job(S["long"], limits=SLOW)
    for name in ("cap1", "cap2"):
        st, _, b = stack.http("POST", START, {"repository_path": S[name], "limits": SLOW},
                              headers=bearer(S["keys"]["cap"]))
        eq(st, 202, "cap key job %s" % name)
        st, _, p = stack.http("POST", "%s/%s/pause" % (JOBS, b["job_id"]), headers=bearer(S["keys"]["cap"]))
        eq(st, 200, "pause %s: %r" % (name, p))
        S[name + "_job"] = b["job_id"]
    j = stack.job(S["long_job"])
    ok(j["status"] not in TERMINAL_STATES, "the long job ended before the cases", j)


def _value(v):
    return v() if callable(v) else v


def _run_case(stack, c):
    if "raw" in c:
        resp = raw(stack, c["raw"](stack))
    else:
        headers = dict(_value(c.get("headers")) or {})
        key = c.get("key", "admin")
        if key and "Authorization" not in headers:
            headers["Authorization"] = "Bearer " + S["keys"][key]
        body = _value(c.get("body"))
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        resp = stack.http(c["method"], _value(c["path"]), body, headers, auth=False, timeout=60)
    st, hdrs, body = resp
    want = c["status"] if isinstance(c["status"], tuple) else (c["status"],)
    if all(200 <= w < 300 for w in want):
        ok(st in want, "status %s, want %s" % (st, want), body)
        ok(isinstance(body, (dict, list)) and "json" in hdrs.get("content-type", ""), "not JSON", body)
    else:
        json_error(resp, want, c.get("code"))
    if c.get("check"):
        c["check"](st, hdrs, body)


def _make(c):
    def case(stack):
        _run_case(stack, c)
    return case


for _i, _c in enumerate(CASES, 1):
    globals()["test_h%03d_%s" % (_i, _c["name"])] = _make(_c)


def test_cases_counted():
    ok(len(CASES) >= 60, "at least 60 hostile cases", len(CASES))


def test_sqli_patterns_verbatim(stack):
    j = stack.job(S["sqli_job"])
    eq(j["file_patterns"], ["*.java" + SQLI], "file_patterns round trip")
    eq(j["exclude_patterns"], [SQLI2], "exclude_patterns round trip")
    eq(stack.psql("SELECT count(*) FROM api_keys")[0][0], "5", "api keys intact")
    ok(int(stack.psql("SELECT count(*) FROM jobs")[0][0]) >= 4, "jobs intact")


def test_still_healthy(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200, "health after the hostile cases")
    eq(b.get("status"), "ok", "health status")
    for name, p in sorted(stack.procs.items()):
        ok(p.poll() is None, "%s exited (status %s)" % (name, p.returncode), stack.diagnostics(20))
    eq(stack.psql("SELECT 1")[0][0], "1", "PostgreSQL answers")
    eq(stack.redis("PING"), "PONG", "Redis answers")


def test_long_job_unaffected(stack):
    still = stack.job(S["long_job"])["status"]
    taptest.note("the long job was %s when the cases ended" % still)
    j = stack.wait_job(S["long_job"], 280)   # within the per-test time limit
    eq(j["status"], "completed", "long job status")
    eq(j["files_processed"], NLONG, "files processed")
    eq(j["files_failed"], 0, "files failed")
    eq(j["chunks_failed"], 0, "chunks failed")
    ok(j["entities"] >= NLONG, "entities of the long job", j)
    leaked = stack.psql("SELECT count(*) FROM entities WHERE content LIKE '%secret outside%'")
    eq(leaked[0][0], "0", "the symlink out of the repository was not followed")
    paused = [stack.job(S[n + "_job"])["status"] for n in ("cap1", "cap2")]
    eq(paused, ["paused", "paused"], "the cap key's jobs")
    for jid in (S["cap1_job"], S["cap2_job"], S.get("cap3_job"), S.get("sqli_job")):
        if jid:
            st, _, b = stack.http("DELETE", "%s/%s" % (JOBS, jid))
            ok(st in (200, 409), "cancel %s: %s %r" % (jid, st, b))


def test_cleanup():
    shutil.rmtree(S["base"], ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
