#!/usr/bin/python3
"""SIGTERM: a worker in the middle of a chunk stops taking work, finishes or
gives back its chunk and exits 0 within 10 s; the job completes with the
other workers.  An idle worker and docxp-api also exit 0 on SIGTERM."""
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402
from docxp_stack import TERMINAL_STATES  # noqa: E402

N = 1000
CONF = {"indexing": {"lease_seconds": "5"}, "worker": {"reconcile_seconds": "1"}}
state = {}


def make_stack():
    return Stack(workers=3, extra_conf=CONF, name="docxp-shutdown")


def busy_worker(s, timeout=5.0):
    """A worker processing a chunk right now, by its sd_notify STATUS=."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for n in s.worker_names:
            if (s.daemon_status(n) or "").startswith("processing chunk"):
                return n
        time.sleep(0.002)
    return None


def test_generate():
    base = tempfile.mkdtemp(prefix="docxp-shutdown-repo-")
    os.chmod(base, 0o755)
    state["base"] = base
    state["repo"] = os.path.join(base, "repo")
    genrepo.generate(state["repo"], N, seed=5)


def test_sigterm_busy_worker(stack):
    j = stack.start_job(state["repo"], "full", limits={"chunk_size": 10,
                                                       "max_concurrent_chunks": 1})
    state["job"] = j
    while stack.job(j)["files_processed"] < 100:
        time.sleep(0.05)
    name = busy_worker(stack)
    ok(name, "no worker reported processing a chunk")
    pid = stack.pid(name)
    t0 = time.monotonic()
    rc = stack.kill_worker(name, sig=signal.SIGTERM)   # waits for the exit (SIGKILL after 15 s)
    took = time.monotonic() - t0
    eq(rc, 0, "exit status of %s on SIGTERM" % name)
    ok(took < 10, "%s took %.1fs to exit" % (name, took))
    held = stack.psql("SELECT count(*) FROM chunks WHERE lease_owner = '%s:%d' AND status = 'running'"
                      % (name, pid))[0][0]
    taptest.note("busy %s exited 0 in %.2fs; chunks it left running with a lease: %s"
                 % (name, took, held))
    ok(not stack.unclean, "unclean: %s" % stack.unclean)


def test_job_completes_without_it(stack):
    t0 = time.monotonic()
    final = stack.wait_job(state["job"], 120)
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], N, "files_processed")
    eq(final["chunks_done"], final["chunks_total"], "chunks_done")
    eq(len(stack.psql("SELECT 1 FROM files")), N, "files rows")
    taptest.note("job completed %.1fs after the SIGTERM with %d workers"
                 % (time.monotonic() - t0, len(stack.worker_names)))


def test_sigterm_idle_worker(stack):
    name = stack.worker_names[-1]
    t0 = time.monotonic()
    rc = stack.kill_worker(name, sig=signal.SIGTERM)
    eq(rc, 0, "exit status of idle %s" % name)
    ok(time.monotonic() - t0 < 10, "idle worker took %.1fs" % (time.monotonic() - t0))
    stack.add_worker()


def test_sigterm_api(stack):
    t0 = time.monotonic()
    rc = stack.stop_api(sig=signal.SIGTERM)
    eq(rc, 0, "docxp-api exit status on SIGTERM")
    ok(time.monotonic() - t0 < 10, "docxp-api took %.1fs" % (time.monotonic() - t0))
    stack.start_api()
    st, _, b = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200, "health after the API restart: %r" % (b,))
    j = stack.job(state["job"])
    ok(j["status"] in TERMINAL_STATES, "job status readable again", j)


def test_cleanup():
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
