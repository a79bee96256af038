#!/usr/bin/python3
"""systemd integration without systemd as PID 1: the built units verify
cleanly and are hardened (exposure <= 2.0), docxp-api serves through nginx
when started by socket activation (systemd-socket-activate, the path of
docxp-api.socket), and a worker speaks the sd_notify protocol its unit
expects (READY=1, WATCHDOG=1 under WATCHDOG_USEC, STOPPING=1 on SIGTERM).
Also: the shipped configuration file and nginx snippet as built."""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, ok, note  # noqa: E402
from docxp_stack import nginx_check  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILDDIR = os.environ.get("DOCXP_BUILDDIR") or SRCDIR
UNITS = ["docxp-api.socket", "docxp-api.service", "docxp-worker@.service",
         "docxp-workers.target", "docxp-migrate.service", "docxp-credentials.service",
         "docxp-credentials.timer"]
# long-running units (the ones the exposure limit is about) and the oneshots
SCORED = ["docxp-api.service", "docxp-worker@1.service", "docxp-migrate.service",
          "docxp-credentials.service"]
MAX_EXPOSURE = 2.0
EX_CONFIG = 78
BAD_STDERR = re.compile(r"Unknown key|Failed to parse|Unknown section|Unknown lvalue|"
                        r"failed with code|is not executable|No such file", re.I)
state = {}


def make_stack():
    return Stack(workers=1, name="docxp-systemd", api_via_socket_activation=True)


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=kw.pop("timeout", 60), **kw)


def show(p):
    return "exit %s\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout[-3000:],
                                                       p.stderr[-3000:])


def need(tool):
    path = shutil.which(tool) or ("/usr/bin/" + tool if os.access("/usr/bin/" + tool, os.X_OK)
                                  else None)
    if not path:
        taptest.skip("%s not installed" % tool)
    return path


def test_units_built():
    missing = [u for u in UNITS if not os.path.isfile(os.path.join(BUILDDIR, "systemd", u))]
    ok(not missing, "units not built in %s/systemd: %s (run make)" % (BUILDDIR, missing))
    for u in UNITS:
        text = open(os.path.join(BUILDDIR, "systemd", u)).read()
        ok("@" + "bindir@" not in text and "@" + "sysconfdir@" not in text
           and not re.search(r"@[A-Z_]+@", text), "%s has unsubstituted placeholders" % u)


def unit_copy():
    """The built units with ExecStart binaries pointing at the build dir,
    and a man tree of docs/ (systemd-analyze verify checks Documentation=)."""
    if "units" in state:
        return state["units"]
    d = tempfile.mkdtemp(prefix="docxp-units-")
    for u in UNITS:
        text = open(os.path.join(BUILDDIR, "systemd", u)).read()
        text = re.sub(r"(Exec\w+=[-@:+!]*)\S*/(docxp(?:-api|-worker|-credentials)?)(?=\s)",
                      lambda m: m.group(1) + os.path.join(BUILDDIR, m.group(2)), text)
        with open(os.path.join(d, u), "w") as f:
            f.write(text)
    man = os.path.join(d, "man")
    for page in glob.glob(os.path.join(SRCDIR, "docs", "*.[158]")):
        sec = os.path.join(man, "man" + page[-1])
        os.makedirs(sec, exist_ok=True)
        shutil.copy(page, sec)
    state["units"] = d
    return d


def test_units_verify():
    exe = need("systemd-analyze")
    d = unit_copy()
    p = run([exe, "verify"] + UNITS, cwd=d, env=dict(os.environ, MANPATH=os.path.join(d, "man")))
    note("systemd-analyze verify %s: exit %d" % (" ".join(UNITS), p.returncode))
    eq(p.returncode, 0, "systemd-analyze verify: " + show(p))
    # unknown keys and bad values only warn: any stderr output is a finding
    ok(not p.stderr.strip(), "systemd-analyze verify printed warnings", show(p))


def test_units_verify_catches_errors():
    """The check above would notice a bad key (guards against a silently
    passing verify)."""
    exe = need("systemd-analyze")
    d = unit_copy()
    bad = os.path.join(d, "bad")
    os.makedirs(bad, exist_ok=True)
    text = open(os.path.join(d, "docxp-api.service")).read().replace(
        "\n[Service]\n", "\n[Service]\nProtectSytem=strict\nUMask=banana\n", 1)
    with open(os.path.join(bad, "docxp-api.service"), "w") as f:
        f.write(text)
    shutil.copy(os.path.join(d, "docxp-api.socket"), bad)
    p = run([exe, "verify", "--man=no", "docxp-api.service"], cwd=bad)
    ok(BAD_STDERR.search(p.stderr), "a misspelt key went unnoticed", show(p))


def exposure(exe, unit, cwd):
    p = run([exe, "security", "--offline=yes", "--no-pager", unit], cwd=cwd)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", p.stdout + p.stderr)
    ok(m, "no exposure level for %s" % unit, show(p))
    return float(m.group(1)), p


def test_security_exposure():
    exe = need("systemd-analyze")
    d = unit_copy()
    # an instance of the template, as systemd would load it
    shutil.copy(os.path.join(d, "docxp-worker@.service"), os.path.join(d, "docxp-worker@1.service"))
    worst = []
    for u in SCORED:
        level, p = exposure(exe, u, d)
        note("exposure %-24s %.1f" % (u, level))
        if level > MAX_EXPOSURE:
            worst.append("%s: %.1f\n%s" % (u, level, "\n".join(
                l for l in p.stdout.splitlines() if "\u2717" in l)))
    ok(not worst, "exposure above %.1f" % MAX_EXPOSURE, *worst)


def test_units_content():
    """What the deployment relies on, stated once more than in the files."""
    def unit(name):
        return open(os.path.join(BUILDDIR, "systemd", name)).read()
    sock = unit("docxp-api.socket")
    for want in ("ListenStream=/", "SocketMode=0660", "SocketGroup=", "Accept=no"):
        ok(want in sock, "docxp-api.socket lacks %s" % want)
    api, worker, mig = unit("docxp-api.service"), unit("docxp-worker@.service"), unit(
        "docxp-migrate.service")
    for name, text in (("api", api), ("worker", worker)):
        for want in ("Type=notify", "Restart=on-failure", "RestartPreventExitStatus=78",
                     "--check-config"):
            ok(want in text, "docxp-%s lacks %s" % (name, want))
    ok("WatchdogSec=30" in worker, "worker lacks WatchdogSec=30")
    ok("Type=oneshot" in mig and "Before=docxp-api.service docxp-workers.target" in mig,
       "docxp-migrate.service is not a oneshot ordered before api and workers")
    ok("After=docxp-migrate.service" in api.replace("After=docxp-api.socket docxp-migrate.service",
                                                    "After=docxp-migrate.service"),
       "api not ordered after migrate")
    hardening = ["User=docxp", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=",
                 "PrivateTmp=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
                 "ProtectKernelLogs=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                 "SystemCallFilter=@system-service", "UMask=0077"]
    cred, timer = unit("docxp-credentials.service"), unit("docxp-credentials.timer")
    ok("Type=oneshot" in cred and "docxp-credentials -c " in cred,
       "docxp-credentials.service is not a oneshot running docxp-credentials")
    for want in ("OnBootSec=", "OnUnitActiveSec=30min", "RandomizedDelaySec=", "WantedBy=timers.target"):
        ok(want in timer, "docxp-credentials.timer lacks %s" % want)
    for name, text in (("api", api), ("worker", worker), ("migrate", mig), ("credentials", cred)):
        missing = [h for h in hardening if h not in text]
        ok(not missing, "docxp-%s lacks %s" % (name, missing))
        ok(re.search(r"^CapabilityBoundingSet=$", text, re.M),
           "docxp-%s: CapabilityBoundingSet= is not empty" % name)


def test_socket_activation_through_nginx(stack):
    pid = stack.pid("api")
    ok(pid, "no api process")
    cmd = open("/proc/%d/cmdline" % pid, "rb").read().split(b"\0")
    ok(cmd[0].endswith(b"docxp-api"), "pid %d is not docxp-api after activation: %r" % (pid, cmd))
    env = open("/proc/%d/environ" % pid, "rb").read().split(b"\0")
    ok(b"LISTEN_FDS=1" in env, "docxp-api did not get LISTEN_FDS=1")
    ok(os.readlink("/proc/%d/fd/3" % pid).startswith("socket:"), "fd 3 of docxp-api is not a socket")
    st, hdrs, body = stack.http("GET", "/api/v1/indexing/health")
    eq(st, 200, "GET /api/v1/indexing/health through nginx")
    ok(isinstance(body, dict) and body.get("status") == "ok", "health not ok", body)
    ok(hdrs.get("x-request-id"), "no X-Request-Id from nginx", hdrs)
    # a few more, concurrently served by the socket systemd created
    for _ in range(20):
        st, _, _ = stack.http("GET", "/api/v1/indexing/health")
        eq(st, 200)


def notifications(stack, name):
    with stack.notifier.cond:
        return list(stack.notifier.messages.get(name, []))


def test_worker_notify_watchdog_stopping(stack):
    # WATCHDOG_USEC=2 s: the worker must ping at least every second
    name = stack.add_worker("wd", env={"WATCHDOG_USEC": "2000000"})
    t0 = time.monotonic()
    msgs = notifications(stack, name)
    ok("READY=1" in msgs, "no READY=1", msgs)

    def pings():
        return sum(1 for m in notifications(stack, name) if m == "WATCHDOG=1")
    deadline = time.monotonic() + 8
    while pings() < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    n, secs = pings(), time.monotonic() - t0
    note("worker sent %d WATCHDOG=1 in %.1fs (WATCHDOG_USEC=2000000)" % (n, secs))
    ok(n >= 4, "fewer than 4 WATCHDOG=1 in %.1fs" % secs, notifications(stack, name))
    ok(any(m.startswith("STATUS=") for m in notifications(stack, name)), "no STATUS= line",
       notifications(stack, name))
    ok(stack.worker_alive(name), "the worker died")
    rc = stack.kill_worker(name, sig=signal.SIGTERM)
    eq(rc, 0, "worker exit status on SIGTERM")
    msgs = notifications(stack, name)
    ok("STOPPING=1" in msgs, "no STOPPING=1 after SIGTERM", msgs)
    ok(msgs.index("STOPPING=1") > msgs.index("READY=1"), "STOPPING=1 before READY=1", msgs)


def test_bad_config_exits_78():
    """RestartPreventExitStatus=78 relies on it."""
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write("[api]\nno_such_key = 1\n")
        f.flush()
        for prog in ("docxp-worker", "docxp-api", "docxp-credentials"):
            p = run([os.path.join(BUILDDIR, prog), "-c", f.name])
            eq(p.returncode, EX_CONFIG, "%s with an unknown key: %s" % (prog, show(p)))
            p = run([os.path.join(BUILDDIR, prog), "-c", f.name, "--check-config"])
            eq(p.returncode, EX_CONFIG, "%s --check-config: %s" % (prog, show(p)))


def check_config(path):
    p = run([os.path.join(BUILDDIR, "docxp-api"), "--check-config", "-c", path],
            env={k: v for k, v in os.environ.items() if not k.startswith("DOCXP_")})
    eq(p.returncode, 0, "docxp-api --check-config -c %s: %s" % (path, show(p)))
    return [l for l in p.stdout.splitlines() if not l.startswith("#")]


def test_shipped_config_lists_every_key_with_default():
    shipped = os.path.join(SRCDIR, "packaging", "docxp.conf")
    defaults = check_config("/dev/null")
    eq(check_config(shipped), defaults, "the shipped file changes a default")
    # every key, commented out: uncommented, the file still yields the defaults
    text = open(shipped).read()
    keys = re.findall(r"^#([a-z_0-9]+) =", text, re.M)
    sections = re.findall(r"^\[(\w+)\]|^#([a-z_0-9]+) =", text, re.M)
    listed, sec = set(), None
    for s, k in sections:
        if s:
            sec = s
        else:
            listed.add("%s.%s" % (sec, k))
    known = {l.split(" = ")[0] for l in defaults if " = " in l}
    ok(known == listed, "keys of packaging/docxp.conf differ from the program's",
       {"missing": sorted(known - listed), "unknown": sorted(listed - known)})
    ok(len(keys) == len(listed), "a key is listed twice")
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write(re.sub(r"^#([a-z_0-9]+ =)", r"\1", text, flags=re.M))
        f.flush()
        eq(check_config(f.name), defaults, "a commented value is not the default")


def test_man_page_lists_every_key():
    """docs/docxp.conf.5 documents every key of the table, in its section."""
    defaults = check_config("/dev/null")
    man = open(os.path.join(SRCDIR, "docs", "docxp.conf.5")).read()
    documented, sec = set(), None
    for line in man.splitlines():
        m = re.match(r"\.SS \[(\w+)\]", line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r"\.BR (\S+) \" = ", line) or re.match(r"\.BR (\S+) \" =\"", line)
        if m and sec:
            documented.add("%s.%s" % (sec, m.group(1).replace("\\-", "-")))
    known = {l.split(" = ")[0] for l in defaults if " = " in l}
    ok(known <= documented, "docxp.conf(5) lacks keys", sorted(known - documented))
    ok(documented <= known, "docxp.conf(5) documents unknown keys", sorted(documented - known))


def test_nginx_snippet_as_installed():
    """nginx -t with the snippet and the upstream as make installs them, inside
    the example site."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        taptest.skip("nginx not installed")
    snippet = os.path.join(BUILDDIR, "packaging", "docxp-locations.conf")
    upstream = os.path.join(BUILDDIR, "packaging", "docxp-upstream.conf")
    for f in (snippet, upstream):
        ok(os.path.isfile(f), "%s not built" % f)
    ok("fastcgi_pass docxp_api_fcgi;" in open(snippet).read(), "snippet does not use the upstream")
    text = open(upstream).read()
    ok("@DOCXP_API_SOCKET@" not in text and "server unix:/" in text and "keepalive" in text,
       "upstream: socket not substituted, or no keepalive", text)
    site = open(os.path.join(SRCDIR, "nginx", "docxp-site.conf")).read()
    site = re.sub(r"include \S*docxp-locations.conf;", "include %s;" % snippet, site)
    p = nginx_check(nginx, site, [upstream])
    eq(p.returncode, 0, "nginx -t: " + show(p))


def test_cleanup():
    d = state.pop("units", None)
    if d:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
