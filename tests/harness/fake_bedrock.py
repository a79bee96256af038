#!/usr/bin/python3
"""
fake_bedrock - a local Bedrock Runtime for tests and benchmarks.

Speaks InvokeModel for Amazon Titan Text Embeddings v2
(POST /model/{modelId}/invoke, {"inputText", "dimensions", "normalize"} ->
{"embedding": [...], "inputTextTokenCount": N}) with deterministic fake
vectors (seeded by the text and dimensions; unit length when normalize),
and token counts of about one per word.

Every request's SigV4 signature is verified INDEPENDENTLY of docxp: the
signature is recomputed with botocore (Debian's python3-botocore,
botocore.auth.SigV4Auth) over the request as received, for the headers the
client says it signed, with the secret of the access key (from --keys, the
control endpoint, or the credential_process JSON file given with
--credentials-file).  Each request is recorded with the outcome.

Faults (command line or POST /_fake/config at run time):
    throttle     ratio of 429 ThrottlingException answers
    error5xx     ratio of 500 InternalServerException / 503 ServiceUnavailableException
    timeout408   ratio of 408 ModelTimeoutException
    latency_ms   added latency per invoke
    expired      access key ids or session tokens answered with 403 ExpiredTokenException
                 (and, with --registry, credentials fake_aws.py issued once they expired)

Control endpoints (unsigned):
    GET  /_fake/stats       counters (requests, sig_ok, sig_bad, per status, max in flight)
    GET  /_fake/requests    the recorded requests (never secrets)
    POST /_fake/config      JSON object: any of the faults above, "keys": {akid: secret}
    POST /_fake/reset       clears counters and records

    /usr/bin/python3 fake_bedrock.py --port 0 [--port-file F] [--region R]
        [--credentials-file F] [--registry F] [--keys AKID:SECRET,...] [--log FILE.jsonl]
        [--throttle 0.2] [--error5xx 0.1] [--latency-ms 50] [--expired AKID,...]
        [--seed N]
Prints "PORT <n>" on stdout when it listens.
"""

import argparse
import calendar
import hashlib
import json
import math
import os
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "bedrock"
AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
                     r"SignedHeaders=([a-z0-9;\-]+),\s*Signature=([0-9a-f]{64})$")
MAX_BODY = 1 << 20


def parse_keys(spec):
    """"AKID:SECRET,..." (the fakes' --keys) as {akid: secret}."""
    keys = {}
    for kv in filter(None, (spec or "").split(",")):
        k, _, v = kv.partition(":")
        keys[k] = v
    return keys


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.region = args.region
        self.model = args.model
        self.keys = parse_keys(args.keys)
        self.credfile = args.credentials_file
        self.credfile_sig = None
        # credentials issued by tests/harness/fake_aws.py (STS, IMDS, the
        # container endpoint): {akid: {"secret", "token", "expiration"}};
        # expired ones are answered with ExpiredTokenException
        self.registry = getattr(args, "registry", None)
        self.registry_sig = None
        self.issued = {}
        self.faults = {"throttle": args.throttle, "error5xx": args.error5xx,
                       "timeout408": args.timeout408, "latency_ms": args.latency_ms,
                       "expired": set(filter(None, (args.expired or "").split(",")))}
        self.rng = random.Random(args.seed)
        self.logf = open(args.log, "a") if args.log else None
        self.reset()

    def reset(self):
        with self.lock:
            self.stats = {"requests": 0, "sig_ok": 0, "sig_bad": 0, "statuses": {},
                          "errors": {}, "in_flight": 0, "max_in_flight": 0, "connections": 0,
                          "tokens": 0}
            self.records = []

    def learn_keys(self):
        """Reads the credential_process JSON file and the registry of
        issued credentials when they changed."""
        self.learn_registry()
        if not self.credfile:
            return
        try:
            st = os.stat(self.credfile)
            sig = (st.st_ino, st.st_size, st.st_mtime_ns)
            if sig == self.credfile_sig:
                return
            with open(self.credfile) as f:
                d = json.load(f)
            with self.lock:
                self.keys[d["AccessKeyId"]] = d["SecretAccessKey"]
                self.credfile_sig = sig
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def learn_registry(self):
        if not self.registry:
            return
        try:
            st = os.stat(self.registry)
            sig = (st.st_ino, st.st_size, st.st_mtime_ns)
            if sig == self.registry_sig:
                return
            with open(self.registry) as f:
                d = json.load(f)
            with self.lock:
                self.issued = d
                for akid, v in d.items():
                    self.keys[akid] = v["secret"]
                self.registry_sig = sig
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def expired(self, akid):
        """True when fake_aws issued akid and it has expired."""
        with self.lock:
            v = self.issued.get(akid)
        return v is not None and v["expiration"] <= time.time()

    def chance(self, ratio):
        with self.lock:
            return ratio > 0 and self.rng.random() < ratio

    def record(self, rec):
        with self.lock:
            s = self.stats
            s["requests"] += 1
            s["sig_ok" if rec["sig_ok"] else "sig_bad"] += 1
            st = str(rec["status"])
            s["statuses"][st] = s["statuses"].get(st, 0) + 1
            if rec.get("error"):
                s["errors"][rec["error"]] = s["errors"].get(rec["error"], 0) + 1
            s["tokens"] += rec.get("tokens", 0)
            if len(self.records) < 200000:
                self.records.append(rec)
            if self.logf:
                self.logf.write(json.dumps(rec) + "\n")
                self.logf.flush()


def verify_signature(state, method, raw_path, headers, body, service=SERVICE):
    """Returns (ok, why, access_key_id, session_token).  headers: list of
    (name, value) as received.  state: .lock, .region, .keys {akid:
    secret} and .learn_keys() (tests/harness/fake_aws.py reuses this for
    STS with service="sts")."""
    hmap = {}
    for k, v in headers:
        hmap.setdefault(k.lower(), []).append(v)
    auth = (hmap.get("authorization") or [""])[0]
    m = AUTH_RE.match(auth.strip())
    if not m:
        return False, "no or malformed Authorization header", None, None
    akid, date8, region, scope_service, signed, sig = m.groups()
    token = (hmap.get("x-amz-security-token") or [None])[0]
    amz_date = (hmap.get("x-amz-date") or [""])[0]
    if not re.match(r"^\d{8}T\d{6}Z$", amz_date):
        return False, "bad or missing X-Amz-Date", akid, token
    if date8 != amz_date[:8]:
        return False, "credential scope date %s != X-Amz-Date %s" % (date8, amz_date), akid, token
    if region != state.region or scope_service != service:
        return False, "credential scope %s/%s, want %s/%s" % (region, scope_service, state.region, service), \
            akid, token
    names = signed.split(";")
    if names != sorted(names) or "host" not in names or "x-amz-date" not in names:
        return False, "SignedHeaders %r must be sorted and include host and x-amz-date" % signed, akid, token
    if token is not None and "x-amz-security-token" not in names:
        return False, "X-Amz-Security-Token sent but not signed", akid, token
    for n in names:
        if n not in hmap:
            return False, "signed header %s not in the request" % n, akid, token
    sha = (hmap.get("x-amz-content-sha256") or [None])[0]
    if sha is not None and sha != hashlib.sha256(body).hexdigest():
        return False, "X-Amz-Content-Sha256 does not match the body", akid, token
    state.learn_keys()
    with state.lock:
        secret = state.keys.get(akid)
    if secret is None:
        return False, "unknown access key id", akid, token
    # Recompute with botocore over exactly the signed headers as received.
    host = hmap["host"][0]
    req = AWSRequest(method=method, url="http://%s%s" % (host, raw_path), data=body,
                     headers={n: ",".join(hmap[n]) for n in names})
    req.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(akid, secret, token), service, state.region)
    want_signed = signer.signed_headers(signer.headers_to_sign(req))
    if want_signed != signed:
        return False, "botocore signs %r, the client signed %r" % (want_signed, signed), akid, token
    cr = signer.canonical_request(req)
    sts = signer.string_to_sign(req, cr)
    want = signer.signature(sts, req)
    if want != sig:
        return False, "signature mismatch (botocore canonical request: %r)" % cr, akid, token
    return True, "", akid, token


def fake_embedding(text, dims, normalize):
    seed = int.from_bytes(hashlib.sha256(("%d:" % dims).encode() + text.encode("utf-8", "replace"))
                          .digest()[:8], "big")
    r = random.Random(seed)
    v = [r.uniform(-1.0, 1.0) for _ in range(dims)]
    if normalize:
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        v = [x / n for x in v]
    return [round(x, 6) for x in v]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-bedrock/1"

    def log_message(self, fmt, *args):  # quiet; records are the log
        pass

    def setup(self):
        super().setup()
        # headers and body leave in two writes: without TCP_NODELAY, Nagle
        # plus the client's delayed ACK add 40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.state.lock:
            self.server.state.stats["connections"] += 1

    def reply(self, status, obj, error_type=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "%08x" % random.getrandbits(32))
        if error_type:
            self.send_header("x-amzn-ErrorType",
                             "%s:http://internal.amazon.com/coral/com.amazon.bedrock/" % error_type)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (aborted batch)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/stats":
            with st.lock:
                s = json.loads(json.dumps(st.stats))
            s["faults"] = {k: (sorted(v) if isinstance(v, set) else v) for k, v in st.faults.items()}
            return self.reply(200, s)
        if self.path == "/_fake/requests":
            with st.lock:
                recs = list(st.records)
            return self.reply(200, recs)
        return self.reply(404, {"message": "not found"})

    def do_POST(self):
        st = self.server.state
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            return self.reply(413, {"message": "too large"}, "ValidationException")
        if self.path == "/_fake/config":
            try:
                cfg = json.loads(body or b"{}")
            except ValueError:
                return self.reply(400, {"message": "bad json"})
            with st.lock:
                for k in ("throttle", "error5xx", "timeout408", "latency_ms"):
                    if k in cfg:
                        st.faults[k] = float(cfg[k])
                if "expired" in cfg:
                    st.faults["expired"] = set(cfg["expired"])
                if "seed" in cfg:
                    st.rng.seed(cfg["seed"])
                st.keys.update(cfg.get("keys") or {})
            return self.reply(200, {"ok": True})
        if self.path == "/_fake/reset":
            st.reset()
            return self.reply(200, {"ok": True})
        return self.invoke(body)

    def invoke(self, body):
        st = self.server.state
        with st.lock:
            st.stats["in_flight"] += 1
            st.stats["max_in_flight"] = max(st.stats["max_in_flight"], st.stats["in_flight"])
        try:
            self._invoke(body)
        finally:
            with st.lock:
                st.stats["in_flight"] -= 1

    def _invoke(self, body):
        st = self.server.state
        raw_path = self.path
        rec = {"t": round(time.time(), 3), "method": "POST", "path": raw_path}
        ok, why, akid, token = verify_signature(st, "POST", raw_path, self.headers.items(), body)
        rec.update(sig_ok=ok, access_key=akid)
        if not ok:
            rec["sig_error"] = why
        with st.lock:
            faults = dict(st.faults)
        if faults["latency_ms"] > 0:
            time.sleep(faults["latency_ms"] / 1000.0)

        def answer(status, obj, error_type=None, **extra):
            rec.update(status=status, error=error_type, **extra)
            st.record(rec)
            self.reply(status, obj, error_type)

        if not ok:
            if why == "unknown access key id":
                return answer(403, {"message": "The security token included in the request is invalid."},
                              "UnrecognizedClientException")
            return answer(403, {"message": "The request signature we calculated does not match the "
                                "signature you provided. (%s)" % why}, "InvalidSignatureException")
        amz = self.headers.get("X-Amz-Date")
        skew = abs(time.time() - calendar.timegm(time.strptime(amz, "%Y%m%dT%H%M%SZ")))
        if skew > 300:
            return answer(403, {"message": "Signature expired: %s is now earlier than the allowed window"
                                % amz}, "InvalidSignatureException")
        if akid in faults["expired"] or (token and token in faults["expired"]) or st.expired(akid):
            return answer(403, {"message": "The security token included in the request is expired"},
                          "ExpiredTokenException")
        m = re.match(r"^/model/([^/]+)/invoke$", raw_path)
        model = urllib.parse.unquote(m.group(1)) if m else None
        if model != st.model:
            return answer(400, {"message": "The provided model identifier is invalid."},
                          "ValidationException")
        if st.chance(faults["throttle"]):
            return answer(429, {"message": "Too many requests, please wait before trying again."},
                          "ThrottlingException")
        if st.chance(faults["error5xx"]):
            if st.chance(0.5):
                return answer(503, {"message": "Bedrock is unable to process your request."},
                              "ServiceUnavailableException")
            return answer(500, {"message": "The server encountered an internal error."},
                          "InternalServerException")
        if st.chance(faults["timeout408"]):
            return answer(408, {"message": "Model has timed out in processing the request."},
                          "ModelTimeoutException")
        try:
            req = json.loads(body)
            text = req["inputText"]
            dims = int(req.get("dimensions", 1024))
            normalize = req.get("normalize", True)
            if not isinstance(text, str) or not isinstance(normalize, bool):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return answer(400, {"message": "Malformed input request, please reformat your input and try "
                                "again."}, "ValidationException")
        if dims not in (256, 512, 1024):
            return answer(400, {"message": "Malformed input request: #/dimensions: %d is not a valid enum "
                                "value" % dims}, "ValidationException")
        if not text or len(text) > 50000 or text.startswith("FAKE_INVALID"):
            return answer(400, {"message": "Malformed input request: #/inputText: expected minLength: 1, "
                                "maxLength: 50000"}, "ValidationException")
        tokens = max(1, len(text.split()))
        rec["chars"] = len(text)
        return answer(200, {"embedding": fake_embedding(text, dims, normalize),
                            "inputTextTokenCount": tokens,
                            "embeddingsByType": {}}, None, tokens=tokens)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # a client that aborts its requests is not our error
        super().handle_error(request, client_address)


def serve(srv, port_file):
    """Announces srv's port (on stdout, and atomically in port_file) and
    serves until SIGTERM; shared by the fakes."""
    port = srv.server_address[1]
    if port_file:
        tmp = port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, port_file)
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    srv.server_close()
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--model", default="amazon.titan-embed-text-v2:0")
    ap.add_argument("--keys", help="AKID:SECRET,...")
    ap.add_argument("--credentials-file", help="credential_process JSON whose keys are accepted")
    ap.add_argument("--registry", help="JSON of credentials fake_aws.py issued: accepted until they expire")
    ap.add_argument("--log", help="append one JSON line per request")
    ap.add_argument("--throttle", type=float, default=0.0)
    ap.add_argument("--error5xx", type=float, default=0.0)
    ap.add_argument("--timeout408", type=float, default=0.0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--expired", help="access key ids or tokens answered with ExpiredTokenException")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = State(args)
    return serve(srv, args.port_file)


if __name__ == "__main__":
    sys.exit(main())
