#!/usr/bin/python3
"""docxp-credentials and the AWS credential chain against local fakes that
speak the real protocols (tests/harness/fake_aws.py: IMDSv2, the container
endpoint, STS AssumeRole with its SigV4 signature verified by botocore, and
AssumeRoleWithWebIdentity): each source is selected and used, failures fall
through in order with their reasons, a credential_process script works, no
secret is printed, and the state file is mode 0600 and never seen
half-written (a reader hammers it during 200 docxp-credentials runs; the
1,000-refresh version of this runs in-process in
tests/unit/aws/test_credchain.c, test_credfile_hammer, where it is fast
also under the sanitizers).

End to end (shortened for CI: credentials live 20 s instead of an hour and
docxp-credentials runs every 7 s instead of 30 min): a job embedding
against the fake Bedrock, which accepts the issued credentials only until
they expire, completes with no failed file while the credentials expire
under it; when refreshing stops, the job stalls with "credentials expired"
in health and a `stalled` event in the SSE stream, and finishes by itself
once refreshing resumes."""
import http.client
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import taptest  # noqa: E402
from taptest import Stack, eq, note, ok  # noqa: E402
from docxp_stack import read_pidfile, wait_until  # noqa: E402

SRCDIR = os.environ.get("DOCXP_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILDDIR = os.environ.get("DOCXP_BUILDDIR") or SRCDIR
ROLE = "arn:aws:iam::123456789012:role/docxp-indexer"
SRC_KEY, SRC_SECRET = "AKIDSOURCEPROFILE", "source/profile+secret"
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.fake-oidc-token.sig"
CONTAINER_TOKEN = "Bearer-container-token-123"
TTL = 20        # issued credentials' lifetime in the end-to-end run (real: 1 h)
REFRESH = 7     # seconds between docxp-credentials runs there (real: 30 min)
EX_NOPERM, EX_CONFIG = 77, 78
HAMMER = 200    # docxp-credentials processes racing a reader (1,000 in-process: test_credchain.c)
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def clean_env():
    """The environment without AWS_*, DOCXP_* and proxy variables (the fakes
    are on loopback; STS requests honour a proxy like any curl request)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("AWS_") and not k.startswith("DOCXP_") and k not in PROXY_VARS}


def _owner():
    for name in ("docxp", "nobody"):
        try:
            return name, pwd.getpwnam(name).pw_uid
        except KeyError:
            pass
    return "", None


# run as root, docxp-credentials gives the file to aws.credentials_owner
OWNER, OWNER_UID = _owner()
state = {}


# ---- the fake and helpers --------------------------------------------------------------------

class FakeAWS:
    def __init__(self, d, ttl=3600):
        self.dir = d
        self.registry = os.path.join(d, "issued.json")
        portfile = os.path.join(d, "fake_aws.port")
        self.log = open(os.path.join(d, "fake_aws.log"), "w")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SRCDIR, "tests", "harness", "fake_aws.py"), "--port", "0",
             "--port-file", portfile, "--registry", self.registry, "--ttl", str(ttl), "--roles", ROLE,
             "--keys", "%s:%s" % (SRC_KEY, SRC_SECRET), "--web-tokens", WEB_TOKEN,
             "--container-token", CONTAINER_TOKEN, "--imds-role", "docxp-instance-role"],
            stdout=self.log, stderr=subprocess.STDOUT)

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError("fake_aws.py exited with %s: %s" % (
                    self.proc.returncode, open(os.path.join(d, "fake_aws.log")).read()[-2000:]))
            return read_pidfile(portfile)
        self.port = wait_until(up, 20, "fake_aws.py port file")
        self.url = "http://127.0.0.1:%d" % self.port

    def control(self, path, body=None, method=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method or ("GET" if body is None else "POST"), path,
                         body=None if body is None else json.dumps(body).encode(), headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def stats(self):
        return json.loads(self.control("/_fake/stats")[1])

    def config(self, **kw):
        return self.control("/_fake/config", kw)

    def issued(self):
        try:
            with open(self.registry) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def fake():
    if "fake" not in state:
        d = tempfile.mkdtemp(prefix="docxp-creds-")
        os.chmod(d, 0o755)
        state["dir"] = d
        state["fake"] = FakeAWS(d)
    return state["fake"]


def home(files=None):
    """A fresh HOME with ~/.aws/{credentials,config} as given."""
    h = tempfile.mkdtemp(prefix="home-", dir=state["dir"])
    os.makedirs(os.path.join(h, ".aws"))
    for name, text in (files or {}).items():
        with open(os.path.join(h, ".aws", name), "w") as f:
            f.write(text)
    return h


def conf(path, **aws):
    with open(path, "w") as f:
        f.write("[aws]\ncredentials_file = %s\ncredentials_owner = %s\n"
                % (os.path.join(state["dir"], "state", "creds.json"), OWNER))
        for k, v in aws.items():
            f.write("%s = %s\n" % (k, v))
    return path


def creds_file():
    return os.path.join(state["dir"], "state", "creds.json")


def run_creds(env=None, home_dir=None, config=None, args=(), timeout=60):
    """docxp-credentials with only the variables given (a clean AWS env)."""
    os.makedirs(os.path.join(state["dir"], "state"), exist_ok=True)
    e = clean_env()
    e["HOME"] = home_dir or home()
    # IMDS is the last source: by default it answers from the fake, so that a
    # test that expects another source fails loudly when that one is skipped
    e["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = fake().url
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}
    cfgpath = config or conf(os.path.join(state["dir"], "docxp.conf"))
    return subprocess.run([os.path.join(BUILDDIR, "docxp-credentials"), "-c", cfgpath] + list(args), env=e,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=timeout)


def show(p):
    return "exit %s\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:])


def written():
    with open(creds_file()) as f:
        return json.load(f)


def assert_issued(source_prefix, p):
    eq(p.returncode, 0, "docxp-credentials: " + show(p))
    d = written()
    ok(d.get("DocxpSource", "").startswith(source_prefix), "source %r, want %s..." % (
        d.get("DocxpSource"), source_prefix), show(p))
    issued = fake().issued()
    ok(d["AccessKeyId"] in issued, "the file holds credentials the fake issued", d["AccessKeyId"])
    eq(d["SecretAccessKey"], issued[d["AccessKeyId"]]["secret"], "the secret")
    eq(d["SessionToken"], issued[d["AccessKeyId"]]["token"], "the session token")
    eq(d["Version"], 1)
    ok(d["Expiration"].endswith("Z"), "Expiration is RFC 3339 UTC", d["Expiration"])
    ok("source=%s" % source_prefix in p.stdout and "key=ASIA..." in p.stdout, "stdout names source and key",
       p.stdout)
    for secret in (d["SecretAccessKey"], d["SessionToken"], d["AccessKeyId"]):
        ok(secret not in p.stdout + p.stderr, "a secret was printed", show(p))
    return d


# ---- each source ------------------------------------------------------------------------------

def test_imds_v2():
    f = fake()
    before = f.stats()
    p = run_creds()
    assert_issued("imds:docxp-instance-role", p)
    after = f.stats()
    for k in ("imds_token", "imds_role_list", "imds_credentials"):
        eq(after[k] - before[k], 1, "one %s request" % k)
    # the fake really requires the token (IMDSv2): the check above can fail
    st, _ = f.control("/latest/meta-data/iam/security-credentials/")
    eq(st, 401, "GET without a session token")
    st, _ = f.control("/latest/api/token", body={}, method="PUT")
    eq(st, 400, "PUT without a TTL header")
    # no role attached: a clear reason, then nothing left
    f.config(imds_role="")
    try:
        p = run_creds()
    finally:
        f.config(imds_role="docxp-instance-role")
    eq(p.returncode, EX_NOPERM, show(p))
    ok("no IAM role attached" in p.stderr, "reason for an instance without role", show(p))


def test_container_endpoint():
    f = fake()
    tokfile = os.path.join(state["dir"], "container-token")
    with open(tokfile, "w") as fh:
        fh.write(CONTAINER_TOKEN + "\n")
    before = f.stats()["container"]
    p = run_creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": f.url + "/creds",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokfile})
    assert_issued("container", p)
    eq(f.stats()["container"] - before, 1, "one container request")
    p = run_creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": f.url + "/creds",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN})
    assert_issued("container", p)
    # a wrong token: 401, reported, and the chain falls through to IMDS
    p = run_creds({"AWS_CONTAINER_CREDENTIALS_FULL_URI": f.url + "/creds",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"})
    assert_issued("imds:", p)
    ok("container endpoint %s/creds answered HTTP 401" % f.url in p.stderr, "container failure reported",
       show(p))


def profile_home(role=ROLE, secret=SRC_SECRET, extra=""):
    return home({"credentials": "[source]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                                % (SRC_KEY, secret),
                 "config": "[default]\nregion = us-east-1\n[profile indexer]\nrole_arn = %s\n"
                           "source_profile = source\nrole_session_name = docxp-test\n%s" % (role, extra)})


def test_assume_role_signed():
    f = fake()
    before = f.stats()
    p = run_creds({"AWS_PROFILE": "indexer", "AWS_ENDPOINT_URL_STS": f.url}, profile_home())
    assert_issued("assume-role:" + ROLE, p)
    after = f.stats()
    eq(after["assume_role"] - before["assume_role"], 1, "one AssumeRole call")
    eq(after["sig_ok"] - before["sig_ok"], 1, "its SigV4 signature verified by botocore")
    eq(after["sig_bad"], before["sig_bad"], "no bad signature")
    # a role assumed with the session credentials of another role: the
    # second AssumeRole is signed with a session token
    before = f.stats()
    p = run_creds({"AWS_PROFILE": "chained", "AWS_ENDPOINT_URL_STS": f.url},
                  profile_home(extra="[profile chained]\nrole_arn = %s\nsource_profile = indexer\n" % ROLE))
    assert_issued("assume-role:" + ROLE, p)
    after = f.stats()
    eq(after["assume_role"] - before["assume_role"], 2, "two AssumeRole calls")
    eq(after["sig_ok"] - before["sig_ok"], 2, "both signatures verified")
    reqs = json.loads(f.control("/_fake/requests")[1])
    ok(reqs[-1].get("access_key", "").startswith("ASIA"), "the second call signed with issued keys", reqs[-1])
    # the endpoint from the configuration file instead of the environment
    p = run_creds({"AWS_PROFILE": "indexer"}, profile_home(),
                  conf(os.path.join(state["dir"], "sts.conf"), sts_endpoint=f.url))
    assert_issued("assume-role:" + ROLE, p)
    # a wrong source secret: the fake's verifier notices, the chain falls through
    p = run_creds({"AWS_PROFILE": "indexer", "AWS_ENDPOINT_URL_STS": f.url}, profile_home(secret="wrong"))
    assert_issued("imds:", p)
    ok("SignatureDoesNotMatch" in p.stderr, "signature failure reported", show(p))
    eq(f.stats()["sig_bad"] - after["sig_bad"], 1, "the fake counted the bad signature")
    # a role STS refuses
    p = run_creds({"AWS_PROFILE": "indexer", "AWS_ENDPOINT_URL_STS": f.url},
                  profile_home(role="arn:aws:iam::123456789012:role/other"))
    assert_issued("imds:", p)
    ok("AccessDenied" in p.stderr, "AccessDenied reported", show(p))


def test_web_identity():
    f = fake()
    tok = os.path.join(state["dir"], "web-token")
    with open(tok, "w") as fh:
        fh.write(WEB_TOKEN)
    env = {"AWS_WEB_IDENTITY_TOKEN_FILE": tok, "AWS_ROLE_ARN": ROLE, "AWS_ROLE_SESSION_NAME": "docxp-pod",
           "AWS_ENDPOINT_URL_STS": f.url}
    before = f.stats()["web_identity"]
    p = run_creds(env)
    assert_issued("web-identity:" + ROLE, p)
    eq(f.stats()["web_identity"] - before, 1, "one AssumeRoleWithWebIdentity call")
    with open(tok, "w") as fh:
        fh.write("not-a-valid-token")
    p = run_creds(env)
    assert_issued("imds:", p)
    ok("InvalidIdentityToken" in p.stderr, "web identity failure reported", show(p))
    # the same through a profile's web_identity_token_file
    with open(tok, "w") as fh:
        fh.write(WEB_TOKEN)
    h = home({"config": "[profile pod]\nrole_arn = %s\nweb_identity_token_file = %s\n" % (ROLE, tok)})
    p = run_creds({"AWS_PROFILE": "pod", "AWS_ENDPOINT_URL_STS": f.url}, h)
    assert_issued("web-identity:" + ROLE, p)


def test_credential_process():
    script = os.path.join(state["dir"], "cred-helper.sh")
    with open(script, "w") as fh:
        fh.write("#!/bin/sh\n[ \"$1\" = fail ] && { echo 'helper: vault sealed' >&2; exit 2; }\n"
                 "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": "
                 "\"process-secret\", \"SessionToken\": \"process-token\", "
                 "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n")
    os.chmod(script, 0o755)
    h = home({"config": "[profile helper]\ncredential_process = %s ok\n[profile broken]\n"
                        "credential_process = %s fail\n" % (script, script)})
    p = run_creds({"AWS_PROFILE": "helper"}, h)
    eq(p.returncode, 0, show(p))
    d = written()
    eq(d["AccessKeyId"], "AKIDPROCESS")
    eq(d["DocxpSource"], "process:helper")
    eq(d["Expiration"], "2099-01-01T00:00:00Z")
    ok("process-secret" not in p.stdout + p.stderr and "process-token" not in p.stdout + p.stderr,
       "a secret was printed", show(p))
    p = run_creds({"AWS_PROFILE": "broken"}, h)
    assert_issued("imds:", p)
    ok("credential_process exited with status 2" in p.stderr, "helper failure reported", show(p))


def test_environment_and_static_keys():
    p = run_creds({"AWS_ACCESS_KEY_ID": "AKIDSTATICKEY", "AWS_SECRET_ACCESS_KEY": "static-secret"})
    eq(p.returncode, 0, show(p))
    d = written()
    eq(d["AccessKeyId"], "AKIDSTATICKEY")
    ok("Expiration" not in d and "SessionToken" not in d, "static keys never expire", d)
    ok("expires=never" in p.stdout, "stdout says the keys do not expire", p.stdout)
    ok("static-secret" not in p.stdout + p.stderr, "a secret was printed", show(p))


def test_fall_through_in_order():
    """Every source configured but broken except the last; then the last
    broken too: exit 77 naming all five with their reasons, in order."""
    f = fake()
    tok = os.path.join(state["dir"], "bad-web-token")
    with open(tok, "w") as fh:
        fh.write("bad-token")
    env = {"AWS_PROFILE": "indexer", "AWS_ENDPOINT_URL_STS": f.url,
           "AWS_WEB_IDENTITY_TOKEN_FILE": tok, "AWS_ROLE_ARN": ROLE,
           "AWS_CONTAINER_CREDENTIALS_FULL_URI": f.url + "/creds",
           "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"}
    h = profile_home(role="arn:aws:iam::123456789012:role/denied")
    p = run_creds(env, h)
    assert_issued("imds:", p)
    f.config(fail=["imds"])
    try:
        p = run_creds(env, h)
    finally:
        f.config(fail=[])
    eq(p.returncode, EX_NOPERM, show(p))
    lines = [l.strip() for l in p.stderr.splitlines() if l.startswith("  ")]
    eq([l.split()[0] for l in lines], ["environment", "profile", "web_identity", "container", "imds"],
       "every source, in order: " + p.stderr)
    want = ["AWS_ACCESS_KEY_ID", "AccessDenied", "InvalidIdentityToken", "HTTP 401", "HTTP 500"]
    for line, w in zip(lines, want):
        ok(w in line, "reason %r in %r" % (w, line))
    ok("no AWS credentials from any source" in p.stderr, "a clear message", p.stderr)
    ok(not os.path.exists(creds_file()) or written()["AccessKeyId"] != "", "the old file is kept")
    # a configured order: environment after IMDS
    p = run_creds({"AWS_ACCESS_KEY_ID": "AKIDENVORDER", "AWS_SECRET_ACCESS_KEY": "x"}, None,
                  conf(os.path.join(state["dir"], "order.conf"), credential_sources="imds, environment"))
    assert_issued("imds:", p)
    bad = conf(os.path.join(state["dir"], "badorder.conf"), credential_sources="imds,env")
    for args in ((), ("--check-config",)):
        p = run_creds({}, None, bad, args=args)
        eq(p.returncode, EX_CONFIG, show(p))
        ok("unknown credential source 'env'" in p.stderr, "bad order refused", show(p))


def test_check_config():
    p = run_creds(args=["--check-config"])
    eq(p.returncode, 0, show(p))
    ok("aws.credential_sources = environment,profile,web_identity,container,imds" in p.stdout, "keys shown",
       p.stdout[-2000:])
    bad = os.path.join(state["dir"], "bad.conf")
    with open(bad, "w") as f:
        f.write("[aws]\nno_such_key = 1\n")
    p = run_creds(config=bad)
    eq(p.returncode, EX_CONFIG, show(p))
    p = run_creds(args=["--dry-run"], env={"AWS_ACCESS_KEY_ID": "AKIDDRYRUN", "AWS_SECRET_ACCESS_KEY": "x"})
    eq(p.returncode, 0, show(p))
    ok("would write" in p.stdout and written()["AccessKeyId"] != "AKIDDRYRUN", "--dry-run writes nothing",
       p.stdout)


# ---- the state file ------------------------------------------------------------------------------

READER = r"""
import json, os, sys, time
path, stopfile = sys.argv[1], sys.argv[2]
reads, bad, keys = 0, [], set()
while not os.path.exists(stopfile):
    time.sleep(0.0002)  # still hundreds of reads per refresh, but the writer gets the CPU
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        bad.append("file missing")
        continue
    reads += 1
    try:
        d = json.loads(data)
        if d["Version"] != 1 or not d["AccessKeyId"] or not d["SecretAccessKey"]:
            raise ValueError
        keys.add(d["AccessKeyId"])
    except (ValueError, KeyError, TypeError):
        bad.append(data[:200].decode("latin-1"))
print(json.dumps({"reads": reads, "bad": bad[:5], "nbad": len(bad), "keys": len(keys)}))
"""


def test_state_file_atomic_and_private():
    """A reader process hammers the file during HAMMER refreshes (each one a
    docxp-credentials process with different keys): it only ever sees
    complete, valid JSON; the file is 0600 (even with umask 022) and no
    temporary file is left.  The file lives on tmpfs when there is one:
    atomicity is the point here, and fsync on a disk would make this test
    take a minute."""
    fake()
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else state["dir"]
    d = tempfile.mkdtemp(prefix="docxp-creds-hammer-", dir=base)
    path = os.path.join(d, "creds.json")
    stopfile = os.path.join(d, "stop")
    e = clean_env()
    e["HOME"] = state["dir"]
    exe = os.path.join(BUILDDIR, "docxp-credentials")
    cfg = os.path.join(d, "docxp.conf")
    with open(cfg, "w") as f:
        f.write("[aws]\ncredentials_file = %s\ncredentials_owner = %s\n" % (path, OWNER))
    old = os.umask(0o022)
    failures = 0
    reader = None
    t0 = time.monotonic()
    try:
        e.update(AWS_ACCESS_KEY_ID="AKIDROUNDSTART", AWS_SECRET_ACCESS_KEY="s")
        eq(subprocess.run([exe, "-c", cfg], env=e, stdout=subprocess.DEVNULL).returncode, 0, "first write")
        reader = subprocess.Popen(["/usr/bin/python3", "-c", READER, path, stopfile], stdout=subprocess.PIPE,
                                  universal_newlines=True)
        for i in range(HAMMER):
            e["AWS_ACCESS_KEY_ID"] = "AKIDROUND%d" % i
            e["AWS_SECRET_ACCESS_KEY"] = "secret-%d" % i
            e["AWS_SESSION_TOKEN"] = "token-%d-" % i + "x" * (i % 300)  # sizes vary
            r = subprocess.run([exe, "-c", cfg], env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            failures += r.returncode != 0
    finally:
        os.umask(old)
        open(stopfile, "w").close()
        out = reader.communicate(timeout=30)[0] if reader else "{}"
    seen = json.loads(out or "{}")
    note("%d refreshes in %.1fs; the reader read the file %s times, saw %s different keys"
         % (HAMMER, time.monotonic() - t0, seen.get("reads"), seen.get("keys")))
    eq(failures, 0, "every refresh succeeded")
    eq(seen.get("nbad"), 0, "the reader saw a half-written or missing file: %s" % seen.get("bad"))
    ok(seen.get("reads", 0) > HAMMER and seen.get("keys", 0) > HAMMER // 10, "the reader really raced the writer",
       seen)
    with open(path) as f:
        eq(json.load(f)["AccessKeyId"], "AKIDROUND%d" % (HAMMER - 1), "the last refresh won")
    eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "mode of the state file")
    if os.geteuid() == 0 and OWNER:
        eq(os.stat(path).st_uid, OWNER_UID, "run as root, the file belongs to aws.credentials_owner")
    left = sorted(n for n in os.listdir(d) if n not in ("creds.json", "stop", "docxp.conf"))
    eq(left, [], "temporary files left behind")
    shutil.rmtree(d, ignore_errors=True)


# ---- end to end: a job while the credentials expire -------------------------------------------------

class Refresher:
    """Runs docxp-credentials (IMDS source, against the fake) every
    REFRESH seconds, like docxp-credentials.timer, until paused."""

    def __init__(self, stack, f):
        self.stack, self.fake = stack, f
        self.running = threading.Event()
        self.stop = threading.Event()
        self.runs, self.failures = 0, []
        self.last = 0.0
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def once(self):
        e = clean_env()
        e.update(HOME=self.stack.dir, AWS_EC2_METADATA_SERVICE_ENDPOINT=self.fake.url)
        p = subprocess.run([self.stack.binary("docxp-credentials"), "-c", self.stack.config], env=e,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        self.runs += 1
        self.last = time.monotonic()
        if p.returncode != 0:
            self.failures.append(show(p))

    def loop(self):
        while not self.stop.is_set():
            if self.running.is_set():
                self.once()
            self.stop.wait(REFRESH)


def make_repo(n, tag):
    root = tempfile.mkdtemp(prefix="docxp-creds-%s-" % tag)
    for i in range(n):
        d = os.path.join(root, "src", "p%02d" % (i % 10))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "Cred%s%04d.java" % (tag.capitalize(), i)), "w") as f:
            f.write("package p;\n\n/** %s %d */\npublic class Cred%s%04d {\n" % (tag, i, tag.capitalize(), i))
            for m in range(4):
                f.write("    int %s%dm%d(int a) { return a * %d + %d; }\n" % (tag, i, m, i, m))
            f.write("}\n")
    state.setdefault("repos", []).append(root)
    return root


class SSECollector:
    """Reads a job's SSE stream in the background."""

    def __init__(self, stack, job):
        self.events = []
        self.conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=300)
        self.conn.request("GET", "/api/v1/indexing/jobs/%s/stream" % job,
                          headers={"Accept": "text/event-stream", "Authorization": "Bearer " + stack.api_key})
        self.resp = self.conn.getresponse()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        name, data = "message", []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                if line == "":
                    if data:
                        self.events.append((name, "\n".join(data)))
                    name, data = "message", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
        except (OSError, ValueError):
            return

    def close(self):
        self.conn.close()


def bedrock_credentials(stack):
    _, _, h = stack.http("GET", "/api/v1/indexing/health")
    return h, h.get("services", {}).get("bedrock", {})


def test_job_survives_expiring_credentials():
    d = tempfile.mkdtemp(prefix="docxp-creds-e2e-")
    os.chmod(d, 0o755)
    f = FakeAWS(d, ttl=TTL)
    stack = None
    refresher = None
    try:
        # fake_bedrock accepts what fake_aws issued, until it expires
        stack = Stack(workers=2, fake_bedrock=True, bedrock_args=["--registry", f.registry],
                      bedrock_faults={"latency_ms": 150},
                      extra_conf={"embedding": {"dimensions": "256", "concurrency": "2"},
                                  "aws": {"credentials_owner": OWNER},
                                  "worker": {"reconcile_seconds": "2"}, "indexing": {"chunk_size": "10"}})
        stack.start()
        refresher = Refresher(stack, f)
        refresher.once()
        eq(refresher.failures, [], "first refresh")
        refresher.running.set()
        refresher.thread.start()
        _, b = bedrock_credentials(stack)
        c = b.get("credentials", {})
        ok(c.get("source", "").startswith("imds:") and 0 < c.get("seconds_left", 0) <= TTL
           and c.get("state") == "ok", "health shows source and time left", c)
        ok(b.get("status") == "ok", "bedrock healthy while refreshed", b)
        ok(not any(k in json.dumps(b) for k in ("SecretAccessKey", written_secret(stack))), "no secret in health")

        # 1. a job of about 30 s while the credentials expire under it
        t0 = time.monotonic()
        job = stack.start_job(make_repo(150, "alpha"))
        s = stack.wait_job(job, 240)
        took = time.monotonic() - t0
        eq(s["status"], "completed", "job status")
        eq(s["files_failed"], 0, "no failed file")
        reqs = stack.bedrock_control("/_fake/requests")
        keys = {r["access_key"] for r in reqs if r.get("status") == 200}
        expired = sum(1 for r in reqs if r.get("error") == "ExpiredTokenException")
        note("job 1 took %.1fs, %d refreshes, %d Bedrock requests with %d different keys, %d expired-token "
             "answers" % (took, refresher.runs, len(reqs), len(keys), expired))
        ok(took > TTL, "the job outlived one credentials lifetime (%.1fs)" % took)
        ok(len(keys) >= 2, "the workers switched to refreshed keys", keys)
        ok(keys <= set(f.issued()), "only issued keys were used")
        eq(refresher.failures, [], "refresh failures")

        # 2. refreshing stops: the job stalls with credentials expired ...
        refresher.running.clear()
        stack.bedrock_control("/_fake/reset", {})
        left = TTL - (time.monotonic() - refresher.last)
        job = stack.start_job(make_repo(150, "beta"))
        sse = SSECollector(stack, job)
        deadline = time.monotonic() + left + 60
        stalled_health = None
        while time.monotonic() < deadline:
            h, b = bedrock_credentials(stack)
            workers = h["services"]["workers"].get("workers", [])
            if any(w.get("status") == "credentials_expired" for w in workers) and \
                    b.get("credentials", {}).get("state") == "expired":
                stalled_health = (h, b)
                break
            time.sleep(0.5)
        ok(stalled_health, "health shows credentials_expired workers and expired credentials",
           bedrock_credentials(stack)[1])
        h, b = stalled_health
        eq(h["status"], "degraded", "overall health")
        eq(b["status"], "degraded", "bedrock component")
        ok("credentials" in b.get("credentials_warning", "") and b["credentials"]["expired"],
           "a warning says why", b)
        s = stack.job(job)
        ok(s["status"] == "running" and s["files_failed"] == 0, "the job stalls, it does not fail", s)
        wait_until(lambda: any(n == "stalled" and "credentials_expired" in d for n, d in sse.events), 30,
                   "a stalled event with credentials_expired in the SSE stream")
        # the fake Bedrock itself refuses the expired keys (not only the
        # workers that know the expiry): a request signed with them
        with open(stack.aws_credentials_file) as fh:
            old = json.load(fh)
        st_, etype = bedrock_invoke(stack, old)
        ok(st_ == 403 and etype.startswith("ExpiredTokenException"), "fake Bedrock refuses expired keys",
           st_, etype)
        note("stalled after %d files of 150; SSE events so far: %s"
             % (s.get("files_processed", -1), sorted({n for n, _ in sse.events})))
        # ... and finishes by itself once refreshing resumes
        refresher.running.set()
        s = stack.wait_job(job, 180)
        eq(s["status"], "completed", "job status after refreshing resumed")
        eq(s["files_failed"], 0, "no failed file")
        _, b = bedrock_credentials(stack)
        eq(b["credentials"]["state"], "ok", "credentials healthy again")
        with open(stack.aws_credentials_file) as fh:
            fresh = json.load(fh)
        eq(bedrock_invoke(stack, fresh)[0], 200, "fresh keys accepted")
        sse.close()
        eq(refresher.failures, [], "refresh failures")
        refresher.stop.set()
        s, stack = stack, None
        s.stop()
        eq(s.unclean, [], "daemons that did not exit 0 on SIGTERM")
    finally:
        if refresher:
            refresher.stop.set()
        if stack:
            stack.stop()
        f.stop()
        shutil.rmtree(d, ignore_errors=True)


def bedrock_invoke(stack, cred):
    """One InvokeModel to the fake Bedrock signed by botocore with cred
    (credential_process JSON): (status, x-amzn-ErrorType)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    path = "/model/amazon.titan-embed-text-v2%3A0/invoke"
    body = json.dumps({"inputText": "hello", "dimensions": 256, "normalize": True}).encode()
    req = AWSRequest(method="POST", url=stack.bedrock_url + path, data=body,
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(cred["AccessKeyId"], cred["SecretAccessKey"], cred.get("SessionToken")), "bedrock",
              "us-east-1").add_auth(req)
    conn = http.client.HTTPConnection("127.0.0.1", stack.bedrock_port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=dict(req.headers.items()))
        r = conn.getresponse()
        r.read()
        return r.status, r.getheader("x-amzn-ErrorType") or ""
    finally:
        conn.close()


def written_secret(stack):
    with open(stack.aws_credentials_file) as fh:
        return json.load(fh)["SecretAccessKey"]


def test_cleanup():
    if "fake" in state:
        state["fake"].stop()
    for r in state.get("repos", []):
        shutil.rmtree(r, ignore_errors=True)
    if "dir" in state:
        shutil.rmtree(state["dir"], ignore_errors=True)


if __name__ == "__main__":
    taptest.main()
