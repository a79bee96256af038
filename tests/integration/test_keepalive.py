#!/usr/bin/python3
"""nginx keeps its FastCGI connections to docxp-api open between requests
(nginx/docxp-upstream.conf's keepalive, fastcgi_keep_conn on): sequential
requests reuse a few connections (docxp_fastcgi_connections_accepted_total).
With two responder threads only, a burst of concurrent requests (more
connections than threads, all kept idle afterwards) is answered in full,
and later requests too: an idle kept connection never holds a thread while
other work waits.  SIGTERM still stops docxp-api at once with idle
connections open."""
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

CONF = {"api": {"threads": "2", "max_streams": "1"}}
CLIENTS = 24


def make_stack():
    return Stack(workers=1, extra_conf=CONF, name="docxp-keepalive")


def accepted(stack):
    st, _, text = stack.http("GET", "/metrics", auth=False)
    eq(st, 200, "/metrics")
    m = re.search(r"^docxp_fastcgi_connections_accepted_total (\d+)", text, re.M)
    ok(m, "no docxp_fastcgi_connections_accepted_total in /metrics", text[:2000])
    return int(m.group(1))


def test_sequential_requests_reuse_connections(stack):
    before = accepted(stack)
    for i in range(100):
        st, _, b = stack.http("GET", "/api/v1/indexing/jobs", timeout=10)
        eq(st, 200, "request %d: %r" % (i, b))
    n = accepted(stack) - before
    taptest.note("100 sequential requests: %d new FastCGI connections" % n)
    # nginx runs two worker processes, each with its own pool
    ok(n <= 8, "100 sequential requests opened %d FastCGI connections" % n)


def test_more_connections_than_threads(stack):
    before = accepted(stack)
    barrier = threading.Barrier(CLIENTS)
    results, lock = [], threading.Lock()

    def client():
        barrier.wait()
        for _ in range(10):
            t = time.monotonic()
            try:
                st, _, _ = stack.http("GET", "/api/v1/indexing/jobs", timeout=15)
            except OSError as e:
                st = repr(e)
            with lock:
                results.append((st, time.monotonic() - t))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [r for r in results if r[0] != 200]
    eq(len(results), CLIENTS * 10, "answers")
    ok(not bad, "%d of %d concurrent requests failed" % (len(bad), len(results)), bad[:5])
    slowest = max(r[1] for r in results)
    n = accepted(stack) - before
    taptest.note("%d concurrent clients, 2 threads: %d FastCGI connections, slowest %.2f s" %
                 (CLIENTS, n, slowest))
    # the point of the test: nginx held more connections than docxp-api has threads
    ok(n > 2, "only %d connections: the burst did not outnumber the threads" % n)
    ok(slowest < 10, "a request waited %.1f s for a thread" % slowest)


def test_later_requests_with_idle_connections(stack):
    # nginx's pools now hold the burst's connections, idle
    for i in range(40):
        t = time.monotonic()
        st, _, b = stack.http("GET", "/api/v1/indexing/jobs", timeout=10)
        eq(st, 200, "request %d: %r" % (i, b))
        ok(time.monotonic() - t < 5, "request %d took %.1f s" % (i, time.monotonic() - t))


def test_sigterm_with_idle_connections(stack):
    t = time.monotonic()
    rc = stack.stop_api()
    took = time.monotonic() - t
    eq(rc, 0, "docxp-api exit status on SIGTERM")
    ok(took < 5, "docxp-api took %.1f s to stop" % took)
    stack.start_api()
    st, _, b = stack.http("GET", "/api/v1/indexing/jobs", timeout=10)
    eq(st, 200, "after a restart: %r" % (b,))


if __name__ == "__main__":
    taptest.main()
