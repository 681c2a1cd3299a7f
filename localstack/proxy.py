"""A counting, fault-injecting reverse proxy in front of the local emulator.

Benchmarks put it between a tool (infractl or Terraform) and the emulator to count the AWS API
calls each makes per phase; reliability tests use it to inject throttling errors, 500/503s,
connection resets and slow answers at a given rate. It forwards only to a loopback emulator.

Usage: proxy.py --listen PORT --upstream http://127.0.0.1:4566 [--fault-rate 0.05]
                [--faults throttle,500,503,reset,slow] [--seed N] [--fail-always ec2:CreateVpc,...]
                [--latency-ms 50]

--latency-ms adds a fixed delay to every forwarded call, so that a local run shows how a tool
behaves when each call takes as long as it does against AWS (and so that concurrent calls overlap
long enough for the per-service peak of calls in flight to show a tool's concurrency).

Control endpoints (paths no AWS request uses: S3 bucket names cannot hold underscores):
  GET  /__proxy__/stats   -> {"total": n, "calls": {"ec2:CreateVpc": n, ...}, "faults": {...},
                               "calls_by_region": {"eu-west-3/ec2:CreateVpc": n, ...},
                               "peak_in_flight": {"ec2": n, ...}}
  POST /__proxy__/reset   -> zeroes the counters
  POST /__proxy__/faults  -> body {"rate": 0.2, "kinds": [...], "fail_always": [...], "latency_ms": 50,
                                   "rewrite": [{"call": "ec2:DescribeSubnets", "from": "..", "to": ".."}],
                                   "hold": ["sqs:CreateQueue", ...]}
                             changes injection; `rewrite` replaces text in the answers of a call, so
                             a test can hold an object in a state (a subnet "pending") that the
                             emulator leaves at once; `hold` lets the emulator carry out a call but
                             keeps its answer back (up to 120 s, or until the call leaves the list),
                             so a test can kill a client whose create reached AWS unanswered
                             (`held` in the stats counts them)

Written on the standard library alone (no third-party HTTP stack to install) with one upstream
keep-alive connection per client thread.
"""

import argparse
import http.client
import json
import random
import re
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
CALLS = {}
CALLS_BY_REGION = {}
FAULTS_DONE = {}
IN_FLIGHT = {}
PEAK_IN_FLIGHT = {}
HELD = {}
SETTINGS = {
    "rate": 0.0,
    "kinds": ["throttle", "500", "503", "reset", "slow"],
    "fail_always": [],
    "latency_ms": 0,
    "rewrite": [],
    "hold": [],
}
RNG = random.Random()
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def region_of(headers):
    """The signing region from the SigV4 credential scope (us-east-1, eu-west-3, ...)."""
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", auth)
    return m.group(1) if m else "unsigned"


def service_of(headers):
    """The signing service from the SigV4 credential scope (ec2, s3, dynamodb, ...)."""
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    return m.group(1) if m else "unsigned"


def action_of(service, method, path, headers, body):
    """The API operation: X-Amz-Target, a query-protocol Action, an rpcv2 operation path, or the
    method and resource of a REST call (ids folded so that calls of one kind count together)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    url = urllib.parse.urlsplit(path)
    if "/operation/" in url.path:
        return url.path.rsplit("/", 1)[-1]
    ctype = headers.get("Content-Type", "")
    if body and "x-www-form-urlencoded" in ctype:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    if "Action" in query:
        return query["Action"][0]
    segments = [s for s in url.path.split("/") if s]
    if service == "s3":
        # Path-style: /bucket/key. The bucket and key are names, not operations.
        shape = ["", "{bucket}", "{bucket}/{key}"][min(len(segments), 2)]
    else:
        shape = "/".join(segments[:1] + ["{}" if i % 2 else s for i, s in enumerate(segments[1:])])
    sub = ",".join(sorted(k for k in query if k not in ("x-id",)))
    return f"{method} /{shape}" + (f"?{sub}" if sub else "")


def throttle_reply(service, headers):
    """A throttling error in the protocol of the request, so SDKs classify it as throttling:
    (status, content type, extra headers, body)."""
    ctype = headers.get("Content-Type", "")
    message = "Rate exceeded (injected by proxy)"
    if "cbor" in ctype:
        # No CBOR encoder here: a 503 is what a throttled CBOR service may also answer.
        return 503, "text/plain", {}, b"Service Unavailable (injected by proxy)"
    if headers.get("X-Amz-Target") or "json" in ctype:
        body = json.dumps({"__type": "ThrottlingException", "message": message}).encode()
        return 400, "application/x-amz-json-1.1", {"x-amzn-ErrorType": "ThrottlingException"}, body
    if service == "ec2":
        body = (
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
            f"<Message>{message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>"
        ).encode()
        return 503, "text/xml", {}, body
    if service == "s3":
        body = f"<Error><Code>SlowDown</Code><Message>{message}</Message></Error>".encode()
        return 503, "application/xml", {}, body
    if "x-www-form-urlencoded" in ctype:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            f"<Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
        ).encode()
        return 400, "text/xml", {}, body
    body = json.dumps({"message": message}).encode()
    return 429, "application/json", {"x-amzn-ErrorType": "TooManyRequestsException"}, body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    local = threading.local()

    def log_message(self, *args):
        pass

    def connection_to_upstream(self, fresh=False):
        conn = getattr(self.local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            u = urllib.parse.urlsplit(self.upstream)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
            self.local.conn = conn
        return conn

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", 0) or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, body, ctype="application/json", extra=None):
        self.leave()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, body):
        if self.command == "GET" and self.path == "/__proxy__/stats":
            with LOCK:
                doc = {
                    "total": sum(CALLS.values()),
                    "calls": dict(CALLS),
                    "calls_by_region": dict(CALLS_BY_REGION),
                    "faults": dict(FAULTS_DONE),
                    "peak_in_flight": dict(PEAK_IN_FLIGHT),
                    "held": dict(HELD),
                }
            return self.reply(200, json.dumps(doc).encode())
        if self.command == "POST" and self.path == "/__proxy__/reset":
            with LOCK:
                CALLS.clear()
                CALLS_BY_REGION.clear()
                FAULTS_DONE.clear()
                PEAK_IN_FLIGHT.clear()
                HELD.clear()
            return self.reply(200, b"{}")
        if self.command == "POST" and self.path == "/__proxy__/faults":
            doc = json.loads(body or b"{}")
            with LOCK:
                SETTINGS["rate"] = float(doc.get("rate", SETTINGS["rate"]))
                SETTINGS["kinds"] = list(doc.get("kinds", SETTINGS["kinds"]))
                SETTINGS["fail_always"] = list(doc.get("fail_always", SETTINGS["fail_always"]))
                SETTINGS["latency_ms"] = float(doc.get("latency_ms", SETTINGS["latency_ms"]))
                SETTINGS["rewrite"] = list(doc.get("rewrite", SETTINGS["rewrite"]))
                SETTINGS["hold"] = list(doc.get("hold", SETTINGS["hold"]))
            return self.reply(200, json.dumps(SETTINGS).encode())
        return self.reply(404, b'{"error": "unknown proxy control path"}')

    def fault(self, name):
        """Picks a fault to inject for this request, or None. Calls named in `fail_always`
        answer 503 every time (a fault that persists)."""
        with LOCK:
            if name in SETTINGS["fail_always"]:
                FAULTS_DONE["persistent"] = FAULTS_DONE.get("persistent", 0) + 1
                return "503"
            rate, kinds = SETTINGS["rate"], SETTINGS["kinds"]
            if rate <= 0 or not kinds or RNG.random() >= rate:
                return None
            kind = RNG.choice(kinds)
            FAULTS_DONE[kind] = FAULTS_DONE.get(kind, 0) + 1
            return kind

    def handle_one(self):
        body = self.read_body()
        if self.path.startswith("/__proxy__/"):
            return self.control(body)
        service = service_of(self.headers)
        name = f"{service}:{action_of(service, self.command, self.path, self.headers, body)}"
        with LOCK:
            CALLS[name] = CALLS.get(name, 0) + 1
            by_region = f"{region_of(self.headers)}/{name}"
            CALLS_BY_REGION[by_region] = CALLS_BY_REGION.get(by_region, 0) + 1
            IN_FLIGHT[service] = IN_FLIGHT.get(service, 0) + 1
            PEAK_IN_FLIGHT[service] = max(PEAK_IN_FLIGHT.get(service, 0), IN_FLIGHT[service])
        self.in_flight = service
        try:
            self.forward(service, name, body)
        except (BrokenPipeError, ConnectionResetError):
            # The client went away (a test killed it while its answer was held back).
            self.close_connection = True
        finally:
            self.leave()

    def leave(self):
        """Ends this call's time in flight, just before its answer is sent: a client that gets
        the answer and sends its next call must not find this one still counted (the peak
        would then exceed what the client really had in flight)."""
        service, self.in_flight = getattr(self, "in_flight", None), None
        if service is not None:
            with LOCK:
                IN_FLIGHT[service] -= 1

    def forward(self, service, name, body):
        """Answers one counted call: an injected fault, or the emulator's answer after the
        configured latency."""
        kind = self.fault(name)
        if kind == "reset":
            # Drop the connection before the request reaches the emulator.
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            return
        if kind == "throttle":
            status, ctype, extra, text = throttle_reply(service, self.headers)
            return self.reply(status, text, ctype, extra)
        if kind in ("500", "503"):
            msg = b"injected by proxy" if kind == "500" else b"Service Unavailable (injected by proxy)"
            return self.reply(int(kind), msg, "text/plain")
        if kind == "slow":
            time.sleep(RNG.uniform(0.5, 2.0))
        if SETTINGS["latency_ms"] > 0:
            time.sleep(SETTINGS["latency_ms"] / 1000.0)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        for attempt in range(2):
            conn = self.connection_to_upstream(fresh=attempt > 0)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                if attempt == 1:
                    return self.reply(502, b"emulator unreachable", "text/plain")
        with LOCK:
            rewrites = [r for r in SETTINGS["rewrite"] if r.get("call") == name]
        for r in rewrites:
            data = data.replace(r["from"].encode(), r["to"].encode())
        self.hold(name)
        self.leave()
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def hold(self, name):
        """Keeps the answer of a call named in `hold` back: the emulator has carried it out."""
        with LOCK:
            if name not in SETTINGS["hold"]:
                return
            HELD[name] = HELD.get(name, 0) + 1
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with LOCK:
                if name not in SETTINGS["hold"]:
                    return
            time.sleep(0.05)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_one


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", type=int, required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--faults", default="throttle,500,503,reset,slow")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--fail-always", default="", help="service:Action names that always get a 503")
    p.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every forwarded call")
    a = p.parse_args()
    host = urllib.parse.urlsplit(a.upstream).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"proxy.py forwards only to a loopback emulator, not {host}")
    SETTINGS["rate"] = a.fault_rate
    SETTINGS["kinds"] = [k for k in a.faults.split(",") if k]
    SETTINGS["fail_always"] = [k for k in a.fail_always.split(",") if k]
    SETTINGS["latency_ms"] = a.latency_ms
    if a.seed is not None:
        RNG.seed(a.seed)
    Handler.upstream = a.upstream
    server = ThreadingHTTPServer(("127.0.0.1", a.listen), Handler)
    server.daemon_threads = True
    print(f"proxy on 127.0.0.1:{a.listen} -> {a.upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
