"""An OAuth provider in the proxy, faithful to Extension:OAuth (the test wiki lacks the extension).

* Special:OAuth/initiate, /authorize (= /authenticate), /verified, /token, /identify under any
  index.php path (`?title=Special:OAuth/x` or `/index.php/Special:OAuth/x`).
* api.php calls with `Authorization: OAuth ...` are verified like MWOAuthServer::verify_request
  (version, consumer, access token, timestamp within 300 s, nonce unused, HMAC-SHA1 over the query
  and x-www-form-urlencoded body) and then carried out on the real wiki as a bot-password session
  of the user who granted the token; `Authorization: Bearer T` is the OAuth 2 path. A refusal is
  the API error the extension's session provider gives.
* Wiki accounts, consumers, grants, bearer tokens, revocation and one-shot identify tampering are
  set through /_control/oauth/ (oauth_control.py).

Not like the extension: grants do not restrict rights (the bot password's grants do); only
HMAC-SHA1 (no RSA-SHA1, no PLAINTEXT); repeated parameters are signed as RFC 5849 says (PHP's
array_merge keeps only the last one); the authorize dialog is approved by `fake_approve_as=USER`
or the control API instead of a logged-in browser session.
"""

import http.client
import json
import secrets
import threading
import time
import urllib.parse

from . import oauth_wire as wire
from .oauth_control import ControlApi
from .oauth_wire import MWOAuthError, OAuthError

TIMESTAMP_THRESHOLD = 300      # Lib\OAuthServer::TIMESTAMP_THRESHOLD
REQUEST_TOKEN_TTL = 600        # MWOAuthDataStore::new_request_token
JWT_LIFETIME = 100             # UserStatementProvider: exp = iat + 100
SPECIAL_PREFIX = "Special:OAuth/"


class WikiAccount:
    """A user of the real wiki, reached through a bot password; holds its session cookies."""

    def __init__(self, upstream, username, bot_user, bot_password):
        self.upstream, self.username = upstream, username
        self.bot_user, self.bot_password = bot_user, bot_password
        self.cookies = {}
        self.lock = threading.Lock()
        self.user_id = None
        self.logged_in = False

    def _call(self, params, post=False):
        data = urllib.parse.urlencode(dict(params, format="json", formatversion="2"))
        conn = self.upstream.connect(timeout=60)
        headers = {"User-Agent": "mediawiki-proxy/1.0 (oauth)"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        try:
            if post:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                conn.request("POST", self.upstream.api_path, body=data, headers=headers)
            else:
                conn.request("GET", self.upstream.api_path + "?" + data, headers=headers)
            r = conn.getresponse()
            self.store_cookies(r.getheaders())
            return json.loads(r.read().decode("utf-8"))
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise ValueError("the wiki did not answer for %s: %s" % (self.bot_user, e))
        finally:
            conn.close()

    def store_cookies(self, headers):
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair = value.split(";", 1)[0]
            k, _, v = pair.partition("=")
            k = k.strip()
            if v in ("", "deleted") or "max-age=0" in value.lower():
                self.cookies.pop(k, None)
            else:
                self.cookies[k] = v

    def cookie_header(self):
        return "; ".join("%s=%s" % kv for kv in self.cookies.items())

    def login(self):
        with self.lock:
            self.cookies.clear()
            tok = self._call({"action": "query", "meta": "tokens", "type": "login"})
            token = tok["query"]["tokens"]["logintoken"]
            res = self._call({"action": "login", "lgname": self.bot_user,
                              "lgpassword": self.bot_password, "lgtoken": token}, post=True)
            login = res.get("login", {})
            if login.get("result") != "Success":
                raise ValueError("bot password login as %s refused: %s"
                                 % (self.bot_user, login.get("reason") or login.get("result")))
            self.user_id = login.get("lguserid")
            self.logged_in = True

    def session_cookie(self):
        if not self.logged_in:
            self.login()
        with self.lock:
            return self.cookie_header()

    def lost_session(self):
        self.logged_in = False

    def statement(self):
        """The user facts identify reports, read from the wiki as this user."""
        if not self.logged_in:
            self.login()
        res = self._call({"action": "query", "meta": "userinfo",
                          "uiprop": "groups|rights|editcount|email|blockinfo|registrationdate"})
        ui = res.get("query", {}).get("userinfo", {})
        if not ui.get("id"):
            self.logged_in = False
            raise MWOAuthError("mwoauth-invalid-authorization-invalid-user")
        registered = ui.get("registrationdate") or ""
        return {"sub": str(ui["id"]), "username": ui.get("name", self.username),
                "editcount": int(ui.get("editcount", 0)),
                "confirmed_email": bool(ui.get("emailauthenticated")),
                "blocked": "blockid" in ui,
                "registered": registered.replace("-", "").replace(":", "").replace("T", "")
                                        .replace("Z", ""),
                "groups": ui.get("groups", []), "rights": ui.get("rights", [])}


class Provider(ControlApi):
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.RLock()
        self.issuer_override = None
        self._issuer = None
        self.reset()

    def reset(self):
        with self.lock:
            self.accounts = {}        # username -> WikiAccount
            self.consumers = {}       # key -> dict
            self.request_tokens = {}  # (consumer key, token) -> dict, or "**USED**"
            self.access = {}          # access key -> {secret, consumer, username, revoked}
            self.bearer = {}          # token -> {username, expires_at, revoked}
            self.nonces = {}          # (consumer, token, nonce) -> expiry
            self.tamper = []          # pending identify tampering specs

    # --- configuration ------------------------------------------------------------------------

    def issuer(self):
        """$wgCanonicalServer of the real wiki (siteinfo `server`)."""
        if self.issuer_override:
            return self.issuer_override
        if self._issuer is None:
            info = self.upstream.api({"action": "query", "meta": "siteinfo"}, [])
            server = info["query"]["general"]["server"]
            self._issuer = ("http:" + server) if server.startswith("//") else server
        return self._issuer

    def account(self, username):
        acc = self.accounts.get(username)
        if acc is None:
            raise MWOAuthError("mwoauth-invalid-authorization-invalid-user")
        return acc

    # --- verification (Lib\OAuthServer::verify_request and friends) ----------------------------

    def _params(self, req, headers, with_body=True):
        """MWOAuthRequest::fromRequest: query, urlencoded POST body, then the header's oauth_*."""
        params = list(urllib.parse.parse_qsl(req.query, keep_blank_values=True))
        if with_body and req.method == "POST" and req.body.content_type.lower().startswith(
                "application/x-www-form-urlencoded"):
            params += list(req.body.fields)
        header = wire.parse_authorization(headers.get("Authorization"))
        return params + (header or [])

    @staticmethod
    def _get(params, name):
        found = None
        for k, v in params:
            if k == name:
                found = v
        return found

    def _check(self, req, headers, params, token_type):
        version = self._get(params, "oauth_version") or "1.0"
        if version != "1.0":
            raise OAuthError("OAuth version '%s' not supported" % version)
        key = self._get(params, "oauth_consumer_key")
        if not key:
            raise OAuthError("Invalid consumer key")
        consumer = self.consumers.get(key)
        if consumer is None:
            raise OAuthError("Invalid consumer")
        token = None
        if token_type == "access":
            token_key = self._get(params, "oauth_token")
            token = self.access.get(token_key)
            if token is None or token["revoked"] or token["consumer"] != key:
                raise MWOAuthError("mwoauthdatastore-access-token-not-found")
            token = dict(token, key=token_key)
        return consumer, token

    def _check_signature(self, req, headers, params, consumer, token):
        ts = self._get(params, "oauth_timestamp")
        if not ts:
            raise OAuthError("Missing timestamp parameter. The parameter is required")
        now = int(time.time())
        try:
            stamp = int(ts)
        except ValueError:
            stamp = 0
        if abs(now - stamp) > TIMESTAMP_THRESHOLD:
            raise OAuthError("Expired timestamp, yours %s, ours %d" % (ts, now))
        nonce = self._get(params, "oauth_nonce")
        if not nonce:
            raise OAuthError("Missing nonce parameter. The parameter is required")
        nkey = (consumer["key"], token["key"] if token else "", nonce)
        for k in [k for k, exp in self.nonces.items() if exp < now]:
            del self.nonces[k]
        if nkey in self.nonces:        # recorded before the signature is checked, as upstream
            raise OAuthError("Nonce already used: %s" % nonce)
        self.nonces[nkey] = stamp + TIMESTAMP_THRESHOLD
        method = self._get(params, "oauth_signature_method")
        if not method:
            raise OAuthError("No signature method parameter. This parameter is required")
        if method != "HMAC-SHA1":
            raise OAuthError("Signature method '%s' not supported try one of the following: "
                             "HMAC-SHA1" % method)
        url = "http://%s%s" % (headers.get("Host", "127.0.0.1"),
                               req.path + ("?" + req.query if req.query else ""))
        base = wire.signature_base_string(req.method, url, params)
        expected = wire.hmac_sha1_signature(base, consumer["secret"],
                                            token["secret"] if token else "")
        if not secrets.compare_digest(expected, self._get(params, "oauth_signature") or ""):
            raise OAuthError("Invalid signature")

    def verify_api(self, req, headers):
        """The WikiAccount an OAuth-signed or bearer api.php request acts as; raises OAuthError."""
        auth = headers.get("Authorization") or ""
        with self.lock:
            if auth[:7].lower() == "bearer ":
                entry = self.bearer.get(auth[7:].strip())
                if entry is None or entry["revoked"] or (
                        entry["expires_at"] is not None and entry["expires_at"] <= time.time()):
                    raise MWOAuthError("mwoauth-oauth2-invalid-access-token")
                return self.account(entry["username"])
            params = self._params(req, headers)
            consumer, token = self._check(req, headers, params, "access")
            self._check_signature(req, headers, params, consumer, token)
            if not consumer["approved"]:
                raise MWOAuthError("mwoauth-invalid-authorization-not-approved", consumer["name"])
            return self.account(token["username"])

    # --- Special:OAuth ------------------------------------------------------------------------

    def special(self, req, headers, sub):
        params = self._params(req, headers)
        fmt = self._get(params, "format") or "raw"
        try:
            if sub == "initiate":
                return self._initiate(req, headers, params, fmt)
            if sub in ("authorize", "authenticate"):
                return self._authorize_page(req, headers, params)
            if sub == "verified":
                return self._verified_page(params)
            if sub == "token":
                return self._token(req, headers, params, fmt)
            if sub == "identify":
                fmt = "json"
                return self._identify(req, headers, params)
            return wire.special_html("OAuth", "<p>Unknown OAuth page.</p>")
        except OAuthError as e:
            return wire.special_error(e, "html" if sub in ("authorize", "authenticate",
                                                          "verified") else fmt)

    def _usable(self, consumer):
        if consumer["owner_only"]:
            raise MWOAuthError("mwoauthserver-consumer-owner-only", consumer["name"],
                               "Special:OAuthConsumerRegistration/update/" + consumer["key"])

    def _initiate(self, req, headers, params, fmt):
        with self.lock:
            consumer, _ = self._check(req, headers, params, None)
            self._usable(consumer)
            self._check_signature(req, headers, params, consumer, None)
            callback = self._get(params, "oauth_callback")
            if callback != "oob":
                raise MWOAuthError("mwoauth-callback-not-oob")
            key, secret = secrets.token_hex(16), secrets.token_hex(16)
            self.request_tokens[(consumer["key"], key)] = {
                "secret": secret, "expires": time.time() + REQUEST_TOKEN_TTL, "verifier": None,
                "username": None}
        return wire.special_token(key, secret, fmt, True)

    def _request_token(self, consumer_key, key):
        entry = self.request_tokens.get((consumer_key, key))
        if entry == "**USED**":
            raise MWOAuthError("mwoauthdatastore-request-token-already-used")
        if entry is None or entry["expires"] < time.time():
            raise MWOAuthError("mwoauthdatastore-request-token-not-found")
        return entry

    def approve(self, consumer_key, request_key, username):
        """The user clicked Allow: a verifier for the request token; returns the callback URL."""
        with self.lock:
            consumer = self.consumers.get(consumer_key)
            if consumer is None:
                raise MWOAuthError("mwoauthserver-bad-consumer-key")
            self._usable(consumer)
            self.account(username)
            entry = self._request_token(consumer_key, request_key)
            entry["verifier"] = secrets.token_hex(16)
            entry["username"] = username
            q = urllib.parse.urlencode({"title": SPECIAL_PREFIX + "verified",
                                        "oauth_verifier": entry["verifier"],
                                        "oauth_token": request_key})
            return entry["verifier"], "/index.php?" + q

    def _authorize_page(self, req, headers, params):
        token = self._get(params, "requestToken") or self._get(params, "oauth_token")
        key = self._get(params, "consumerKey") or self._get(params, "oauth_consumer_key")
        approve_as = self._get(params, "fake_approve_as")
        if not token or not key:
            raise MWOAuthError("mwoauth-bad-request-missing-params")
        if approve_as:
            _, location = self.approve(key, token, approve_as)
            resp = wire.special_html("OAuth", "<p>Redirecting.</p>", status=302)
            # the wiki redirects to its own full URL of Special:OAuth/verified (oob consumers)
            prefix = req.path.split("index.php", 1)[0].rstrip("/")
            base = "http://%s%s" % (headers.get("Host", "127.0.0.1"), prefix)
            resp.headers.append(("Location", base + location))
            return resp
        with self.lock:
            consumer = self.consumers.get(key)
        if consumer is None:
            raise MWOAuthError("mwoauthserver-bad-consumer-key")
        return wire.special_html("Connected apps", (
            "<form id=\"mw-mwoauth-authorize-form\" method=\"post\"><p>Hi, <b>%s</b> needs "
            "permission to perform actions on your behalf.</p><input type=\"hidden\" "
            "name=\"requestToken\" value=\"%s\"><button name=\"accept\">Allow</button><button "
            "name=\"cancel\">Cancel</button></form>" % (
                wire.html.escape(consumer["name"]), wire.html.escape(token))))

    def _verified_page(self, params):
        verifier, token = self._get(params, "oauth_verifier"), self._get(params, "oauth_token")
        if not verifier or not token:
            raise MWOAuthError("mwoauth-bad-request-missing-params")
        return wire.special_html("OAuth", (
            "<p>Almost done: give this verification code to the application: <b>%s</b></p>"
            "<p>(request token: %s)</p>" % (wire.html.escape(verifier), wire.html.escape(token))))

    def _token(self, req, headers, params, fmt):
        with self.lock:
            consumer, _ = self._check(req, headers, params, None)
            self._usable(consumer)
            key = self._get(params, "oauth_token")
            entry = self._request_token(consumer["key"], key)
            token = {"key": key, "secret": entry["secret"]}
            self._check_signature(req, headers, params, consumer, token)
            if not entry["verifier"]:
                raise MWOAuthError("mwoauthdatastore-bad-token")
            if not secrets.compare_digest(entry["verifier"],
                                          self._get(params, "oauth_verifier") or ""):
                raise MWOAuthError("mwoauthdatastore-bad-verifier")
            access_key = self._acceptance(consumer["key"], entry["username"])
            self.request_tokens[(consumer["key"], key)] = "**USED**"
            secret = self.access[access_key]["secret"]
        return wire.special_token(access_key, secret, fmt, False)

    def _acceptance(self, consumer_key, username):
        """One access token per user and consumer (ConsumerAcceptance), reused while granted."""
        for k, a in self.access.items():
            if a["consumer"] == consumer_key and a["username"] == username and not a["revoked"]:
                return k
        key = secrets.token_hex(16)
        self.access[key] = {"secret": secrets.token_hex(20), "consumer": consumer_key,
                            "username": username, "revoked": False}
        return key

    def _identify(self, req, headers, params):
        with self.lock:
            consumer, token = self._check(req, headers, params, "access")
            self._check_signature(req, headers, params, consumer, token)
            if not consumer["approved"]:
                raise MWOAuthError("mwoauth-invalid-authorization-not-approved", consumer["name"])
            account = self.account(token["username"])
            tamper = self.tamper.pop(0) if self.tamper else None
        now = int(time.time())
        claims = {"iss": self.issuer(), "aud": consumer["key"], "exp": now + JWT_LIFETIME,
                  "iat": now}
        claims.update(account.statement())
        claims["grants"] = list(consumer["grants"])
        claims["nonce"] = self._get(params, "oauth_nonce")
        secret, alg = consumer["secret"], "HS256"
        if tamper:
            claims.update(tamper.get("claims") or {})
            for name in tamper.get("drop") or []:
                claims.pop(name, None)
            secret = tamper.get("secret", secret)
            alg = tamper.get("alg", alg)
        jwt = wire.jwt_hs256(claims, secret, alg)
        return _jwt_response(jwt)

def _jwt_response(jwt):
    # outputJWT prints the token with format=json forced: Content-Type application/json.
    resp = wire.special_json("")
    resp.body = jwt.encode("ascii")
    return resp


def special_subpage(req):
    """"initiate", "token", ... when the request is for Special:OAuth/<sub>, else None."""
    title = req.query_params.get("title")
    if title is None and "/index.php/" in req.path:
        title = urllib.parse.unquote(req.path.split("/index.php/", 1)[1])
    if title is None or not req.path.endswith("index.php") and "/index.php/" not in req.path:
        return None
    title = title.replace("_", " ").strip()
    if not title.startswith(SPECIAL_PREFIX):
        return None
    return title[len(SPECIAL_PREFIX):].strip().lower()
