"""The real wiki behind the proxy: raw forwarding, and the small API look-ups the fake needs.

Look-ups (page ids, titles, token checks, userinfo) carry the client's Cookie and Authorization
headers, so they see the wiki exactly as the client's session does.
"""

import http.client
import json
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "trailers", "transfer-encoding", "upgrade", "proxy-connection"}
SESSION_HEADERS = ("Cookie", "Authorization")


class UpstreamError(Exception):
    pass


class Upstream:
    def __init__(self, api_url, timeout=600.0):
        u = urllib.parse.urlsplit(api_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError("--upstream must be an http(s) URL of api.php: %r" % api_url)
        self.api_url = api_url
        self.scheme = u.scheme
        self.host = u.hostname
        self.port = u.port or (443 if u.scheme == "https" else 80)
        self.netloc = u.netloc
        self.api_path = u.path or "/api.php"
        self.base_dir = self.api_path.rsplit("/", 1)[0] + "/"      # "/" or e.g. "/w/"
        self.timeout = timeout

    def path_for(self, path):
        """The wiki's path for a proxy path outside the API: /index.php → BASE/index.php."""
        if self.base_dir == "/" or path.startswith(self.base_dir):
            return path
        return self.base_dir + path.lstrip("/")

    def connect(self, timeout=None):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=timeout or self.timeout)

    def open(self, method, target, headers, body=None):
        """Send a request (headers: list of pairs; body: Body or None); return (conn, response)."""
        conn = self.connect()
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", self.netloc)
            for name, value in headers:
                conn.putheader(name, value)
            if body is not None and (body.size or method not in ("GET", "HEAD")):
                conn.putheader("Content-Length", str(body.size))
            conn.endheaders()
            if body is not None:
                for block in body.chunks():
                    conn.send(block)
            return conn, conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            raise UpstreamError("%s %s: %s" % (method, target, e))

    def api(self, params, session_headers, method="GET"):
        """A JSON API call with the client's session; returns the decoded answer."""
        params = dict(params, format="json", formatversion="2")
        data = urllib.parse.urlencode(params).encode("utf-8")
        headers = [(k, v) for k, v in session_headers] + [("User-Agent", "mediawiki-proxy/1.0")]
        conn = self.connect(timeout=60)
        try:
            if method == "GET":
                conn.request("GET", self.api_path + "?" + data.decode("ascii"), headers=dict(headers))
            else:
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                conn.request("POST", self.api_path, body=data, headers=dict(headers))
            resp = conn.getresponse()
            raw = resp.read()
            if resp.status != 200:
                raise UpstreamError("%s answered HTTP %d" % (self.api_url, resp.status))
            return json.loads(raw.decode("utf-8"))
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise UpstreamError("%s: %s" % (self.api_url, e))
        finally:
            conn.close()

    # --- look-ups used by the Wikibase fake ---------------------------------------------------

    def pages_by_title(self, titles, session):
        """{requested title: page dict (pageid, ns, title) or None if missing/invalid}."""
        out = {}
        for batch in _batches(titles):
            res = self.api({"action": "query", "titles": "|".join(batch)}, session)
            q = res.get("query", {})
            norm = {n["from"]: n["to"] for n in q.get("normalized", [])}
            pages = {p.get("title"): p for p in q.get("pages", [])}
            for t in batch:
                p = pages.get(norm.get(t, t))
                ok = p and "pageid" in p and not p.get("missing") and not p.get("invalid")
                out[t] = {"pageid": p["pageid"], "ns": p["ns"], "title": p["title"]} if ok else None
        return out

    def pages_by_id(self, pageids, session):
        out = {}
        for batch in _batches([str(i) for i in pageids]):
            res = self.api({"action": "query", "pageids": "|".join(batch)}, session)
            for p in res.get("query", {}).get("pages", []):
                if "pageid" in p and not p.get("missing") and "title" in p:
                    out[int(p["pageid"])] = {"pageid": p["pageid"], "ns": p["ns"],
                                             "title": p["title"]}
        return {int(i): out.get(int(i)) for i in pageids}

    def check_csrf(self, token, session):
        """True if the wiki accepts `token` as the csrf token of this session."""
        res = self.api({"action": "checktoken", "type": "csrf", "token": token}, session, "POST")
        return res.get("checktoken", {}).get("result") == "valid"

    def userinfo(self, session):
        res = self.api({"action": "query", "meta": "userinfo", "uiprop": "rights"}, session)
        return res.get("query", {}).get("userinfo", {})


def _batches(items, size=50):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def session_headers(headers):
    """The client's session headers (a list of pairs) from an http.server headers object."""
    return [(name, headers[name]) for name in SESSION_HEADERS if headers.get(name)]
