#!/usr/bin/python3
"""The harness itself and the shipped nginx config, without docxp's
programs: PostgreSQL, Redis and nginx come up and go down; nginx answers
JSON errors of its own (502 with no API socket, 413, 404 outside /api/)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok, json_error  # noqa: E402

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness", "docxp_stack.py")


def make_stack():
    return Stack(docxp=False, name="docxp-harness")


def test_postgresql(stack):
    eq(stack.psql("SELECT current_database(), 'a|b'"), [("docxp", "a|b")])
    eq(stack.psql("SHOW fsync"), [("off",)])


def test_redis_settings(stack):
    eq(stack.redis("PING"), "PONG")
    eq(stack.redis("CONFIG", "GET", "maxmemory-policy"), ["maxmemory-policy", "volatile-lru"])
    eq(stack.redis("CONFIG", "GET", "save"), ["save", ""])
    eq(stack.redis("CONFIG", "GET", "appendonly"), ["appendonly", "no"])


def test_redis_stop_start(stack):
    stack.redis("SET", "k", "v")
    stack.stop_redis()
    try:
        stack.redis("PING")
        raise AssertionError("redis still answers after stop_redis()")
    except OSError:
        pass
    stack.start_redis()
    eq(stack.redis("PING"), "PONG")
    eq(stack.redis("GET", "k"), None, "no persistence")


def test_nginx_502_is_json(stack):
    ok(not os.path.exists(stack.api_socket), "no API socket expected")
    for path in ("/api/v1/indexing/health", "/api/v1/indexing/jobs/x/stream", "/metrics"):
        json_error(stack.http("GET", path), 502, "bad_gateway", path)


def test_nginx_413_is_json(stack):
    r = stack.http("POST", "/api/v1/indexing/start", b"{" + b" " * (2 << 20) + b"}",
                   {"Content-Type": "application/json"})
    json_error(r, 413, "payload_too_large")


def test_nginx_404_outside_api(stack):
    json_error(stack.http("GET", "/"), 404, "not_found")
    json_error(stack.http("GET", "/nope/x"), 404, "not_found")


def test_config_files(stack):
    conf = open(stack.config).read()
    for line in ("uri = " + stack.pguri, "port = %d" % stack.redis_port, "repository_roots = /",
                 "socket = " + stack.api_socket, "socket_mode = 0666"):
        ok(line in conf, "docxp.conf lacks %r" % line, conf)
    env = open(stack.path("docxp.env")).read()
    ok("DOCXP_URL=" + stack.url in env and "DOCXP_REDIS=redis://127.0.0.1:" in env, "docxp.env", env)


def test_cli_detached_start_stop():
    d = "/tmp/docxp-harness-cli-%d" % os.getpid()
    try:
        p = subprocess.run([sys.executable, HARNESS, "start", "--dir", d, "--detach", "--no-docxp"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=120)
        eq(p.returncode, 0, "start exit status: " + p.stderr)
        env = dict(l.split("=", 1) for l in open(os.path.join(d, "docxp.env")).read().split())
        ok(env["DOCXP_URL"] + "\n" in p.stdout + "\n", "URL printed", p.stdout)
        s = Stack(dir=d, docxp=False)
        s.http_port = int(env["DOCXP_URL"].rsplit(":", 1)[1])
        json_error(s.http("GET", "/api/v1/indexing/health"), 502)
        pids = [int(open(os.path.join(d, "pids", f)).read()) for f in os.listdir(os.path.join(d, "pids"))]
        ok(len(pids) >= 3, "pid files", pids)
    finally:
        p = subprocess.run([sys.executable, HARNESS, "stop", "--dir", d], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    eq(p.returncode, 0, p.stdout)
    ok("stopped" in p.stdout, "stop output", p.stdout)
    for pid in pids:
        ok(not os.path.exists("/proc/%d" % pid) or "Z" in open("/proc/%d/stat" % pid).read().split(")")[1][:3],
           "pid %d still running" % pid)
    subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    sys.exit(taptest.main())
