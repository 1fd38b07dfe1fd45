"""The HTTP side: route each request to the control API, the Wikibase fake or the real wiki.

Paths: /api.php and /w/api.php (and the wiki's own api.php path) are the Commons API;
/wikidata/api.php and /wikidata/w/api.php the Wikidata API (Wikibase calls answered here, all other
actions forwarded to the real wiki); /_control/… the control API; everything else is forwarded
to the same path under the wiki's base (the directory of its api.php). Special:OAuth pages and
api.php calls with OAuth or bearer credentials go through the OAuth provider fake (oauth.py). Bodies are spooled, never
parsed beyond their form fields, and forwarded byte for byte; only Host and hop-by-hop headers
are rewritten.
"""

import http.client
import http.server
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse

from . import bodies, control, oauth, oauth_wire, responses
from .entities import EntityStore
from .faults import FaultTable
from .requestlog import RequestLog
from .upstream import HOP_BY_HOP, Upstream, UpstreamError, session_headers
from .wikibase_api import WikibaseApi

WIKIBASE_ACTIONS = {"wbgetentities", "wbeditentity"}
BUFFER_LIMIT = 1 << 20
LOST_SESSION = {"assertuserfailed", "notloggedin"}
BLOCK = 64 << 10


class ProxyState:
    def __init__(self, upstream_url, verbose=False):
        self.upstream = Upstream(upstream_url)
        self.faults = FaultTable()
        self.log = RequestLog()
        self.mediainfo = EntityStore("mediainfo")
        self.wikidata = EntityStore("wikidata")
        self.wikibase = WikibaseApi(self.upstream, self.mediainfo, self.wikidata, upstream_url)
        self.oauth = oauth.Provider(self.upstream)
        self.verbose = verbose
        up = self.upstream.api_path
        self.commons_paths = {"/api.php", "/w/api.php", up}
        self.wikidata_paths = {"/wikidata/api.php", "/wikidata/w/api.php", "/wikidata" + up}

    def classify(self, path):
        if path in self.commons_paths:
            return "commons"
        if path in self.wikidata_paths:
            return "wikidata"
        return None

    def reset(self):
        self.faults.delete()
        self.log.clear()
        self.mediainfo.reset()
        self.wikidata.reset()
        self.oauth.reset()


class Request:
    """What rules, the log and the Wikibase fake need to know about one request."""

    def __init__(self, method, path, query, api, body):
        self.method, self.path, self.query, self.api, self.body = method, path, query, api, body
        self.query_params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        self.params = dict(self.query_params)
        self.params.update(dict(body.fields))      # POST wins over GET, as in MediaWiki
        self.action = self.params.get("action")


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mediawiki-proxy/1.0"

    def log_message(self, fmt, *args):
        if self.server.state.verbose:
            sys.stderr.write("mediawiki-proxy: %s %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = do_GET

    def _handle(self):
        state = self.server.state
        url = urllib.parse.urlsplit(self.path)
        path = url.path or "/"
        try:
            body = bodies.read_body(self.rfile, self.headers)
        except bodies.BodyError as e:
            self._send(responses.html_error(400, "Bad Request", str(e) + "\n", "text/plain"))
            self.close_connection = True
            return
        try:
            if path == "/_control" or path.startswith("/_control/"):
                self._send(control.handle(state, self.command, path, url.query, body))
                return
            req = Request(self.command, path, url.query, state.classify(path), body)
            self._proxy(state, req, url)
        except Exception:      # a bug in the fake must be loud, not a silent hang-up
            traceback.print_exc(file=sys.stderr)
            self._send(responses.html_error(500, "Internal Server Error", "mediawiki-proxy: "
                                            "internal error, see its stderr\n", "text/plain"))
            self.close_connection = True
        finally:
            body.close()

    def _proxy(self, state, req, url):
        entry = state.log.begin(req)
        delay_ms, rule = state.faults.select(req)
        if delay_ms:
            time.sleep(delay_ms / 1000.0)
        if rule is not None and rule.phase == "before":
            resp = rule.render(req, state.upstream.api_url)
            # logged before it is sent: a client that reads the log right after the answer sees it
            state.log.finish(entry, resp.status or None, "fault", _error_of(resp), rule)
            self._send(resp)
            return
        after = rule                  # a rule that fires after the request was carried out
        sub = oauth.special_subpage(req)
        if sub is not None:           # Special:OAuth/…: answered by the OAuth provider fake
            resp = state.oauth.special(req, self.headers, sub)
            if after is not None:
                resp = after.render(req, state.upstream.api_url, upstream=resp)
            state.log.finish(entry, resp.status, "oauth", None, after)
            self._send(resp)
            return
        account = None
        if req.api and _has_oauth(self.headers):
            try:
                account = state.oauth.verify_api(req, self.headers)
            except oauth_wire.OAuthError as e:
                resp = oauth_wire.api_error(req.params, state.upstream.api_url, e)
                state.log.finish(entry, resp.status, "oauth", _error_of(resp), None)
                self._send(resp)
                return
        sess = session_headers(self.headers)
        if account is not None:
            sess = [("Cookie", account.session_cookie())]
        if req.api and req.action in WIKIBASE_ACTIONS:
            resp = state.wikibase.handle(req, req.api, sess)
            handled_by = "proxy"
        else:
            resp = self._forward(state, req, url, buffer_all=after is not None, entry=entry,
                                 account=account)
            handled_by = "upstream"
            if resp is None:      # streamed straight to the client, logged as its headers went
                return
        if after is not None:
            resp = after.render(req, state.upstream.api_url, upstream=resp)
            handled_by = "fault"
        state.log.finish(entry, resp.status or None, handled_by, _error_of(resp), after)
        self._send(resp)

    # --- forwarding ---------------------------------------------------------------------------

    def _forward(self, state, req, url, buffer_all, entry, account=None):
        """Forward to the wiki; stream the answer (return None) or return it as a Response.

        With `account` (a verified OAuth request), the wiki sees that user's bot-password session
        instead of the client's Authorization and cookies, and its cookies stay in the proxy.
        """
        up = state.upstream
        target = up.api_path if req.api else up.path_for(req.path)
        if url.query:
            target += "?" + url.query
        dropped = ("host", "content-length", "expect")
        if account is not None:
            dropped += ("authorization", "cookie")
        headers = [(k, v) for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP and k.lower() not in dropped]
        if account is not None:
            headers.append(("Cookie", account.session_cookie()))
        try:
            conn, r = up.open(self.command, target, headers, req.body)
        except UpstreamError as e:
            return responses.html_error(502, "Bad Gateway", "mediawiki-proxy: %s\n" % e,
                                        "text/plain; charset=utf-8")
        try:
            rheaders = [(k, v) for k, v in r.getheaders()
                        if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
            if account is not None:
                account.store_cookies(rheaders)
                rheaders = [(k, v) for k, v in rheaders if k.lower() != "set-cookie"]
                if (r.getheader("MediaWiki-API-Error") or "") in LOST_SESSION:
                    account.lost_session()
            no_body = self.command == "HEAD" or r.status in (204, 304) or r.status < 200
            length = r.getheader("Content-Length")
            if no_body:
                resp = responses.Response(r.status, rheaders, b"", r.reason)
                if length is not None:
                    resp.headers.append(("Content-Length", length))
                return resp
            if buffer_all or length is None:
                data = r.read() if buffer_all else r.read(BUFFER_LIMIT + 1)
                if buffer_all or len(data) <= BUFFER_LIMIT:
                    return responses.Response(r.status, rheaders, data, r.reason)
                return self._stream(state, entry, r, rheaders, None, prefix=data)
            return self._stream(state, entry, r, rheaders, int(length))
        except (OSError, ValueError) as e:
            return responses.html_error(502, "Bad Gateway", "mediawiki-proxy: %s\n" % e,
                                        "text/plain; charset=utf-8")
        finally:
            conn.close()

    def _stream(self, state, entry, r, headers, length, prefix=b""):
        error = dict((k.lower(), v) for k, v in headers).get("mediawiki-api-error")
        state.log.finish(entry, r.status, "upstream", error)
        self.send_response_only(r.status, r.reason)
        for k, v in headers:
            self.send_header(k, v)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        sent = 0
        try:
            if prefix:
                self.wfile.write(prefix)
                sent += len(prefix)
            while True:
                block = r.read(BLOCK)
                if not block:
                    break
                self.wfile.write(block)
                sent += len(block)
        except (OSError, http.client.HTTPException):
            self.close_connection = True
        if length is not None and sent != length:
            self.close_connection = True     # the wiki broke off: do not leave the client waiting
        return None

    # --- answering ---------------------------------------------------------------------------

    def _send(self, resp):
        if resp.reset:
            self._reset_connection()
            return
        body = resp.body
        try:
            self.send_response_only(resp.status, resp.reason)
            names = {k.lower() for k, _ in resp.headers}
            for k, v in resp.headers:
                if k.lower() != "content-length":
                    self.send_header(k, v)
            if "date" not in names:
                self.send_header("Date", self.date_time_string())
            self.send_header("Content-Length", str(len(body)))
            if resp.truncate:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body[:len(body) // 2] if resp.truncate else body)
        except OSError:
            pass
        if resp.truncate:
            self.close_connection = True

    def _reset_connection(self):
        """Close with SO_LINGER 0, so the client sees a TCP reset instead of an answer."""
        self.close_connection = True
        try:
            self.rfile.close()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def _has_oauth(headers):
    auth = (headers.get("Authorization") or "").lstrip()
    return auth[:6].lower() == "oauth " or auth[:7].lower() == "bearer "


def _error_of(resp):
    return resp.header("MediaWiki-API-Error") if resp is not None else None


class ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, state):
        self.state = state
        super().__init__(address, ProxyHandler)

    def handle_error(self, request, client_address):
        if self.state.verbose:
            super().handle_error(request, client_address)


def serve(host, port, upstream_url, verbose=False):
    """Create the server (bound, not yet serving); returns it."""
    return ProxyServer((host, port), ProxyState(upstream_url, verbose))


def serve_in_thread(server):
    t = threading.Thread(target=server.serve_forever, name="mediawiki-proxy", daemon=True)
    t.start()
    return t
