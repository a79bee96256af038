#!/usr/bin/python3
"""The docxp CLI against a running stack, and --check-config of every
program."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILDDIR = os.environ.get("DOCXP_BUILDDIR") or SRCDIR
EXAMPLES = os.path.realpath(os.path.join(SRCDIR, "examples"))
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EX_CONFIG = 78
state = {}


def make_stack():
    return Stack(workers=2, name="docxp-cli")


def show(p):
    return "exit %s\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:])


def test_index_wait(stack):
    p = stack.docxp("index", EXAMPLES, "--wait")
    eq(p.returncode, 0, "docxp index --wait: " + show(p))
    m = UUID.search(p.stdout)
    ok(m, "no job id on stdout", show(p))
    state["job"] = m.group(0)
    s = stack.job(state["job"])
    eq(s["status"], "completed")
    # the closing line (on stdout, or the progress bar's last state on
    # stderr) carries the counts
    lasts = []
    for out in (p.stdout, p.stderr):
        lines = [l for l in out.replace("\r", "\n").splitlines() if l.strip()]
        if lines:
            lasts.append(lines[-1])

    def has_counts(line):
        nums = [int(x) for x in re.findall(r"\d+", line)]
        return s["files_processed"] in nums and s["entities"] in nums
    ok(any(has_counts(l) for l in lasts),
       "no final line with the counts (files_processed %d, entities %d): %r"
       % (s["files_processed"], s["entities"], lasts), show(p))


def test_index_no_wait_prints_id(stack):
    p = stack.docxp("index", EXAMPLES, "--type", "incremental", "--include", "**/*.java",
                    "--exclude", "**/model/**")
    eq(p.returncode, 0, show(p))
    m = UUID.search(p.stdout)
    ok(m, "no job id on stdout", show(p))
    s = stack.wait_job(m.group(0), 120)
    eq(s["job_type"], "incremental")
    ok(s["status"] in ("completed", "completed_with_errors"), "status", s)


def test_jobs(stack):
    p = stack.docxp("jobs")
    eq(p.returncode, 0, show(p))
    ok(state["job"] in p.stdout, "docxp jobs lacks %s" % state["job"], show(p))
    p = stack.docxp("jobs", "--status", "completed")
    eq(p.returncode, 0, show(p))
    ok(state["job"] in p.stdout, "docxp jobs --status completed lacks the job", show(p))
    p = stack.docxp("jobs", "--status", "failed")
    eq(p.returncode, 0, show(p))
    ok(state["job"] not in p.stdout, "docxp jobs --status failed lists a completed job", show(p))


def test_status_json(stack):
    p = stack.docxp("status", state["job"])
    eq(p.returncode, 0, show(p))
    try:
        s = json.loads(p.stdout)
    except ValueError:
        raise AssertionError("docxp status is not JSON: " + show(p))
    eq(s.get("job_id"), state["job"])
    eq(s.get("status"), "completed")


def test_url_option_and_errors(stack):
    p = stack.docxp("--url", stack.url, "status", state["job"], env={"DOCXP_URL": "http://127.0.0.1:1"})
    eq(p.returncode, 0, "--url overrides DOCXP_URL: " + show(p))
    p = stack.docxp("--url", "http://127.0.0.1:1", "jobs")
    ok(p.returncode != 0 and p.stderr.strip(), "unreachable URL: non-zero with a message", show(p))
    p = stack.docxp("status", "00000000-0000-4000-8000-000000000000")
    ok(p.returncode != 0 and p.stderr.strip(), "unknown job: non-zero with a message", show(p))
    p = stack.docxp("index", "/nonexistent/docxp-cli", "--wait")
    ok(p.returncode != 0 and p.stderr.strip(), "bad path: non-zero with a message", show(p))


def _run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=30)


def test_check_config_good(stack):
    for prog in ("docxp-api", "docxp-worker", "docxp"):
        p = _run([os.path.join(BUILDDIR, prog), "--check-config", "-c", stack.config])
        eq(p.returncode, 0, "%s --check-config on a good file: %s" % (prog, show(p)))


def test_check_config_unknown_key():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", prefix="docxp-bad-") as f:
        f.write("[database]\nuri = postgresql:///docxp\n[api]\nthreads = 4\nbogus_knob = 1\n")
        f.flush()
        for prog in ("docxp-api", "docxp-worker", "docxp"):
            p = _run([os.path.join(BUILDDIR, prog), "--check-config", "-c", f.name])
            eq(p.returncode, EX_CONFIG, "%s --check-config on a bad file: %s" % (prog, show(p)))
            ok("bogus_knob" in p.stderr + p.stdout, "message names the key", show(p))


def test_check_config_bad_value():
    with tempfile.NamedTemporaryFile("w", suffix=".conf", prefix="docxp-bad-") as f:
        f.write("[api]\nthreads = many\n")
        f.flush()
        p = _run([os.path.join(BUILDDIR, "docxp-api"), "--check-config", "-c", f.name])
        eq(p.returncode, EX_CONFIG, show(p))
        ok("threads" in p.stderr + p.stdout, "message names the key", show(p))
    p = _run([os.path.join(BUILDDIR, "docxp-api"), "--check-config", "-c", "/nonexistent/docxp.conf"])
    ok(p.returncode != 0 and "/nonexistent/docxp.conf" in p.stderr + p.stdout,
       "missing file: non-zero, names the file", show(p))


if __name__ == "__main__":
    sys.exit(taptest.main())
