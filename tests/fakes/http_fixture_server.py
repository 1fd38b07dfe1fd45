#!/usr/bin/env python3
"""Scriptable HTTP/1.1 server for the http module's tests (Python 3 stdlib only).

Binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout and serves until
stdin reaches EOF (the test closes it, or dies) or it gets SIGTERM.

Endpoints (query parameters in brackets):
  /bytes     [n, seed, type, chunked, gzip]  n deterministic bytes; X-Content-SHA1 = their SHA-1
  /status/C  [body, retry_after, type]       answer with status C
  /slow      [first_byte_ms, n]              wait before the status line, then /bytes
  /drip      [n, interval_ms]                Content-Length n, one byte per interval
  /reset     [n, after, seed]                Content-Length n, send `after` bytes, then RST
  /flaky     [key, fail, mode, n, seed, type, retry_after]
             the first `fail` hits of `key` fail (mode: 500, 503, 429, 404, reset, type,
             empty), later hits answer like /bytes
  /hits      [key]                           {"hits": count of /flaky hits for key}
  /echo      any method: JSON describing the request (headers, body SHA-1, parsed
             form fields and multipart parts)
  /conn      {"port": the client's source port} (connection reuse checks)
  /redirect  [to]                            302 to `to`
"""

import gzip
import hashlib
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = {}
HITS_LOCK = threading.Lock()


PERIOD = 251 * 256  # the pattern below repeats after this many bytes


def pattern(n, seed=0):
    """Deterministic bytes: byte i = (i * 131 + seed * 7 + i // 251) % 256."""
    block = bytes(((i * 131 + seed * 7 + i // 251) % 256) for i in range(min(n, PERIOD)))
    return (block * (n // PERIOD + 1))[:n] if n > PERIOD else block


def parse_multipart(body, boundary):
    parts = []
    delimiter = b"--" + boundary
    segments = body.split(delimiter)
    for segment in segments[1:]:
        if segment.startswith(b"--"):
            break
        if not segment.startswith(b"\r\n") or not segment.endswith(b"\r\n"):
            raise ValueError("malformed multipart segment")
        segment = segment[2:-2]
        head, sep, data = segment.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("multipart part without header end")
        headers = {}
        for line in head.split(b"\r\n"):
            name, _, value = line.decode("utf-8").partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        params = {}
        for item in disposition.split(";")[1:]:
            key, _, value = item.strip().partition("=")
            params[key] = value.strip('"')
        part = {
            "name": params.get("name"),
            "filename": params.get("filename"),
            "content_type": headers.get("content-type"),
            "size": len(data),
            "sha1": hashlib.sha1(data).hexdigest(),
        }
        if part["filename"] is None:
            part["value"] = data.decode("utf-8", errors="replace")
        parts.append(part)
    return parts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CuratorFixture/1"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    # -- helpers ---------------------------------------------------------
    def query(self):
        parsed = urllib.parse.urlsplit(self.path)
        return parsed.path, dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))

    def send_body(self, status, body, content_type="application/octet-stream", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj):
        self.send_body(status, json.dumps(obj).encode(), "application/json")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def abort_connection(self):
        """Close with RST: the client sees a reset, not a clean end."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def serve_bytes(self, q):
        n = int(q.get("n", "1024"))
        data = pattern(n, int(q.get("seed", "0")))
        content_type = q.get("type", "image/jpeg")
        headers = {"X-Content-SHA1": hashlib.sha1(data).hexdigest()}
        if q.get("gzip") == "1":
            if "gzip" not in (self.headers.get("Accept-Encoding") or ""):
                self.send_json(400, {"error": "client does not accept gzip"})
                return
            headers["Content-Encoding"] = "gzip"
            self.send_body(200, gzip.compress(data), content_type, headers)
            return
        if q.get("chunked") == "1":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            step = 65536
            for i in range(0, n, step):
                piece = data[i:i + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_body(200, data, content_type, headers)

    # -- dispatch --------------------------------------------------------
    def handle_any(self):
        path, q = self.query()
        if path == "/echo":
            return self.echo(path, q)
        body = self.read_body()  # drain so keep-alive stays in sync
        del body
        if path == "/bytes":
            return self.serve_bytes(q)
        if path.startswith("/status/"):
            code = int(path[len("/status/"):])
            headers = {}
            if "retry_after" in q:
                headers["Retry-After"] = q["retry_after"]
            return self.send_body(code, q.get("body", "status %d" % code).encode(),
                                  q.get("type", "text/plain"), headers)
        if path == "/slow":
            time.sleep(int(q.get("first_byte_ms", "1000")) / 1000.0)
            return self.serve_bytes(q)
        if path == "/drip":
            n = int(q.get("n", "100"))
            interval = int(q.get("interval_ms", "100")) / 1000.0
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            try:
                for _ in range(n):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(interval)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            return None
        if path == "/reset":
            n = int(q.get("n", "100000"))
            after = int(q.get("after", "1000"))
            data = pattern(n, int(q.get("seed", "0")))
            self.send_response(200)
            self.send_header("Content-Type", q.get("type", "image/jpeg"))
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.wfile.write(data[:after])
            return self.abort_connection()
        if path == "/flaky":
            key = q.get("key", "default")
            with HITS_LOCK:
                HITS[key] = HITS.get(key, 0) + 1
                hit = HITS[key]
            if hit <= int(q.get("fail", "1")):
                mode = q.get("mode", "503")
                if mode == "reset":
                    n = int(q.get("n", "1024"))
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(n))
                    self.end_headers()
                    self.wfile.write(pattern(n // 2, 99))
                    return self.abort_connection()
                if mode == "type":
                    return self.send_body(200, b"<?php echo 'oops';", "application/x-php")
                if mode == "empty":
                    return self.send_body(200, b"", "image/jpeg")
                headers = {}
                if "retry_after" in q:
                    headers["Retry-After"] = q["retry_after"]
                return self.send_body(int(mode), b"failure %d" % hit, "text/plain", headers)
            return self.serve_bytes(q)
        if path == "/hits":
            with HITS_LOCK:
                return self.send_json(200, {"hits": HITS.get(q.get("key", "default"), 0)})
        if path == "/conn":
            return self.send_json(200, {"port": self.client_address[1]})
        if path == "/redirect":
            self.send_response(302)
            self.send_header("Location", q.get("to", "/bytes"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self.send_json(404, {"error": "no such endpoint", "path": path})

    def echo(self, path, q):
        body = self.read_body()
        content_type = self.headers.get("Content-Type") or ""
        info = {
            "method": self.command,
            "path": path,
            "query": q,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "header_count": {k.lower(): len(self.headers.get_all(k)) for k in self.headers.keys()},
            "body_size": len(body),
            "body_sha1": hashlib.sha1(body).hexdigest(),
        }
        if content_type.startswith("application/x-www-form-urlencoded"):
            info["form"] = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                                  strict_parsing=bool(body))
        if content_type.startswith("multipart/form-data"):
            boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
            info["parts"] = parse_multipart(body, boundary)
        self.send_json(200, info)

    do_GET = handle_any
    do_POST = handle_any
    do_PUT = handle_any
    do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that hang up early (size limits, timeouts) are part of the tests.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    # Serve until the parent closes our stdin (or exits).
    while sys.stdin.buffer.read(4096):
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
