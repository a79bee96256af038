#!/usr/bin/python3
"""
fake_aws - local fakes of the AWS credential endpoints, speaking their real
protocols, for docxp-credentials' tests.  One HTTP server, routed by path:

EC2 instance metadata, IMDSv2 only (HttpTokens=required):
    PUT /latest/api/token            needs X-aws-ec2-metadata-token-ttl-seconds
                                     (1-21600); answers the session token
    GET /latest/meta-data/iam/security-credentials/         the role name
    GET /latest/meta-data/iam/security-credentials/<role>   credentials JSON
                                     ("Code": "Success", ...)
    Every GET needs X-aws-ec2-metadata-token (401 without or with a bad one).

Container credentials (ECS / EKS Pod Identity):
    GET /v2/credentials/<id> (relative URI) or /creds (full URI); the
    Authorization header must be the configured token (401 otherwise).

STS (Query API, Version 2011-06-15, XML answers exactly like AWS's):
    POST / Action=AssumeRole                 SigV4 (service "sts") verified
        INDEPENDENTLY with botocore, by fake_bedrock.verify_signature (the
        source keys: --keys, /_fake/config "keys", or credentials issued
        here); the role must be one of --roles
    POST / Action=AssumeRoleWithWebIdentity  unsigned; WebIdentityToken must
        be one of --web-tokens

Every credential issued is added to the registry file (--registry, JSON
{akid: {"secret", "token", "expiration", "source"}}, written atomically)
that fake_bedrock.py --registry reads: it then accepts the keys until they
expire and answers ExpiredTokenException afterwards.

Control (unsigned): GET /_fake/stats, GET /_fake/requests,
POST /_fake/config {"ttl": s, "fail": ["imds", "container", "sts"],
"roles": [...], "keys": {akid: secret}, "web_tokens": [...],
"container_token": "...", "imds_role": "..."}, POST /_fake/reset.

    /usr/bin/python3 fake_aws.py --port 0 [--port-file F] [--registry F]
        [--region R] [--ttl 3600] [--roles ARN,...] [--keys AKID:SECRET,...]
        [--web-tokens T,...] [--container-token T] [--imds-role NAME]
Prints "PORT <n>" on stdout when it listens.
"""

import argparse
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_bedrock import parse_keys, serve, verify_signature  # noqa: E402  (one verifier, one server loop)
try:  # every secret issued is one the no-secrets-in-logs test looks for
    from docxp_stack import record_secret  # noqa: E402
except ImportError:  # pragma: no cover
    def record_secret(kind, value):
        pass

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IMDS_CREDS = "/latest/meta-data/iam/security-credentials/"
MAX_BODY = 1 << 20


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.region = args.region
        self.registry = args.registry
        self.keys = parse_keys(args.keys)
        self.cfg = {"ttl": args.ttl, "fail": set(),
                    "roles": set(filter(None, (args.roles or "").split(","))),
                    "web_tokens": set(filter(None, (args.web_tokens or "").split(","))),
                    "container_token": args.container_token, "imds_role": args.imds_role}
        self.imds_tokens = {}  # token -> expiry
        self.issued = {}
        self.reset()

    def reset(self):
        with self.lock:
            self.stats = {"requests": 0, "imds_token": 0, "imds_role_list": 0, "imds_credentials": 0,
                          "container": 0, "assume_role": 0, "web_identity": 0, "sig_ok": 0,
                          "sig_bad": 0, "issued": 0, "refused": 0}
            self.records = []

    def learn_keys(self):
        pass  # verify_signature's hook: our keys are in self.keys already

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + n

    def record(self, rec):
        with self.lock:
            self.stats["requests"] += 1
            if len(self.records) < 100000:
                self.records.append(rec)

    def issue(self, source):
        """New session credentials, registered for fake_bedrock."""
        with self.lock:
            ttl = self.cfg["ttl"]
        akid = "ASIA" + secrets.token_hex(8).upper()
        c = {"secret": secrets.token_urlsafe(30), "token": "FQoG" + secrets.token_urlsafe(200),
             "expiration": int(time.time() + ttl), "source": source}
        record_secret("aws_secret_access_key", c["secret"])
        record_secret("aws_session_token", c["token"])
        with self.lock:
            self.issued[akid] = c
            self.keys[akid] = c["secret"]
            self.stats["issued"] += 1
            if self.registry:
                tmp = self.registry + ".tmp"
                with open(tmp, "w") as f:
                    json.dump(self.issued, f)
                    f.flush()
                    os.fsync(f.fileno())
                os.rename(tmp, self.registry)
        return akid, c


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-aws/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, data, ctype="application/json", headers=None):
        if isinstance(data, str):
            data = data.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def failing(self, what):
        st = self.server.state
        with st.lock:
            return what in st.cfg["fail"]

    # ---- IMDSv2 --------------------------------------------------------------

    def do_PUT(self):
        st = self.server.state
        self.read_body()
        st.record({"t": round(time.time(), 3), "method": "PUT", "path": self.path})
        if self.path != "/latest/api/token":
            return self.send(404, "Not Found", "text/html")
        if self.failing("imds"):
            return self.send(500, "Internal Server Error", "text/html")
        if self.headers.get("X-Forwarded-For"):
            return self.send(403, "Forbidden", "text/html")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.send(400, "Bad Request", "text/html")
        token = "AQAEA" + secrets.token_urlsafe(40)
        with st.lock:
            st.imds_tokens[token] = time.time() + int(ttl)
        st.count("imds_token")
        return self.send(200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def imds_get(self):
        st = self.server.state
        token = self.headers.get("X-aws-ec2-metadata-token")
        with st.lock:
            exp = st.imds_tokens.get(token or "")
            role = st.cfg["imds_role"]
        if exp is None or exp < time.time():
            return self.send(401, "Unauthorized", "text/html")
        if self.failing("imds"):
            return self.send(500, "Internal Server Error", "text/html")
        if self.path == IMDS_CREDS:
            st.count("imds_role_list")
            if not role:
                return self.send(404, "Not Found", "text/html")
            return self.send(200, role, "text/plain")
        if self.path.startswith(IMDS_CREDS):
            name = self.path[len(IMDS_CREDS):]
            if not role or name != role:
                return self.send(404, "Not Found", "text/html")
            st.count("imds_credentials")
            akid, c = st.issue("imds:" + role)
            return self.send(200, json.dumps({
                "Code": "Success", "LastUpdated": rfc3339(time.time()), "Type": "AWS-HMAC",
                "AccessKeyId": akid, "SecretAccessKey": c["secret"], "Token": c["token"],
                "Expiration": rfc3339(c["expiration"])}, indent=2), "text/plain")
        return self.send(404, "Not Found", "text/html")

    # ---- container endpoint -----------------------------------------------------

    def container_get(self):
        st = self.server.state
        with st.lock:
            want = st.cfg["container_token"]
        if want and self.headers.get("Authorization") != want:
            return self.send(401, json.dumps({"code": "AccessDenied",
                                              "message": "Authorization header is invalid"}))
        if self.failing("container"):
            return self.send(500, json.dumps({"code": "InternalError", "message": "fake failure"}))
        st.count("container")
        akid, c = st.issue("container")
        return self.send(200, json.dumps({
            "AccessKeyId": akid, "Expiration": rfc3339(c["expiration"]),
            "RoleArn": "arn:aws:iam::123456789012:role/docxp-task", "SecretAccessKey": c["secret"],
            "Token": c["token"]}))

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/stats":
            with st.lock:
                s = dict(st.stats)
            return self.send(200, json.dumps(s))
        if self.path == "/_fake/requests":
            with st.lock:
                recs = list(st.records)
            return self.send(200, json.dumps(recs))
        st.record({"t": round(time.time(), 3), "method": "GET", "path": self.path,
                   "authorization": bool(self.headers.get("Authorization")),
                   "imds_token": bool(self.headers.get("X-aws-ec2-metadata-token"))})
        if self.path.startswith("/latest/"):
            return self.imds_get()
        if self.path.startswith("/v2/credentials/") or self.path.startswith("/creds"):
            return self.container_get()
        return self.send(404, json.dumps({"message": "not found"}))

    # ---- STS ------------------------------------------------------------------------

    def sts_error(self, status, code, message, type_="Sender"):
        self.server.state.count("refused")
        xml = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
               '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
               % (STS_NS, type_, code, escape(message), uuid.uuid4()))
        return self.send(status, xml, "text/xml")

    def sts_answer(self, action, role_arn, session, akid, c, extra=""):
        role_name = role_arn.rsplit("/", 1)[-1]
        xml = ('<%sResponse xmlns="%s">\n  <%sResult>\n%s'
               '    <AssumedRoleUser>\n      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:%s</AssumedRoleId>\n'
               '      <Arn>arn:aws:sts::123456789012:assumed-role/%s/%s</Arn>\n    </AssumedRoleUser>\n'
               '    <Credentials>\n      <AccessKeyId>%s</AccessKeyId>\n'
               '      <SecretAccessKey>%s</SecretAccessKey>\n      <SessionToken>%s</SessionToken>\n'
               '      <Expiration>%s</Expiration>\n    </Credentials>\n  </%sResult>\n'
               '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
               '</%sResponse>\n'
               % (action, STS_NS, action, extra, escape(session), escape(role_name), escape(session),
                  akid, escape(c["secret"]), escape(c["token"]), rfc3339(c["expiration"]), action,
                  uuid.uuid4(), action))
        return self.send(200, xml, "text/xml")

    def do_POST(self):
        st = self.server.state
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            return self.send(413, "too large", "text/plain")
        if self.path == "/_fake/config":
            try:
                cfg = json.loads(body or b"{}")
            except ValueError:
                return self.send(400, json.dumps({"message": "bad json"}))
            with st.lock:
                for k in ("ttl", "container_token", "imds_role"):
                    if k in cfg:
                        st.cfg[k] = cfg[k]
                for k in ("fail", "roles", "web_tokens"):
                    if k in cfg:
                        st.cfg[k] = set(cfg[k])
                st.keys.update(cfg.get("keys") or {})
            return self.send(200, json.dumps({"ok": True}))
        if self.path == "/_fake/reset":
            st.reset()
            return self.send(200, json.dumps({"ok": True}))
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        action = (form.get("Action") or [""])[0]
        rec = {"t": round(time.time(), 3), "method": "POST", "path": self.path, "action": action}
        if (form.get("Version") or [""])[0] != "2011-06-15":
            st.record(rec)
            return self.sts_error(400, "InvalidAction", "Could not find operation %s for version %s"
                                  % (action, (form.get("Version") or ["NO_VERSION"])[0]))
        if self.failing("sts"):
            st.record(rec)
            return self.sts_error(503, "ServiceUnavailable", "Service is unavailable", "Receiver")
        role_arn = (form.get("RoleArn") or [""])[0]
        session = (form.get("RoleSessionName") or [""])[0]
        if action == "AssumeRole":
            ok, why, akid, token = verify_signature(st, "POST", self.path, self.headers.items(), body,
                                                    service="sts")
            rec.update(sig_ok=ok, access_key=akid, role=role_arn)
            st.count("sig_ok" if ok else "sig_bad")
            st.count("assume_role")
            st.record(rec)
            if not ok:
                if why == "unknown access key id":
                    return self.sts_error(403, "InvalidClientTokenId",
                                          "The security token included in the request is invalid.")
                rec["sig_error"] = why
                return self.sts_error(403, "SignatureDoesNotMatch",
                                      "The request signature we calculated does not match the signature "
                                      "you provided. (%s)" % why)
            with st.lock:
                src = st.issued.get(akid)
            if src and src["expiration"] <= time.time():
                return self.sts_error(400, "ExpiredToken", "The security token included in the request is "
                                      "expired")
        elif action == "AssumeRoleWithWebIdentity":
            st.count("web_identity")
            token = (form.get("WebIdentityToken") or [""])[0]
            rec["role"] = role_arn
            st.record(rec)
            with st.lock:
                good = token in st.cfg["web_tokens"]
            if not good:
                return self.sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key from "
                                      "your identity provider, please reference AssumeRoleWithWebIdentity "
                                      "documentation for requirements")
        else:
            st.record(rec)
            return self.sts_error(400, "InvalidAction", "Could not find operation %s for version 2011-06-15"
                                  % action)
        if not role_arn or not session or len(session) < 2:
            return self.sts_error(400, "ValidationError", "1 validation error detected: Value at "
                                  "'roleSessionName' failed to satisfy constraint: Member must have length "
                                  "greater than or equal to 2")
        with st.lock:
            known = role_arn in st.cfg["roles"]
        if not known:
            return self.sts_error(403, "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/x is not "
                                  "authorized to perform: sts:%s on resource: %s" % (action, role_arn))
        akid, c = st.issue(("assume-role:" if action == "AssumeRole" else "web-identity:") + role_arn)
        extra = ""
        if action == "AssumeRoleWithWebIdentity":
            extra = ("    <SubjectFromWebIdentityToken>system:serviceaccount:docxp:docxp"
                     "</SubjectFromWebIdentityToken>\n    <Audience>sts.amazonaws.com</Audience>\n"
                     "    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.example</Provider>\n")
        return self.sts_answer(action, role_arn, session, akid, c, extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--registry", help="JSON file of the issued credentials (for fake_bedrock.py)")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--ttl", type=float, default=3600, help="lifetime of issued credentials, seconds")
    ap.add_argument("--roles", help="role ARNs STS lets assume, comma-separated")
    ap.add_argument("--keys", help="AKID:SECRET,... accepted as AssumeRole's source credentials")
    ap.add_argument("--web-tokens", help="web identity tokens STS accepts, comma-separated")
    ap.add_argument("--container-token", help="Authorization the container endpoint requires")
    ap.add_argument("--imds-role", default="docxp-instance-role", help="instance role ('' = none)")
    args = ap.parse_args(argv)

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = State(args)
    return serve(srv, args.port_file)


if __name__ == "__main__":
    sys.exit(main())
