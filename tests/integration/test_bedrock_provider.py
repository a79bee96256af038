#!/usr/bin/python3
"""
The Bedrock provider (src/aws/bedrock.c) against tests/harness/fake_bedrock.py,
driven at the C level by bench/bedrock-bench --check (no docxp stack needed):

  - 200 texts with 20 % throttling and 10 % 5xx all embedded, retried with
    the standard-mode backoff, every request's SigV4 signature verified by
    the fake with botocore;
  - a ValidationException fails its text only; long texts are cut;
  - an expired key gives DX_E_CREDENTIALS until the credentials file is
    refreshed; a key expiring mid-batch is replaced by the re-read file;
  - an unreachable endpoint gives DX_E_UNAVAILABLE.
Each "ok - ..." / "FAIL - ..." line of the driver becomes one TAP point.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402

BUILD = os.environ.get("DOCXP_BUILDDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
SRC = os.environ.get("DOCXP_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
_result = {}


def run_check():
    if "out" not in _result:
        exe = os.path.join(BUILD, "bench", "bedrock-bench")
        if not os.access(exe, os.X_OK):
            raise AssertionError("%s is not built (make bench/bedrock-bench)" % exe)
        env = dict(os.environ, DOCXP_SRCDIR=os.path.abspath(SRC))
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(k, None)
        p = subprocess.run([exe, "--check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=240, env=env)
        _result.update(out=p.stdout, err=p.stderr, rc=p.returncode)
    return _result


def lines(prefix):
    return [l for l in run_check()["out"].splitlines() if l.startswith(prefix)]


def point(needle):
    r = run_check()
    hits = [l for l in r["out"].splitlines() if needle in l and (l.startswith("ok - ") or l.startswith("FAIL - "))]
    taptest.ok(hits, "driver printed no line about %r" % needle, r["out"], r["err"][-3000:])
    for h in hits:
        taptest.ok(h.startswith("ok - "), h)


def test_fault_mix_all_embedded():
    point("fault mix:")
    point("faults were injected and retried")
    point("vectors have unit length")


def test_every_request_signed_correctly():
    point("every request was correctly signed (botocore)")
    point("no request with a bad signature in the whole check")


def test_validation_fails_one_text():
    point("a ValidationException fails that text")


def test_long_text_cut():
    point("the long text is marked truncated")
    point("the longest text the fake received")


def test_expired_credentials_then_refresh():
    point("expired credentials and no fresh ones")
    point("health says credentials_expired")
    point("still DX_E_CREDENTIALS while the file is not refreshed")
    point("refreshed credentials file")
    point("health is ok again")


def test_key_rotated_mid_batch():
    point("key rotated mid-batch")


def test_endpoint_down():
    point("endpoint down")


def test_driver_exit_status():
    r = run_check()
    taptest.eq(r["rc"], 0, "bedrock-bench --check exit status")
    taptest.ok([l for l in r["out"].splitlines() if re.match(r"^\d+ passed, 0 failed$", l)],
               "summary line with 0 failed", r["out"])


if __name__ == "__main__":
    taptest.main()
