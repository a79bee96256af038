"""
taptest - a tiny TAP runner so that integration tests are plain Python.

A test file defines functions named test_*; they run in the order they
are defined and each becomes one TAP test point.  A test that takes a
parameter named `stack` gets the file's shared Stack, created on first
use by the file's make_stack() (or Stack(workers=1) when the file has
none) and stopped at the end; its directory is kept when a test failed.
A test that needs a stack of its own starts it itself (with Stack(...)).

    import taptest
    def make_stack():
        return taptest.Stack(workers=2)
    def test_health(stack):
        st, _, body = stack.http("GET", "/api/v1/indexing/health")
        taptest.eq(st, 200)
    if __name__ == "__main__":
        taptest.main()

Output: "ok 1 - name" or "not ok 2 - name" followed by "# "
diagnostic lines; taptest.skip("why") gives "ok 3 - name # SKIP why"; the
plan "1..N" comes last (a file with a shared stack gets one more test
point: the stack's daemons exited 0 on SIGTERM).
Each test has a time limit (DOCXP_TEST_TIMEOUT seconds, default 300).
Run one test: DOCXP_TEST=test_name python3 tests/integration/test_x.py
"""

import inspect
import json
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docxp_stack import Stack, StackError  # noqa: E402,F401  (re-exported)


class Skip(Exception):
    pass


class TestTimeout(Exception):
    pass


def skip(reason):
    raise Skip(reason)


def _fmt(v):
    if isinstance(v, (dict, list)):
        return json.dumps(v, indent=1, sort_keys=True)
    return repr(v)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError("%sgot %s, want %s" % (what + ": " if what else "", _fmt(got), _fmt(want)))


def ok(cond, what, *detail):
    if not cond:
        raise AssertionError(what + "".join("\n" + _fmt(d) for d in detail))


def json_error(resp, statuses, code=None, what=""):
    """Asserts resp = (status, headers, body) is a JSON error
    {"error":{"code":...,"message":...}} with a status in statuses."""
    st, hdrs, body = resp
    if isinstance(statuses, int):
        statuses = (statuses,)
    label = (what + ": ") if what else ""
    ok(st in statuses, "%sstatus %s, want %s" % (label, st, " or ".join(map(str, statuses))), body)
    ok("application/json" in hdrs.get("content-type", ""),
       "%sContent-Type %r is not JSON" % (label, hdrs.get("content-type")), body)
    ok(isinstance(body, dict) and isinstance(body.get("error"), dict),
       "%sbody is not {\"error\": {...}}" % label, body)
    e = body["error"]
    ok(isinstance(e.get("code"), str) and e["code"], "%serror.code missing" % label, body)
    ok(isinstance(e.get("message"), str) and e["message"], "%serror.message missing" % label, body)
    if code is not None:
        codes = (code,) if isinstance(code, str) else tuple(code)
        ok(e["code"] in codes, "%serror.code %r, want %s" % (label, e["code"], " or ".join(codes)),
           body)
    return body


def note(text):
    """A TAP diagnostic line ("# text") that does not change a result."""
    _diag(text)
    sys.stdout.flush()


def _diag(text):
    for line in str(text).rstrip("\n").splitlines() or [""]:
        sys.stdout.write("# %s\n" % line)


def _on_alarm(signum, frame):
    raise TestTimeout("test exceeded DOCXP_TEST_TIMEOUT")


def main(module=None):
    mod = module or sys.modules["__main__"]
    tests = [(n, f) for n, f in vars(mod).items() if n.startswith("test_") and callable(f)]
    tests.sort(key=lambda t: t[1].__code__.co_firstlineno)
    only = os.environ.get("DOCXP_TEST")
    if only:
        tests = [t for t in tests if t[0] in only.split(",")]
    limit = int(os.environ.get("DOCXP_TEST_TIMEOUT", "300"))
    stack = None
    stack_error = None
    failed = 0
    signal.signal(signal.SIGALRM, _on_alarm)
    for i, (name, fn) in enumerate(tests, 1):
        params = inspect.signature(fn).parameters
        status, detail = "ok", None
        try:
            signal.alarm(limit)
            try:
                if "stack" in params:
                    if stack is None and stack_error is None:
                        try:
                            maker = getattr(mod, "make_stack", None)
                            stack = maker() if maker else Stack(workers=1)
                            if not stack.started:
                                stack.start()
                        except Exception as e:  # noqa: BLE001
                            stack, stack_error = None, e
                    if stack_error is not None:
                        raise StackError("shared stack did not start: %s" % stack_error)
                    fn(stack)
                else:
                    fn()
            finally:
                signal.alarm(0)
        except Skip as e:
            status, detail = "skip", str(e)
        except Exception as e:  # noqa: BLE001
            status = "not ok"
            if isinstance(e, (AssertionError, StackError, TestTimeout)):
                detail = "%s: %s" % (type(e).__name__, e)
                tb = traceback.extract_tb(e.__traceback__)
                here = [f for f in tb if f.filename == getattr(mod, "__file__", None)]
                if here:
                    detail += "\n  at %s:%d" % (os.path.basename(here[-1].filename), here[-1].lineno)
            else:
                detail = traceback.format_exc()
            if isinstance(e, TestTimeout) and stack is not None:
                detail += "\n" + stack.diagnostics(15)
        if status == "ok":
            sys.stdout.write("ok %d - %s\n" % (i, name))
        elif status == "skip":
            sys.stdout.write("ok %d - %s # SKIP %s\n" % (i, name, detail))
        else:
            failed += 1
            sys.stdout.write("not ok %d - %s\n" % (i, name))
            _diag(detail)
        sys.stdout.flush()
    n = len(tests)
    if stack is not None:
        if failed:
            stack.failed = True
            _diag("last log lines of the shared stack:\n" + stack.diagnostics(10))
        stack.stop()
        # one more test point: the daemons stopped cleanly on SIGTERM
        # (a sanitizer report at exit shows up here)
        n += 1
        if stack.unclean:
            failed += 1
            sys.stdout.write("not ok %d - shared stack stops cleanly\n" % n)
            _diag("unclean shutdown: %s; logs kept in %s/logs" % (", ".join(stack.unclean), stack.dir))
        else:
            sys.stdout.write("ok %d - shared stack stops cleanly\n" % n)
    sys.stdout.write("1..%d\n" % n)
    sys.stdout.flush()
    # Failures are reported in TAP; a non-zero exit would add an extra
    # ERROR result per file to automake's counts.
    return 0


if __name__ == "__main__":
    sys.exit("taptest is a library: run a test file instead")
