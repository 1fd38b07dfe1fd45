#!/usr/bin/env python3
"""Tests of tests/fakes/mediawiki_proxy.py against the real test wiki (unittest + urllib only).

Needs a running wiki: scripts/test-services.sh start DIR && . DIR/services.env, then
  python3 tests/fakes/test_mediawiki_proxy.py -v
Reads CURATOR_TEST_MEDIAWIKI_API and the admin/user bot credentials from the environment.
"""

import hashlib
import http.client
import http.cookiejar
import json
import os
import select
import signal
import struct
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PROXY = os.path.join(HERE, "mediawiki_proxy.py")
# Three statements of a real Commons MediaInfo (from production_sdc.json, M176058819); the whole
# file is used too when CURATOR_TEST_SDC_FIXTURE names it.
FIXTURES = [os.path.join(HERE, "fixtures", "commons-sdc-excerpt.json"),
            os.environ.get("CURATOR_TEST_SDC_FIXTURE", "")]
ENV = ("CURATOR_TEST_MEDIAWIKI_API", "CURATOR_TEST_MW_ADMIN_BOT_USER",
       "CURATOR_TEST_MW_ADMIN_BOT_PASSWORD", "CURATOR_TEST_MW_USER_BOT_USER",
       "CURATOR_TEST_MW_USER_BOT_PASSWORD")
CHUNK = 5 * 1024 * 1024
# Hashes Commons gave these snaks (production_sdc.json): the proxy must compute the same.
P1947_HASH = "03e88f73b612c65652da7911432f927783e08f81"   # P1947 = "168951548443095"
P571_HASH = "7bd1896b6f1507f496f0302586cedf0e654f4818"    # P571 = 2017-06-24, precision 11
P2093_HASH = "daabde25d7fe723d6b69418129b94fa72186ed90"   # qualifier P2093 = "b4sti4n"
P170_HASH = "d3550e860f988c6675fff913440993f58f5c40c5"    # P170 somevalue

PROXY_PROC = None
PORT = None


def start_proxy(*extra):
    proc = subprocess.Popen([sys.executable, PROXY, "--upstream", os.environ[ENV[0]], *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    ready, _, _ = select.select([proc.stdout], [], [], 60)   # it asks the wiki first
    if not ready:
        proc.kill()
        raise RuntimeError("mediawiki_proxy.py printed no {\"port\": N} line within 60 s")
    return proc, json.loads(proc.stdout.readline())["port"]


def setUpModule():
    global PROXY_PROC, PORT
    missing = [v for v in ENV if not os.environ.get(v)]
    if missing:
        raise RuntimeError("environment variable(s) %s not set: start the test services "
                           "(scripts/test-services.sh start DIR) and source DIR/services.env"
                           % ", ".join(missing))
    PROXY_PROC, PORT = start_proxy("--exit-on-stdin-close")


def stop_proxy(proc, how="sigterm"):
    """Stop a proxy started by start_proxy; returns its exit status."""
    if how == "sigterm":
        proc.send_signal(signal.SIGTERM)
    else:
        proc.stdin.close()
    try:
        return proc.wait(10)
    finally:
        for f in (proc.stdin, proc.stdout):
            if f and not f.closed:
                f.close()


def tearDownModule():
    if PROXY_PROC is not None:
        status = stop_proxy(PROXY_PROC)
        if status != 0:
            raise RuntimeError("the proxy exited with status %s on SIGTERM" % status)


def base():
    return "http://127.0.0.1:%d" % PORT


def make_png(width, height, level=6):
    """A valid PNG of random pixels: different bytes every time, so never a duplicate."""
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, level))
            + chunk(b"IEND", b""))


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (boundary, name, value)).encode("utf-8"))
    for name, (filename, data) in files.items():
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)
                    ).encode("utf-8") + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode("ascii"))
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class Client:
    """A browser-like API client with its own cookie jar."""

    def __init__(self, api=None):
        self.api = api or base() + "/api.php"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, params, method="GET", files=None, url=None, query=None):
        """(status, headers, decoded JSON or raw bytes)."""
        params = dict(params)
        params.setdefault("format", "json")
        url = url or self.api
        if query:
            url += "?" + urllib.parse.urlencode(query)
        if method == "GET":
            req = urllib.request.Request(url + ("&" if "?" in url else "?")
                                         + urllib.parse.urlencode(params))
        elif files:
            body, ctype = multipart(params, files)
            req = urllib.request.Request(url, body, {"Content-Type": ctype})
        else:
            req = urllib.request.Request(url, urllib.parse.urlencode(params).encode("utf-8"))
        try:
            with self.opener.open(req, timeout=120) as r:
                status, headers, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, raw = e.code, e.headers, e.read()
        try:
            return status, headers, json.loads(raw)
        except ValueError:
            return status, headers, raw

    def get(self, **params):
        return self.call(params)[2]

    def post(self, **params):
        return self.call(params, "POST")[2]

    def login(self, user, password):
        token = self.get(action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
        res = self.post(action="login", lgname=user, lgpassword=password, lgtoken=token)
        if res.get("login", {}).get("result") != "Success":
            raise AssertionError("login as %s failed: %s" % (user, res))
        return res

    def csrf(self):
        return self.get(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(base() + "/_control/" + path, data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def raw_get(query):
    """A GET with http.client, for faults that break the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", "/api.php?" + urllib.parse.urlencode(query))
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


class ProxyTest(unittest.TestCase):
    admin = None
    file_title = None
    pageid = None

    @classmethod
    def setUpClass(cls):
        cls.admin = Client()
        cls.admin.login(os.environ["CURATOR_TEST_MW_ADMIN_BOT_USER"],
                        os.environ["CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"])
        cls.file_title, res = cls.upload_small(cls.admin)
        assert res["upload"]["result"] == "Success", res
        pages = cls.admin.get(action="query", titles=cls.file_title, formatversion="2")
        cls.pageid = pages["query"]["pages"][0]["pageid"]

    @staticmethod
    def upload_small(client, extra=None):
        name = "Mwproxy test %s.png" % uuid.uuid4().hex[:12]
        fields = {"action": "upload", "filename": name, "text": "proxy test", "comment": "test",
                  "token": client.csrf(), "format": "json", "formatversion": "2"}
        fields.update(extra or {})
        status, _, res = client.call(fields, "POST", files={"file": (name, make_png(16, 16))})
        return "File:" + name, res

    def setUp(self):
        control("DELETE", "faults")

    def edit(self, data, client=None, **extra):
        client = client or self.admin
        params = {"action": "wbeditentity", "site": "commonswiki", "title": self.file_title,
                  "data": json.dumps(data), "token": client.csrf(), "summary": "proxy test",
                  "bot": "0"}
        params.update(extra)
        return client.call(params, "POST")

    # --- forwarding -----------------------------------------------------------------------

    def test_login_and_csrf_through_proxy(self):
        c = Client()
        res = c.login(os.environ["CURATOR_TEST_MW_USER_BOT_USER"],
                      os.environ["CURATOR_TEST_MW_USER_BOT_PASSWORD"])
        self.assertEqual(res["login"]["lgusername"], "Uploader")
        self.assertTrue(any(ck.name.endswith("_session") for ck in c.jar), list(c.jar))
        token = c.csrf()
        self.assertNotEqual(token, "+\\")
        self.assertTrue(token.endswith("+\\"))
        self.assertEqual(c.get(action="query", meta="userinfo")["query"]["userinfo"]["name"],
                         "Uploader")
        status, _, res = c.call({"action": "checktoken", "type": "csrf", "token": token})
        self.assertEqual(res["checktoken"]["result"], "valid")

    def test_small_upload_bytes_arrive_intact(self):
        since = control("GET", "requests")[1]["last_seq"]
        title, res = self.upload_small(self.admin)
        self.assertEqual(res["upload"]["result"], "Success", res)
        log = control("GET", "requests?action=upload&since=%d" % since)[1]["requests"]
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["files"][0]["name"], "file")
        self.assertEqual(log[0]["files"][0]["sha1"], res["upload"]["imageinfo"]["sha1"])
        self.assertEqual(log[0]["params"]["token"], "***")

    def test_chunked_upload_two_chunks(self):
        data = make_png(1400, 1300, level=0)          # about 5.5 MB: a 5 MiB chunk and a rest
        self.assertTrue(CHUNK < len(data) < 2 * CHUNK)
        name = "Mwproxy chunked %s.png" % uuid.uuid4().hex[:12]
        key, since = None, control("GET", "requests")[1]["last_seq"]
        t0 = time.monotonic()
        for offset in (0, CHUNK):
            fields = {"action": "upload", "filename": name, "filesize": str(len(data)),
                      "offset": str(offset), "stash": "1", "ignorewarnings": "1",
                      "token": self.admin.csrf()}
            if key:
                fields["filekey"] = key
            part = data[offset:offset + CHUNK]
            _, _, res = self.admin.call(fields, "POST", files={"chunk": ("%d.png" % offset, part)})
            self.assertIn(res["upload"]["result"], ("Continue", "Success"), res)
            key = res["upload"]["filekey"]
        _, _, res = self.admin.call({"action": "upload", "filename": name, "filekey": key,
                                     "text": "chunked", "comment": "chunked",
                                     "token": self.admin.csrf()}, "POST")
        self.assertEqual(res["upload"]["result"], "Success", res)
        elapsed = time.monotonic() - t0
        info = self.admin.get(action="query", titles="File:" + name, prop="imageinfo",
                              iiprop="sha1|size", formatversion="2")
        ii = info["query"]["pages"][0]["imageinfo"][0]
        self.assertEqual(ii["sha1"], hashlib.sha1(data).hexdigest())
        self.assertEqual(ii["size"], len(data))
        log = control("GET", "requests?action=upload&since=%d" % since)[1]["requests"]
        sizes = [e["files"][0]["size"] for e in log if e["files"]]
        self.assertEqual(sizes, [CHUNK, len(data) - CHUNK])
        self.assertEqual([e["params"]["offset"] for e in log if e["files"]], ["0", str(CHUNK)])
        sys.stderr.write("\n  chunked upload of %d bytes through the proxy: %.2f s\n"
                         % (len(data), elapsed))

    def test_other_paths_are_forwarded(self):
        req = urllib.request.Request(base() + "/index.php?title=Main_Page")
        with urllib.request.urlopen(req, timeout=30) as r:
            self.assertEqual(r.status, 200)
            self.assertIn(b"<html", r.read())

    # --- Wikibase ---------------------------------------------------------------------------

    def test_wbgetentities_without_sdc(self):
        title, _ = self.upload_small(self.admin)      # a file nobody has edited the SDC of
        mid = "M%d" % self.admin.get(action="query", titles=title,
                                     formatversion="2")["query"]["pages"][0]["pageid"]
        _, _, res = self.admin.call({"action": "wbgetentities", "sites": "commonswiki",
                                     "titles": title, "props": "claims|labels"})
        self.assertEqual(res, {"entities": {mid: {"id": mid, "missing": ""}}, "success": 1})
        res = self.admin.get(action="wbgetentities", ids=mid, formatversion="2")
        self.assertEqual(res["entities"][mid], {"id": mid, "missing": ""})
        res = self.admin.get(action="wbgetentities", sites="commonswiki",
                             titles="File:No such file %s.jpg" % uuid.uuid4().hex)
        self.assertEqual(list(res["entities"]), ["-1"])
        self.assertEqual(res["entities"]["-1"]["missing"], "")
        self.assertEqual(res["entities"]["-1"]["site"], "commonswiki")

    def test_wbeditentity_statement_then_wbgetentities(self):
        _, title_res = self.upload_small(self.admin)
        title = "File:" + title_res["upload"]["filename"].replace("_", " ")
        claims = [
            {"mainsnak": {"snaktype": "value", "property": "P1947", "datatype": "external-id",
                          "datavalue": {"type": "string", "value": "168951548443095"}},
             "rank": "normal", "type": "statement"},
            {"mainsnak": {"snaktype": "somevalue", "property": "P170"}, "type": "statement",
             "qualifiers": {"P2093": [{"snaktype": "value", "property": "P2093",
                                       "datavalue": {"type": "string", "value": "b4sti4n"}}]},
             "qualifiers-order": ["P2093"]},
            {"mainsnak": {"snaktype": "value", "property": "P571", "datavalue": {"type": "time",
             "value": {"time": "+00000002017-06-24T00:00:00Z", "timezone": 0, "before": 0,
                       "after": 0, "precision": 11,
                       "calendarmodel": "http://www.wikidata.org/entity/Q1985727"}}},
             "type": "statement"}]
        data = {"claims": claims, "labels": [{"language": "en", "value": "A caption"}]}
        status, headers, res = self.admin.call({
            "action": "wbeditentity", "site": "commonswiki", "title": title,
            "data": json.dumps(data), "token": self.admin.csrf(), "summary": "s", "bot": "0"},
            "POST")
        self.assertEqual(res.get("success"), 1, res)
        ent = res["entity"]
        mid = ent["id"]
        self.assertTrue(mid.startswith("M"))
        self.assertIsInstance(ent["lastrevid"], int)
        st = ent["statements"]["P1947"][0]
        self.assertTrue(st["id"].startswith(mid + "$"))
        self.assertEqual(st["mainsnak"]["hash"], P1947_HASH)
        self.assertNotIn("datatype", st["mainsnak"])
        got = self.admin.get(action="wbgetentities", ids=mid, props="claims|labels")["entities"][mid]
        self.assertEqual(got["labels"]["en"]["value"], "A caption")
        self.assertEqual(got["statements"]["P1947"][0]["id"], st["id"])
        self.assertEqual(got["statements"]["P170"][0]["mainsnak"]["hash"], P170_HASH)
        self.assertEqual(got["statements"]["P170"][0]["qualifiers"]["P2093"][0]["hash"], P2093_HASH)
        p571 = got["statements"]["P571"][0]["mainsnak"]
        self.assertEqual(p571["datavalue"]["value"]["time"], "+2017-06-24T00:00:00Z")
        self.assertEqual(p571["hash"], P571_HASH)
        # the same caption again changes nothing; removing a statement by id does
        _, _, res = self.admin.call({"action": "wbeditentity", "id": mid, "token": self.admin.csrf(),
                                     "data": json.dumps({"labels": {"en": {"language": "en",
                                                         "value": "A caption"}}})}, "POST")
        self.assertEqual(res["entity"]["nochange"], "")
        self.assertEqual(res["entity"]["lastrevid"], ent["lastrevid"])
        _, _, res = self.admin.call({"action": "wbeditentity", "id": mid, "token": self.admin.csrf(),
                                     "data": json.dumps({"claims": [{"id": st["id"], "remove": ""}]}),
                                     "formatversion": "2"}, "POST")
        self.assertNotIn("P1947", res["entity"]["statements"])
        history = control("GET", "entities/" + mid)[1]["history"]
        self.assertEqual([h["user"] for h in history], ["Admin", "Admin"])

    def test_wbeditentity_token_checks(self):
        status, headers, res = self.edit({"labels": {}}, token="0123456789abcdef+\\")
        self.assertEqual(res["error"]["code"], "badtoken")
        self.assertEqual(headers["MediaWiki-API-Error"], "badtoken")
        params = {"action": "wbeditentity", "id": "M%d" % self.pageid, "data": "{}"}
        self.assertEqual(self.admin.call(params, "POST")[2]["error"]["code"], "missingparam")
        self.assertEqual(self.admin.call(dict(params, token=self.admin.csrf()))[2]["error"]["code"],
                         "mustbeposted")
        res = self.admin.call(params, "POST", query={"token": self.admin.csrf()})[2]
        self.assertEqual(res["error"]["code"], "mustpostparams")
        res = self.admin.call(dict(params, id="M999999999", token=self.admin.csrf()), "POST")[2]
        self.assertEqual(res["error"]["code"], "no-such-entity")

    def test_wbeditentity_rejects_bad_value_type(self):
        bad = {"claims": [{"mainsnak": {"snaktype": "value", "property": "P275",
                                        "datavalue": {"type": "string", "value": "CC BY-SA"}},
                           "type": "statement"}]}
        res = self.edit(bad)[2]
        self.assertEqual(res["error"]["code"], "modification-failed")
        res = self.edit({"claims": [{"mainsnak": {"snaktype": "value", "property": "P2048",
                         "datavalue": {"type": "quantity", "value": {"amount": "+1e-05",
                                                                     "unit": "1"}}}}]})[2]
        self.assertEqual(res["error"]["code"], "invalid-claim")

    def test_seed_production_fixture(self):
        for path in [p for p in FIXTURES if p]:
            with open(path) as f:
                fixture = json.load(f)
            want = next(iter(fixture["entities"].values()))
            _, up = self.upload_small(self.admin)
            mid = "M%d" % self.admin.get(action="query", titles="File:" + up["upload"]["filename"],
                                         formatversion="2")["query"]["pages"][0]["pageid"]
            self.assertEqual(control("PUT", "entities/" + mid, fixture)[0], 200)
            got = self.admin.get(action="wbgetentities", ids=mid,
                                 props="claims|labels")["entities"][mid]
            for sts in want["statements"].values():   # same hashes; ids moved to the new M-id
                for st in sts:
                    st["id"] = mid + "$" + st["id"].split("$")[1]
            self.assertEqual(got["statements"], want["statements"])
            self.assertEqual(got["labels"], want["labels"])

    def test_wikidata_item_edit(self):
        wd = Client(base() + "/wikidata/api.php")
        wd.login(os.environ["CURATOR_TEST_MW_ADMIN_BOT_USER"],
                 os.environ["CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"])
        control("PUT", "entities/Q4242", {"labels": {"en": {"language": "en", "value": "Test"}}})
        data = {"claims": [{"mainsnak": {"snaktype": "value", "property": "P373",
                                         "datavalue": {"type": "string", "value": "Test cat"}},
                            "type": "statement", "rank": "normal"}],
                "sitelinks": {"commonswiki": {"site": "commonswiki", "title": "Category:Test cat"}}}
        res = wd.post(action="wbeditentity", id="Q4242", data=json.dumps(data), token=wd.csrf())
        self.assertEqual(res.get("success"), 1, res)
        got = wd.get(action="wbgetentities", ids="Q4242|Q17985544", props="claims|sitelinks|labels")
        q = got["entities"]["Q4242"]
        self.assertEqual(q["claims"]["P373"][0]["mainsnak"]["datatype"], "string")
        self.assertEqual(q["sitelinks"]["commonswiki"]["title"], "Category:Test cat")
        self.assertEqual(got["entities"]["Q17985544"]["labels"]["en"]["value"], "Mapillary")

    # --- faults -----------------------------------------------------------------------------

    def test_fault_ratelimited_upload_once(self):
        control("POST", "faults", {"action": "upload", "error": "ratelimited", "count": 1})
        _, res = self.upload_small(self.admin)
        self.assertEqual(res["error"]["code"], "ratelimited")
        self.assertTrue(res["error"]["info"].startswith("As an anti-abuse measure"))
        self.assertIn("docref", res["error"])
        _, res = self.upload_small(self.admin)
        self.assertEqual(res["upload"]["result"], "Success")
        rule = control("GET", "faults")[1]["faults"][0]
        self.assertEqual((rule["fired"], rule["active"]), (1, False))

    def test_fault_status_502_twice(self):
        control("POST", "faults", {"action": "wbeditentity", "status": 502, "count": 2})
        since = control("GET", "requests")[1]["last_seq"]
        statuses = [self.edit({"labels": {"de": {"language": "de", "value": "Bild"}}})[0]
                    for _ in range(3)]
        self.assertEqual(statuses, [502, 502, 200])
        log = control("GET", "requests?action=wbeditentity&since=%d" % since)[1]["requests"]
        self.assertEqual([e["status"] for e in log], [502, 502, 200])
        self.assertEqual([e["handled_by"] for e in log], ["fault", "fault", "proxy"])

    def test_fault_after_phase_applies_the_edit(self):
        control("POST", "faults", {"action": "wbeditentity", "status": 504, "phase": "after",
                                   "count": 1})
        self.assertEqual(self.edit({"labels": {"fr": {"language": "fr", "value": "Photo"}}})[0], 504)
        got = control("GET", "entities/M%d" % self.pageid)[1]
        self.assertEqual(got["entity"]["labels"]["fr"]["value"], "Photo")

    def test_fault_delay(self):
        control("POST", "faults", {"action": "*", "delay_ms": 400, "count": 1})
        t0 = time.monotonic()
        res = self.admin.get(action="query", meta="siteinfo")
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)
        self.assertIn("general", res["query"])

    def test_fault_reset(self):
        control("POST", "faults", {"action": "query", "reset": True, "count": 1})
        with self.assertRaises((ConnectionResetError, http.client.RemoteDisconnected)):
            raw_get({"action": "query", "meta": "siteinfo", "format": "json"})
        self.assertEqual(raw_get({"action": "query", "meta": "siteinfo", "format": "json"})[0], 200)

    def test_fault_truncate(self):
        control("POST", "faults", {"action": "query", "truncate": True, "phase": "after",
                                   "count": 1})
        with self.assertRaises(http.client.IncompleteRead):
            raw_get({"action": "query", "meta": "siteinfo", "format": "json"})

    def test_fault_maxlag(self):
        control("POST", "faults", {"error": "maxlag", "lag": 5, "params": {"maxlag": True}})
        status, headers, res = self.admin.call({"action": "query", "meta": "userinfo",
                                                "maxlag": "5"})
        self.assertEqual((status, res["error"]["code"], res["error"]["lag"]), (200, "maxlag", 5))
        self.assertEqual(headers["Retry-After"], "5")
        self.assertEqual(headers["X-Database-Lag"], "5")
        self.assertIn("*", res["error"])                   # formatversion 1 puts docref under "*"
        self.assertNotIn("error", self.admin.get(action="query", meta="userinfo"))

    def test_fault_badtoken_shape(self):
        control("POST", "faults", {"action": "upload", "error": "badtoken", "count": 1})
        _, res = self.upload_small(self.admin)
        self.assertEqual(list(res), ["error"])
        self.assertEqual(list(res["error"]), ["code", "info", "docref"])
        self.assertEqual(res["error"]["info"], "Invalid CSRF token.")
        control("POST", "faults", {"action": "query", "error": "badtoken", "count": 1})
        res = self.admin.get(action="query", meta="userinfo", errorformat="plaintext",
                             formatversion="2")
        self.assertEqual(res["errors"][0], {"code": "badtoken", "text": "Invalid CSRF token.",
                                            "module": "query"})

    def test_fault_http_body_and_skip(self):
        control("POST", "faults", {"action": "query", "params": {"meta": "userinfo"}, "skip": 1,
                                   "count": 1, "http_body": "<html>garbage</html>"})
        self.assertIn("query", self.admin.get(action="query", meta="userinfo"))
        status, headers, raw = self.admin.call({"action": "query", "meta": "userinfo"})
        self.assertEqual((status, raw), (200, b"<html>garbage</html>"))
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn("query", self.admin.get(action="query", meta="userinfo"))

    def test_fault_rule_validation(self):
        status, res = control("POST", "faults", {"action": "upload", "eror": "x"})
        self.assertEqual(status, 400)
        self.assertIn("eror", res["error"])

    # --- request log ------------------------------------------------------------------------

    def test_request_log_masks_secrets_and_filters(self):
        control("DELETE", "requests")
        c = Client()
        c.login(os.environ["CURATOR_TEST_MW_USER_BOT_USER"],
                os.environ["CURATOR_TEST_MW_USER_BOT_PASSWORD"])
        log = control("GET", "requests")[1]["requests"]
        self.assertEqual([e["action"] for e in log], ["query", "login"])
        self.assertEqual(log[1]["params"]["lgpassword"], "***")
        self.assertEqual(log[1]["params"]["lgtoken"], "***")
        self.assertEqual(log[1]["method"], "POST")
        self.assertEqual(log[1]["handled_by"], "upstream")
        only = control("GET", "requests?action=login&since=%d" % log[0]["seq"])[1]["requests"]
        self.assertEqual([e["seq"] for e in only], [log[1]["seq"]])


class LifecycleTest(unittest.TestCase):
    def test_sigterm_and_stdin_close(self):
        proc, _ = start_proxy("--exit-on-stdin-close")
        self.assertEqual(stop_proxy(proc, "sigterm"), 0)
        proc, _ = start_proxy("--exit-on-stdin-close")
        self.assertEqual(stop_proxy(proc, "stdin"), 0)


if __name__ == "__main__":
    unittest.main()
