#!/usr/bin/python3
"""API keys through nginx: no key, malformed, unknown and revoked keys get
401; a key whose scope is too small gets 403; scopes are ordered read <
write < admin; the liveness probe needs no key; keys are stored hashed.
docxp-api keeps the rows of verified keys until the triggers on api_keys
notify a change (src/store/keystore.c, keystore_verify_cached): a key
revoked, deleted or given another scope is seen by the very next request,
the secret is still checked on every request, and made-up key ids are not
kept."""
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


def key_cache(stack):
    _, _, h = stack.http("GET", "/api/v1/search/health")
    return h["key_cache"]


def jobs_status(stack, key):
    return stack.http("GET", "/api/v1/indexing/jobs", headers=bearer(key))[0]


def warm(stack, key, n=20):
    """n requests with key, all served from the cache but the first and
    one after each flush. The notifications of the test's own changes just
    before (a key created, a scope changed) arrive asynchronously and may
    flush the cache in the middle of the loop: at most two of them."""
    before = key_cache(stack)
    for _ in range(n):
        eq(jobs_status(stack, key), 200, "warming the cache")
    after = key_cache(stack)
    flushes = after["notifications"] - before["notifications"]
    ok(after["listening"], "the key cache listens for changes", after)
    ok(flushes <= 2, "only the test's own changes notified", (before, after))
    ok(after["hits"] >= before["hits"] + n - 1 - flushes, "repeated requests hit the key cache", (before, after))
    return after


def test_key_cache_serves_repeated_requests(stack):
    keys["cached"] = stack.create_key("test-cached", "read")
    warm(stack, keys["cached"])
    # the first use wrote last_used_at, and that did not flush the cache
    eq(stack.psql("SELECT last_used_at IS NOT NULL FROM api_keys WHERE name = 'test-cached'")[0][0], "t")
    n0 = key_cache(stack)["notifications"]
    stack.psql("UPDATE api_keys SET last_used_at = now()")
    warm(stack, keys["cached"], 5)
    eq(key_cache(stack)["notifications"], n0, "last_used_at alone notifies nothing")


def test_cached_key_still_checks_the_secret(stack):
    k = keys["cached"]
    warm(stack, k, 5)
    wrong = k[:-8] + ("00000000" if k[-8:] != "00000000" else "11111111")
    for _ in range(3):
        eq(jobs_status(stack, wrong), 401, "a wrong secret with a cached key id")
    eq(jobs_status(stack, k), 200, "the right one still works")


def test_revoked_cached_key_is_refused_at_once(stack):
    k = stack.create_key("test-revoke-warm", "read")
    warm(stack, k)
    r = stack.docxp("-c", stack.config, "apikey", "revoke", "test-revoke-warm")
    eq(r.returncode, 0, "revoke: " + r.stderr)
    json_error(stack.http("GET", "/api/v1/indexing/jobs", headers=bearer(k)), 401, "unauthorized",
               "the first request after the revocation")
    for _ in range(5):
        eq(jobs_status(stack, k), 401, "and every one after")


def test_scope_change_of_cached_key_is_seen_at_once(stack):
    k = stack.create_key("test-scope-warm", "write")
    warm(stack, k)
    body = {"repository_path": "/nonexistent/docxp-auth-test"}
    st = stack.http("POST", "/api/v1/indexing/start", body, headers=bearer(k))[0]
    ok(st != 403, "a write key may start jobs", st)
    stack.psql("UPDATE api_keys SET scope = 'read' WHERE name = 'test-scope-warm'")
    json_error(stack.http("POST", "/api/v1/indexing/start", body, headers=bearer(k)), 403, "forbidden",
               "the first request after the scope change")
    eq(jobs_status(stack, k), 200, "still a read key")
    stack.psql("UPDATE api_keys SET scope = 'write' WHERE name = 'test-scope-warm'")
    st = stack.http("POST", "/api/v1/indexing/start", body, headers=bearer(k))[0]
    ok(st != 403, "write again at once", st)


def test_deleted_cached_key_is_refused_at_once(stack):
    k = stack.create_key("test-delete-warm", "read")
    warm(stack, k)
    stack.psql("DELETE FROM api_keys WHERE name = 'test-delete-warm'")
    json_error(stack.http("GET", "/api/v1/indexing/jobs", headers=bearer(k)), 401, "unauthorized",
               "the first request after the deletion")


def test_made_up_key_ids_are_not_cached(stack):
    before = key_cache(stack)["entries"]
    for _ in range(50):
        fake = "dxp_%s_%s" % (os.urandom(6).hex(), os.urandom(32).hex())
        eq(jobs_status(stack, fake), 401, "made-up key")
    after = key_cache(stack)["entries"]
    ok(after <= before, "made-up key ids do not grow the cache", (before, after))


def test_no_key_in_logs(stack):
    for name in os.listdir(stack.path("logs")):
        with open(stack.path("logs", name), errors="replace") as f:
            text = f.read()
        for scope, k in keys.items():
            ok(k[16:] not in text, "the %s key's secret appears in %s" % (scope, name))


if __name__ == "__main__":
    taptest.main()
