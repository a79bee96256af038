#!/usr/bin/python3
"""Incremental jobs: after a full index of a generated repository (2,000
Java files), an incremental job on the unchanged tree processes nothing and
creates no chunk (the planner trusts the stats its earlier walk recorded,
sql/007_file_stats.sql), with the same counters as ever; content changes
that keep size and mtime are still found (ctime, and the "racily clean"
rule for stats taken within a second of the write); after modifying 10
files, deleting 5 and adding 5, an incremental job processes exactly those
15, removes the 5 deleted ones from the index, counts the rest as skipped
(unchanged), and leaves files, entities and entity_links equal row for row
to a full index of the new tree on a fresh stack; changed files are spread
evenly over the chunks."""
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

N = 2000
SEED = 21
MODIFIED = [genrepo.rel_path(i) for i in range(3, 2000, 199)][:10]
DELETED = [genrepo.rel_path(i) for i in range(50, 2000, 397)][:5]
ADDED = [genrepo.rel_path(i) for i in range(N, N + 5)]
# Same-size edits with the mtime put back (see test_same_size_same_mtime):
RESTORED_OLD = genrepo.rel_path(11)    # written long before the job: ctime tells
RESTORED_NEW = genrepo.rel_path(12)    # written right before the job
TOUCHED = genrepo.rel_path(13)         # mtime changed, content not
FORGED_RACY = genrepo.rel_path(14)     # stat row forged equal, taken within the margin
FORGED_TRUSTED = MODIFIED[1]           # stat row forged equal, outside: the known limit
RACY_NS = 10**9      # DISCOVER_RACY_NS (src/index/discover.h)
RACY_WAIT = 1.5      # and a little more
state = {}


def make_stack():
    return Stack(workers=3, name="docxp-incremental")


def run(stack, job_type):
    j = stack.start_job(state["repo"], job_type)
    return j, stack.wait_job(j, 120)


def full_path(rel):
    return os.path.join(state["repo"], rel)


def edit_same_size(rel, restore_mtime=True):
    """Changes one character of rel (same size); puts the mtime back."""
    p = full_path(rel)
    st = os.stat(p)
    with open(p) as f:
        text = f.read()
    new = text.replace("version 0)", "version 9)", 1)
    assert new != text and len(new) == len(text)
    with open(p, "w") as f:
        f.write(new)
    if restore_mtime:
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = os.stat(p)
    assert now.st_size == st.st_size
    assert not restore_mtime or now.st_mtime_ns == st.st_mtime_ns


def indexed_hash(stack, rel):
    rows = stack.psql("SELECT content_sha256 FROM files WHERE path = '%s'" % rel)
    return rows[0][0] if rows else None


def sha256(rel):
    with open(full_path(rel), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def chunk_paths(stack, job):
    return sorted(r[0] for r in stack.psql(
        "SELECT unnest(paths) FROM chunks WHERE job_id = '%s'" % job))


def test_generate():
    assert len(set(MODIFIED)) == 10 and len(set(DELETED)) == 5 and not set(MODIFIED) & set(DELETED)
    base = tempfile.mkdtemp(prefix="docxp-incr-repo-")
    os.chmod(base, 0o755)
    state["base"] = base
    state["repo"] = os.path.join(base, "repo")
    genrepo.generate(state["repo"], N, seed=SEED)
    state["generated"] = time.time()


def test_full_index(stack):
    # Files written within the racy margin before a walk are read again by
    # the next one; the unchanged job below is to read none.
    time.sleep(max(0.0, state["generated"] + RACY_WAIT - time.time()))
    j, final = run(stack, "full")
    state["full_job"] = j
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], N, "files_processed")
    state["full_rows"] = genrepo.snapshot(stack)
    # Every file's stat was recorded by the plan and confirmed by the
    # worker that read it, with the hash the index holds.
    rows = stack.psql("SELECT count(*), count(*) FILTER (WHERE s.job_id = '%s'"
                      " AND s.content_sha256 = f.content_sha256) FROM files f"
                      " JOIN file_stats s USING (repository_id, path)" % j)
    eq(rows[0], (str(N), str(N)), "file_stats rows (all, confirmed)")


def test_incremental_unchanged_does_nothing(stack):
    p = stack.docxp("index", state["repo"], "--type", "incremental", "--wait")
    eq(p.returncode, 0, "docxp index --wait: %s %s" % (p.stdout, p.stderr))
    m = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", p.stdout)
    ok(m, "no job id in %r" % p.stdout)
    j = m.group(0)
    final = stack.job(j)
    eq(final["status"], "completed", "status")
    eq(final["job_type"], "incremental", "job_type")
    eq(final["total_files"], N, "total_files")
    eq(final["files_processed"], 0, "files_processed")
    eq(final["files_removed"], 0, "files_removed")
    eq(final["files_skipped"], N, "files_skipped")
    eq(final["skip_reasons"], {"unchanged": N}, "skip_reasons")
    eq(final["entities"], 0, "entities extracted")
    eq(final["progress_percent"], 100, "progress_percent")
    # No file was read: no chunk at all.
    eq(final["chunks_total"], 0, "chunks_total")
    eq(stack.psql("SELECT count(*) FROM chunks WHERE job_id = '%s'" % j)[0][0], "0", "chunk rows")
    rewritten = stack.psql("SELECT count(*) FROM files WHERE job_id = '%s'" % j)[0][0]
    eq(rewritten, "0", "file rows written by the incremental job")
    rows = genrepo.snapshot(stack)
    ok(rows == state["full_rows"], genrepo.diff(state["full_rows"], rows, ("full", "incremental")))
    # The CLI's closing line and the event stream carry the same counts.
    ok("%d files (0 processed, %d skipped, 0 failed, 0 removed)" % (N, N) in p.stdout,
       "no closing line with the counts: %r" % p.stdout[-400:])
    st, _, text = stack.http("GET", "/api/v1/indexing/jobs/%s/stream" % j)
    eq(st, 200, "stream status")
    events = [e for e in text.split("\n\n") if "event: done" in e or "event: progress" in e]
    ok(events, "no progress/done events: %r" % text[-500:])
    data = [json.loads(l[len("data: "):]) for e in events for l in e.splitlines()
            if l.startswith("data: ")]
    ok(data and data[-1].get("files_skipped") == N and data[-1].get("status") == "completed",
       "last event: %r" % (data[-1:],))


def test_same_size_same_mtime(stack):
    """Content changes that leave size and mtime as they were: found by
    ctime when the write was long before the job, and by the racy rule
    (the stat is not trusted, the file is read) when it was within the
    margin. A stat row forged equal to the changed file's stat (what a
    clock set back could produce) is trusted outside the margin: the
    documented limit."""
    edit_same_size(RESTORED_OLD)
    p = full_path(TOUCHED)
    os.utime(p, ns=(os.stat(p).st_atime_ns, os.stat(p).st_mtime_ns + 10**9))
    time.sleep(RACY_WAIT)
    edit_same_size(RESTORED_NEW)
    for rel, stat_after_write in ((FORGED_RACY, 0.5), (FORGED_TRUSTED, 30)):
        edit_same_size(rel)
        st = os.stat(full_path(rel))
        stack.psql("UPDATE file_stats SET size_bytes = %d, mtime_ns = %d, ctime_ns = %d,"
                   " inode = %d, stat_ns = %d WHERE path = '%s'"
                   % (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                      st.st_ctime_ns + int(stat_after_write * 1e9), rel))
    old_trusted = indexed_hash(stack, FORGED_TRUSTED)
    j, final = run(stack, "incremental")
    eq(final["status"], "completed", "status")
    changed = sorted([RESTORED_OLD, RESTORED_NEW, FORGED_RACY])
    eq(final["files_processed"], 3, "files_processed")
    eq(final["skip_reasons"], {"unchanged": N - 3}, "skip_reasons")
    written = sorted(r[0] for r in stack.psql("SELECT path FROM files WHERE job_id = '%s'" % j))
    eq(written, changed, "files written")
    for rel in changed:
        eq(indexed_hash(stack, rel), sha256(rel), "indexed hash of " + rel)
    # Only what the stats could not vouch for was read; the touched file
    # was read and found unchanged.
    eq(chunk_paths(stack, j), sorted(changed + [TOUCHED]), "files read")
    eq(indexed_hash(stack, FORGED_TRUSTED), old_trusted,
       "the known limit: a forged stat is trusted")
    state["read"] = sorted(changed + [TOUCHED])


def test_racy_files_read_once_more(stack):
    """Of the files the last job read, those written within the margin
    before its walk began are read once more; the others are trusted now."""
    rows = stack.psql("SELECT path, greatest(mtime_ns, ctime_ns) >= stat_ns - %d"
                      " FROM file_stats WHERE path IN (%s)"
                      % (RACY_NS, ",".join("'%s'" % p for p in state["read"])))
    racy = sorted(p for p, r in rows if r == "t")
    eq(len(rows), len(state["read"]), "stat rows of the files read")
    ok(RESTORED_OLD not in racy and TOUCHED not in racy, "racy: %r" % racy)
    # RESTORED_NEW and FORGED_RACY were written right before that job:
    # racy unless the machine stalled for a second.
    if not racy:
        taptest.note("no racy file (a slow machine): %r" % rows)
    j, final = run(stack, "incremental")
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], 0, "files_processed")
    eq(final["skip_reasons"], {"unchanged": N}, "skip_reasons")
    eq(chunk_paths(stack, j), racy, "files read")


def test_change_tree():
    root = state["repo"]
    for rel in MODIFIED:
        genrepo.write(root, rel, genrepo.java_source(rel, SEED, version=1))
    for rel in DELETED:
        os.unlink(os.path.join(root, rel))
    for rel in ADDED:
        genrepo.write(root, rel, genrepo.java_source(rel, SEED))


def test_incremental_after_changes(stack):
    j, final = run(stack, "incremental")
    state["incr_job"] = j
    eq(final["status"], "completed", "status")
    eq(final["total_files"], N, "total_files (2000 - 5 + 5)")
    eq(final["files_processed"], 15, "files_processed (10 modified + 5 added)")
    eq(final["files_removed"], 5, "files_removed")
    eq(final["files_skipped"], N - 15, "files_skipped")
    eq(final["skip_reasons"].get("unchanged"), N - 15, "skip_reasons.unchanged (%r)"
       % final["skip_reasons"])
    eq(final["files_failed"], 0, "files_failed")
    # Only the changed files (and what an earlier job read racily) are read.
    ok(final["chunks_total"] == 1, "chunks_total %r" % final["chunks_total"])
    written = sorted(r[0] for r in stack.psql("SELECT path FROM files WHERE job_id = '%s'" % j))
    eq(written, sorted(MODIFIED + ADDED), "files written by the incremental job")
    gone = stack.psql("SELECT count(*) FROM files WHERE path IN (%s)"
                      % ",".join("'%s'" % p for p in DELETED))[0][0]
    eq(gone, "0", "deleted files still indexed")
    state["incr_rows"] = genrepo.snapshot(stack)


def test_equals_full_reindex_of_new_tree():
    with Stack(workers=3, name="docxp-incremental-ref") as s:
        try:
            j = s.start_job(state["repo"], "full")
            final = s.wait_job(j, 120)
            eq(final["status"], "completed", "status")
            ref = genrepo.snapshot(s)
        except BaseException:
            s.failed = True
            raise
    a = state["incr_rows"]
    ok(a == ref, genrepo.diff(ref, a, ("full re-index", "incremental")))
    taptest.note("index after the incremental job: %s" % genrepo.counts(a))


def test_changed_files_spread_over_chunks(stack):
    """An incremental job's changed files are spread evenly over the
    chunks chunk_size (25) requires: 30 files make 15 + 15, not 25 + 5."""
    changed = [genrepo.rel_path(i) for i in range(100, 130)]
    for rel in changed:
        genrepo.write(state["repo"], rel, genrepo.java_source(rel, SEED, version=2))
    j, final = run(stack, "incremental")
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], 30, "files_processed")
    sizes = [int(r[0]) for r in stack.psql(
        "SELECT cardinality(paths) FROM chunks WHERE job_id = '%s' ORDER BY seq" % j)]
    # Files read racily by the job before may join them (at most a few).
    ok(len(sizes) == 2 and max(sizes) - min(sizes) <= 1 and sum(sizes) >= 30,
       "chunk sizes %r" % sizes)


def test_cleanup():
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
