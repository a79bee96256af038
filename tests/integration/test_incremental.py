#!/usr/bin/python3
"""Incremental jobs: after a full index of a generated repository (2,000
Java files), an incremental job on the unchanged tree processes nothing;
after modifying 10 files, deleting 5 and adding 5, an incremental job
processes exactly those 15, removes the 5 deleted ones from the index, counts
the rest as skipped (unchanged), and leaves files, entities and entity_links
equal row for row to a full index of the new tree on a fresh stack."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

N = 2000
SEED = 21
MODIFIED = [genrepo.rel_path(i) for i in range(3, 2000, 199)][:10]
DELETED = [genrepo.rel_path(i) for i in range(50, 2000, 397)][:5]
ADDED = [genrepo.rel_path(i) for i in range(N, N + 5)]
state = {}


def make_stack():
    return Stack(workers=3, name="docxp-incremental")


def run(stack, job_type):
    j = stack.start_job(state["repo"], job_type)
    return j, stack.wait_job(j, 120)


def test_generate():
    assert len(set(MODIFIED)) == 10 and len(set(DELETED)) == 5 and not set(MODIFIED) & set(DELETED)
    base = tempfile.mkdtemp(prefix="docxp-incr-repo-")
    os.chmod(base, 0o755)
    state["base"] = base
    state["repo"] = os.path.join(base, "repo")
    genrepo.generate(state["repo"], N, seed=SEED)


def test_full_index(stack):
    j, final = run(stack, "full")
    state["full_job"] = j
    eq(final["status"], "completed", "status")
    eq(final["files_processed"], N, "files_processed")
    state["full_rows"] = genrepo.snapshot(stack)


def test_incremental_unchanged_does_nothing(stack):
    j, final = run(stack, "incremental")
    eq(final["status"], "completed", "status")
    eq(final["job_type"], "incremental", "job_type")
    eq(final["total_files"], N, "total_files")
    eq(final["files_processed"], 0, "files_processed")
    eq(final["files_removed"], 0, "files_removed")
    eq(final["files_skipped"], N, "files_skipped")
    eq(final["skip_reasons"], {"unchanged": N}, "skip_reasons")
    eq(final["entities"], 0, "entities extracted")
    rewritten = stack.psql("SELECT count(*) FROM files WHERE job_id = '%s'" % j)[0][0]
    eq(rewritten, "0", "file rows written by the incremental job")
    rows = genrepo.snapshot(stack)
    ok(rows == state["full_rows"], genrepo.diff(state["full_rows"], rows, ("full", "incremental")))


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


def test_cleanup():
    shutil.rmtree(state["base"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(taptest.main())
