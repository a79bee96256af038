#!/usr/bin/python3
"""Operational visibility: /metrics is valid Prometheus text whose counters
match the job's totals; health reports each component down when it is (and
recovers), with the seed system's field names; log lines carry job= and
req=; the CLI views answer."""
import math
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, json_error, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
state = {}

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$')


def make_stack():
    return Stack(workers=2)


def parse_metrics(text):
    """Validates the exposition format line by line; returns {series: value}, {family: type}."""
    series, types, seen_families = {}, {}, []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            parts = line.split()
            ok(len(parts) == 4 and parts[3] in ("counter", "gauge", "histogram", "summary", "untyped"),
               "line %d: bad TYPE" % n, line)
            ok(parts[2] not in types, "line %d: family %s typed twice" % (n, parts[2]))
            types[parts[2]] = parts[3]
            seen_families.append(parts[2])
            continue
        m = SAMPLE.match(line)
        ok(m, "line %d is not a valid sample" % n, line)
        name = m.group(1)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in types \
            else name
        ok(seen_families and seen_families[-1] == family, "line %d: sample outside its family block" % n, line)
        key = name + (m.group(2) or "")
        ok(key not in series, "line %d: duplicate series" % n, line)
        series[key] = float(m.group(4))
    return series, types


def test_job_runs(stack):
    job = stack.start_job(EXAMPLES)
    s = stack.wait_job(job, 120)
    eq(s["status"], "completed")
    state["job"] = s


def test_metrics_format_and_totals(stack):
    st, h, text = stack.http("GET", "/metrics", auth=False)
    eq(st, 200)
    ok(h.get("content-type", "").startswith("text/plain"), "content type", h)
    series, types = parse_metrics(text)
    job = state["job"]
    eq(series.get("docxp_files_processed_total"), float(job["files_processed"]), "files processed counter")
    eq(series.get("docxp_entities_total"), float(job["entities"]), "entities counter")
    eq(series.get("docxp_chunks_done_total"), float(job["chunks_done"]), "chunks counter")
    eq(series.get("docxp_embedding_texts_total"), float(job["embedding"]["texts"]), "embedding texts")
    eq(types.get("docxp_chunk_duration_seconds"), "histogram")
    # histograms: cumulative buckets, +Inf equals _count
    buckets = sorted((k, v) for k, v in series.items() if k.startswith("docxp_chunk_duration_seconds_bucket"))
    values = [v for k, v in sorted(buckets, key=lambda kv: float(
        "inf" if "+Inf" in kv[0] else re.search(r'le="([^"]+)"', kv[0]).group(1)))]
    eq(values, sorted(values), "buckets are cumulative")
    eq(series['docxp_chunk_duration_seconds_bucket{le="+Inf"}'], series["docxp_chunk_duration_seconds_count"])
    ok(series.get("docxp_workers_live") == 2, "workers gauge", series.get("docxp_workers_live"))
    ok(series.get('docxp_jobs{status="completed"}', 0) >= 1, "jobs gauge")
    # requests are counted by route (the API flushes before a scrape)
    ok(any(k.startswith('docxp_http_requests_total{route="/api/v1/indexing/jobs/{id}/status"') for k in series),
       "http requests counted by route", sorted(series)[:20])
    ok(not math.isnan(sum(series.values())), "no NaN")


def test_metrics_json_needs_admin(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/metrics")
    eq(st, 200)
    ok("counters" in b and "gauges" in b, "json metrics", b)
    read = stack.create_key("obs-read", "read")
    json_error(stack.http("GET", "/api/v1/indexing/metrics", headers={"Authorization": "Bearer " + read}),
               403, "forbidden")


def test_health_ok_with_components(stack):
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200)
    eq(b["status"], "ok", "overall")
    for comp in ("postgresql", "redis", "queue", "workers", "embedding"):
        ok(comp in b["services"], "services.%s present" % comp, b["services"].keys())
        eq(b["services"][comp]["status"], "ok", comp)
    eq(b["services"]["workers"]["live"], 2)
    names = [w["name"] for w in b["services"]["workers"]["workers"]]
    ok(len(names) == 2 and all("status" in w and "ts" in w for w in b["services"]["workers"]["workers"]),
       "workers listed with status and heartbeat", b["services"]["workers"])
    eq(b["services"]["redis"]["maxmemory_policy"], "volatile-lru")
    ok("hit_rate" in b["cache_statistics"], "cache_statistics", b)
    ok("oldest_pending_age_seconds" in b["services"]["queue"], "queue detail", b["services"]["queue"])


def test_health_redis_down_and_back(stack):
    stack.stop_redis()
    try:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        eq(st, 503)
        eq(b["status"], "down")
        eq(b["services"]["redis"]["status"], "down")
        eq(b["services"]["postgresql"]["status"], "ok")
    finally:
        stack.start_redis()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        if st == 200 and b["status"] == "ok":
            break
        time.sleep(0.3)
    eq((st, b["status"]), (200, "ok"), "recovered after Redis came back")


def test_health_no_workers_is_degraded(stack):
    names = list(stack.worker_names)
    for n in names:
        stack.kill_worker(n, sig=15)
    # a worker that stops cleanly removes its heartbeat at once
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        if b["services"]["workers"]["live"] == 0:
            break
        time.sleep(0.5)
    eq(st, 200, "degraded is still 200")
    eq(b["status"], "degraded")
    eq(b["services"]["workers"]["status"], "degraded")
    r = stack.docxp("workers")
    ok(r.returncode != 0 and "no live workers" in r.stdout, "docxp workers says so", r.stdout)
    stack.add_worker()
    stack.add_worker()


def test_health_postgresql_down_and_back(stack):
    data = stack.path("pg", "data")
    stack._stop_pg()
    try:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        eq(st, 503)
        eq(b["services"]["postgresql"]["status"], "down")
        ok("password" not in str(b).lower(), "no secrets in health")
    finally:
        stack._start_pg()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        st, _, b = stack.http("GET", "/api/v1/indexing/health")
        if st == 200:
            break
        time.sleep(0.3)
    eq(st, 200, "recovered after PostgreSQL came back")
    ok(os.path.isdir(data), "data dir")


def test_cli_views(stack):
    r = stack.docxp("health")
    eq(r.returncode, 0, r.stderr)
    ok("postgresql" in r.stdout and "workers" in r.stdout, "docxp health table", r.stdout)
    r = stack.docxp("workers")
    eq(r.returncode, 0, r.stderr)
    ok("WORKER" in r.stdout and "idle" in r.stdout, "docxp workers table", r.stdout)


def test_log_lines_carry_ids(stack):
    job = state["job"]["job_id"]
    text = ""
    for name in os.listdir(stack.path("logs")):
        if name.startswith("w"):
            with open(stack.path("logs", name), errors="replace") as f:
                text += f.read()
    ok("job=%s" % job in text, "worker lines carry job=")
    st, h, _ = stack.http("GET", "/api/v1/indexing/jobs/%s/status" % job)
    rid = h.get("x-request-id")
    ok(rid, "nginx sends X-Request-Id", h)
    with open(stack.path("logs", "api.log"), errors="replace") as f:
        api = f.read()
    ok("req=%s" % rid in api, "the API logged the request with nginx's id")
    for line in api.splitlines():
        if line.startswith("<"):
            ok(re.match(r"^<[0-7]>", line), "syslog priority prefix", line)


def test_subsystem_log_levels(stack):
    """[log] subsystem_levels: a worker with index=debug writes its chunks'
    debug lines while the others, at the default level, write none; a bad
    setting is refused at start."""
    for n in list(stack.worker_names):
        stack.kill_worker(n, sig=signal.SIGTERM)
    name = stack.add_worker(env={"DOCXP_LOG_SUBSYSTEM_LEVELS": "index=debug, store=warning"})
    job = stack.start_job(EXAMPLES, "full")
    eq(stack.wait_job(job, 120)["status"], "completed")
    debug, others = [], []
    for f in os.listdir(stack.path("logs")):
        if f.startswith("w"):
            with open(stack.path("logs", f), errors="replace") as fh:
                (debug if f.startswith(name) else others).extend(
                    ln for ln in fh.read().splitlines() if ln.startswith("<7>"))
    ok(any(ln.startswith("<7>chunk done | job=%s" % job) for ln in debug),
       "the index=debug worker logged its chunks at debug", debug[:5])
    ok(not others, "workers at the default level logged debug lines", others[:5])
    env = dict(os.environ, DOCXP_LOG_SUBSYSTEM_LEVELS="index=chatty")
    p = subprocess.run([stack.binary("docxp-worker"), "-c", stack.config, "--check-config"], env=env,
                       capture_output=True, text=True, timeout=30)
    eq(p.returncode, 78, "bad subsystem level: exit status (%s)" % p.stderr)
    ok("log.subsystem_levels: bad level 'chatty' for index" in p.stderr, "says what is wrong", p.stderr)


if __name__ == "__main__":
    taptest.main()
