#!/usr/bin/env python3
"""Tests of the OAuth provider fake in tests/fakes/mediawiki_proxy.py (unittest + urllib only).

Needs the test wiki (scripts/test-services.sh start DIR && . DIR/services.env). The signing here
uses the fake's own oauth_wire module, which test_wire_* first checks against published vectors,
so a fault common to both sides cannot hide.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from mwproxy import oauth_wire as wire  # noqa: E402
from test_mediawiki_proxy import start_proxy, stop_proxy  # noqa: E402

ENV = ("CURATOR_TEST_MEDIAWIKI_API", "CURATOR_TEST_MW_USER_BOT_USER",
       "CURATOR_TEST_MW_USER_BOT_PASSWORD")
PROC, PORT = None, None


def setUpModule():
    global PROC, PORT
    missing = [v for v in ENV if not os.environ.get(v)]
    if missing:
        raise RuntimeError("environment variable(s) %s not set: start the test services"
                           % ", ".join(missing))
    PROC, PORT = start_proxy("--exit-on-stdin-close")


def tearDownModule():
    if PROC is not None:
        stop_proxy(PROC)


def base():
    return "http://127.0.0.1:%d" % PORT


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, headers=None, data=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        r = OPENER.open(req, timeout=60)
        return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def control(method, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    status, _, body = fetch(base() + "/_control/" + path, {"Content-Type": "application/json"},
                            data, method)
    return status, json.loads(body)


def sign(method, url, consumer, token=None, extra=(), form=(), nonce=None, timestamp=None):
    oauth = [("oauth_consumer_key", consumer["key"]),
             ("oauth_nonce", nonce or secrets.token_hex(15)),
             ("oauth_signature_method", "HMAC-SHA1"),
             ("oauth_timestamp", str(timestamp if timestamp is not None else int(time.time()))),
             ("oauth_version", "1.0")] + list(extra)
    if token:
        oauth.append(("oauth_token", token[0]))
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    base_string = wire.signature_base_string(method, url, query + list(form) + oauth)
    oauth.append(("oauth_signature", wire.hmac_sha1_signature(
        base_string, consumer["secret"], token[1] if token else "")))
    return {"Authorization": "OAuth " + ", ".join(
        '%s="%s"' % (k, wire.percent_encode(v)) for k, v in oauth)}


def special(page):
    return base() + "/index.php?title=Special%3AOAuth%2F" + page


def api_url(**params):
    return base() + "/api.php?" + urllib.parse.urlencode(dict(params, format="json",
                                                              formatversion="2"))


def jwt_claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class WireVectors(unittest.TestCase):
    def test_wire_oauth_core_appendix_a5(self):
        # OAuth Core 1.0, Appendix A.5.1-A.5.2 (photos.example.net).
        url = "http://photos.example.net/photos?file=vacation.jpg&size=original"
        params = [("file", "vacation.jpg"), ("size", "original"),
                  ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
                  ("oauth_nonce", "kllo9940pd9333jh"), ("oauth_timestamp", "1191242096"),
                  ("oauth_signature_method", "HMAC-SHA1"), ("oauth_version", "1.0")]
        b = wire.signature_base_string("GET", url, params)
        self.assertEqual(b, "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26"
                            "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh"
                            "%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096"
                            "%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3D"
                            "original")
        self.assertEqual(wire.hmac_sha1_signature(b, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
                         "tR3+Ty81lMeYAr/Fid0kMTYa/WM=")

    def test_wire_rfc5849_encoding_and_header(self):
        self.assertEqual(wire.percent_encode("a b+c/~é"), "a%20b%2Bc%2F~%C3%A9")
        self.assertEqual(wire.base_string_uri("HTTP://Example.COM:80/r%20v/X?id=123"),
                         "http://example.com/r%20v/X")
        self.assertEqual(wire.parse_authorization('OAuth realm="x", oauth_token="a%20b", x="y"'),
                         [("oauth_token", "a b")])
        self.assertIsNone(wire.parse_authorization("Bearer abc"))

    def test_wire_jwt_is_hs256_of_the_consumer_secret(self):
        token = wire.jwt_hs256({"aud": "k", "n": 1}, "secret")
        head, payload, sig = token.split(".")
        want = hmac.new(b"secret", (head + "." + payload).encode(), hashlib.sha256).digest()
        self.assertEqual(sig, wire.b64url(want))
        self.assertEqual(json.loads(base64.urlsafe_b64decode(head + "==")),
                         {"typ": "JWT", "alg": "HS256"})


class Provider(unittest.TestCase):
    def setUp(self):
        status, user = control("POST", "oauth/users", {
            "bot_user": os.environ["CURATOR_TEST_MW_USER_BOT_USER"],
            "bot_password": os.environ["CURATOR_TEST_MW_USER_BOT_PASSWORD"]})
        self.assertEqual(status, 200, user)
        self.username = user["username"]
        status, self.consumer = control("POST", "oauth/consumers", {"name": "Unit test"})
        self.assertEqual(status, 200)

    def login(self):
        url = special("initiate")
        status, headers, body = fetch(url, sign("GET", url, self.consumer,
                                                extra=[("oauth_callback", "oob")]))
        self.assertEqual((status, headers["Content-Type"]), (200, "text/plain"))
        req = dict(urllib.parse.parse_qsl(body))
        self.assertEqual(req["oauth_callback_confirmed"], "true")
        status, headers, _ = fetch(special("authorize") + "&oauth_token=%s&oauth_consumer_key=%s"
                                   "&fake_approve_as=%s" % (req["oauth_token"],
                                                            self.consumer["key"], self.username))
        self.assertEqual(status, 302)
        back = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers["Location"]).query))
        self.assertEqual(back["title"], "Special:OAuth/verified")
        self.assertEqual(back["oauth_token"], req["oauth_token"])
        url = special("token")
        status, _, body = fetch(url, sign("GET", url, self.consumer,
                                          (req["oauth_token"], req["oauth_token_secret"]),
                                          extra=[("oauth_verifier", back["oauth_verifier"])]))
        access = dict(urllib.parse.parse_qsl(body))
        return req, back["oauth_verifier"], (access["oauth_token"], access["oauth_token_secret"])

    def api_error(self, headers, **params):
        status, h, body = fetch(api_url(**(params or {"action": "query", "meta": "userinfo"})),
                                headers)
        self.assertEqual(status, 200)
        err = json.loads(body)["error"]
        self.assertEqual(h.get("MediaWiki-API-Error"), err["code"])
        return err["code"], err["info"]

    def test_flow_and_identify(self):
        req, verifier, access = self.login()
        url = special("identify")
        headers = sign("GET", url, self.consumer, access, nonce="identify-nonce-1")
        status, h, jwt = fetch(url, headers)
        self.assertEqual((status, h["Content-Type"]), (200, "application/json"))
        claims = jwt_claims(jwt)
        head, payload, sig = jwt.split(".")
        want = hmac.new(self.consumer["secret"].encode(), (head + "." + payload).encode(),
                        hashlib.sha256).digest()
        self.assertEqual(sig, wire.b64url(want))
        _, info = control("GET", "oauth")
        self.assertEqual(claims["iss"], info["issuer"])
        self.assertEqual(claims["aud"], self.consumer["key"])
        self.assertEqual(claims["nonce"], "identify-nonce-1")
        self.assertEqual(claims["username"], self.username)
        self.assertEqual(claims["exp"], claims["iat"] + 100)
        self.assertLessEqual(abs(claims["iat"] - time.time()), 5)
        self.assertIsInstance(claims["sub"], str)
        for key in ("editcount", "confirmed_email", "blocked", "registered", "groups", "rights",
                    "grants"):
            self.assertIn(key, claims)
        # A request token works once; the identify answer is JSON for errors.
        url = special("token")
        _, _, body = fetch(url, sign("GET", url, self.consumer,
                                     (req["oauth_token"], req["oauth_token_secret"]),
                                     extra=[("oauth_verifier", verifier)]))
        self.assertTrue(body.startswith("Error: This request has already been completed"))
        url = special("identify")
        _, _, body = fetch(url, sign("GET", url, self.consumer, (access[0], "bad")))
        self.assertEqual(json.loads(body), {
            "error": "mwoauth-oauth-exception",
            "message": "An error occurred in the OAuth protocol: Invalid signature"})

    def test_initiate_refusals_and_json_format(self):
        url = special("initiate") + "&format=json"
        _, _, body = fetch(url, sign("GET", url, self.consumer, extra=[("oauth_callback", "oob")]))
        token = json.loads(body)
        self.assertEqual(sorted(token), ["key", "oauth_callback_confirmed", "secret"])
        url = special("initiate")
        _, _, body = fetch(url, sign("GET", url, self.consumer,
                                     extra=[("oauth_callback", "https://example.org/cb")]))
        self.assertEqual(body, "Error: oauth_callback must be set, and must be set to "
                               "&quot;oob&quot; (case-sensitive)")
        _, _, body = fetch(url, sign("GET", url, {"key": "nope", "secret": "x"},
                                     extra=[("oauth_callback", "oob")]))
        self.assertEqual(body, "Error: An error occurred in the OAuth protocol: Invalid consumer")
        _, owner = control("POST", "oauth/consumers", {"owner_only": True,
                                                       "username": self.username})
        _, _, body = fetch(url, sign("GET", url, owner, extra=[("oauth_callback", "oob")]))
        self.assertIn("is an owner-only Connected App", body)
        # The owner-only consumer's own token works on api.php.
        h = sign("GET", api_url(action="query", meta="userinfo"), owner,
                 (owner["access_token"], owner["access_secret"]))
        _, _, body = fetch(api_url(action="query", meta="userinfo"), h)
        self.assertEqual(json.loads(body)["query"]["userinfo"]["name"], self.username)

    def test_authorize_page_and_wrong_verifier(self):
        url = special("initiate")
        _, _, body = fetch(url, sign("GET", url, self.consumer, extra=[("oauth_callback", "oob")]))
        req = dict(urllib.parse.parse_qsl(body))
        status, h, page = fetch(special("authorize") + "&oauth_token=%s&oauth_consumer_key=%s"
                                % (req["oauth_token"], self.consumer["key"]))
        self.assertEqual(status, 200)
        self.assertIn("mw-mwoauth-authorize-form", page)
        url = special("token")
        _, _, body = fetch(url, sign("GET", url, self.consumer,
                                     (req["oauth_token"], req["oauth_token_secret"]),
                                     extra=[("oauth_verifier", "x")]))
        self.assertEqual(body, "Error: No token was found matching your request.")
        status, r = control("POST", "oauth/authorize", {"oauth_consumer_key": self.consumer["key"],
                                                        "oauth_token": req["oauth_token"],
                                                        "username": self.username})
        self.assertEqual(status, 200)
        _, _, body = fetch(url, sign("GET", url, self.consumer,
                                     (req["oauth_token"], req["oauth_token_secret"]),
                                     extra=[("oauth_verifier", "x")]))
        self.assertEqual(body, "Error: The verification code provided was not valid.")
        status, r = control("POST", "oauth/authorize", {"oauth_consumer_key": self.consumer["key"],
                                                        "oauth_token": "unknown",
                                                        "username": self.username})
        self.assertEqual((status, r["code"]), (400, "mwoauthdatastore-request-token-not-found"))

    def test_api_verification(self):
        _, _, access = self.login()
        url = api_url(action="query", meta="userinfo")
        _, _, body = fetch(url, sign("GET", url, self.consumer, access))
        self.assertEqual(json.loads(body)["query"]["userinfo"]["name"], self.username)
        prefix = "The authorization headers in your request are not valid: "
        self.assertEqual(self.api_error(sign("GET", url, self.consumer, (access[0], "x"))),
                         ("mwoauth-invalid-authorization", prefix + "Invalid signature"))
        h = sign("GET", url, self.consumer, access, nonce="n-1")
        self.assertEqual(fetch(url, h)[0], 200)
        self.assertEqual(self.api_error(h), ("mwoauth-invalid-authorization",
                                             prefix + "Nonce already used: n-1"))
        code, info = self.api_error(sign("GET", url, self.consumer, access,
                                         timestamp=int(time.time()) - 301))
        self.assertTrue(info.startswith(prefix + "Expired timestamp, yours "), info)
        # A signed urlencoded POST body: changing one field breaks the signature.
        form = [("action", "query"), ("meta", "userinfo"), ("format", "json")]
        post_url = base() + "/api.php"
        h = sign("POST", post_url, self.consumer, access, form=form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
        _, _, body = fetch(post_url, h, urllib.parse.urlencode(form).encode())
        self.assertEqual(json.loads(body)["query"]["userinfo"]["name"], self.username)
        h = sign("POST", post_url, self.consumer, access, form=form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
        _, _, body = fetch(post_url, h, urllib.parse.urlencode(form[:2] + [("format", "xml")])
                           .encode() + b"&x=1")
        self.assertIn("Invalid signature", body)
        status, _ = control("DELETE", "oauth/access/" + access[0])
        self.assertEqual(status, 200)
        self.assertEqual(self.api_error(sign("GET", url, self.consumer, access))[1],
                         prefix + "No approved grant was found for that authorization token.")
        _, _, access = self.login()
        control("DELETE", "oauth/consumers/" + self.consumer["key"])
        self.assertEqual(self.api_error(sign("GET", url, self.consumer, access)),
                         ("mwoauth-invalid-authorization-not-approved",
                          "The app that you are trying to connect seems to be set up incorrectly. "
                          "Contact the author of \"Unit test\" for help."))

    def test_bearer(self):
        _, b = control("POST", "oauth/bearer", {"username": self.username})
        url = api_url(action="query", meta="userinfo")
        _, _, body = fetch(url, {"Authorization": "Bearer " + b["token"]})
        self.assertEqual(json.loads(body)["query"]["userinfo"]["name"], self.username)
        _, e = control("POST", "oauth/bearer", {"username": self.username, "expires_in": 0})
        want = ("mwoauth-invalid-authorization",
                "The authorization headers in your request are not valid: Invalid access token")
        self.assertEqual(self.api_error({"Authorization": "Bearer " + e["token"]}), want)
        self.assertEqual(self.api_error({"Authorization": "Bearer unknown"}), want)
        control("DELETE", "oauth/bearer/" + b["token"])
        self.assertEqual(self.api_error({"Authorization": "Bearer " + b["token"]}), want)
        status, r = control("POST", "oauth/bearer", {"username": "Nobody"})
        self.assertEqual(status, 400)

    def test_tamper_and_bad_control_input(self):
        _, _, access = self.login()
        control("POST", "oauth/tamper", {"claims": {"aud": "other"}, "drop": ["nonce"]})
        url = special("identify")
        claims = jwt_claims(fetch(url, sign("GET", url, self.consumer, access))[2])
        self.assertEqual(claims["aud"], "other")
        self.assertNotIn("nonce", claims)
        claims = jwt_claims(fetch(url, sign("GET", url, self.consumer, access))[2])
        self.assertEqual(claims["aud"], self.consumer["key"])
        self.assertEqual(control("POST", "oauth/users", {"bot_user": "X@y"})[0], 400)
        self.assertEqual(control("POST", "oauth/users", {"bot_user": "Nobody@x",
                                                         "bot_password": "wrong"})[0], 400)
        self.assertEqual(control("POST", "oauth/consumers", [1, 2])[0], 400)
        self.assertEqual(control("GET", "oauth/nothing")[0], 404)
        self.assertEqual(control("DELETE", "oauth/access/none")[0], 404)


if __name__ == "__main__":
    unittest.main()
