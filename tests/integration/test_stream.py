#!/usr/bin/python3
"""Live progress over Server-Sent Events, through nginx: events arrive while
the job runs, Last-Event-ID resumes without gap or duplicate, paused streams
stay open with heartbeats, terminal ones end, unknown jobs are a 404, the
stream limit answers 503, and 200 streams on one job neither block the REST
API nor leak threads or file descriptors."""
import http.client
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, json_error, note, ok  # noqa: E402

N_FILES = 600
CONF = {
    "api": {"threads": "240", "max_streams": "215", "sse_heartbeat_seconds": "1"},
    "indexing": {"chunk_size": "5", "max_concurrent_chunks": "1"},
}
state = {}


def make_stack():
    return Stack(workers=2, extra_conf=CONF)


def make_repo(n, tag):
    root = tempfile.mkdtemp(prefix="docxp-stream-%s-" % tag)
    for i in range(n):
        d = os.path.join(root, "src", "p%02d" % (i % 20))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "C%04d.java" % i), "w") as f:
            f.write("package p;\n\npublic class C%04d {\n" % i)
            for m in range(20):
                f.write("    int m%d(int a) { return a + %d; }\n" % (m, i))
            f.write("}\n")
    state.setdefault("repos", []).append(root)
    return root


class SSE:
    """A raw SSE client: events as (id, event, data, arrival time)."""

    def __init__(self, stack, job_id, last_id=None, timeout=30):
        self.conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=timeout)
        headers = {"Accept": "text/event-stream", "Authorization": "Bearer " + stack.api_key}
        if last_id is not None:
            headers["Last-Event-ID"] = last_id
        self.conn.request("GET", "/api/v1/indexing/jobs/%s/stream" % job_id, headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.comments = 0
        self.retry = None

    def events(self, limit=None, until=None, deadline=None):
        """Yields events until the stream ends, `limit` events, `until` (an
        event name) or, once a line arrives after it, `deadline` (monotonic;
        heartbeats keep lines coming)."""
        ev = {"id": None, "event": "message", "data": []}
        n = 0
        while True:
            if deadline and time.monotonic() > deadline:
                return
            line = self.resp.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line == "":
                if ev["data"]:
                    yield (ev["id"], ev["event"], json.loads("\n".join(ev["data"])), time.time())
                    n += 1
                    if (limit and n >= limit) or (until and ev["event"] == until):
                        return
                ev = {"id": None, "event": "message", "data": []}
            elif line.startswith(":"):
                self.comments += 1
            elif line.startswith("id:"):
                ev["id"] = line[3:].strip()
            elif line.startswith("event:"):
                ev["event"] = line[6:].strip()
            elif line.startswith("data:"):
                ev["data"].append(line[5:].lstrip())
            elif line.startswith("retry:"):
                self.retry = int(line[6:].strip())

    def close(self):
        self.conn.close()


def test_unknown_job_is_404(stack):
    json_error(stack.http("GET", "/api/v1/indexing/jobs/00000000-0000-4000-8000-000000000000/stream"),
               (404,), "not_found")
    json_error(stack.http("GET", "/api/v1/indexing/jobs/nope/stream"), (404,), "not_found")
    st, _, b = stack.http("GET", "/api/v1/indexing/jobs/00000000-0000-4000-8000-000000000000/stream",
                          headers={"Last-Event-ID": "garbage\x01"})
    ok(st in (400, 404), "bad Last-Event-ID is a 4xx", st, b)


def test_events_arrive_while_running(stack):
    repo = make_repo(N_FILES, "live")
    job = stack.start_job(repo)
    state["job"] = job
    sse = SSE(stack, job)
    eq(sse.status, 200)
    ok(sse.headers.get("content-type", "").startswith("text/event-stream"), "content type", sse.headers)
    got = list(sse.events(until="done"))
    sse.close()
    state["full"] = got
    names = [e[1] for e in got]
    eq(names[0], "snapshot", "first event")
    eq(names[-1], "done", "last event")
    ok(sse.retry and sse.retry > 0, "retry hint sent", sse.retry)
    ok(all(e[0] for e in got), "every event has an id", [e for e in got if not e[0]][:3])
    progress = [e for e in got if e[1] == "progress"]
    ok(len(progress) >= 20, "many progress events (%d)" % len(progress))
    chunks = [e for e in got if e[1] == "chunk"]
    eq(len(chunks), N_FILES // 5, "one chunk event per chunk")
    # incremental delivery: the first progress event arrives well before the end
    spread = got[-1][3] - progress[0][3]
    ok(spread > 0.5, "events spread over %.2fs, not delivered at the end" % spread)
    # progress never goes backwards, and carries rate and ETA
    done_counts = [p[2]["files_processed"] + p[2]["files_skipped"] + p[2]["files_failed"] for p in progress]
    eq(done_counts, sorted(done_counts), "progress is monotonic")
    ok(all("files_per_second" in p[2] and "eta_seconds" in p[2] for p in progress), "rate and eta in progress")
    final = got[-1][2]
    eq(final["status"], "completed")
    eq(final["files_processed"], N_FILES)
    # latency from the worker's timestamp to our arrival, for the note
    lat = sorted(max(0.0, e[3] * 1000 - e[2]["ts"])
                 for e in got if e[1] != "snapshot" and isinstance(e[2], dict) and "ts" in e[2])
    if lat:
        state["latency"] = (lat[len(lat) // 2], lat[int(len(lat) * 0.95)])
        note("event latency worker->client: p50 %.1f ms, p95 %.1f ms over %d events"
             % (state["latency"][0], state["latency"][1], len(lat)))


def test_status_reports_throughput_and_eta(stack):
    s = stack.job(state["job"])
    ok("files_per_second" in s and "eta_seconds" in s, "status has throughput and ETA", s)
    ok(s["files_per_second"] > 0, "throughput of a finished job > 0", s["files_per_second"])


def test_resume_with_last_event_id(stack):
    job = state["job"]
    # the whole log, from its start
    sse = SSE(stack, job, last_id="0-0")
    everything = [(e[0], e[1], e[2]) for e in sse.events(until="done")]
    sse.close()
    ok(len(everything) > 50, "log has the job's events (%d)" % len(everything))
    ids = [e[0] for e in everything]
    eq(len(ids), len(set(ids)), "ids unique")
    for cut in (1, 17, len(everything) // 2, len(everything) - 2):
        first = SSE(stack, job, last_id="0-0")
        part1 = [(e[0], e[1], e[2]) for e in first.events(limit=cut)]
        first.close()  # the client drops
        second = SSE(stack, job, last_id=part1[-1][0])
        part2 = [(e[0], e[1], e[2]) for e in second.events(until="done")]
        second.close()
        eq(part1 + part2, everything, "resume after %d events: no gap, no duplicate" % cut)


def test_resume_while_running(stack):
    repo = make_repo(N_FILES, "resume")
    job = stack.start_job(repo)
    first = SSE(stack, job)
    part1 = list(first.events(limit=25))
    first.close()
    time.sleep(0.3)
    second = SSE(stack, job, last_id=part1[-1][0])
    part2 = list(second.events(until="done"))
    second.close()
    whole = SSE(stack, job, last_id="0-0")
    everything = [e[0] for e in whole.events(until="done")]
    whole.close()
    got = [e[0] for e in part1[1:]] + [e[0] for e in part2]   # part1[0] is the snapshot
    idx = everything.index(got[0])
    eq(got, everything[idx:], "reconnect during the job gets the exact remaining sequence")


def test_paused_stream_stays_open_then_cancel_ends_it(stack):
    repo = make_repo(N_FILES, "pause")
    job = stack.start_job(repo)
    deadline = time.monotonic() + 30
    while stack.job(job)["status"] != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    st, _, b = stack.http("POST", "/api/v1/indexing/jobs/%s/pause" % job)
    ok(st == 200, "pause", b)
    time.sleep(1.5)  # let a chunk in flight be given back
    sse = SSE(stack, job, timeout=10)
    eq(sse.status, 200)
    t0 = time.monotonic()
    first = next(sse.events(limit=1))
    eq(first[1], "snapshot")
    eq(first[2]["status"], "paused")
    # nothing but heartbeats for 3 s
    before = sse.comments
    events = list(sse.events(deadline=t0 + 3))
    ok(sse.comments - before >= 2, "heartbeats while paused (%d)" % (sse.comments - before))
    ok(not [e for e in events if e[1] in ("progress", "chunk", "done")], "no progress while paused", events)
    # Workers publish progress after their commits, so two can arrive in
    # swapped order: the stream passes the newer and skips the older.
    key = stack.redis("KEYS", "*job:%s:events" % job)[0]
    snap = first[2]
    newer = dict(snap, files_processed=snap["files_processed"] + 7)
    older = dict(snap, files_processed=snap["files_processed"] + 3)
    for doc in (newer, older):
        stack.redis("XADD", key, "*", "type", "progress", "data", json.dumps(doc))
    got = list(sse.events(deadline=time.monotonic() + 3))
    seen = [e[2]["files_processed"] for e in got if e[1] == "progress"]
    eq(seen, [newer["files_processed"]], "the older progress document is skipped")
    st, _, b = stack.http("DELETE", "/api/v1/indexing/jobs/%s" % job)
    ok(st == 200, "cancel", b)
    rest = list(sse.events())
    sse.close()
    names = [e[1] for e in rest]
    ok("done" in names, "cancel ends the stream with done", names)
    eq(names[-1], "done")
    states = [e[2]["status"] for e in rest if e[1] == "state"]
    ok("cancelled" in states, "state cancelled sent", states)


def test_completed_stream_ends_at_once(stack):
    t0 = time.monotonic()
    sse = SSE(stack, state["job"])
    got = list(sse.events())
    sse.close()
    eq([e[1] for e in got], ["snapshot", "done"])
    ok(time.monotonic() - t0 < 3, "ends at once")


def _threads_fds(pid):
    return (len(os.listdir("/proc/%d/task" % pid)), len(os.listdir("/proc/%d/fd" % pid)))


def _rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_many_streams_and_no_leaks(stack):
    repo = make_repo(50, "many")
    job = stack.start_job(repo)
    stack.wait_job(job, 60)
    stack.http("POST", "/api/v1/indexing/jobs/%s/pause" % job)  # ended: 409, stream still works
    # a paused job keeps streams open: start one and pause it before it runs
    repo2 = make_repo(N_FILES, "many2")
    job2 = stack.start_job(repo2)
    st, _, b = stack.http("POST", "/api/v1/indexing/jobs/%s/pause" % job2)
    ok(st == 200, "pause", b)
    pid = stack.procs["api"].pid
    base_threads, base_fds = _threads_fds(pid)
    base_rss = _rss_kb(pid)
    streams = []
    for _ in range(200):
        s = SSE(stack, job2, timeout=20)
        eq(s.status, 200, "stream %d" % len(streams))
        next(s.events(limit=1))
        streams.append(s)
    rss = _rss_kb(pid)
    note("API RSS with 200 open streams: %d kB (idle: %d kB)" % (rss, base_rss))
    # the REST API keeps answering
    t0 = time.monotonic()
    for _ in range(20):
        st, _, b = stack.http("GET", "/api/v1/indexing/jobs/%s/status" % job2, timeout=5)
        eq(st, 200)
    per = (time.monotonic() - t0) / 20 * 1000
    note("REST status latency with 200 streams open: %.1f ms" % per)
    ok(per < 200, "REST API answers quickly (%.1f ms)" % per)
    # over the limit: a clear 503
    extra = []
    for _ in range(20):
        s = SSE(stack, job2, timeout=10)
        if s.status != 200:
            body = s.resp.read().decode()
            json_error((s.status, s.headers, json.loads(body)), (503,), "service_unavailable")
            s.close()
            break
        extra.append(s)
    else:
        ok(False, "max_streams never refused a stream")
    for s in streams + extra:
        s.close()
    # heartbeats (1 s) notice the gone clients; threads and fds come back
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        threads, fds = _threads_fds(pid)
        if fds <= base_fds + 2:
            break
        time.sleep(0.5)
    threads, fds = _threads_fds(pid)
    eq(threads, base_threads, "responder threads after the clients left")
    ok(fds <= base_fds + 2, "file descriptors back to %d (now %d)" % (base_fds, fds))
    st, _, b = stack.http("DELETE", "/api/v1/indexing/jobs/%s" % job2)
    eq(st, 200)


def test_cleanup():
    for r in state.get("repos", []):
        shutil.rmtree(r, ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
