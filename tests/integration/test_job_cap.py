#!/usr/bin/python3
"""The per-key cap on jobs that have not ended ([api]
max_running_jobs_per_key): concurrent creations by one key never get past
the cap (the count and the insert are serialised per key in PostgreSQL),
the ones over it get 429 with Retry-After, paused jobs count, cancelled ones
do not, other keys are not affected, and every job records its key."""
import os
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, json_error, ok  # noqa: E402

START = "/api/v1/indexing/start"
JOBS = "/api/v1/indexing/jobs"
CAP = 3
NTHREADS = 10
S = {}


def make_stack():
    base = tempfile.mkdtemp(prefix="docxp-jobcap-")
    os.chmod(base, 0o755)
    S["base"] = base
    return Stack(workers=1, name="docxp-jobcap",
                 extra_conf={"api": {"max_running_jobs_per_key": str(CAP)},
                             "indexing": {"repository_roots": base}})


def repo(name):
    p = os.path.join(S["base"], name)
    os.makedirs(p, exist_ok=True)
    os.chmod(p, 0o755)
    return p


def start(stack, key, path):
    return stack.http("POST", START, {"repository_path": path}, headers={"Authorization": "Bearer " + key})


def active(stack, key_name):
    return int(stack.psql(
        "SELECT count(*) FROM jobs j JOIN api_keys k ON k.id = j.api_key_id WHERE k.name = '%s'"
        " AND j.status IN ('pending', 'planning', 'running', 'paused')" % key_name)[0][0])


def test_setup(stack):
    # Without workers the jobs stay pending: the cap is about jobs that
    # have not ended, whatever they are doing.
    stack.kill_worker(sig=15)
    S["a"] = stack.create_key("cap-a", "write")
    S["b"] = stack.create_key("cap-b", "write")


def test_concurrent_creations_stop_at_the_cap(stack):
    barrier = threading.Barrier(NTHREADS)
    results = [None] * NTHREADS
    paths = [repo("race%02d" % i) for i in range(NTHREADS)]

    def run(i):
        barrier.wait()
        results[i] = start(stack, S["a"], paths[i])
    threads = [threading.Thread(target=run, args=(i,)) for i in range(NTHREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = sorted(r[0] for r in results)
    eq(statuses, [202] * CAP + [429] * (NTHREADS - CAP), "statuses of %d concurrent creations" % NTHREADS)
    for r in results:
        if r[0] == 429:
            body = json_error(r, 429, "too_many_jobs")
            ok(r[1].get("retry-after", "").isdigit(), "Retry-After in seconds", r[1])
            ok("max_running_jobs_per_key" in body["error"]["message"], "message names the setting", body)
    S["jobs"] = [r[2]["job_id"] for r in results if r[0] == 202]
    eq(active(stack, "cap-a"), CAP, "jobs of key cap-a not ended")


def test_jobs_record_their_key(stack):
    rows = stack.psql("SELECT k.name FROM jobs j JOIN api_keys k ON k.id = j.api_key_id"
                      " WHERE j.id IN (%s)" % ",".join("'%s'" % j for j in S["jobs"]))
    eq(sorted(r[0] for r in rows), ["cap-a"] * CAP)


def test_other_key_not_affected(stack):
    st, _, b = start(stack, S["b"], repo("other"))
    eq(st, 202, "another key: %r" % b)


def test_paused_job_still_counts(stack):
    st, _, b = stack.http("POST", "%s/%s/pause" % (JOBS, S["jobs"][0]),
                          headers={"Authorization": "Bearer " + S["a"]})
    eq(st, 200, "pause: %r" % b)
    json_error(start(stack, S["a"], repo("after-pause")), 429, "too_many_jobs")


def test_cancelled_job_frees_a_slot(stack):
    st, _, b = stack.http("DELETE", "%s/%s" % (JOBS, S["jobs"][1]), headers={"Authorization": "Bearer " + S["a"]})
    eq(st, 200, "cancel: %r" % b)
    st, _, b = start(stack, S["a"], repo("after-cancel"))
    eq(st, 202, "a slot is free again: %r" % b)
    json_error(start(stack, S["a"], repo("after-cancel-2")), 429, "too_many_jobs")
    eq(active(stack, "cap-a"), CAP)


def test_cleanup():
    shutil.rmtree(S["base"], ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
