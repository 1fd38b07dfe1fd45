"""HTTP server, routing, request log, control API and the command line."""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import flickr, geocoder, mapillary, wcqs
from .core import Request, Response, json_response, html_response
from .dataset import Dataset
from .faults import Faults


def _cdn_fault(status):
    if status == 403:
        return Response(403, "Bad URL hash", "text/plain")
    return html_response(status, "Too Many Requests" if status == 429 else "Error")


# first path segment -> (handler, fault body builder)
SERVICES = {
    "mapillary": (mapillary.handle, mapillary.fault_body),
    "mapillary-cdn": (mapillary.cdn, _cdn_fault),
    "flickr": (flickr.handle, flickr.fault_body),
    "flickr-cdn": (flickr.cdn, _cdn_fault),
    "geocoder": (geocoder.handle, geocoder.fault_body),
    "wcqs": (wcqs.handle, wcqs.fault_body),
}
DEFAULT_CONFIG = {
    "mapillary_tokens": ["MLY|4242|fake-mapillary-token"],
    "mapillary_full_fetch_limit": 2000,
    "mapillary_max_ids": 100,
    "cdn_url_ttl": 3600,
    "flickr_api_keys": ["0f1e2d3c4b5a69788796a5b4c3d2e1f0"],
    "flickr_upstream_shapes": False,
    "flickr_string_numbers": False,
    "wcqs_oauth": [],
    "wcqs_session_flow": True,
    "wcqs_session_ttl": 7200,
    "max_body_bytes": 1024 * 1024,
    "log_limit": 100000,
}
LOGGED_HEADERS = ["Host", "User-Agent", "Accept", "Accept-Encoding", "Content-Type",
                  "Content-Length", "Transfer-Encoding", "Connection", "Range", "Expect",
                  "Authorization", "Cookie"]
SECRET_PARAMS = {"api_key", "access_token", "oauth_token", "oauth_signature"}


def check_config(update):
    for key, value in update.items():
        if key not in DEFAULT_CONFIG:
            raise ValueError("unknown config key: %s" % key)
        want = type(DEFAULT_CONFIG[key])
        if want is list:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif want is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, want)
        if not ok:
            raise ValueError("%s must be a %s" % (key, "list of strings" if want is list else want.__name__))


def _mask_header(name, value):
    if name == "Authorization":
        scheme, _, rest = value.partition(" ")
        return "%s ***" % scheme if rest else "***"
    if name == "Cookie":
        return "; ".join(p.split("=", 1)[0].strip() + "=***" for p in value.split(";") if p.strip())
    return value


def _mask_params(params):
    return {k: ["***" if k in SECRET_PARAMS else v for v in vs] for k, vs in params.items()}


class App:
    def __init__(self, config):
        self.config = dict(config)
        self.base_config = dict(config)
        self.dataset = Dataset()
        self.faults = Faults()
        self.secret = os.urandom(32)
        self.base_url = ""
        self.lock = threading.Lock()
        self.log = []
        self.seq = 0
        self.started = time.monotonic()
        self.in_flight = {}
        self.max_in_flight = {}
        self.counts = {}
        self.connections = 0
        self.stop = threading.Event()

    def now_ms(self):
        return round((time.monotonic() - self.started) * 1000, 3)

    def begin(self, service, entry):
        """Log ``entry`` (completed later by end()) and count it as in flight."""
        with self.lock:
            self.seq += 1
            n = self.in_flight.get(service, 0) + 1
            self.in_flight[service] = n
            self.max_in_flight[service] = max(n, self.max_in_flight.get(service, 0))
            self.counts[service] = self.counts.get(service, 0) + 1
            entry.update(seq=self.seq, in_flight=n)
            self.log.append(entry)
            if len(self.log) > self.config["log_limit"]:
                del self.log[:len(self.log) - self.config["log_limit"]]

    def end(self, service, entry, status):
        """Complete the entry *before* the answer goes out, so a client that has
        its answer always finds the finished entry in the log."""
        with self.lock:
            if "t_end_ms" in entry:
                return
            self.in_flight[service] -= 1
            entry.update(status=status, t_end_ms=self.now_ms())

    def reset_log(self):
        with self.lock:
            self.log = []
            self.max_in_flight = dict(self.in_flight)
            self.counts = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "source-fakes/1.0"

    def version_string(self):
        return self.server_version
    timeout = 60  # idle keep-alive connections are closed after this

    entry = None

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        self.app = self.server.app
        with self.app.lock:
            self.app.connections += 1
            self.conn_id = self.app.connections
        self.conn_requests = 0

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("source-fakes: %s %s\n" % (self.address_string(), fmt % args))

    def _read_body(self):
        limit = self.app.config["max_body_bytes"]
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body = bytearray()
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                if len(body) + size > limit:
                    return None
                body += self.rfile.read(size)
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > limit:
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self):
        self.conn_requests += 1
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            return self._send(Response(400, "Bad Request"))
        if body is None:
            self.close_connection = True
            return self._send(Response(413, "Payload Too Large"))
        req = Request(self.app, self.command, self.path, self.headers, body)
        if req.path.startswith("/_control/") or req.path == "/_control":
            return self._send(self._control(req))
        first, _, rest = req.path[1:].partition("/")
        req.service = first if first in SERVICES else None
        req.subpath = "/" + rest if (rest or req.path.endswith("/")) else ""
        self._serve(req)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def _serve(self, req):
        self.service = req.service or "unknown"
        self.entry = entry = {
            "seq": None, "service": req.service, "method": req.method, "path": req.path,
            "query": _mask_params(req.query), "form": _mask_params(req.form),
            "headers": {h: _mask_header(h, req.headers[h]) for h in LOGGED_HEADERS
                        if req.headers.get(h) is not None},
            "body_bytes": len(req.body), "conn": self.conn_id, "conn_request": self.conn_requests,
            "in_flight": None, "t_start_ms": self.app.now_ms(), "fault": None, "status": None,
            "auth": None}
        if req.body and not req.form:
            entry["body_text"] = req.body[:4096].decode("utf-8", "replace")
        self.app.begin(self.service, entry)
        self.req = req
        try:
            rule = self.app.faults.match(req)
            if rule:
                entry["fault"] = rule.get("name") or rule["id"]
            self._answer(req, rule)
        finally:
            self._done(None)
            self.entry = None

    def _done(self, status):
        if self.entry is not None:
            self.entry["auth"] = self.req.auth
            self.app.end(self.service, self.entry, status)

    def _answer(self, req, rule):
        handler, fault_body = SERVICES.get(req.service, (None, None))
        rule = rule or {}
        if rule.get("delay_ms"):
            time.sleep(rule["delay_ms"] / 1000.0)
        if rule.get("reset") in (True, "before"):
            self._done(None)
            self._rst()
            return
        if rule.get("rate_limit"):
            resp = fault_body(rule.get("status") or 429) if fault_body else Response(429, "")
            resp.headers.append(("Retry-After", str(rule.get("retry_after", 1))))
        elif rule.get("body") is not None:
            resp = Response(rule.get("status") or 200, rule["body"],
                            rule.get("content_type") or "text/plain; charset=utf-8")
        elif rule.get("status") is not None:
            resp = fault_body(rule["status"]) if fault_body else Response(rule["status"], "")
            resp.status = rule["status"]
        elif handler is None:
            resp = html_response(404, "Not Found")
        else:
            try:
                resp = handler(req)
            except Exception:
                traceback.print_exc()
                resp = Response(500, "internal error in the fake", "text/plain")
        if rule.get("content_type") and rule.get("body") is None:
            resp.content_type = rule["content_type"]
        resp.headers.extend((rule.get("headers") or {}).items())
        if rule.get("reset") == "mid_body":
            self._done(None)
            self._send(resp, partial="rst")
        else:
            self._done(resp.status)
            self._send(resp, partial="fin" if rule.get("truncate_body") else None)

    def _send(self, resp, partial=None):
        try:
            self.send_response(resp.status)
            if resp.content_type:
                self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            for name, value in resp.headers:
                self.send_header(name, value)
            if partial:  # an unannounced cut: the connection dies after this answer
                self.close_connection = True
            elif self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "HEAD":
                body = b""
            elif partial:
                body = resp.body[:len(resp.body) // 2]
            else:
                body = resp.body
            self.wfile.write(body)
            self.wfile.flush()
            if partial == "fin":
                self.connection.shutdown(socket.SHUT_WR)
            elif partial == "rst":
                time.sleep(0.05)  # let the client read what was sent before the RST
                self._rst()
        except OSError:
            self.close_connection = True

    def _rst(self):
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def finish(self):
        try:
            BaseHTTPRequestHandler.finish(self)
        except OSError:
            pass

    # ---- control API ------------------------------------------------------------
    def _control(self, req):
        app, name, m = self.app, req.path[len("/_control/"):].strip("/"), req.method
        try:
            payload = json.loads(req.body.decode("utf-8")) if req.body.strip() else None
        except ValueError:
            return json_response({"error": "body is not valid JSON"}, 400)
        try:
            if name == "health" and m == "GET":
                return json_response({"ok": True, "port": self.server.server_address[1]})
            if name == "faults":
                if m == "GET":
                    return json_response({"rules": app.faults.snapshot()})
                if m == "POST":
                    return json_response({"added": app.faults.add(payload)})
                if m == "DELETE":
                    app.faults.clear()
                    return json_response({"rules": []})
            if name == "requests":
                if m == "GET":
                    return json_response(self._requests(req))
                if m == "DELETE":
                    app.reset_log()
                    return json_response({"ok": True})
            if name == "reset" and m == "POST":
                opts = payload or {}
                app.reset_log()
                if opts.get("faults"):
                    app.faults.clear()
                if opts.get("config"):
                    app.config = dict(app.base_config)
                return json_response({"ok": True})
            if name == "stats" and m == "GET":
                with app.lock:
                    return json_response({"in_flight": app.in_flight, "max_in_flight": app.max_in_flight,
                                          "requests": app.counts, "connections": app.connections})
            if name == "config":
                if m == "POST":
                    check_config(payload or {})
                    app.config.update(payload or {})
                elif m == "DELETE":
                    app.config = dict(app.base_config)
                if m in ("GET", "POST", "DELETE"):
                    return json_response(app.config)
            if name == "dataset" and m == "GET":
                return json_response(app.dataset.summary())
            if name == "data" and m == "POST":
                if not isinstance(payload, dict):
                    raise ValueError("expected a JSON object")
                check_config(payload.get("config") or {})
                app.config.update(payload.get("config") or {})
                return json_response({"merged": app.dataset.merge(payload)})
            if name == "shutdown" and m == "POST":
                app.stop.set()
                return json_response({"ok": True})
        except (ValueError, KeyError, TypeError) as e:
            return json_response({"error": str(e)}, 400)
        return json_response({"error": "no such control endpoint: %s %s" % (m, req.path)}, 404)

    def _requests(self, req):
        prefix = req.arg("path_prefix") or "/"
        service = req.arg("service")
        since = int(req.arg("since") or 0)
        with self.app.lock:
            rows = [e for e in self.app.log if e["seq"] > since and e["path"].startswith(prefix)
                    and (service is None or e["service"] == service)]
        rows.sort(key=lambda e: e["seq"])
        return {"requests": rows, "count": len(rows), "last_seq": rows[-1]["seq"] if rows else since}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if self.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Fakes of Mapillary, Flickr, Nominatim and WCQS.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port (default)")
    p.add_argument("--data", action="append", default=[], help="JSON file merged into the dataset")
    p.add_argument("--exit-on-stdin-close", action="store_true")
    p.add_argument("--mapillary-token", action="append", help='accepted token ("*" = any)')
    p.add_argument("--flickr-api-key", action="append", help='accepted key ("*" = any)')
    p.add_argument("--wcqs-oauth", action="append", help="required wcqsOauth cookie value(s)")
    p.add_argument("--no-wcqs-session-flow", action="store_true",
                   help="check only the wcqsOauth cookie, without the 307/wcqsSession dance")
    p.add_argument("--cdn-url-ttl", type=int, help="Mapillary CDN URL lifetime, s (0 = unsigned)")
    p.add_argument("--flickr-upstream-shapes", action="store_true")
    p.add_argument("--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config = dict(DEFAULT_CONFIG)
    if args.mapillary_token:
        config["mapillary_tokens"] = args.mapillary_token
    if args.flickr_api_key:
        config["flickr_api_keys"] = args.flickr_api_key
    if args.wcqs_oauth:
        config["wcqs_oauth"] = args.wcqs_oauth
    if args.no_wcqs_session_flow:
        config["wcqs_session_flow"] = False
    if args.cdn_url_ttl is not None:
        config["cdn_url_ttl"] = args.cdn_url_ttl
    config["flickr_upstream_shapes"] = args.flickr_upstream_shapes
    app = App(config)
    for path in args.data:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("config"):
            check_config(data["config"])
            app.config.update(data["config"])
            app.base_config.update(data["config"])
        app.dataset.merge(data)
    server = Server((args.host, args.port), Handler)
    server.app, server.verbose = app, args.verbose
    port = server.server_address[1]
    app.base_url = "http://%s:%d" % (args.host if ":" not in args.host else "[%s]" % args.host, port)
    # Signal handlers only flip a flag: Event.set() from a handler can deadlock
    # against the main thread's wait() holding the Event's lock.
    signalled = []
    signal.signal(signal.SIGTERM, lambda *_: signalled.append(True))
    signal.signal(signal.SIGINT, lambda *_: signalled.append(True))
    if args.exit_on_stdin_close:
        def watch_stdin():
            # Raw reads: a thread blocked in the buffered reader holds its lock,
            # and a SIGTERM'd interpreter then aborts at shutdown (SIGABRT after
            # a second's wait) instead of exiting 0.
            try:
                while os.read(sys.stdin.fileno(), 65536):
                    pass
            except (OSError, ValueError):
                pass
            app.stop.set()
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="serve", daemon=True)
    thread.start()
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    while not signalled and not app.stop.is_set():
        app.stop.wait(0.2)
    server.shutdown()
    server.server_close()
    return 0
