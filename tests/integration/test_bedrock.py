#!/usr/bin/python3
"""Embeddings through the Bedrock provider, end to end: workers embed
examples/ against the fake Bedrock (which verifies every SigV4 signature
with botocore) with throttling and 5xx injected, and the job completes
with every request correctly signed; re-indexing a copy embeds nothing new
(100 % cache hits, 0 tokens); expired credentials stall the job (visible in
the event stream and health) and it finishes by itself once fresh ones
appear."""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, note, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
state = {}


def make_stack():
    return Stack(workers=2, fake_bedrock=True, bedrock_faults={"throttle": 0.2, "error5xx": 0.1},
                 extra_conf={"embedding": {"dimensions": "256", "concurrency": "8"},
                             "worker": {"reconcile_seconds": "2"}})


def test_job_with_faults_completes(stack):
    t0 = time.monotonic()
    job = stack.start_job(EXAMPLES)
    s = stack.wait_job(job, 240)
    eq(s["status"], "completed", "job status")
    eq(s["files_failed"], 0)
    emb = s["embedding"]
    ok(emb["texts"] > 100 and emb["cache_hits"] == 0 and emb["failed"] == 0, "all texts embedded", emb)
    ok(emb["tokens"] > 0 and emb["cost_usd"] > 0, "tokens and cost accounted", emb)
    st = stack.bedrock_stats()
    note("fake Bedrock: %s; job took %.1fs" % (st, time.monotonic() - t0))
    ok(st["requests"] >= emb["texts"], "one request per text at least", st)
    eq(st.get("sig_bad", 0), 0, "every request correctly signed")
    ok(st["requests"] > emb["texts"], "faults were injected and retried", st)
    n = int(stack.psql("SELECT count(*) FROM entity_embeddings WHERE model LIKE 'bedrock/%/256'")[0][0])
    ok(n >= emb["texts"], "vectors stored with their model (%d)" % n)
    state["texts"] = emb["texts"]


def test_copy_is_all_cache_hits(stack):
    copy = tempfile.mkdtemp(prefix="docxp-bedrock-copy-")
    shutil.rmtree(copy)
    shutil.copytree(EXAMPLES, copy)
    before = stack.bedrock_stats()["requests"]
    try:
        s = stack.wait_job(stack.start_job(copy), 120)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    eq(s["status"], "completed")
    emb = s["embedding"]
    eq(emb["cache_hits"], emb["texts"], "100 % cache hits")
    eq(emb["tokens"], 0, "no tokens sent")
    ok(emb["tokens_saved"] > 0 and emb["cost_saved_usd"] > 0, "savings accounted", emb)
    eq(stack.bedrock_stats()["requests"], before, "no request reached Bedrock")


def test_credentials_gauge(stack):
    """/metrics tells how long the credentials have left (the alert
    DocxpCredentialsExpiring in docs/ops/docxp-alerts.yml reads it)."""
    st, _, text = stack.http("GET", "/metrics")
    eq(st, 200)
    lines = [ln for ln in text.splitlines() if ln.startswith("docxp_aws_credentials_seconds_left ")]
    eq(len(lines), 1, "one docxp_aws_credentials_seconds_left sample")
    left = float(lines[0].split()[1])
    ok(0 < left <= 3600, "seconds left of credentials valid for an hour: %s" % left)


def test_expired_credentials_stall_then_resume(stack):
    stack.bedrock_config(throttle=0, error5xx=0)
    # credentials that the fake answers with ExpiredTokenException; the
    # ones they replace have expired too (a worker that read the file in
    # the last second may still sign with them)
    stack.bedrock_config(expired=["AKIDEXPIRED", "AKIDDOCXPTEST1"])
    stack.write_aws_credentials(access_key_id="AKIDEXPIRED", valid_seconds=3600)
    repo = tempfile.mkdtemp(prefix="docxp-bedrock-new-")
    for i in range(30):
        with open(os.path.join(repo, "Fresh%d.java" % i), "w") as f:
            f.write("package fresh;\n\npublic class Fresh%d {\n    int value%d() { return %d; }\n}\n" % (i, i, i))
    job = stack.start_job(repo)
    stalled, workers = False, []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stalled:
        _, _, h = stack.http("GET", "/api/v1/indexing/health")
        workers = h["services"]["workers"].get("workers", []) if isinstance(h, dict) else h
        stalled = any(w.get("status") == "credentials_expired" for w in workers)
        if not stalled:
            time.sleep(0.2)
    ok(stalled, "a worker reports credentials_expired in health", workers, stack.job(job),
       stack.diagnostics(15))
    s = stack.job(job)
    ok(s["status"] == "running" and s["files_failed"] == 0, "the job stalls, it does not fail", s)
    events = stack.redis("XRANGE", "docxp:job:%s:events" % job, "-", "+")
    ok(b"credentials_expired" in str(events).encode() or "credentials_expired" in str(events),
       "a stalled event says why")
    # fresh credentials: the job resumes by itself
    stack.write_aws_credentials(access_key_id="AKIDFRESH", valid_seconds=3600)
    s = stack.wait_job(job, 120)
    shutil.rmtree(repo, ignore_errors=True)
    eq(s["status"], "completed")
    eq(s["files_failed"], 0)


def test_slow_answers_keep_the_lease():
    """Bedrock answering slower than the chunk lease (7 s against 5 s):
    the worker renews its lease while it waits, so no other worker takes
    the chunk over and every chunk is done at its first attempt."""
    repo = tempfile.mkdtemp(prefix="docxp-bedrock-slow-")
    for i in range(3):
        with open(os.path.join(repo, "Slow%d.java" % i), "w") as f:
            f.write("package slow;\n\npublic class Slow%d {\n    int v() { return %d; }\n}\n" % (i, i))
    with Stack(workers=2, fake_bedrock=True, name="docxp-bedrock-slow",
               extra_conf={"embedding": {"dimensions": "256", "concurrency": "16"},
                           "indexing": {"lease_seconds": "5"},
                           "worker": {"reconcile_seconds": "1"}}) as s:
        try:
            s.bedrock_config(latency_ms=7000)
            t0 = time.monotonic()
            job = s.start_job(repo)
            st = s.wait_job(job, 120)
            took = time.monotonic() - t0
            eq(st["status"], "completed")
            eq(st["files_failed"], 0)
            ok(took > 7, "the answers were slow (%.1fs)" % took)
            att = s.psql("SELECT id, attempts FROM chunks WHERE job_id = '%s'" % job)
            ok(att and all(a == "1" for _, a in att), "every chunk done at its first attempt", att)
            note("slow Bedrock (7 s per answer, lease 5 s): job took %.1fs, chunk attempts %s"
                 % (took, [a for _, a in att]))
        except BaseException:
            s.failed = True
            raise
        finally:
            shutil.rmtree(repo, ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
