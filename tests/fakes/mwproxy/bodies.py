"""Request bodies: read once into a spool (memory up to 1 MiB, then a temp file), forward from there.

While the body is read, a multipart scanner picks out the small form fields (action, filename,
offset, filekey, token, ...) and measures the file parts (size, SHA-1) without keeping them, so
fault rules and the request log can see the parameters of a 5 MiB chunk upload cheaply.
"""

import hashlib
import re
import tempfile
import urllib.parse

SPOOL_MEMORY = 1 << 20        # bodies above this go to a temporary file
FIELD_LIMIT = 1 << 20         # bytes kept of one non-file multipart field
URLENCODED_LIMIT = 64 << 20   # larger urlencoded bodies are forwarded but not parsed
BLOCK = 64 << 10

_PARAM_RE = {name: re.compile(r'(?:^|;)\s*' + name + r'\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))', re.I)
             for name in ("name", "filename")}


class BodyError(Exception):
    """The client sent a body we cannot read (bad chunked encoding, short Content-Length)."""


def _disposition_param(header, name):
    m = _PARAM_RE[name].search(header)
    if not m:
        return None
    if m.group(1) is not None:
        return re.sub(r"\\(.)", r"\1", m.group(1))
    return m.group(2)


class MultipartScanner:
    """Push parser for multipart/form-data: fields as text, file parts as size and SHA-1 only."""

    def __init__(self, boundary):
        self.delim = b"--" + boundary
        self.marker = b"\r\n--" + boundary
        self.buf = b""
        self.state = "preamble"
        self.fields = []
        self.files = []
        self._part = None

    def feed(self, data):
        self.buf += data
        while True:
            if self.state == "preamble":
                i = self.buf.find(self.delim)
                if i < 0:
                    self.buf = self.buf[-len(self.delim):]
                    return
                self.buf = self.buf[i + len(self.delim):]
                self.state = "after-delim"
            elif self.state == "after-delim":
                if len(self.buf) < 2:
                    return
                if self.buf.startswith(b"--"):
                    self.state, self.buf = "done", b""
                    return
                j = self.buf.find(b"\r\n")
                if j < 0:
                    return
                self.buf = self.buf[j + 2:]
                self.state = "headers"
            elif self.state == "headers":
                j = self.buf.find(b"\r\n\r\n")
                if j < 0:
                    if len(self.buf) > 65536:
                        self.state, self.buf = "done", b""
                    return
                self._start(self.buf[:j].decode("utf-8", "replace"))
                self.buf = self.buf[j + 4:]
                self.state = "body"
            elif self.state == "body":
                i = self.buf.find(self.marker)
                if i < 0:
                    keep = len(self.marker) - 1
                    if len(self.buf) > keep:
                        self._data(self.buf[:-keep])
                        self.buf = self.buf[-keep:]
                    return
                self._data(self.buf[:i])
                self._end()
                self.buf = self.buf[i + len(self.marker):]
                self.state = "after-delim"
            else:
                self.buf = b""
                return

    def _start(self, head):
        disposition, ctype = "", None
        for line in head.split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                disposition = value.strip()
            elif key.strip().lower() == "content-type":
                ctype = value.strip()
        self._part = {"name": _disposition_param(disposition, "name") or "",
                      "filename": _disposition_param(disposition, "filename"),
                      "content_type": ctype, "size": 0, "value": bytearray(),
                      "sha1": hashlib.sha1()}

    def _data(self, data):
        p = self._part
        if p is None:
            return
        p["size"] += len(data)
        if p["filename"] is not None:
            p["sha1"].update(data)
        elif len(p["value"]) < FIELD_LIMIT:
            p["value"] += data[:FIELD_LIMIT - len(p["value"])]

    def _end(self):
        p, self._part = self._part, None
        if p is None:
            return
        if p["filename"] is not None:
            self.files.append({"name": p["name"], "filename": p["filename"],
                               "content_type": p["content_type"], "size": p["size"],
                               "sha1": p["sha1"].hexdigest()})
        else:
            self.fields.append((p["name"], bytes(p["value"]).decode("utf-8", "replace")))


class Body:
    """A request body held in a spool; `params` are the parsed form fields (POST wins over GET)."""

    def __init__(self, spool, size, content_type, fields, files):
        self.spool = spool
        self.size = size
        self.content_type = content_type
        self.fields = fields
        self.files = files

    def chunks(self):
        self.spool.seek(0)
        while True:
            block = self.spool.read(BLOCK)
            if not block:
                return
            yield block

    def close(self):
        self.spool.close()


def _boundary(content_type):
    m = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', content_type, re.I)
    if not m:
        return None
    return (m.group(1) or m.group(2)).encode("latin-1")


def read_body(rfile, headers):
    """Read the whole request body (Content-Length or chunked) into a Body."""
    ctype = headers.get("Content-Type", "") or ""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
    scanner = None
    if ctype.lower().startswith("multipart/form-data"):
        b = _boundary(ctype)
        if b:
            scanner = MultipartScanner(b)
    size = 0

    def sink(data):
        nonlocal size
        spool.write(data)
        size += len(data)
        if scanner:
            scanner.feed(data)

    try:
        if "chunked" in (headers.get("Transfer-Encoding", "") or "").lower():
            _read_chunked(rfile, sink)
        else:
            length = headers.get("Content-Length")
            remaining = int(length) if length else 0
            if remaining < 0:
                raise BodyError("negative Content-Length")
            while remaining:
                block = rfile.read(min(BLOCK, remaining))
                if not block:
                    raise BodyError("body shorter than Content-Length")
                sink(block)
                remaining -= len(block)
    except (ValueError, BodyError):
        spool.close()
        raise BodyError("unreadable request body")
    fields, files = [], []
    if scanner:
        fields, files = scanner.fields, scanner.files
    elif ctype.lower().startswith("application/x-www-form-urlencoded") and size <= URLENCODED_LIMIT:
        spool.seek(0)
        text = spool.read().decode("utf-8", "replace")
        fields = urllib.parse.parse_qsl(text, keep_blank_values=True)
    return Body(spool, size, ctype, fields, files)


def _read_chunked(rfile, sink):
    while True:
        line = rfile.readline(65537)
        if not line:
            raise BodyError("truncated chunked body")
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return
        remaining = size
        while remaining:
            block = rfile.read(min(BLOCK, remaining))
            if not block:
                raise BodyError("truncated chunk")
            sink(block)
            remaining -= len(block)
        rfile.readline(3)
