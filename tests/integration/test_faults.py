#!/usr/bin/python3
"""Invariants 1-3 under fire: a generated repository of 2,000 Java files is
indexed once by 3 workers undisturbed (the clean run), then on a fresh stack
while the test SIGKILLs workers at random moments (5 kills, each worker
restarted under its name as systemd would), restarts Redis (which comes back
empty: no persistence) and restarts PostgreSQL (pg_ctl restart -m fast).
The job must end `completed` and the files, entities and entity_links tables
must equal the clean run's row for row.  A third fresh stack gets a FLUSHALL
mid-job.  Measured and printed as diagnostics: time from a worker's death to
its chunk being taken over and finished, and the fault run's overhead.

The job runs with max_concurrent_chunks=1 and chunk_size=10 (200 chunks,
one in flight at a time) so that it lasts long enough to be interrupted
(a clean 3-worker run of 2,000 files takes about 2 s otherwise), and a
worker killed while holding the job's chunk stalls the job until its lease
runs out: what we measure is the real dead-worker detection time.
DOCXP_FAULT_SEED=n replays a run (the seed is printed); DOCXP_FAULTS=kill,pg,redis
(the default) selects the kinds of fault, to look at one at a time."""
import os
import random
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from taptest import Stack, StackError, eq, ok  # noqa: E402
from docxp_stack import TERMINAL_STATES  # noqa: E402

NFILES = 2000
LEASE = 5
CONF = {"indexing": {"lease_seconds": str(LEASE)}, "worker": {"reconcile_seconds": "1"}}
# max_retries is raised from 3: one chunk may be hit by a kill and by the
# PostgreSQL restart, and each costs an attempt; the attempts seen are reported.
LIMITS = {"chunk_size": 10, "max_concurrent_chunks": 1, "max_retries": 10}
state = {}


def poll_status(s, job_id):
    """The job's status document, or None while the API cannot answer
    (PostgreSQL restarting)."""
    try:
        st, _, b = s.http("GET", "/api/v1/indexing/jobs/%s/status" % job_id, timeout=10)
    except OSError:
        return None
    return b if st == 200 and isinstance(b, dict) else None


def done_fraction(j):
    if not j or not j.get("total_files"):
        return 0.0
    return (j["files_processed"] + j["files_skipped"] + j["files_failed"]) / float(j["total_files"])


def wait_terminal(s, job_id, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        j = poll_status(s, job_id)
        if j:
            last = j
            if j.get("status") in TERMINAL_STATES:
                return j
        time.sleep(0.1)
    raise StackError("job %s not finished after %ss: %s" % (job_id, timeout, stuck_info(s, last)))


def stuck_info(s, j):
    """What a job that does not end looks like: its counters, its chunks in
    PostgreSQL and what the Redis stream holds."""
    out = []
    if j:
        out.append("status %s, %s/%s files" % (j.get("status"), j.get("files_processed"),
                                               j.get("total_files")))
    try:
        out.append("chunks %s" % s.psql("SELECT status, count(*), max(attempts) FROM chunks "
                                        "GROUP BY 1 ORDER BY 1"))
        out.append("stream docxp:tasks length %s, groups %s" % (
            s.redis("XLEN", "docxp:tasks"), s.redis("XINFO", "GROUPS", "docxp:tasks")))
    except Exception as e:  # noqa: BLE001
        out.append("(%s)" % e)
    return "; ".join(out)


def check_clean_end(s, final, what):
    eq(final["status"], "completed", "%s: status" % what)
    eq(final["files_processed"], NFILES, "%s: files_processed" % what)
    eq(final["files_failed"], 0, "%s: files_failed" % what)
    eq(final["chunks_done"], final["chunks_total"], "%s: chunks_done" % what)
    open_chunks = s.psql("SELECT count(*) FROM chunks WHERE status <> 'done'")[0][0]
    eq(open_chunks, "0", "%s: chunks not done" % what)


def test_generate():
    base = tempfile.mkdtemp(prefix="docxp-faults-repo-")
    os.chmod(base, 0o755)
    state["base"] = base
    state["repo"] = os.path.join(base, "repo")
    genrepo.generate(state["repo"], NFILES, seed=4)
    seed = int(os.environ.get("DOCXP_FAULT_SEED") or int(time.time() * 1000) % 100000)
    state["seed"] = seed
    taptest.note("fault seed %d (DOCXP_FAULT_SEED=%d replays the schedule)" % (seed, seed))


def test_clean_run():
    with Stack(workers=3, extra_conf=CONF, name="docxp-faults-clean") as s:
        try:
            t0 = time.monotonic()
            j = s.start_job(state["repo"], "full", limits=LIMITS)
            final = wait_terminal(s, j, 120)
            state["clean_s"] = time.monotonic() - t0
            check_clean_end(s, final, "clean run")
            state["clean"] = genrepo.snapshot(s)
            taptest.note("clean run: %.1fs wall (job elapsed %ss), %s"
                         % (state["clean_s"], final["elapsed_seconds"],
                            genrepo.counts(state["clean"])))
            ok(len(state["clean"]["entities"]) > NFILES, "entities", genrepo.counts(state["clean"]))
            ok(len(state["clean"]["entity_links"]) > 0, "entity_links", genrepo.counts(state["clean"]))
        except BaseException:
            s.failed = True
            raise


def kill_worker(s, job_id, victim, rnd, events):
    """SIGKILLs victim, notes which chunks it held, restarts it."""
    owner = "%s:%d" % (victim, s.pid(victim))       # workers lease as NAME:PID
    t_kill = time.time()
    s.kill_worker(victim, sig=signal.SIGKILL)
    held = s.psql("SELECT id, attempts FROM chunks WHERE job_id = '%s' AND lease_owner = '%s' "
                  "AND status = 'running'" % (job_id, owner))
    for cid, att in held:
        state["takeovers"].append({"worker": owner, "chunk": int(cid), "attempts": int(att),
                                   "t_kill": t_kill})
    events.append("kill %s (held chunk %s)" % (owner, ",".join(c for c, _ in held) or "none"))
    time.sleep(rnd.uniform(0, 0.3))
    s.add_worker(victim)


STALL = 40   # seconds without any counter moving: the job hangs


def stalled(seen, j, what):
    """Fails when the job's counters did not move for STALL seconds."""
    if j:
        c = (j["files_processed"], j["files_skipped"], j["files_failed"], j["chunks_done"])
        if c != seen[0]:
            seen[0], seen[1] = c, time.monotonic()
    ok(time.monotonic() - seen[1] < STALL, "the job made no progress for %ds after: %s"
       % (STALL, "; ".join(what) if isinstance(what, list) else what), j)


def busy_worker(s, timeout=3.0):
    """A worker that is processing a chunk right now, by the STATUS= it
    sends over sd_notify (a psql round trip is slower than a chunk)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for n in s.worker_names:
            if (s.daemon_status(n) or "").startswith("processing chunk"):
                return n
        time.sleep(0.002)
    return None


def test_fault_run():
    rnd = random.Random(state["seed"])
    state["takeovers"] = []
    events = []
    # (fraction of files done, action): thresholds keep every fault inside
    # the job, the jitter makes the moment within a chunk random.
    plan = [(0.05, "kill-busy"), (0.14, "kill-any"), (0.24, "kill-busy"), (0.36, "pg"),
            (0.46, "kill-any"), (0.56, "kill-busy"), (0.68, "redis")]
    kinds = os.environ.get("DOCXP_FAULTS", "kill,pg,redis").split(",")
    plan = [(f, a) for f, a in plan if a.split("-")[0] in kinds]
    if kinds != ["kill", "pg", "redis"]:
        taptest.note("DOCXP_FAULTS=%s: only these faults" % ",".join(kinds))
    s = Stack(workers=3, extra_conf=CONF, name="docxp-faults-run")
    s.start()
    state["fault_stack"] = s
    try:
        t0 = time.monotonic()
        job_id = s.start_job(state["repo"], "full", limits=LIMITS)
        state["fault_job"] = job_id
        seen = [None, time.monotonic()]      # last counters, when they last moved
        for frac, action in plan:
            while True:
                j = poll_status(s, job_id)
                stalled(seen, j, events)
                ok(not j or j["status"] not in TERMINAL_STATES,
                   "job ended before the fault '%s' at %.0f%% (make the job longer)"
                   % (action, frac * 100), j, events)
                if j and j["status"] == "running" and done_fraction(j) >= frac:
                    break
                time.sleep(0.05)
            time.sleep(rnd.uniform(0, 0.5))
            if action == "kill-any":
                kill_worker(s, job_id, rnd.choice(sorted(s.worker_names)), rnd, events)
            elif action == "kill-busy":
                # a chunk may commit between the worker's STATUS and the
                # kill: then one more kill (at most 3)
                for _ in range(3):
                    n = len(state["takeovers"])
                    victim = busy_worker(s) or rnd.choice(sorted(s.worker_names))
                    kill_worker(s, job_id, victim, rnd, events)
                    if len(state["takeovers"]) > n:
                        break
            elif action == "redis":
                s.restart_redis()
                events.append("redis restarted (empty)")
            elif action == "pg":
                t = time.monotonic()
                s.restart_pg("fast")
                events.append("postgresql restarted in %.1fs" % (time.monotonic() - t))
        taptest.note("fault run events: " + "; ".join(events))
        while True:
            j = poll_status(s, job_id)
            if j and j["status"] in TERMINAL_STATES:
                break
            stalled(seen, j, events + ["(all faults done) " + stuck_info(s, j)])
            time.sleep(0.1)
        final = j
        state["fault_s"] = time.monotonic() - t0
        state["fault_final"] = final
        taptest.note("fault run: %.1fs wall (job elapsed %ss) vs clean %.1fs: overhead %.1fs (x%.1f)"
                     % (state["fault_s"], final["elapsed_seconds"], state["clean_s"],
                        state["fault_s"] - state["clean_s"], state["fault_s"] / state["clean_s"]))
        dead = s.dead_workers()
        ok(not dead, "workers died by themselves: %s" % dead)
        kills = sum(1 for e in events if e.startswith("kill"))
        ok(kills >= 5 or "kill" not in kinds, "only %d kills" % kills)
        check_clean_end(s, final, "fault run")
        att = s.psql("SELECT max(attempts), count(*) FILTER (WHERE attempts > 1) FROM chunks "
                     "WHERE job_id = '%s'" % job_id)[0]
        taptest.note("chunks: max attempts %s, %s chunks needed more than one attempt" % att)
        state["fault"] = genrepo.snapshot(s)
    except BaseException:
        s.failed = True
        raise


def test_fault_run_rows_identical():
    ok("fault" in state and "clean" in state, "runs missing")
    a, b = state["clean"], state["fault"]
    ok(a == b, genrepo.diff(a, b, ("clean", "fault run")))


def test_dead_worker_takeover():
    """For each kill of a worker that held a chunk: how long the job made no
    progress (with one chunk in flight at a time, a dead worker's chunk
    blocks the job until its lease runs out: this is the dead-worker
    detection time), and, as diagnostics, when the chunk was given out
    again (reconcile re-enqueues it once its lease ran out, or a worker
    XAUTOCLAIMs the dead consumer's message), claimed and committed.  When
    the chunk was claimed again depends on where its message sits in a
    queue of up to 200 chunks that take turns, not on the detection."""
    s = state["fault_stack"]
    tk = state["takeovers"]
    ok(tk, "no kill hit a worker holding a chunk")
    worst, taken = 0.0, 0
    for t in tk:
        row = s.psql("SELECT c.status, c.attempts, extract(epoch FROM c.enqueued_at), "
                     "extract(epoch FROM c.started_at), extract(epoch FROM c.finished_at), "
                     "(SELECT extract(epoch FROM min(o.finished_at)) FROM chunks o "
                     " WHERE o.job_id = c.job_id AND o.finished_at > to_timestamp(%f)) "
                     "FROM chunks c WHERE c.id = %d" % (t["t_kill"], t["chunk"]))[0]
        eq(row[0], "done", "chunk %d held by killed %s" % (t["chunk"], t["worker"]))
        if int(row[1]) == t["attempts"]:
            # Only a claim counts an attempt: the killed worker's own COMMIT
            # was already on its way to PostgreSQL and landed after the kill.
            taptest.note("killed %s holding chunk %d: its commit landed %.2fs after the kill "
                         "(not a takeover)" % (t["worker"], t["chunk"], float(row[4]) - t["t_kill"]))
            continue
        ok(int(row[1]) > t["attempts"], "chunk %d was not attempted again" % t["chunk"], row, t)
        taken += 1
        claim = float(row[3]) - t["t_kill"]
        requeue = float(row[2]) - t["t_kill"]
        how = "re-enqueued by reconcile after %.1fs" % requeue
        if requeue < 0 or requeue > claim:
            requeue, how = claim, "its message reclaimed (XAUTOCLAIM)"
        ok(row[5], "no chunk of the job was committed after the kill of %s" % t["worker"], row, t)
        stall = float(row[5]) - t["t_kill"]
        worst = max(worst, stall)
        taptest.note("killed %s holding chunk %d (attempt %d): the job's next commit came %.1fs "
                     "after the kill (lease %ds); the chunk was %s, claimed again after %.1fs, "
                     "committed after %.1fs (attempt %s)" % (
                         t["worker"], t["chunk"], t["attempts"], stall, LEASE, how, claim,
                         float(row[4]) - t["t_kill"], row[1]))
    ok(taken, "every kill that hit a chunk hit it as it was being committed", tk)
    # detection: the lease, one reconcile period, scheduling slack; a kill
    # that overlaps a PostgreSQL or Redis restart of the same run may wait
    # for that to end too.
    ok(worst < 3 * LEASE + 2, "the job stood still for %.1fs after a worker died" % worst)


def test_fault_stack_stops_cleanly():
    s = state.pop("fault_stack")
    s.stop()
    ok(not s.unclean, "unclean shutdown: %s" % s.unclean)


def test_flushall_mid_job():
    with Stack(workers=3, extra_conf=CONF, name="docxp-faults-flush") as s:
        try:
            rnd = random.Random(state["seed"] + 1)
            t0 = time.monotonic()
            job_id = s.start_job(state["repo"], "full", limits=LIMITS)
            frac = rnd.uniform(0.3, 0.5)
            while True:
                j = poll_status(s, job_id)
                ok(j and j["status"] not in TERMINAL_STATES, "job ended before FLUSHALL", j)
                if j["status"] == "running" and done_fraction(j) >= frac:
                    break
                time.sleep(0.05)
            eq(s.redis("FLUSHALL"), "OK", "FLUSHALL")
            t_flush = time.monotonic()
            before = j["files_processed"]
            resumed = None
            seen = [None, time.monotonic()]
            while True:
                j = poll_status(s, job_id)
                stalled(seen, j, "FLUSHALL at %.0f%%: %s" % (frac * 100, stuck_info(s, j)))
                if j and resumed is None and j["files_processed"] > before + 20:
                    resumed = time.monotonic() - t_flush
                if j and j["status"] in TERMINAL_STATES:
                    break
                time.sleep(0.1)
            taptest.note("FLUSHALL at %.0f%%: progress again after %s, job done in %.1fs "
                         "(clean %.1fs)" % (frac * 100, "%.1fs" % resumed if resumed else "-",
                                            time.monotonic() - t0, state["clean_s"]))
            check_clean_end(s, j, "FLUSHALL run")
            snap = genrepo.snapshot(s)
            ok(snap == state["clean"], genrepo.diff(state["clean"], snap, ("clean", "FLUSHALL run")))
        except BaseException:
            s.failed = True
            raise


def test_cleanup():
    s = state.pop("fault_stack", None)
    if s:
        s.stop()
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
