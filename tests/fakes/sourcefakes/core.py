"""Request/response types and helpers shared by the fakes."""

import json
import urllib.parse
from http.cookies import SimpleCookie


class Request:
    """One parsed HTTP request as the service fakes see it."""

    def __init__(self, app, method, target, headers, body):
        self.app = app
        self.method = method
        self.target = target
        parts = urllib.parse.urlsplit(target)
        self.path = urllib.parse.unquote(parts.path) or "/"
        self.query_string = parts.query
        self.query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.form = {}
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype == "application/x-www-form-urlencoded":
            try:
                self.form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                self.form = {}
        self.cookies = {}
        for raw in headers.get_all("Cookie") or []:
            jar = SimpleCookie()
            try:
                jar.load(raw)
            except Exception:  # malformed cookie header: ignore like most servers
                continue
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        self.service = None      # set by the router
        self.subpath = self.path  # path below the service prefix
        self.auth = None          # "ok" | "missing" | "invalid" (logged)

    def arg(self, name, default=None):
        """First value of a query parameter (or form field for POSTs)."""
        values = self.query.get(name)
        if values is None:
            values = self.form.get(name)
        return values[0] if values else default

    def has_arg(self, name):
        return name in self.query or name in self.form


class Response:
    def __init__(self, status=200, body=b"", content_type="text/plain; charset=utf-8",
                 headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.content_type = content_type
        self.headers = list(headers or [])


def json_response(obj, status=200, content_type="application/json; charset=utf-8",
                  headers=None):
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, content_type, headers)


def html_response(status, title, headers=None):
    body = ("<!DOCTYPE html><html><head><title>%d %s</title></head>"
            "<body><h1>%s</h1></body></html>\n" % (status, title, title))
    return Response(status, body, "text/html; charset=utf-8", headers)


def merge_entity(old, new):
    """Shallow merge for --data overrides: a null value removes the key."""
    out = dict(old or {})
    for key, value in new.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def int_arg(value, default, lo=None, hi=None):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    if lo is not None and n < lo:
        n = lo
    if hi is not None and n > hi:
        n = hi
    return n


def range_response(req, data, content_type, headers=None):
    """200 with the bytes, or 206/416 for a single ``Range: bytes=a-b`` request."""
    headers = list(headers or []) + [("Accept-Ranges", "bytes")]
    spec = (req.headers.get("Range") or "").strip()
    if not spec.startswith("bytes=") or "," in spec:
        return Response(200, data, content_type, headers)
    first, _, last = spec[6:].partition("-")
    size = len(data)
    try:
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
    except ValueError:
        return Response(200, data, content_type, headers)
    if start >= size or start > end:
        return Response(416, b"", content_type, headers + [("Content-Range", "bytes */%d" % size)])
    return Response(206, data[start:end + 1], content_type,
                    headers + [("Content-Range", "bytes %d-%d/%d" % (start, end, size))])
