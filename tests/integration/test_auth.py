#!/usr/bin/python3
"""API keys through nginx: no key, malformed, unknown and revoked keys get
401; a key whose scope is too small gets 403; scopes are ordered read <
write < admin; the liveness probe needs no key; keys are stored hashed."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, json_error, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
keys = {}


def make_stack():
    return Stack(workers=1)


def bearer(key):
    return {"Authorization": "Bearer " + key}


def test_liveness_needs_no_key(stack):
    st, _, b = stack.http("GET", "/api/v1/livez", auth=False)
    eq(st, 200)
    eq(b, {"status": "alive"})


def test_missing_key_is_401(stack):
    for method, path in [("GET", "/api/v1/indexing/health"), ("GET", "/api/v1/indexing/jobs"),
                         ("POST", "/api/v1/indexing/start")]:
        body = {"repository_path": EXAMPLES} if method == "POST" else None
        json_error(stack.http(method, path, body, auth=False), 401, "unauthorized", path)


def test_bad_keys_are_401(stack):
    for bad in ["Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "Bearer nope",
                "Bearer dxp_000000000000_" + "0" * 64,             # well formed, unknown
                "Bearer dxp_" + "g" * 12 + "_" + "0" * 64,         # not hex
                "Bearer " + "x" * 5000, "Bearer dxp_' OR 1=1 --"]:
        json_error(stack.http("GET", "/api/v1/indexing/jobs", headers={"Authorization": bad}),
                   401, "unauthorized", bad[:30])


def test_create_keys(stack):
    for scope in ("read", "write", "admin"):
        keys[scope] = stack.create_key("test-" + scope, scope)
        ok(keys[scope].startswith("dxp_") and len(keys[scope]) == 81, "key shape", keys[scope])
    # the database holds hashes only
    rows = stack.psql("SELECT name, key_sha256::text FROM api_keys ORDER BY name")
    for name, h in rows:
        ok(all(k not in h for k in keys.values()), "no key stored in clear", name)
    # a second key with the same name is refused
    r = stack.docxp("-c", stack.config, "apikey", "create", "--name", "test-read", "--scope", "read")
    ok(r.returncode != 0 and "exists" in r.stderr, "duplicate name refused", r.stderr)


def test_scopes(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/jobs", headers=bearer(keys["read"]))
    eq(st, 200, "read key lists jobs")
    json_error(stack.http("POST", "/api/v1/indexing/start", {"repository_path": EXAMPLES},
                          headers=bearer(keys["read"])), 403, "forbidden", "read key starts a job")
    st, _, b = stack.http("POST", "/api/v1/indexing/start", {"repository_path": EXAMPLES},
                          headers=bearer(keys["write"]))
    eq(st, 202, "write key starts a job")
    stack.wait_job(b["job_id"], 120)
    st, _, b = stack.http("GET", "/api/v1/indexing/health", headers=bearer(keys["admin"]))
    ok(st in (200, 503), "admin key reads health", st)


def test_revoked_key_is_401(stack):
    r = stack.docxp("-c", stack.config, "apikey", "revoke", "test-read")
    eq(r.returncode, 0, "revoke: " + r.stderr)
    json_error(stack.http("GET", "/api/v1/indexing/jobs", headers=bearer(keys["read"])), 401, "unauthorized")
    r = stack.docxp("-c", stack.config, "apikey", "list")
    eq(r.returncode, 0)
    ok('"revoked_at"' in r.stdout and keys["read"] not in r.stdout, "list shows revocation, no key", r.stdout)


def test_cli_uses_the_key(stack):
    r = stack.docxp("jobs", env={"DOCXP_API_KEY": keys["write"]})
    eq(r.returncode, 0, r.stderr)
    r = stack.docxp("jobs", env={"DOCXP_API_KEY": "dxp_nothing"})
    ok(r.returncode != 0 and "401" in r.stderr, "CLI reports 401", r.stderr)


def test_no_key_in_logs(stack):
    for name in os.listdir(stack.path("logs")):
        with open(stack.path("logs", name), errors="replace") as f:
            text = f.read()
        for scope, k in keys.items():
            ok(k[16:] not in text, "the %s key's secret appears in %s" % (scope, name))


if __name__ == "__main__":
    taptest.main()
