#!/usr/bin/python3
"""No secret in any log of the test run (issue 9).

Runs after every other integration test (tests/integration/local.mk makes
its .log depend on theirs). The harness keeps every stack's logs (daemons,
nginx, PostgreSQL, the fakes) in $DOCXP_BUILDDIR/tests/logs/<stack>/ and
records every secret it made there in secrets.tsv (API keys, fake AWS secret
keys and session tokens: docxp_stack.record_secret). This test first runs a
stack of its own that uses all of them (API keys good, wrong and revoked;
a job embedded through the fake Bedrock with a session token), so that it
has something to look for even when run alone, then greps all of those
logs and every test's own .log for every recorded secret.

Of an API key ("dxp_<key_id>_<secret>") only the secret part is looked for:
the key_id is its public name and is logged on purpose."""
import glob
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import genrepo  # noqa: E402
import taptest  # noqa: E402
from docxp_stack import SECRETS_FILE, log_archive_dir  # noqa: E402
from taptest import Stack, eq, ok  # noqa: E402

MIN_SECRET = 12          # shorter recorded values would match by chance
KINDS = ("api_key", "aws_secret_access_key", "aws_session_token")
S = {}


def needle(kind, value):
    """What must not appear in a log for a recorded secret."""
    if kind == "api_key" and value.startswith("dxp_") and value.count("_") >= 2:
        return value.split("_", 2)[2]
    return value


def test_archive_configured():
    d = log_archive_dir()
    ok(d, "no run-wide log directory: run under make check (DOCXP_BUILDDIR and DOCXP_SRCDIR) "
       "or set DOCXP_LOG_ARCHIVE")
    S["dir"] = d


def test_stack_using_every_secret():
    """API keys (good, bad, revoked), and a Bedrock job with AWS credentials."""
    with Stack(workers=1, name="docxp-secrets", fake_bedrock=True) as s:
        key = s.create_key("secrets-read", "read")
        st, _, _ = s.http("GET", "/api/v1/indexing/jobs", headers={"Authorization": "Bearer " + key})
        eq(st, 200, "read key")
        st, _, _ = s.http("GET", "/api/v1/indexing/jobs", headers={"Authorization": "Bearer " + key + "x"})
        eq(st, 401, "altered key")
        r = s.docxp("-c", s.config, "apikey", "revoke", "secrets-read")
        eq(r.returncode, 0, r.stderr)
        st, _, _ = s.http("GET", "/api/v1/indexing/jobs", headers={"Authorization": "Bearer " + key})
        eq(st, 401, "revoked key")
        st, _, _ = s.http("POST", "/api/v1/indexing/start", {"repository_path": "/"},
                          headers={"Authorization": "Bearer " + key})
        eq(st, 401, "revoked key, write")
        repo = tempfile.mkdtemp(prefix="docxp-secrets-repo-")
        os.chmod(repo, 0o755)
        genrepo.generate(repo, 30, seed=5)
        try:
            j = s.wait_job(s.start_job(repo), 180)
        finally:
            shutil.rmtree(repo, ignore_errors=True)
        eq(j["status"], "completed", "job through the fake Bedrock")
        ok(j["embedding"]["texts"] > 0, "the job embedded texts", j)
        for path in ("/api/v1/indexing/health", "/api/v1/indexing/metrics", "/metrics"):
            st, _, body = s.http("GET", path)
            ok(st in (200, 503), "%s: %s" % (path, st))
            S.setdefault("answers", []).append((path, str(body)))


def test_secrets_recorded():
    path = os.path.join(S["dir"], SECRETS_FILE)
    ok(os.path.exists(path), "no secrets were recorded in %s: the harness did not record the "
       "secrets it made, so finding none in the logs would prove nothing" % path)
    secrets, short = {}, 0
    with open(path) as f:
        for line in f:
            kind, _, value = line.rstrip("\n").partition("\t")
            n = needle(kind, value)
            if len(n) < MIN_SECRET:
                short += 1
                continue
            secrets[n] = kind
    for kind in KINDS:
        count = sum(1 for k in secrets.values() if k == kind)
        ok(count > 0, "no %s was recorded in %s" % (kind, path))
        taptest.note("%d %s values recorded" % (count, kind))
    if short:
        taptest.note("%d recorded values shorter than %d characters ignored" % (short, MIN_SECRET))
    S["secrets"] = secrets


def log_files():
    """Every stack's kept logs, and the .log of every test but this one."""
    files = [p for p in glob.glob(os.path.join(S["dir"], "**", "*"), recursive=True)
             if os.path.isfile(p) and os.path.basename(p) != SECRETS_FILE]
    builddir = os.environ.get("DOCXP_BUILDDIR")
    me = os.path.splitext(os.path.basename(__file__))[0] + ".log"
    if builddir:
        for p in glob.glob(os.path.join(builddir, "tests", "**", "*.log"), recursive=True):
            if os.path.basename(p) != me and not p.startswith(S["dir"] + os.sep):
                files.append(p)
    return files


def test_no_secret_in_any_log():
    files = log_files()
    stacks = [d for d in glob.glob(os.path.join(S["dir"], "*")) if os.path.isdir(d)]
    ok(len(stacks) >= 1 and files, "no logs kept in %s" % S["dir"])
    taptest.note("%d files of %d stacks and the test logs, %d secrets"
                 % (len(files), len(stacks), len(S["secrets"])))
    found = []
    needles = [n.encode() for n in S["secrets"]]
    for p in files:
        try:
            with open(p, "rb") as f:
                data = f.read()
        except OSError:
            continue
        for n in needles:
            if n in data:
                found.append("%s in %s" % (S["secrets"][n.decode()], p))
    ok(not found, "secrets in logs (values not shown):\n" + "\n".join(sorted(set(found))))


def test_no_secret_in_answers():
    """Health and metrics, as answered to a client, hold no secret either."""
    bad = [path for path, body in S.get("answers", []) for n in S["secrets"] if n in body]
    ok(S.get("answers") and not bad, "secrets in the answers of %s" % sorted(set(bad)))


if __name__ == "__main__":
    taptest.main()
