#!/usr/bin/python3
"""Job control on a stack with 3 workers: pause stops all progress within
5 s and resume finishes the job with the rows of an undisturbed run; cancel
ends a job for good; transitions are idempotent, 409 when they make no sense,
404 for unknown jobs; one active job per repository; a job limited to
max_concurrent_chunks=1 never has more than one chunk in flight and does not
starve another job.  On stacks of their own, workers with fault injection:
a file whose extraction fails is the job's only error (errors endpoint,
completed_with_errors), and a file that crashes every worker touching it is
failed alone (reason worker_crash) while the test restarts the dead workers."""
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from taptest import Stack, StackError, eq, ok, json_error  # noqa: E402
from docxp_stack import TERMINAL_STATES  # noqa: E402

CONF = {"indexing": {"lease_seconds": "5"}, "worker": {"reconcile_seconds": "1"}}
NBIG = 1000
NSMALL = 200
SLOW = {"chunk_size": 10, "max_concurrent_chunks": 1}   # about 100 chunks one at a time
COUNTERS = ("files_processed", "files_skipped", "files_failed", "entities", "chunks_done",
            "chunks_failed")
FAIL_PATH = genrepo.rel_path(7)
CRASH_PATH = genrepo.rel_path(123)
state = {}


def make_stack():
    return Stack(workers=3, extra_conf=CONF, name="docxp-jobctl")


def repo(name, n=NBIG, binaries=0):
    """A generated repository (same content for the same n) under its own path."""
    root = os.path.join(state["base"], name)
    genrepo.generate(root, n, seed=11)
    for i in range(binaries):
        with open(os.path.join(root, "blob%d.bin" % i), "wb") as f:
            f.write(b"\x00\x01binary\x00" * 64)
    return root


def control(s, verb, job_id):
    if verb == "cancel-delete":
        return s.http("DELETE", "/api/v1/indexing/jobs/%s" % job_id)
    return s.http("POST", "/api/v1/indexing/jobs/%s/%s" % (job_id, verb))


def counters(j):
    return tuple(j[k] for k in COUNTERS)


def wait_progress(s, job_id, files, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        j = s.job(job_id)
        ok(j["status"] not in TERMINAL_STATES, "job ended before %d files" % files, j)
        if j["files_processed"] >= files:
            return j
        ok(time.monotonic() < deadline, "job did not reach %d files in %ss" % (files, timeout), j)
        time.sleep(0.05)


def test_generate():
    base = tempfile.mkdtemp(prefix="docxp-jobctl-repo-")
    os.chmod(base, 0o755)
    state["base"] = base


def test_clean_reference(stack):
    state["ref"] = repo("ref")
    j = stack.start_job(state["ref"], "full")
    final = stack.wait_job(j, 120)
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], NBIG, "files_processed")
    state["ref_rows"] = genrepo.snapshot(stack, state["ref"])
    ok(len(state["ref_rows"]["entities"]) > NBIG, genrepo.counts(state["ref_rows"]))


def test_pause_stops_progress(stack):
    path = state["paused_repo"] = repo("paused")
    job_id = state["paused"] = stack.start_job(path, "full", limits=SLOW)
    wait_progress(stack, job_id, 150)
    st, _, b = control(stack, "pause", job_id)
    eq(st, 200, "pause: %r" % (b,))
    eq(b.get("status"), "paused", "status in the pause answer")
    t_pause = time.monotonic()
    # within 5 s: no chunk of the job in flight, the counters still
    deadline = t_pause + 5
    while True:
        running = int(stack.psql("SELECT count(*) FROM chunks WHERE job_id = '%s' "
                                 "AND status = 'running'" % job_id)[0][0])
        if running == 0:
            break
        ok(time.monotonic() < deadline, "%d chunks still running 5s after pause" % running)
        time.sleep(0.1)
    settled = time.monotonic() - t_pause
    first = stack.job(job_id)
    eq(first["status"], "paused", "status")
    samples = 0
    while time.monotonic() - t_pause < settled + 3:
        j = stack.job(job_id)
        eq(j["status"], "paused", "status while paused")
        eq(counters(j), counters(first), "counters %s moved while paused" % (COUNTERS,))
        samples += 1
        time.sleep(0.2)
    done = stack.psql("SELECT id, finished_at FROM chunks WHERE job_id = '%s' AND status = 'done'"
                      % job_id)
    state["done_before_resume"] = dict(done)
    eq(len(done), first["chunks_done"], "done chunks vs chunks_done")
    taptest.note("paused at %d/%d files; no chunk in flight %.2fs after the pause answer; "
                 "%d samples over 3s unchanged" % (first["files_processed"], NBIG, settled, samples))


def test_pause_idempotent(stack):
    st, _, b = control(stack, "pause", state["paused"])
    eq(st, 200, "second pause: %r" % (b,))
    eq(b.get("status"), "paused")


def test_resume_completes_like_clean_run(stack):
    job_id = state["paused"]
    st, _, b = control(stack, "resume", job_id)
    eq(st, 200, "resume: %r" % (b,))
    ok(b.get("status") in ("running", "pending", "planning"), "status after resume", b)
    final = stack.wait_job(job_id, 120)
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], NBIG, "files_processed")
    eq(final["chunks_done"], final["chunks_total"], "chunks_done")
    # the checkpoint: chunks done before the pause were not done again
    after = dict(stack.psql("SELECT id, finished_at FROM chunks WHERE job_id = '%s'" % job_id))
    redone = [c for c, t in state["done_before_resume"].items() if after.get(c) != t]
    eq(redone, [], "chunks done before the pause were redone")
    rows = genrepo.snapshot(stack, state["paused_repo"])
    ok(rows == state["ref_rows"], genrepo.diff(state["ref_rows"], rows, ("clean", "paused")))


def test_completed_job_transitions_409(stack):
    job_id = state["paused"]
    json_error(control(stack, "resume", job_id), 409, what="resume a completed job")
    json_error(control(stack, "pause", job_id), 409, what="pause a completed job")
    json_error(control(stack, "cancel", job_id), 409, what="cancel a completed job")
    json_error(control(stack, "cancel-delete", job_id), 409, what="DELETE a completed job")
    eq(stack.job(job_id)["status"], "completed", "status unchanged")


def test_unknown_job_404(stack):
    u = str(uuid.uuid4())
    for verb in ("pause", "resume", "cancel", "cancel-delete"):
        json_error(control(stack, verb, u), 404, what=verb + " unknown job")
    json_error(stack.http("GET", "/api/v1/indexing/jobs/%s/status" % u), 404, what="status")
    json_error(stack.http("GET", "/api/v1/indexing/jobs/%s/errors" % u), 404, what="errors")
    json_error(control(stack, "pause", "not-a-job"), 404, what="pause not-a-uuid")


def test_second_start_conflict(stack):
    path = state["cancel_repo"] = repo("cancelled")
    job_id = state["cancelled"] = stack.start_job(path, "full", limits=SLOW)
    json_error(stack.http("POST", "/api/v1/indexing/start",
                          {"repository_path": path, "job_type": "full"}), 409,
               what="second start while the first is active")
    json_error(stack.http("POST", "/api/v1/indexing/start",
                          {"repository_path": path, "job_type": "incremental"}), 409,
               what="incremental start while a full job is active")


def test_cancel(stack):
    job_id = state["cancelled"]
    wait_progress(stack, job_id, 100)
    st, _, b = control(stack, "cancel-delete", job_id)
    eq(st, 200, "DELETE: %r" % (b,))
    eq(b.get("status"), "cancelled", "status in the answer")
    t_cancel = stack.psql("SELECT now()")[0][0]
    at_cancel = counters(stack.job(job_id))
    # idempotent, both spellings
    st, _, b = control(stack, "cancel", job_id)
    eq((st, b.get("status")), (200, "cancelled"), "POST cancel again")
    st, _, b = control(stack, "cancel-delete", job_id)
    eq((st, b.get("status")), (200, "cancelled"), "DELETE again")
    json_error(control(stack, "resume", job_id), 409, what="resume a cancelled job")
    time.sleep(4)
    j = stack.job(job_id)
    eq(j["status"], "cancelled", "status")
    ok(j.get("finished_at"), "finished_at set", j)
    eq(counters(j), at_cancel, "counters moved after cancel")
    late = stack.psql("SELECT count(*) FROM chunks WHERE job_id = '%s' AND finished_at > '%s'"
                      % (job_id, t_cancel))[0][0]
    eq(late, "0", "chunks finished after the cancel")
    running = stack.psql("SELECT count(*) FROM chunks WHERE job_id = '%s' AND status = 'running'"
                         % job_id)[0][0]
    eq(running, "0", "chunks still running after the cancel")
    taptest.note("cancelled at %d/%d files" % (at_cancel[0], NBIG))
    # the repository is free again
    j2 = stack.start_job(state["cancel_repo"], "full")
    final = stack.wait_job(j2, 120)
    eq(final["status"], "completed", "a new job on the cancelled job's repository")


def test_fair_sharing(stack):
    a_path = repo("fair-a")
    b_path = repo("fair-b", NSMALL)
    a = stack.start_job(a_path, "full", limits=SLOW)
    wait_progress(stack, a, 50)
    b = stack.start_job(b_path, "full")
    t0 = time.monotonic()
    max_a, samples, b_done_while_a = 0, 0, None
    while True:
        n = int(stack.psql("SELECT count(*) FROM chunks WHERE job_id = '%s' AND status = 'running' "
                           "AND lease_until > now()" % a)[0][0])
        max_a = max(max_a, n)
        samples += 1
        ja, jb = stack.job(a), stack.job(b)
        if jb["status"] in TERMINAL_STATES and b_done_while_a is None:
            b_done_while_a = ja["status"] not in TERMINAL_STATES
            b_at = (ja["files_processed"], time.monotonic() - t0)
        if ja["status"] in TERMINAL_STATES:
            break
        ok(time.monotonic() - t0 < 120, "job A not done in 120s", ja)
        time.sleep(0.05)
    ok(max_a <= 1, "job A (max_concurrent_chunks=1) had %d chunks in flight" % max_a)
    eq(ja["status"], "completed", "job A")
    eq(jb["status"], "completed", "job B")
    ok(b_done_while_a, "job B (%d files) finished only after job A (%d files)" % (NSMALL, NBIG))
    taptest.note("fair sharing: %d samples, at most %d chunk of A in flight; B (%d files) done "
                 "after %.1fs while A was at %d/%d files"
                 % (samples, max_a, NSMALL, b_at[1], b_at[0], NBIG))


def fault_stack(name, env):
    """A stack whose 3 workers all run with fault injection env."""
    s = Stack(workers=1, extra_conf=CONF, name=name)
    s.start()
    try:
        # health wants a live worker to say "ok": start with a plain one,
        # then swap it for the injected ones before any job exists
        rc = s.kill_worker("w1", sig=signal.SIGTERM)
        eq(rc, 0, "plain worker's exit status on SIGTERM")
        for _ in range(3):
            s.add_worker(env=env)
    except BaseException:
        s.failed = True
        s.stop()
        raise
    return s


def stop_checked(s):
    failed = s.failed
    s.stop()
    ok(failed or not s.unclean, "unclean shutdown: %s" % s.unclean)


def test_failing_file_errors_endpoint():
    s = fault_stack("docxp-jobctl-fail", {"DOCXP_FAULT_FAIL_GLOB": FAIL_PATH})
    if True:
        try:
            path = repo("failing", NSMALL, binaries=2)
            job_id = s.start_job(path, "full", limits={"chunk_size": 10})
            final = s.wait_job(job_id, 120)
            eq(final["status"], "completed_with_errors", "status")
            eq(final["files_failed"], 1, "files_failed")
            eq(final["files_processed"], NSMALL - 1, "files_processed")
            eq(final["files_skipped"], 2, "files_skipped (binaries)")
            eq(final["chunks_done"], final["chunks_total"], "chunks_done (no chunk lost)")
            st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/errors" % job_id)
            eq(st, 200, "errors: %r" % (b,))
            eq(b.get("total"), 1, "total failed")
            errs = b.get("errors")
            eq([(e["path"], e["kind"], e["reason"]) for e in errs],
               [(FAIL_PATH, "failed", "extract_error")], "errors listed")
            ok(errs[0].get("message") and errs[0].get("created_at"), "message, created_at", errs)
            st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/errors?kind=skipped" % job_id)
            eq((st, b.get("total")), (200, 2), "skipped total")
            ok(all(e["kind"] == "skipped" and e["reason"] == "binary" for e in b["errors"]),
               "skipped entries", b)
            st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/errors?kind=all&limit=2&offset=0"
                              % job_id)
            eq((st, b.get("total"), len(b.get("errors", []))), (200, 3, 2), "kind=all page 1")
            first = [e["path"] for e in b["errors"]]
            st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/errors?kind=all&limit=2&offset=2"
                              % job_id)
            eq((st, b.get("total"), len(b.get("errors", []))), (200, 3, 1), "kind=all page 2")
            eq(sorted(first + [e["path"] for e in b["errors"]]),
               sorted([FAIL_PATH, "blob0.bin", "blob1.bin"]), "pages cover all issues")
            json_error(s.http("GET", "/api/v1/indexing/jobs/%s/errors?kind=bogus" % job_id), 400,
                       what="kind=bogus")
            rows = s.psql("SELECT count(*), count(*) FILTER (WHERE path = '%s') FROM files"
                          % FAIL_PATH)[0]
            eq(rows, (str(NSMALL - 1), "0"), "files rows (all but the failing one)")
        except BaseException:
            s.failed = True
            raise
        finally:
            stop_checked(s)


def test_crashing_file_isolated():
    env = {"DOCXP_FAULT_CRASH_GLOB": CRASH_PATH}
    s = fault_stack("docxp-jobctl-crash", env)
    if True:
        try:
            path = repo("crashing", NSMALL)
            job_id = s.start_job(path, "full", limits={"chunk_size": 10})
            t0 = time.monotonic()
            crashes = []
            while True:
                for name in s.dead_workers():
                    rc = s.kill_worker(name)          # reaps it; returns its exit status
                    crashes.append("%s exit %s at %.1fs" % (name, rc, time.monotonic() - t0))
                    s.add_worker(name, env=env)
                j = s.job(job_id)
                if j["status"] in TERMINAL_STATES:
                    break
                ok(time.monotonic() - t0 < 90, "job not done in 90s; crashes: %s; chunks %s" % (
                    crashes, s.psql("SELECT seq, status, attempts, current_path, last_error "
                                    "FROM chunks WHERE status <> 'done'")), j)
                time.sleep(0.1)
            taptest.note("worker crashes: %s; job done in %.1fs" % (crashes, time.monotonic() - t0))
            st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/errors?kind=all" % job_id)
            eq(st, 200)
            listed = [(e["path"], e["kind"], e["reason"]) for e in b.get("errors", [])]
            chunk = s.psql("SELECT status, attempts FROM chunks WHERE job_id = '%s' "
                           "AND '%s' = ANY (paths)" % (job_id, CRASH_PATH))
            eq(j["status"], "completed_with_errors", "status (errors %s, chunk %s)" % (listed, chunk))
            eq(listed, [(CRASH_PATH, "failed", "worker_crash")], "errors listed (chunk %s)" % chunk)
            eq(j["files_failed"], 1, "files_failed")
            eq(j["files_processed"], NSMALL - 1, "files_processed")
            ok(len(crashes) >= 1, "no worker crashed (fault injection inactive?)")
        except BaseException:
            s.failed = True
            raise
        finally:
            stop_checked(s)


def test_innocent_death_spares_the_file():
    """A worker that died on a file for another reason than the file (here:
    the fault is switched off before the attempt that would blame it) does
    not cost that file: the retry processes it once in a child process, sees
    it survive, and indexes it."""
    env = {"DOCXP_FAULT_CRASH_GLOB": CRASH_PATH}
    s = Stack(workers=1, extra_conf=CONF, name="docxp-jobctl-innocent")
    s.start()
    try:
        eq(s.kill_worker("w1", sig=signal.SIGTERM), 0, "plain worker's exit status on SIGTERM")
        s.add_worker("w1", env=env)
        path = repo("innocent", NSMALL)
        job_id = s.start_job(path, "full", limits={"chunk_size": 10})
        t0 = time.monotonic()
        crashes = []
        while True:
            if s.dead_workers():
                crashes.append(s.kill_worker("w1"))
                # two deaths on the file (the second one tracked): from now
                # on the file is harmless, as after an unrelated kill
                s.add_worker("w1", env=env if len(crashes) < 2 else None)
            j = s.job(job_id)
            if j["status"] in TERMINAL_STATES:
                break
            ok(time.monotonic() - t0 < 90, "job not done in 90s; crashes %s" % crashes, j)
            time.sleep(0.1)
        eq(len(crashes), 2, "deaths before the fault was switched off")
        eq(j["status"], "completed", "status")
        eq(j["files_failed"], 0, "files_failed")
        eq(j["files_processed"], NSMALL, "files_processed")
        with open(s.path("logs", "w1.log"), errors="replace") as f:
            ok("is fine on its own | path=%s" % CRASH_PATH in f.read(), "the worker said why it kept the file")
    except BaseException:
        s.failed = True
        raise
    finally:
        stop_checked(s)


def test_cleanup():
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
