#!/usr/bin/python3
"""
docxp_stack - start a private docxp stack for tests, benchmarks and the demo.

A Stack is PostgreSQL + Redis + nginx + docxp-api + N docxp-workers, all
in one scratch directory, on free loopback ports, driven like a client
would drive production: through nginx.  Python 3 standard library only
(it runs with Debian 12's /usr/bin/python3).

    with Stack(workers=2) as s:          # start(); stop() on exit
        st, hdrs, body = s.http("GET", "/api/v1/indexing/health")
        rows = s.psql("SELECT count(*) FROM files")

Layout of DIR:
    docxp.conf        the INI file every program gets with -c
    docxp.env         DOCXP_URL, DOCXP_PGURI, DOCXP_REDIS, DOCXP_CONFIG
    stack.json        ports and pids (what `stop --dir` reads)
    pg/               owned by postgres: data/, socket, postgresql.log
    redis/            redis working dir
    nginx/            nginx.conf, locations, temp paths
    run/api.sock      FastCGI socket
    logs/             api.log, w1.log, ..., redis.log, nginx-error.log
    pids/             one pid file per process we started

Readiness is never a fixed sleep: docxp-api and docxp-worker report
READY=1 over their own NOTIFY_SOCKET, PostgreSQL via pg_ctl -w, Redis via
PING, nginx by answering HTTP.

Command line (used by scripts/demo and bench/):
    docxp_stack.py start --dir DIR [--workers N] [--detach] [--reuse]
    docxp_stack.py stop --dir DIR
    docxp_stack.py status --dir DIR
Environment: DOCXP_BUILDDIR (binaries, default repo root), DOCXP_SRCDIR
(nginx/ config, default repo root), DOCXP_KEEP=1 (keep DIR after stop).

Under `make check` (DOCXP_BUILDDIR and DOCXP_SRCDIR set, or
DOCXP_LOG_ARCHIVE naming a directory) every stack that is not detached
copies its logs (logs/*, pg/postgresql.log) to the run-wide directory
$DOCXP_BUILDDIR/tests/logs/<stack dir name>/ when it stops, kept or not, and
every secret the harness makes (API keys, fake AWS secret keys and session
tokens) is appended to secrets.tsv there (record_secret): the last
integration test greps all those logs for all those secrets.
"""

import argparse
import glob
import grp
import hashlib
import http.client
import json
import os
import pwd
import random
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

TERMINAL_STATES = ("completed", "completed_with_errors", "failed", "cancelled")

# Environment variables that would silently override the INI file we write.
LEGACY_ENV = ("INDEXING_CHUNK_SIZE", "MAX_CONCURRENT_CHUNKS", "INDEXING_MAX_RETRIES",
              "EMBEDDING_CACHE_TTL_HOURS", "AWS_REGION", "BEDROCK_EMBED_MODEL_ID")
KEEP_ENV = ("DOCXP_BUILDDIR", "DOCXP_SRCDIR", "DOCXP_KEEP")


class StackError(Exception):
    """A part of the stack failed to start or stop; the message says why."""


def log(msg):
    sys.stderr.write("# %s\n" % msg.replace("\n", "\n# "))
    sys.stderr.flush()


def log_archive_dir():
    """The run-wide directory that keeps every stack's logs and the secrets
    file, or None when not running under make check (demo, benchmarks)."""
    d = os.environ.get("DOCXP_LOG_ARCHIVE")
    if not d and os.environ.get("DOCXP_BUILDDIR") and os.environ.get("DOCXP_SRCDIR"):
        d = os.path.join(os.environ["DOCXP_BUILDDIR"], "tests", "logs")
    return os.path.abspath(d) if d else None


SECRETS_FILE = "secrets.tsv"


def record_secret(kind, value):
    """Appends "kind<TAB>value" to the run's secrets file (mode 0600), so that
    the no-secrets-in-logs test greps every log for it.  kind: api_key,
    aws_secret_access_key, aws_session_token, ...  Call it for every
    secret a test or fake creates (fakes in other processes can import this
    module or append the same line format to log_archive_dir()/secrets.tsv)."""
    d = log_archive_dir()
    if not d or not value:
        return
    os.makedirs(d, exist_ok=True)
    fd = os.open(os.path.join(d, SECRETS_FILE), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, ("%s\t%s\n" % (kind, value)).encode())
    finally:
        os.close(fd)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def tail(path, lines=30):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 16384))
            data = f.read().decode("utf-8", "replace")
    except OSError as e:
        return "(cannot read %s: %s)" % (path, e.strerror)
    out = data.splitlines()[-lines:]
    return "\n".join("    " + l for l in out) if out else "    (empty)"


def pid_alive(pid):
    """True when pid exists and is not a zombie."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def pid_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def read_pidfile(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def pg_bindir():
    d = os.environ.get("DOCXP_PG_BINDIR")
    if d:
        return d
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                   key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    if not cands:
        raise StackError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                         "(apt-get install postgresql)")
    return cands[-1]


def check_traversable(path, user="postgres"):
    """Every ancestor of path must be searchable by others (postgres, nobody)."""
    p = os.path.abspath(path)
    while True:
        st = os.stat(p)
        if not st.st_mode & stat.S_IXOTH:
            raise StackError("%s is not traversable by other users (mode %o): %s and nginx "
                             "workers cannot reach the stack dir; use a dir under /tmp"
                             % (p, stat.S_IMODE(st.st_mode), user))
        if p == "/":
            return
        p = os.path.dirname(p)


def wait_until(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        r = pred()
        if r:
            return r
        if time.monotonic() > deadline:
            raise StackError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def redis_command(port, *args, host="127.0.0.1", timeout=5):
    """Minimal RESP client: one command, one parsed reply (errors raise)."""
    payload = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        payload += b"$%d\r\n%s\r\n" % (len(a), a)
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(payload)
        f = s.makefile("rb")

        def parse():
            line = f.readline()
            if not line:
                raise ConnectionError("redis closed the connection")
            t, rest = line[:1], line[1:-2]
            if t == b"+":
                return rest.decode()
            if t == b"-":
                raise RuntimeError("redis: " + rest.decode())
            if t == b":":
                return int(rest)
            if t == b"$":
                n = int(rest)
                if n < 0:
                    return None
                data = f.read(n + 2)[:-2]
                return data.decode("utf-8", "replace")
            if t == b"*":
                n = int(rest)
                return None if n < 0 else [parse() for _ in range(n)]
            raise RuntimeError("redis: bad reply %r" % line)
        return parse()


class Notifier:
    """sd_notify receiver: one abstract unix datagram socket per daemon,
    drained by a thread so a daemon's later notifications (STATUS=,
    WATCHDOG=1, STOPPING=1) never block on a full socket buffer."""

    def __init__(self):
        self.socks = {}      # name -> socket
        self.messages = {}   # name -> [str]
        self.cond = threading.Condition()
        self.rpipe, self.wpipe = os.pipe()
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="sd_notify", daemon=True)
        self.thread.start()

    def new(self, name):
        """Returns the NOTIFY_SOCKET value for a (re)started daemon."""
        with self.cond:
            old = self.socks.pop(name, None)
            if old:
                old.close()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            addr = "docxp-notify-%d-%08x-%s" % (os.getpid(), random.getrandbits(32), name)
            s.bind("\0" + addr)
            s.setblocking(False)
            self.socks[name] = s
            self.messages[name] = []
        os.write(self.wpipe, b"x")
        return "@" + addr

    def _run(self):
        while not self.closed:
            with self.cond:
                socks = dict(self.socks)
            fds = [self.rpipe] + [s for s in socks.values()]
            try:
                r, _, _ = select.select(fds, [], [], 1.0)
            except (OSError, ValueError):
                continue
            for s in r:
                if s == self.rpipe:
                    os.read(self.rpipe, 64)
                    continue
                name = next((n for n, x in socks.items() if x is s), None)
                try:
                    data = s.recv(4096)
                except OSError:
                    continue
                with self.cond:
                    self.messages.setdefault(name, []).extend(
                        data.decode("utf-8", "replace").splitlines())
                    self.cond.notify_all()

    def wait(self, name, key, timeout, alive):
        """Wait until daemon `name` sent a line starting with key (e.g.
        'READY=1'); alive() is polled so a crashed daemon fails fast."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if any(m.startswith(key) for m in self.messages.get(name, [])):
                    return True
                if not alive():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.1))

    def close(self):
        self.closed = True
        os.write(self.wpipe, b"x")
        self.thread.join(2)
        with self.cond:
            for s in self.socks.values():
                s.close()
            self.socks.clear()


class Stack:
    def __init__(self, dir=None, workers=1, builddir=None, srcdir=None, extra_conf=None,
                 docxp=True, detach=False, start_timeout=60, name="docxp",
                 api_via_socket_activation=False, fake_bedrock=False, bedrock_faults=None,
                 bedrock_args=None):
        """dir: scratch directory (created; default a new one under $TMPDIR or
        /tmp).  workers: docxp-workers started by start().  extra_conf:
        {section: {key: value}} merged into the INI file.  docxp=False starts
        only PostgreSQL, Redis and nginx (harness self-test).  detach: the
        processes outlive this Python process (demo).
        api_via_socket_activation: docxp-api is started the way
        docxp-api.socket starts it: systemd-socket-activate holds the
        socket and execs docxp-api (listening fd 3) on the first
        connection.
        fake_bedrock: also start tests/harness/fake_bedrock.py (it verifies
        every request's SigV4 signature with botocore) and configure
        [embedding] provider = bedrock against it, with credentials from a
        credential_process JSON file the harness writes (write_aws_credentials);
        bedrock_faults: {"throttle": 0.2, "error5xx": 0.1, "latency_ms": 50,
        "expired": [akid]} set at start (bedrock_config() changes them later);
        bedrock_args: more command line arguments of fake_bedrock.py (e.g.
        ["--registry", F] to accept what tests/harness/fake_aws.py issues)."""
        self.fake_bedrock = fake_bedrock
        self.bedrock_args = list(bedrock_args or [])
        self.bedrock_faults = dict(bedrock_faults or {})
        self.bedrock_port = None
        self.builddir = os.path.abspath(builddir or os.environ.get("DOCXP_BUILDDIR") or REPO)
        self.srcdir = os.path.abspath(srcdir or os.environ.get("DOCXP_SRCDIR") or REPO)
        self.created_dir = dir is None
        self.name = name
        # a scratch dir is only created by start(), once the binaries are known to exist
        self.dir = os.path.abspath(dir) if dir else None
        self.nworkers = workers
        self.extra_conf = extra_conf or {}
        self.with_docxp = docxp
        self.api_via_socket_activation = api_via_socket_activation
        self.detach = detach
        self.start_timeout = start_timeout
        self.is_root = os.geteuid() == 0
        self.failed = False
        self.unclean = []        # daemons that did not exit 0 on SIGTERM in stop()
        self.procs = {}          # name -> Popen (api, w1.., redis, nginx)
        self.worker_names = []
        self.next_worker = 1
        self.notifier = None
        self.pg_port = self.redis_port = self.http_port = None
        self.started = False
        self.api_key = None      # admin key created after migrate

    # ---- paths and properties -------------------------------------------

    def path(self, *p):
        return os.path.join(self.dir, *p)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.http_port

    @property
    def pguri(self):
        return "postgresql://postgres@127.0.0.1:%d/docxp" % self.pg_port

    @property
    def redis_url(self):
        return "redis://127.0.0.1:%d" % self.redis_port

    @property
    def config(self):
        return self.path("docxp.conf")

    @property
    def api_socket(self):
        return self.path("run", "api.sock")

    def binary(self, name):
        return os.path.join(self.builddir, name)

    # ---- context manager --------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, et, ev, tb):
        if et is not None:
            self.failed = True
        self.stop()
        if et is None and self.unclean:
            raise StackError("unclean shutdown: %s" % ", ".join(self.unclean))
        return False

    # ---- start --------------------------------------------------------------

    def start(self):
        """Starts everything; retries with new ports (up to 3 times) when a
        free port found by bind(0) was taken by someone else meanwhile."""
        for attempt in range(3):
            try:
                self._start()
                return self
            except BaseException as e:
                clash = isinstance(e, StackError) and self._port_clash() and attempt < 2
                self.failed = not clash
                self.stop(keep=not clash)
                if not clash:
                    raise
                log("a port was taken meanwhile: starting again on new ports")
                self.procs, self.worker_names, self.unclean = {}, [], []
                self.next_worker = 1
        return self

    def _port_clash(self):
        if self.dir is None:
            return False
        for p in glob.glob(self.path("logs", "*")) + [self.path("pg", "postgresql.log")]:
            try:
                with open(p, errors="replace") as f:
                    if "Address already in use" in f.read():
                        return True
            except OSError:
                pass
        return False

    def _start(self):
        if self.with_docxp:
            missing = [b for b in ("docxp-api", "docxp-worker", "docxp")
                       if not os.access(self.binary(b), os.X_OK)]
            if missing:
                raise StackError("not built: %s in %s (run make, or set DOCXP_BUILDDIR)"
                                 % (", ".join(missing), self.builddir))
        if self.dir is None or (self.created_dir and not os.path.isdir(self.dir)):
            base = os.environ.get("TMPDIR") or "/tmp"
            self.dir = tempfile.mkdtemp(prefix="%s-" % self.name, dir=base)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        check_traversable(self.dir)
        for d in ("logs", "run", "pids", "redis", "nginx"):
            os.makedirs(self.path(d), exist_ok=True)
            os.chmod(self.path(d), 0o755)
        self.pg_port, self.redis_port, self.http_port = free_port(), free_port(), free_port()
        while len({self.pg_port, self.redis_port, self.http_port}) < 3:
            self.http_port = free_port()
        self.notifier = Notifier()
        self._save_state()
        t0 = time.monotonic()
        self.start_redis()          # Popen returns at once; PG init overlaps it
        self._start_pg()
        self._wait_redis()
        if self.fake_bedrock:
            self._start_fake_bedrock()
        self._write_config()
        self._write_env()
        if self.with_docxp:
            self._run_checked([self.binary("docxp"), "-c", self.config, "migrate"], "docxp migrate")
            # every API call needs a key: the harness holds an admin one
            self.api_key = self.create_key("harness-admin", "admin")
            self._write_env()
            self.start_api()
            for _ in range(self.nworkers):
                self.add_worker()
        self._start_nginx()
        if self.with_docxp:
            def healthy():
                try:
                    st, _, body = self.http("GET", "/api/v1/indexing/health")
                except OSError:
                    return False
                return st == 200 and isinstance(body, dict) and body.get("status") == "ok"
            try:
                wait_until(healthy, self.start_timeout, "GET /api/v1/indexing/health = ok")
            except StackError as e:
                raise StackError("%s\n%s" % (e, self.diagnostics()))
        self.started = True
        self._save_state()
        log("stack up in %.1fs: %s (dir %s)" % (time.monotonic() - t0, self.url, self.dir))

    def _run_checked(self, argv, what, timeout=120, **kw):
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout, env=kw.pop("env", self._daemon_env()), **kw)
        except subprocess.TimeoutExpired:
            raise StackError("%s timed out after %ss" % (what, timeout))
        if p.returncode != 0:
            raise StackError("%s failed (exit %d):\n%s" % (
                what, p.returncode, p.stdout.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8", "replace")

    def _as_postgres(self, argv):
        return (["runuser", "-u", "postgres", "--"] + argv) if self.is_root else argv

    def _start_pg(self):
        bindir = pg_bindir()
        pgdir = self.path("pg")
        os.makedirs(pgdir, exist_ok=True)
        os.chmod(pgdir, 0o755)
        if self.is_root:
            pw = pwd.getpwnam("postgres")
            os.chown(pgdir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(pgdir, "data")
        env = dict(os.environ, LC_ALL="C.UTF-8")
        if not os.path.exists(os.path.join(data, "PG_VERSION")):
            self._run_checked(self._as_postgres(
                [os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                 "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]), "initdb", env=env, cwd="/")
        opts = ("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c shared_buffers=32MB -c max_connections=200"
                % (pgdir, self.pg_port))
        # Extra server options for experiments and benchmarks, e.g.
        # "-c shared_preload_libraries=pg_stat_statements".
        if os.environ.get("DOCXP_PG_OPTIONS"):
            opts += " " + os.environ["DOCXP_PG_OPTIONS"]
        self._run_checked(self._as_postgres(
            [os.path.join(bindir, "pg_ctl"), "-D", data, "-l", os.path.join(pgdir, "postgresql.log"),
             "-w", "-t", "60", "-o", opts, "start"]), "pg_ctl start", env=env, cwd="/")
        pid = read_pidfile(os.path.join(data, "postmaster.pid"))
        self._write_pid("postgres", pid)
        out = self._run_checked(
            [os.path.join(bindir, "psql"), "-X", "-At", "-d",
             "postgresql://postgres@127.0.0.1:%d/postgres" % self.pg_port, "-c",
             "SELECT 1 FROM pg_database WHERE datname = 'docxp'"], "psql", env=env)
        if out.strip() != "1":
            self._run_checked([os.path.join(bindir, "createdb"), "-h", "127.0.0.1", "-p",
                               str(self.pg_port), "-U", "postgres", "docxp"], "createdb", env=env)

    def _stop_pg(self):
        data = self.path("pg", "data")
        pid = read_pidfile(os.path.join(data, "postmaster.pid"))
        if not pid_alive(pid):
            return
        try:
            subprocess.run(self._as_postgres(
                [os.path.join(pg_bindir(), "pg_ctl"), "-D", data, "-m", "fast", "-w", "-t", "20",
                 "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30, cwd="/")
        except (subprocess.TimeoutExpired, StackError):
            pass
        if pid_alive(pid):
            kill_pid(pid, "postgres", timeout=10)

    def start_redis(self):
        """(Re)starts Redis on the stack's port: no persistence, volatile-lru."""
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        argv = [exe, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--maxmemory-policy", "volatile-lru",
                "--dir", self.path("redis"), "--daemonize", "no",
                "--pidfile", self.path("pids", "redis.pid"), "--logfile", ""]
        self._spawn("redis", argv, self.path("logs", "redis.log"), env=dict(os.environ))
        if self.started:
            self._wait_redis()

    def _wait_redis(self):
        p = self.procs["redis"]

        def pong():
            if p.poll() is not None:
                raise StackError("redis-server exited with %s:\n%s"
                                 % (p.returncode, tail(self.path("logs", "redis.log"))))
            try:
                return redis_command(self.redis_port, "PING") == "PONG"
            except (OSError, RuntimeError):
                return False
        wait_until(pong, 20, "redis PING")

    def stop_redis(self, sig=signal.SIGTERM):
        self._stop_proc("redis", sig=sig)

    def redis(self, *args):
        return redis_command(self.redis_port, *args)

    def _nginx_conf(self):
        site = open(os.path.join(self.srcdir, "nginx", "docxp-site.conf")).read()
        upstream = open(os.path.join(self.srcdir, "nginx", "docxp-upstream.conf")).read()
        if "@DOCXP_API_SOCKET@" not in upstream:
            raise StackError("nginx/docxp-upstream.conf lacks @DOCXP_API_SOCKET@")
        locs_path = self.path("nginx", "docxp-locations.conf")
        shutil.copyfile(os.path.join(self.srcdir, "nginx", "docxp-locations.conf"), locs_path)
        # as packages install it: in conf.d, included in http { }
        upstream_path = self.path("nginx", "docxp-upstream.conf")
        with open(upstream_path, "w") as f:
            f.write(upstream.replace("@DOCXP_API_SOCKET@", self.api_socket))
        # Use the shipped site as is, but on our port and with our snippet.
        out = []
        listen_done = include_done = False
        for line in site.splitlines():
            s = line.strip()
            if s.startswith("listen "):
                if not listen_done:
                    out.append("    listen 127.0.0.1:%d;" % self.http_port)
                    listen_done = True
                continue
            if s.startswith("include ") and "docxp-locations.conf" in s:
                out.append("    include %s;" % locs_path)
                include_done = True
                continue
            if s.startswith("access_log") or s.startswith("error_log"):
                continue
            out.append(line)
        if not (listen_done and include_done):
            raise StackError("nginx/docxp-site.conf: expected a listen and an include of "
                             "docxp-locations.conf")
        user = ""
        if self.is_root:
            pw = pwd.getpwnam("nobody")
            user = "user nobody %s;" % grp.getgrgid(pw.pw_gid).gr_name
        n = self.path("nginx")
        return """# generated by tests/harness/docxp_stack.py
%(user)s
worker_processes 2;
daemon %(daemon)s;
pid %(dir)s/nginx.pid;
error_log %(dir)s/logs/nginx-error.log info;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    access_log %(dir)s/logs/nginx-access.log;
    client_body_temp_path %(n)s/client_body_temp;
    proxy_temp_path %(n)s/proxy_temp;
    fastcgi_temp_path %(n)s/fastcgi_temp;
    uwsgi_temp_path %(n)s/uwsgi_temp;
    scgi_temp_path %(n)s/scgi_temp;
    include %(upstream)s;
%(site)s
}
""" % {"user": user, "daemon": "on" if self.detach else "off", "dir": self.dir, "n": n,
            "upstream": upstream_path, "site": "\n".join(out)}

    def _start_nginx(self):
        conf = self.path("nginx", "nginx.conf")
        with open(conf, "w") as f:
            f.write(self._nginx_conf())
        exe = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [exe, "-p", self.dir + "/", "-e", self.path("logs", "nginx-error.log"), "-c", conf]
        errlog = self.path("logs", "nginx-error.log")
        pidfile = self.path("nginx.pid")
        if self.detach:
            self._run_checked(argv, "nginx", env=dict(os.environ))
            wait_until(lambda: read_pidfile(pidfile), 10, "nginx pid file")
            self._write_pid("nginx", read_pidfile(pidfile))
        else:
            p = self._spawn("nginx", argv, self.path("logs", "nginx.out"), env=dict(os.environ))

        def up():
            if not self.detach and p.poll() is not None:
                raise StackError("nginx exited with %s:\n%s\n%s" % (
                    p.returncode, tail(self.path("logs", "nginx.out")), tail(errlog)))
            if not read_pidfile(pidfile):
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.http_port), timeout=1):
                    return True
            except OSError:
                return False
        wait_until(up, 20, "nginx on port %d" % self.http_port)

    def _daemon_env(self, notify=None):
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("DOCXP_") and k not in KEEP_ENV) and k not in LEGACY_ENV
               and k != "NOTIFY_SOCKET"}
        if notify:
            env["NOTIFY_SOCKET"] = notify
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        if self.fake_bedrock:  # the credentials file is what the daemons must use
            for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
                env.pop(k, None)
        return env

    def _start_daemon(self, name, argv, env=None):
        notify = self.notifier.new(name)
        logf = self.path("logs", "%s.log" % name)
        denv = self._daemon_env(notify)
        denv.update(env or {})
        p = self._spawn(name, argv, logf, env=denv)
        ok = self.notifier.wait(name, "READY=1", self.start_timeout, lambda: p.poll() is None)
        if ok:
            return p
        if ok is None:
            why = "sent no READY=1 within %ss (NOTIFY_SOCKET=%s)" % (self.start_timeout, notify)
            self._stop_proc(name)
        else:
            why = "exited with status %s before READY=1" % p.returncode
        raise StackError("%s %s; %s:\n%s" % (name, why, logf, tail(logf)))

    def start_api(self):
        if self.api_via_socket_activation:
            self._start_api_socket_activated()
            return
        self._start_daemon("api", [self.binary("docxp-api"), "-c", self.config])

    def _start_api_socket_activated(self):
        """systemd-socket-activate -l SOCKET docxp-api: the socket exists
        before docxp-api runs; the first connection (ours, like a first
        request through nginx) makes it exec docxp-api with the listening
        socket as fd 3.  It passes only the variables named with -E."""
        exe = shutil.which("systemd-socket-activate") or "/usr/bin/systemd-socket-activate"
        if not os.access(exe, os.X_OK):
            raise StackError("systemd-socket-activate not found (apt-get install systemd)")
        sock = self.api_socket
        if os.path.lexists(sock):
            os.unlink(sock)
        notify = self.notifier.new("api")
        denv = self._daemon_env(notify)
        argv = [exe, "-l", sock]
        for k in sorted(denv):
            argv += ["-E", k]
        argv += [self.binary("docxp-api"), "-c", self.config]
        logf = self.path("logs", "api.log")
        p = self._spawn("api", argv, logf, env=denv)

        def listening():
            if p.poll() is not None:
                raise StackError("systemd-socket-activate exited with %s:\n%s"
                                 % (p.returncode, tail(logf)))
            return os.path.exists(sock)
        wait_until(listening, 10, "systemd-socket-activate listening on %s" % sock)
        # SocketMode= of the harness: nginx's workers (nobody) connect.
        os.chmod(sock, 0o666)
        # The path exists from bind(); connections are refused until
        # listen() follows it (seen once on a loaded machine).
        def connected():
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(sock)
                return c
            except ConnectionRefusedError:
                c.close()
                return None
        with wait_until(connected, 10, "a connection to %s" % sock):
            ok = self.notifier.wait("api", "READY=1", self.start_timeout,
                                    lambda: p.poll() is None)
        if not ok:
            why = ("exited with status %s" % p.returncode) if ok is False else \
                "sent no READY=1 within %ss" % self.start_timeout
            self._stop_proc("api")
            raise StackError("docxp-api (socket-activated) %s; %s:\n%s" % (why, logf, tail(logf)))
        return p

    def stop_api(self, sig=signal.SIGTERM):
        return self._stop_proc("api", sig=sig)

    def add_worker(self, name=None, env=None):
        """Starts one more docxp-worker (waits for READY=1); returns its name.
        env: extra environment variables for this worker only (e.g. the
        fault injection switches DOCXP_FAULT_FAIL_GLOB, DOCXP_FAULT_CRASH_GLOB)."""
        if name is None:
            name = "w%d" % self.next_worker
            self.next_worker += 1
        self._start_daemon(name, [self.binary("docxp-worker"), "-c", self.config, "--name", name],
                           env=env)
        if name not in self.worker_names:
            self.worker_names.append(name)
        self._save_state()
        return name

    def kill_worker(self, name=None, sig=signal.SIGKILL):
        """Kills a worker (the last one by default) with sig; returns its exit status."""
        name = name or self.worker_names[-1]
        rc = self._stop_proc(name, sig=sig)
        self.worker_names.remove(name)
        self._save_state()
        return rc

    def worker_alive(self, name):
        """True while worker `name` (started by this Stack) runs."""
        p = self.procs.get(name)
        return p is not None and p.poll() is None

    def dead_workers(self):
        """Names of workers that exited by themselves (crashed), not stopped by us."""
        return [n for n in self.worker_names if not self.worker_alive(n)]

    def daemon_status(self, name):
        """The last STATUS= a daemon sent over sd_notify ("processing chunk
        ..." for a busy worker), or None."""
        if not self.notifier:
            return None
        with self.notifier.cond:
            msgs = list(self.notifier.messages.get(name, []))
        st = [m[7:] for m in msgs if m.startswith("STATUS=")]
        return st[-1] if st else None

    def pid(self, name):
        p = self.procs.get(name)
        return p.pid if p is not None else None

    def restart_redis(self):
        """Stops Redis and starts it again: without persistence it comes back empty."""
        self.stop_redis()
        self.start_redis()

    def restart_pg(self, mode="fast"):
        """pg_ctl restart -m mode (fast: clients are disconnected, open
        transactions roll back); waits until it accepts connections."""
        data = self.path("pg", "data")
        env = dict(os.environ, LC_ALL="C.UTF-8")
        self._run_checked(self._as_postgres(
            [os.path.join(pg_bindir(), "pg_ctl"), "-D", data, "-l",
             self.path("pg", "postgresql.log"), "-m", mode, "-w", "-t", "60", "restart"]),
            "pg_ctl restart", env=env, cwd="/")
        self._write_pid("postgres", read_pidfile(os.path.join(data, "postmaster.pid")))

    # ---- processes ---------------------------------------------------------

    def _write_pid(self, name, pid):
        if pid:
            with open(self.path("pids", "%s.pid" % name), "w") as f:
                f.write("%d\n" % pid)

    def _spawn(self, name, argv, logpath, env):
        logf = open(logpath, "ab")
        logf.write(("---- %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(argv))).encode())
        logf.flush()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                             env=env, cwd=self.dir, start_new_session=True)
        logf.close()
        self.procs[name] = p
        self._write_pid(name, p.pid)
        return p

    def _stop_proc(self, name, sig=signal.SIGTERM, timeout=15):
        p = self.procs.pop(name, None)
        pidf = self.path("pids", "%s.pid" % name)
        if p is None:
            pid = read_pidfile(pidf)
            if pid:
                kill_pid(pid, name, sig=sig, timeout=timeout)
            rc = None
        else:
            rc = None
            if p.poll() is None:
                try:
                    p.send_signal(sig)
                    rc = p.wait(timeout)
                except subprocess.TimeoutExpired:
                    log("%s (pid %d) ignored %s for %ss: SIGKILL" % (name, p.pid, sig, timeout))
                    self.failed = True
                    p.kill()
                    p.wait()
                    rc = "killed after %ss" % timeout
            else:
                rc = p.returncode
        try:
            os.unlink(pidf)
        except OSError:
            pass
        return rc

    def stop(self, keep=None):
        """Stops everything (SIGTERM, then SIGKILL after a timeout).  The
        directory is removed unless the stack failed, keep is true or
        DOCXP_KEEP=1; then its path is printed."""
        if self.dir is None:
            return
        for name in ["nginx", "api"] + list(self.worker_names):
            rc = self._stop_proc(name)
            if name != "nginx" and rc not in (None, 0) and self.with_docxp:
                log("%s exited with status %s on SIGTERM; see %s"
                    % (name, rc, self.path("logs", name + ".log")))
                self.unclean.append("%s (status %s)" % (name, rc))
                self.failed = True
        for name in [n for n in self.procs if n != "redis"]:
            self._stop_proc(name)
        self.worker_names = []
        if self.detach:
            pid = read_pidfile(self.path("nginx.pid"))
            if pid:
                kill_pid(pid, "nginx")
        self._stop_proc("redis")
        try:
            self._stop_pg()
        except StackError as e:
            log(str(e))
        if self.notifier:
            self.notifier.close()
            self.notifier = None
        self.started = False
        self._archive_logs()
        if keep is None:
            keep = self.failed or os.environ.get("DOCXP_KEEP") == "1"
        if keep:
            log("stack dir kept: %s (logs in %s/logs)" % (self.dir, self.dir))
        elif os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)

    def _archive_logs(self):
        """Copies the stack's logs to the run-wide directory (see the module
        docstring); a later stop() of the same stack refreshes the copies."""
        base = log_archive_dir()
        if not base or self.detach or not os.path.isdir(self.path("logs")):
            return
        tag = hashlib.sha1(self.dir.encode()).hexdigest()[:6]
        dest = os.path.join(base, "%s-%s" % (os.path.basename(self.dir.rstrip("/")), tag))
        try:
            os.makedirs(dest, exist_ok=True)
            for p in glob.glob(self.path("logs", "*")) + [self.path("pg", "postgresql.log")]:
                if os.path.isfile(p):
                    shutil.copyfile(p, os.path.join(dest, os.path.basename(p)))
        except OSError as e:
            log("could not keep the logs in %s: %s" % (dest, e))

    # ---- files ------------------------------------------------------------

    def _write_config(self):
        conf = {
            "database": {"uri": self.pguri},
            "redis": {"host": "127.0.0.1", "port": str(self.redis_port)},
            "api": {"socket": self.api_socket, "socket_mode": "0666", "threads": "24"},
            "indexing": {"repository_roots": "/"},
            "log": {"level": "info"},
        }
        if self.fake_bedrock:
            conf["embedding"] = {"provider": "bedrock"}
            conf["aws"] = {"bedrock_endpoint": self.bedrock_url, "region": "us-east-1",
                           "credentials_file": self.aws_credentials_file}
        for sec, kv in self.extra_conf.items():
            conf.setdefault(sec, {}).update({k: str(v) for k, v in kv.items()})
        with open(self.config, "w") as f:
            f.write("# generated by tests/harness/docxp_stack.py\n")
            for sec, kv in conf.items():
                f.write("[%s]\n" % sec)
                for k, v in kv.items():
                    f.write("%s = %s\n" % (k, v))

    # ---- fake Bedrock (fake_bedrock=True) -----------------------------------

    @property
    def bedrock_url(self):
        return "http://127.0.0.1:%d" % self.bedrock_port

    @property
    def aws_credentials_file(self):
        return self.path("aws-credentials.json")

    def write_aws_credentials(self, access_key_id="AKIDDOCXPTEST1", valid_seconds=3600,
                              secret=None, token=None):
        """Writes the credentials state file atomically (mode 0600), as
        docxp-credentials does; the fake accepts the keys it finds there."""
        exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + valid_seconds))
        d = {"Version": 1, "AccessKeyId": access_key_id,
             "SecretAccessKey": secret or "secret-of-" + access_key_id,
             "SessionToken": token or "token/of+" + access_key_id, "Expiration": exp}
        if not self.detach:
            record_secret("aws_secret_access_key", d["SecretAccessKey"])
            record_secret("aws_session_token", d["SessionToken"])
        tmp = self.aws_credentials_file + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(d, f)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, self.aws_credentials_file)

    def _start_fake_bedrock(self):
        portfile = self.path("run", "fake_bedrock.port")
        if os.path.exists(portfile):
            os.unlink(portfile)
        if not os.path.exists(self.aws_credentials_file):
            self.write_aws_credentials()
        argv = ["/usr/bin/python3", os.path.join(self.srcdir, "tests", "harness", "fake_bedrock.py"),
                "--port", "0", "--port-file", portfile, "--credentials-file", self.aws_credentials_file,
                "--log", self.path("logs", "fake_bedrock.jsonl")]
        f = self.bedrock_faults
        for k, opt in (("throttle", "--throttle"), ("error5xx", "--error5xx"),
                       ("timeout408", "--timeout408"), ("latency_ms", "--latency-ms")):
            if k in f:
                argv += [opt, str(f[k])]
        if f.get("expired"):
            argv += ["--expired", ",".join(f["expired"])]
        argv += self.bedrock_args
        p = self._spawn("fake_bedrock", argv, self.path("logs", "fake_bedrock.log"), env=dict(os.environ))

        def up():
            if p.poll() is not None:
                raise StackError("fake_bedrock.py exited with %s (python3-botocore installed?):\n%s"
                                 % (p.returncode, tail(self.path("logs", "fake_bedrock.log"))))
            return read_pidfile(portfile)
        self.bedrock_port = wait_until(up, 20, "fake_bedrock.py port file")

    def bedrock_control(self, path, body=None):
        """GET (body None) or POST a control endpoint of the fake Bedrock
        (/_fake/stats, /_fake/requests, /_fake/config, /_fake/reset)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.bedrock_port, timeout=30)
        try:
            if body is None:
                conn.request("GET", path)
            else:
                conn.request("POST", path, body=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"})
            return json.loads(conn.getresponse().read() or b"null")
        finally:
            conn.close()

    def bedrock_stats(self):
        """Counters of the fake: requests, sig_ok, sig_bad, statuses, errors."""
        return self.bedrock_control("/_fake/stats")

    def bedrock_config(self, **faults):
        """Changes the fake's faults at run time (throttle=, error5xx=,
        timeout408=, latency_ms=, expired=[...])."""
        return self.bedrock_control("/_fake/config", faults)

    def env_vars(self):
        env = {"DOCXP_URL": self.url, "DOCXP_PGURI": self.pguri,
               "DOCXP_REDIS": self.redis_url, "DOCXP_CONFIG": self.config}
        if getattr(self, "api_key", None):
            env["DOCXP_API_KEY"] = self.api_key
        return env

    def create_key(self, name, scope="read"):
        """Creates an API key with `docxp apikey create`; returns the key."""
        p = subprocess.run([self.binary("docxp"), "-c", self.config, "apikey", "create", "--name", name,
                            "--scope", scope], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, env=self._daemon_env(), universal_newlines=True)
        if p.returncode != 0:
            raise StackError("docxp apikey create failed (exit %d): %s" % (p.returncode, p.stderr))
        if not self.detach:
            record_secret("api_key", p.stdout.strip())
        return p.stdout.strip()

    def _write_env(self):
        with open(self.path("docxp.env"), "w") as f:
            for k, v in self.env_vars().items():
                f.write("%s=%s\n" % (k, v))

    def _save_state(self):
        st = {"dir": self.dir, "pg_port": self.pg_port, "redis_port": self.redis_port,
              "http_port": self.http_port, "workers": self.worker_names,
              "builddir": self.builddir, "detach": self.detach, "started_at": time.time()}
        with open(self.path("stack.json"), "w") as f:
            json.dump(st, f, indent=1)

    def diagnostics(self, lines=25):
        """Tails of every log, for test failures."""
        out = []
        for p in sorted(glob.glob(self.path("logs", "*.log"))) + [self.path("pg", "postgresql.log")]:
            if os.path.exists(p) and os.path.getsize(p):
                out.append("--- %s\n%s" % (p, tail(p, lines)))
        return "\n".join(out)

    # ---- client helpers ---------------------------------------------------

    def http(self, method, path, body=None, headers=None, timeout=30, auth=True):
        """One request through nginx.  body: dict/list (sent as JSON), str or
        bytes.  The harness's admin API key is sent unless auth=False or
        headers has its own Authorization.  Returns (status, headers with
        lower-case names, parsed JSON or text)."""
        hdrs = dict(headers or {})
        if auth and getattr(self, "api_key", None) and "Authorization" not in hdrs:
            hdrs["Authorization"] = "Bearer " + self.api_key
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            try:
                conn.request(method, path, body=body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                pass  # nginx may answer (413) before reading the whole body
            resp = conn.getresponse()
            raw = resp.read()
            rh = {k.lower(): v for k, v in resp.getheaders()}
            status = resp.status
        finally:
            conn.close()
        text = raw.decode("utf-8", "replace")
        parsed = text
        if "json" in rh.get("content-type", "") or text[:1] in "{[":
            try:
                parsed = json.loads(text)
            except ValueError:
                pass
        return status, rh, parsed

    def psql(self, sql, db="docxp"):
        """Runs sql with psql -At; returns a list of tuples of strings."""
        uri = "postgresql://postgres@127.0.0.1:%d/%s" % (self.pg_port, db)
        p = subprocess.run([os.path.join(pg_bindir(), "psql"), "-X", "-At", "-q",
                            "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-d", uri, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise StackError("psql failed: %s\n%s" % (sql, p.stderr.decode("utf-8", "replace")))
        out = p.stdout.decode("utf-8", "replace")
        return [tuple(l.split("\x1f")) for l in out.split("\n") if l != ""]

    def docxp(self, *args, timeout=300, env=None):
        """Runs the docxp CLI with DOCXP_URL set; returns CompletedProcess (text)."""
        e = self._daemon_env()
        e["DOCXP_URL"] = self.url
        if getattr(self, "api_key", None):
            e["DOCXP_API_KEY"] = self.api_key
        e.update(env or {})
        return subprocess.run([self.binary("docxp")] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, env=e,
                              universal_newlines=True)

    def start_job(self, repository_path, job_type="full", **kw):
        body = dict(repository_path=repository_path, job_type=job_type, **kw)
        st, _, b = self.http("POST", "/api/v1/indexing/start", body)
        if st != 202 or not isinstance(b, dict) or "job_id" not in b:
            raise StackError("POST /api/v1/indexing/start -> %s %r" % (st, b))
        return b["job_id"]

    def job(self, job_id):
        st, _, b = self.http("GET", "/api/v1/indexing/jobs/%s/status" % job_id)
        if st != 200:
            raise StackError("GET status of %s -> %s %r" % (job_id, st, b))
        return b

    def wait_job(self, job_id, timeout=120, interval=0.2):
        """Polls the job's status until it is terminal; returns the status JSON."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.job(job_id)
            if last.get("status") in TERMINAL_STATES:
                return last
            time.sleep(interval)
        raise StackError("job %s not finished after %ss; last status:\n%s\n%s" % (
            job_id, timeout, json.dumps(last, indent=1), self.diagnostics(15)))


def nginx_check(nginx, site, includes=()):
    """nginx -t of an operator's configuration: the files includes (paths, in
    http { } first, as conf.d is) and site (text for http { }, e.g.
    docxp-site.conf with its include of the snippet), logs and temporary
    paths moved to a scratch directory (nginx -t binds no socket: the
    site's listen stays).  Returns the finished subprocess."""
    d = tempfile.mkdtemp(prefix="docxp-nginx-t-")
    try:
        site = re.sub(r"(access|error)_log \S+;", r"\1_log %s/\1.log;" % d, site)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write("pid %s/nginx.pid;\nevents {}\nhttp {\n" % d
                    + "".join("    %s_temp_path %s/%s;\n" % (t, d, t)
                              for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
                    + "".join("    include %s;\n" % i for i in includes) + site + "\n}\n")
        return subprocess.run([nginx, "-t", "-p", d + "/", "-e", os.path.join(d, "error.log"), "-c", conf],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=60)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def kill_pid(pid, name, sig=signal.SIGTERM, timeout=15):
    """SIGTERM (or sig) a process that is not our child, SIGKILL after timeout."""
    if not pid_alive(pid):
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            log("%s (pid %d) still alive %ss after signal %d: SIGKILL" % (name, pid, timeout, sig))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline += 10
        time.sleep(0.05)


# ---- command line ----------------------------------------------------------

EXPECTED_CMD = {"nginx": "nginx", "redis": "redis-server", "api": "docxp-api",
                "postgres": "postgres"}


def stop_dir(d):
    """Stops a (detached) stack from its pid files; returns True if something ran."""
    d = os.path.abspath(d)
    if not os.path.isdir(os.path.join(d, "pids")):
        return False
    found = False
    order = ["nginx", "api"]
    names = [os.path.basename(p)[:-4] for p in glob.glob(os.path.join(d, "pids", "*.pid"))]
    order += sorted(n for n in names if n not in order + ["redis", "postgres"]) + ["redis"]
    for name in order:
        pidf = os.path.join(d, "pids", name + ".pid")
        if name == "nginx":
            pid = read_pidfile(os.path.join(d, "nginx.pid")) or read_pidfile(pidf)
        else:
            pid = read_pidfile(pidf)
        expect = EXPECTED_CMD.get(name, "docxp-worker")
        if pid and pid_alive(pid):
            cmd = pid_cmdline(pid)
            if expect not in cmd and d + "/" not in cmd:
                log("pid %d is not %s any more (%s): left alone" % (pid, name, cmd))
            else:
                found = True
                kill_pid(pid, name)
        for f in (pidf,):
            try:
                os.unlink(f)
            except OSError:
                pass
    data = os.path.join(d, "pg", "data")
    if pid_alive(read_pidfile(os.path.join(data, "postmaster.pid"))):
        found = True
        s = Stack(dir=d, docxp=False)
        s._stop_pg()
    return found


def stack_healthy(d):
    try:
        st = json.load(open(os.path.join(d, "stack.json")))
    except (OSError, ValueError):
        return None
    try:
        conn = http.client.HTTPConnection("127.0.0.1", st["http_port"], timeout=3)
        conn.request("GET", "/api/v1/indexing/health")
        r = conn.getresponse()
        body = json.loads(r.read() or b"{}")
        conn.close()
        return st if r.status == 200 and body.get("status") == "ok" else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description="private docxp stack (PostgreSQL, Redis, nginx, "
                                 "docxp-api, docxp-workers)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("start")
    a.add_argument("--dir", required=True)
    a.add_argument("--workers", type=int, default=2)
    a.add_argument("--detach", action="store_true",
                   help="leave the stack running after this command exits")
    a.add_argument("--reuse", action="store_true",
                   help="keep a healthy stack already running in DIR (built from the same binaries)")
    a.add_argument("--no-docxp", action="store_true", help="only PostgreSQL, Redis and nginx")
    b = sub.add_parser("stop")
    b.add_argument("--dir", required=True)
    c = sub.add_parser("status")
    c.add_argument("--dir", required=True)
    args = ap.parse_args(argv)
    d = os.path.abspath(args.dir)

    if args.cmd == "stop":
        if stop_dir(d):
            print("stopped the stack in %s" % d)
        else:
            print("no stack running in %s" % d)
        return 0
    if args.cmd == "status":
        st = stack_healthy(d)
        print("running: %s" % ("http://127.0.0.1:%d" % st["http_port"]) if st else "not running")
        return 0 if st else 1

    if args.reuse:
        st = stack_healthy(d)
        builddir = os.path.abspath(os.environ.get("DOCXP_BUILDDIR") or REPO)
        newest = max([os.path.getmtime(os.path.join(builddir, b)) for b in
                      ("docxp-api", "docxp-worker") if os.path.exists(os.path.join(builddir, b))]
                     or [0])
        if st and st.get("builddir") == builddir and newest < st.get("started_at", 0):
            print("reusing the running stack in %s" % d)
            print("DOCXP_URL=http://127.0.0.1:%d" % st["http_port"])
            return 0
    if stop_dir(d):
        log("stopped the previous stack in %s" % d)
    if os.path.isdir(d):
        shutil.rmtree(d)
    s = Stack(dir=d, workers=args.workers, docxp=not args.no_docxp, detach=args.detach)
    try:
        s.start()
    except StackError as e:
        log("cannot start the stack: %s" % e)
        return 1
    for k, v in s.env_vars().items():
        print("%s=%s" % (k, v))
    if args.detach:
        # Popen children were started in their own sessions: they survive us.
        return 0
    log("running; Ctrl-C stops it")
    stop_now = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda n, f: stop_now.append(n))
    while not stop_now:
        signal.pause()
    s.stop(keep=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
