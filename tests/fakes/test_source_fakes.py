"""Self-test of tests/fakes/source_fakes.py (unittest + urllib/http.client only).

Run from the worktree root:  python3 -m unittest tests/fakes/test_source_fakes.py -v
"""

import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "source_fakes.py")
sys.path.insert(0, HERE)
from sourcefakes.jpeg import dimensions  # noqa: E402

TOKEN = "MLY|4242|fake-mapillary-token"
KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
F = ("captured_at,compass_angle,creator,geometry,height,is_pano,make,model,"
     "thumb_256_url,thumb_1024_url,thumb_original_url,width")
# An upper bound on stopping that a loaded machine (CI: two ASan tests on two
# busy cores) keeps, and that a fake waiting out its 60 s idle timeout fails.
PROMPT_EXIT_S = 10
SPARQL = 'SELECT ?file ?id WHERE { VALUES ?id { %s } ?file wdt:%s ?id. }'


def start(*args, stdin=subprocess.PIPE):
    proc = subprocess.Popen([sys.executable, SCRIPT] + list(args), stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stdout.readline()
    return proc, json.loads(line)["port"]


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc, cls.port = start("--exit-on-stdin-close")
        cls.base = "http://127.0.0.1:%d" % cls.port

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()
        cls.assert_exit(cls.proc)

    @staticmethod
    def assert_exit(proc, timeout=30):
        code = proc.wait(timeout)
        proc.stdout.close()
        proc.stderr.close()
        assert code == 0, code

    def setUp(self):
        self.call("POST", "/_control/reset", {"faults": True, "config": True})

    def call(self, method, path, body=None, headers=None, raw=False):
        """(status, headers, body) ; body is parsed JSON unless raw."""
        data = None
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, hdrs, payload = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, payload = e.code, e.headers, e.read()
        if not raw:
            try:
                payload = json.loads(payload)
            except ValueError:
                payload = payload.decode("utf-8", "replace")
        return status, hdrs, payload

    def mly(self, path, token=TOKEN, **kw):
        return self.call("GET", "/mapillary" + path, headers={"Authorization": "OAuth " + token}, **kw)

    def flickr(self, method, **params):
        params.setdefault("api_key", KEY)
        params.setdefault("format", "json")
        params.setdefault("nojsoncallback", "1")
        params["method"] = method
        return self.call("GET", "/flickr/services/rest/?" + urllib.parse.urlencode(params))

    def requests(self, prefix="/"):
        return self.call("GET", "/_control/requests?path_prefix=" + prefix)[2]["requests"]

    def faults(self, rules):
        status, _, body = self.call("POST", "/_control/faults", rules)
        self.assertEqual(status, 200, body)

    def config(self, **kw):
        status, _, body = self.call("POST", "/_control/config", kw)
        self.assertEqual(status, 200, body)


class MapillaryTest(Base):
    def test_auth(self):
        s, h, b = self.call("GET", "/mapillary/1000000000000001?fields=id")
        self.assertEqual((s, b["error"]["code"], b["error"]["type"]), (401, 104, "OAuthException"))
        self.assertIn("fbtrace_id", b["error"])
        s, _, b = self.mly("/1000000000000001?fields=id", token="MLY|bad")
        self.assertEqual((s, b["error"]["code"]), (401, 190))
        s, _, b = self.call("GET", "/mapillary/1000000000000001?fields=id",
                            headers={"Authorization": "Bearer " + TOKEN})
        self.assertEqual((s, b), (200, {"id": "1000000000000001"}))
        s, _, b = self.call("GET", "/mapillary/1000000000000001?fields=id&access_token="
                            + urllib.parse.quote(TOKEN))
        self.assertEqual(s, 200)
        auth = [r["auth"] for r in self.requests("/mapillary")]
        self.assertEqual(auth, ["missing", "invalid", "ok", "ok"])

    def test_single_image_fields(self):
        s, h, b = self.mly("/1000000000000001?fields=" + F)
        self.assertEqual(s, 200)
        self.assertTrue(h["Content-Type"].startswith("application/json"))
        self.assertEqual(set(b), set(F.split(",")) | {"id"})
        self.assertEqual(b["creator"], {"id": "100001", "username": "alice_mly"})
        self.assertEqual(b["geometry"], {"type": "Point", "coordinates": [13.405, 52.52]})
        self.assertEqual(b["captured_at"], 1498299072345)
        self.assertIn("/mapillary-cdn/1000000000000001.jpg?", b["thumb_original_url"])
        _, _, b = self.mly("/1000000000000001?fields=sequence")
        self.assertEqual(b, {"sequence": "seq-small", "id": "1000000000000001"})
        _, _, b = self.mly("/3000000000000002?fields=compass_angle,creator")
        self.assertNotIn("compass_angle", b)
        _, _, b = self.mly("/3000000000000003?fields=creator")
        self.assertEqual(b["creator"], {"id": "100003"})
        _, _, b = self.mly("/3000000000000001?fields=is_pano,camera_type,width,height")
        self.assertEqual((b["is_pano"], b["camera_type"], b["width"]), (True, "spherical", 2048))
        _, _, b = self.mly("/3000000000000007?fields=make,model")
        self.assertEqual(b, {"id": "3000000000000007"})
        s, _, b = self.mly("/1000000000000001?fields=id,bogus")
        self.assertEqual((s, b["error"]["code"]), (400, 100))
        self.assertIn("(bogus)", b["error"]["message"])
        s, _, b = self.mly("/999?fields=id")
        self.assertEqual((s, b["error"]["error_subcode"], b["error"]["type"]),
                         (400, 33, "GraphMethodException"))

    def test_sequence_listing(self):
        s, _, b = self.mly("/images?sequence_ids=seq-small&fields=" + F)
        self.assertEqual(s, 200)
        ids = [d["id"] for d in b["data"]]
        self.assertEqual(ids, ["1000000000000003", "1000000000000002", "1000000000000001"])
        ordered = [d["id"] for d in sorted(b["data"], key=lambda d: d["captured_at"])]
        _, _, b2 = self.mly("/image_ids?sequence_id=seq-small")
        self.assertEqual(ordered, [d["id"] for d in b2["data"]])
        _, _, b = self.mly("/images?sequence_ids=seq-small")
        self.assertEqual(set(b["data"][0]), {"id"})
        _, _, b = self.mly("/images?sequence_ids=no-such-seq&fields=" + F)
        self.assertEqual(b, {"data": []})
        s, _, b = self.mly("/images?fields=id")
        self.assertEqual(s, 400)
        _, _, b = self.mly("/images?bbox=13.40,52.51,13.41,52.53&fields=sequence&limit=5")
        self.assertEqual(len(b["data"]), 5)

    def test_large_sequence_and_paging(self):
        s, _, b = self.mly("/images?sequence_ids=seq-5000&fields=" + F)
        self.assertEqual((s, b["error"]["code"]), (500, 1))
        s, _, b = self.mly("/images?sequence_ids=seq-5000")
        self.assertEqual((s, len(b["data"])), (200, 5000))
        self.call("DELETE", "/_control/requests")
        ids, url, pages = [], "/images?sequence_ids=seq-5000&fields=captured_at,geometry&limit=500", 0
        while url:
            s, _, b = self.mly(url)
            self.assertEqual(s, 200, b)
            pages += 1
            ids += [d["id"] for d in b["data"]]
            nxt = b.get("paging", {}).get("next")
            url = nxt[len(self.base + "/mapillary"):] if nxt else None
        self.assertEqual(pages, 10)
        self.assertEqual(ids, ["2%015d" % i for i in range(1, 5001)])
        log = self.requests("/mapillary/images")
        self.assertEqual(len(log), 10)
        self.assertEqual(log[-1]["query"]["limit"], ["500"])
        self.assertIn("after", log[-1]["query"])
        _, _, b = self.mly("/image_ids?sequence_id=seq-5000&limit=2000")
        self.assertEqual(len(b["data"]), 2000)
        self.assertIn("next", b["paging"])
        s, _, b = self.mly("/images?sequence_ids=seq-5000&limit=5&after=garbage")
        self.assertEqual(s, 400)

    def test_batch_ids(self):
        ids = ["2%015d" % i for i in range(1, 101)]
        s, _, b = self.mly("/?ids=%s&fields=%s" % (",".join(ids), F))
        self.assertEqual((s, sorted(b)), (200, ids))
        self.assertEqual(b[ids[0]]["id"], ids[0])
        s, _, b = self.mly("?ids=%s,%s&fields=id" % (",".join(ids), "2000000000000101"))
        self.assertEqual((s, b["error"]["code"]), (400, 100))
        self.assertIn("Maximum: 100", b["error"]["message"])
        _, _, b = self.mly("?ids=1000000000000001,42&fields=creator")
        self.assertEqual(list(b), ["1000000000000001"])
        self.config(mapillary_max_ids=50)
        s, _, _ = self.mly("?ids=%s&fields=id" % ",".join(ids[:51]))
        self.assertEqual(s, 400)

    def test_cdn(self):
        shas = set()
        for iid in ("1000000000000001", "1000000000000002", "3000000000000001"):
            _, _, b = self.mly("/%s?fields=thumb_original_url,thumb_256_url,width,height" % iid)
            s, h, data = self.call("GET", b["thumb_original_url"][len(self.base):], raw=True)
            self.assertEqual((s, h["Content-Type"]), (200, "image/jpeg"))
            self.assertEqual(data[:2] + data[-2:], b"\xff\xd8\xff\xd9")
            self.assertEqual(dimensions(data), (b["width"], b["height"]))
            shas.add(hashlib.sha1(data).hexdigest())
            _, _, thumb = self.call("GET", b["thumb_256_url"][len(self.base):], raw=True)
            self.assertEqual(max(dimensions(thumb)), 256)
        self.assertEqual(len(shas), 3)
        _, _, again = self.call("GET", "/mapillary-cdn/1000000000000001.jpg", raw=True)
        self.assertEqual(again, b"Bad URL hash")
        path = b["thumb_original_url"][len(self.base):]
        s, _, _ = self.call("GET", path.replace("oe=", "oe=1"), raw=True)
        self.assertEqual(s, 403)
        self.config(cdn_url_ttl=-10)
        _, _, b = self.mly("/1000000000000001?fields=thumb_original_url")
        s, _, body = self.call("GET", b["thumb_original_url"][len(self.base):], raw=True)
        self.assertEqual((s, body), (403, b"URL signature expired"))
        self.config(cdn_url_ttl=0)
        _, _, b = self.mly("/5000000000000001?fields=thumb_original_url")
        self.assertTrue(b["thumb_original_url"].endswith("/mapillary-cdn/5000000000000001.jpg"))
        s, _, big = self.call("GET", "/mapillary-cdn/5000000000000001.jpg", raw=True)
        self.assertEqual((s, len(big), dimensions(big)), (200, 6 * 1024 * 1024 + 12345, (4000, 3000)))
        s, h, part = self.call("GET", "/mapillary-cdn/5000000000000001.jpg", raw=True,
                               headers={"Range": "bytes=100-199"})
        self.assertEqual((s, part, h["Content-Range"]), (206, big[100:200], "bytes 100-199/6303801"))
        s, h, head = self.call("HEAD", "/mapillary-cdn/5000000000000001.jpg", raw=True)
        self.assertEqual((s, head, h["Content-Length"]), (200, b"", str(len(big))))
        self.assertEqual(self.call("GET", "/mapillary-cdn/77.jpg", raw=True)[0], 404)


class FlickrTest(Base):
    def test_api_key_and_dispatch(self):
        s, _, b = self.flickr("flickr.photos.getInfo", photo_id="51000000001", api_key="")
        self.assertEqual((s, b), (200, {"stat": "fail", "code": 100,
                                        "message": "Invalid API Key (Key has invalid format)"}))
        _, _, b = self.flickr("flickr.photos.getInfo", photo_id="1", api_key="a" * 32)
        self.assertEqual(b["message"], "Invalid API Key (Key not found)")
        _, _, b = self.flickr("flickr.nope")
        self.assertEqual((b["code"], b["message"]), (112, 'Method "flickr.nope" not found'))
        _, h, b = self.flickr("flickr.photos.licenses.getInfo", nojsoncallback="0")
        self.assertTrue(b.startswith("jsonFlickrApi({") and b.endswith("})"), b[:40])
        _, h, b = self.flickr("flickr.photos.getSizes", photo_id="51000000001", format="rest")
        self.assertTrue(h["Content-Type"].startswith("text/xml"))
        self.assertIn('<rsp stat="ok">', b)
        self.assertIn('label="Original"', b)
        _, _, b = self.flickr("flickr.photos.licenses.getInfo")
        self.assertEqual([lic["id"] for lic in b["licenses"]["license"]], list(range(17)))
        self.assertEqual([r["auth"] for r in self.requests("/flickr")][:2], ["missing", "invalid"])

    def test_album_licences_and_extras(self):
        extras = "description,license,date_taken,geo,tags,url_o,url_l,url_q,url_s,original_format"
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000001",
                              user_id="11111111@N01", per_page="500", page="1", extras=extras)
        ps = b["photoset"]
        self.assertEqual((ps["total"], ps["pages"], ps["page"], ps["perpage"]), (18, 1, 1, 500))
        photos = {p["id"]: p for p in ps["photo"]}
        self.assertEqual(sorted(int(p["license"]) for p in ps["photo"]), sorted(list(range(17)) + [4]))
        geo, nogeo = photos["51000000001"], photos["51000000002"]
        self.assertEqual((geo["latitude"], geo["longitude"], geo["accuracy"]), ("52.500000", "13.400000", "16"))
        self.assertEqual((nogeo["latitude"], nogeo["longitude"]), (0, 0))
        self.assertEqual(geo["datetaken"], "2019-05-01 12:00:00")
        self.assertEqual(geo["description"]["_content"][:11], "Description")
        self.assertTrue(geo["url_o"].endswith("_o.jpg"))
        self.assertEqual((geo["width_o"], geo["height_o"]), (1600, 1200))
        self.assertNotIn("url_o", photos["51000000018"])
        self.assertNotIn("owner", geo)
        self.assertEqual(photos["51000000010"]["title"], "")
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000001")
        self.assertNotIn("license", b["photoset"]["photo"][0])
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000001",
                              user_id="franfree", per_page="5")
        self.assertEqual(b["photoset"]["pages"], 4)
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000001",
                              user_id="22222222@N02")
        self.assertEqual((b["stat"], b["code"], b["message"]), ("fail", 1, "Photoset not found"))
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000003",
                              media="videos", extras="media")
        self.assertEqual([p["media"] for p in b["photoset"]["photo"]], ["video"])
        self.config(flickr_upstream_shapes=True, flickr_string_numbers=True)
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000001",
                              extras="geo", per_page="1")
        p = b["photoset"]["photo"][0]
        self.assertEqual(p["owner"], {"nsid": "11111111@N01", "username": "Fran Free",
                                      "path_alias": "franfree"})
        self.assertEqual(p["geo"]["latitude"], "52.500000")
        self.assertEqual(b["photoset"]["total"], "18")

    def test_paging(self):
        seen = []
        for page in (1, 2, 3, 4):
            _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000002",
                                  per_page="1000", page=str(page))
            ps = b["photoset"]
            self.assertEqual((ps["pages"], ps["total"], ps["perpage"], ps["page"]), (3, 1234, 500, page))
            seen += [p["id"] for p in ps["photo"]]
        self.assertEqual(len(seen), 1234)
        self.assertEqual(len(set(seen)), 1234)
        self.assertNotIn("52000009001", seen)  # private
        trip = []
        for page in (1, 2, 3, 4):
            _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157600000000004",
                                  page=str(page), extras="license,geo")
            ps = b["photoset"]
            self.assertEqual((ps["pages"], ps["total"], ps["owner"]), (4, 2000, "44444444@N04"))
            trip += ps["photo"]
        self.assertEqual([p["id"] for p in trip[:2]], ["54000000001", "54000000002"])
        self.assertEqual(len({p["id"] for p in trip}), 2000)
        self.assertEqual(sum(1 for p in trip if p["license"] == "0"), 333)
        self.assertEqual(sum(1 for p in trip if p["latitude"] != 0), 1000)
        stream = []
        for page in (1, 2, 3):
            _, _, b = self.flickr("flickr.people.getPublicPhotos", user_id="22222222@N02",
                                  per_page="500", page=str(page), extras="date_upload,owner_name")
            ph = b["photos"]
            self.assertEqual((ph["pages"], ph["total"]), (3, 1234))
            stream += ph["photo"]
        self.assertEqual(stream[0]["id"], "52000001234")  # newest upload first
        self.assertEqual(stream[0]["owner"], "22222222@N02")
        self.assertEqual(stream[0]["ownername"], "bulk.uploader")
        ups = [int(p["dateupload"]) for p in stream]
        self.assertEqual(ups, sorted(ups, reverse=True))
        _, _, b = self.flickr("flickr.people.getPublicPhotos", user_id="nobody@N00")
        self.assertEqual((b["code"], b["message"]), (1, "User not found"))
        _, _, b = self.flickr("flickr.people.getPublicPhotos", user_id="franfree")
        self.assertEqual(b["photos"]["perpage"], 100)

    def test_info_sizes_lookup_cdn(self):
        _, _, b = self.flickr("flickr.photos.getInfo", photo_id="51000000001")
        p = b["photo"]
        self.assertEqual((p["title"]["_content"], p["dates"]["taken"], p["owner"]["path_alias"],
                          p["license"]), ("Photo 51000000001", "2019-05-01 12:00:00", "franfree", "0"))
        self.assertEqual(p["location"]["latitude"], "52.500000")
        _, _, b = self.flickr("flickr.photos.getInfo", photo_id="51000000002")
        self.assertNotIn("location", b["photo"])
        _, _, b = self.flickr("flickr.photos.getInfo", photo_id="123")
        self.assertEqual((b["stat"], b["code"]), ("fail", 1))
        _, _, b = self.flickr("flickr.photos.getSizes", photo_id="51000000005")
        sizes = {s["label"]: s for s in b["sizes"]["size"]}
        orig = sizes["Original"]
        self.assertEqual((orig["width"], orig["height"]), (1600, 1200))
        s, h, data = self.call("GET", orig["source"][len(self.base):], raw=True)
        self.assertEqual((s, h["Content-Type"], dimensions(data)), (200, "image/jpeg", (1600, 1200)))
        _, _, large = self.call("GET", sizes["Large"]["source"][len(self.base):], raw=True)
        self.assertEqual(dimensions(large), (1024, 768))
        self.assertNotEqual(data, large)
        self.assertEqual(self.call("GET", "/flickr-cdn/51000000005_o.jpg", raw=True)[2], data)
        bad = orig["source"][len(self.base):].replace("_o.jpg", "x_o.jpg")
        self.assertEqual(self.call("GET", bad, raw=True)[0], 404)
        _, _, b = self.flickr("flickr.photos.getSizes", photo_id="51000000018")
        self.assertNotIn("Original", [s["label"] for s in b["sizes"]["size"]])
        self.assertEqual(b["sizes"]["candownload"], 0)
        _, _, b = self.flickr("flickr.urls.lookupUser", url="https://www.flickr.com/photos/franfree/")
        self.assertEqual(b["user"], {"id": "11111111@N01", "username": {"_content": "Fran Free"}})
        _, _, b = self.flickr("flickr.urls.lookupUser", url="https://www.flickr.com/photos/zzz/")
        self.assertEqual(b["stat"], "fail")
        _, _, b = self.flickr("flickr.photosets.getInfo", photoset_id="72157600000000003")
        self.assertEqual((b["photoset"]["count_photos"], b["photoset"]["count_videos"]), (2, 1))


class GeocoderTest(Base):
    def geo(self, lat, lon, fmt="jsonv2", **extra):
        q = dict(lat=lat, lon=lon, format=fmt, **extra)
        return self.call("GET", "/geocoder/reverse?" + urllib.parse.urlencode(q))

    def test_addresses(self):
        s, _, b = self.geo(52.52, 13.405, zoom=18)
        a = b["address"]
        self.assertEqual((s, a["city"], a["country_code"], a["postcode"]), (200, "Berlin", "de", "10117"))
        self.assertEqual(b["category"], "highway")
        _, _, b = self.geo(52.1401, 12.5901, "json")
        self.assertEqual((b["address"]["town"], b["address"]["county"]), ("Bad Belzig", "Potsdam-Mittelmark"))
        self.assertNotIn("city", b["address"])
        self.assertIn("class", b)
        self.assertEqual(self.geo(54.5, 4.0)[2], {"error": "Unable to geocode"})
        one, two = self.geo(-33.9, 151.2)[2], self.geo(-33.9, 151.2)[2]
        self.assertEqual(one, two)
        self.assertNotEqual(one["address"], self.geo(-20.0, 30.0)[2]["address"])
        self.assertTrue({"county", "state", "country", "country_code", "postcode"} <= set(one["address"]))
        _, _, b = self.geo(52.52, 13.405, zoom=8)
        self.assertNotIn("city", b["address"])
        self.assertNotIn("address", self.geo(52.52, 13.405, addressdetails=0)[2])
        s, _, b = self.geo("abc", 13.4)
        self.assertEqual((s, b["error"]["code"]), (400, 400))
        self.assertEqual(self.geo(91, 0)[0], 400)
        s, h, b = self.geo(52.52, 13.405, "xml")
        self.assertIn("<city>Berlin</city>", b)


class WcqsTest(Base):
    def sparql(self, query, cookies=None, accept="application/sparql-results+json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        if cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
        conn.request("POST", "/wcqs/sparql", urllib.parse.urlencode({"query": query}), headers)
        r = conn.getresponse()
        out = (r.status, r.getheaders(), r.read().decode())
        conn.close()
        return out

    def test_queries(self):
        q = SPARQL % ('"1000000000000001" "1000000000000002" "1000000000000003"', "P1947")
        s, h, b = self.sparql(q)
        self.assertEqual((s, dict(h)["Content-Type"]), (200, "application/sparql-results+json;charset=utf-8"))
        b = json.loads(b)
        self.assertEqual(b["head"]["vars"], ["file", "id"])
        got = [(r["id"]["value"], r["file"]["value"]) for r in b["results"]["bindings"]]
        E = "https://commons.wikimedia.org/entity/"
        self.assertEqual(got, [("1000000000000001", E + "M100001"), ("1000000000000002", E + "M100002"),
                               ("1000000000000002", E + "M100003")])
        self.assertEqual(b["results"]["bindings"][0]["file"]["type"], "uri")
        _, _, b = self.sparql(SPARQL % ('"51000000005" "51000000006"', "P12120"))
        self.assertEqual(len(json.loads(b)["results"]["bindings"]), 1)
        _, _, b = self.call("GET", "/wcqs/sparql?query=" + urllib.parse.quote(
            SPARQL % ('"2000000000001000"', "P1947")), headers={"Accept": "application/sparql-results+json"})
        self.assertEqual(b["results"]["bindings"][0]["file"]["value"], E + "M2001000")
        s, h, b = self.sparql(SPARQL % ('"1000000000000001"', "P1947"), accept="*/*")
        self.assertTrue(dict(h)["Content-Type"].startswith("application/sparql-results+xml"))
        self.assertIn("M100001", b)
        s, _, b = self.sparql("SELECT ?file WHERE { ?file wdt:P1947 ")
        self.assertEqual(s, 400)
        self.assertTrue(b.startswith("MALFORMED QUERY"))
        log = self.requests("/wcqs")[0]
        self.assertIn("VALUES ?id", log["form"]["query"][0])

    def test_cookie_auth_and_session_flow(self):
        q = SPARQL % ('"1000000000000001"', "P1947")
        self.config(wcqs_oauth=["secret-oauth"])
        s, h, _ = self.sparql(q)
        self.assertEqual(s, 307)
        check = dict(h)["Location"][len(self.base):]
        self.assertTrue(check.startswith("/wcqs/oauth/check_login?returnTo="))
        s, h, _ = self.call("GET", check, headers={"Cookie": "wcqsOauth=wrong"}, raw=True)
        self.assertEqual(s, 200)  # urllib followed the 302 to the HTML login page
        self.assertTrue(h["Content-Type"].startswith("text/html"))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", check, headers={"Cookie": "wcqsOauth=secret-oauth"})
        r = conn.getresponse()
        r.read()
        self.assertEqual((r.status, r.getheader("Location")), (307, self.base + "/wcqs/sparql"))
        cookie = r.getheader("Set-Cookie")
        self.assertTrue(cookie.startswith("wcqsSession=") and "Max-Age=7200" in cookie, cookie)
        session = cookie.split(";")[0].split("=", 1)[1]
        conn.close()
        s, _, b = self.sparql(q, {"wcqsOauth": "secret-oauth", "wcqsSession": session})
        self.assertEqual((s, len(json.loads(b)["results"]["bindings"])), (200, 1))
        s, _, _ = self.sparql(q, {"wcqsOauth": "secret-oauth", "wcqsSession": session[:-2] + "xx"})
        self.assertEqual(s, 307)
        self.config(wcqs_session_flow=False)
        self.assertEqual(self.sparql(q)[0], 403)
        self.assertEqual(self.sparql(q, {"wcqsOauth": "nope"})[0], 403)
        self.assertEqual(self.sparql(q, {"wcqsOauth": "secret-oauth"})[0], 200)
        heads = [r["headers"].get("Cookie") for r in self.requests("/wcqs/sparql")]
        self.assertNotIn("secret-oauth", json.dumps(heads))
        self.assertIn("wcqsOauth=***", heads)


class FaultTest(Base):
    def test_status_count_then_normal(self):
        self.faults([{"path_prefix": "/mapillary/", "status": 500, "count": 2}])
        codes = [self.mly("/1000000000000001?fields=id")[0] for _ in range(3)]
        self.assertEqual(codes, [500, 500, 200])
        _, _, rules = self.call("GET", "/_control/faults")
        self.assertEqual((rules["rules"][0]["hits"], rules["rules"][0]["remaining"]), (2, 0))
        rid = rules["rules"][0]["id"]
        self.assertEqual([r["fault"] for r in self.requests()], [rid, rid, None])
        self.faults({"path_prefix": "/mapillary/", "status": 500, "count": 1})
        s, _, b = self.mly("/1000000000000001?fields=id")
        self.assertEqual((s, b["error"]["code"]), (500, 1))  # Graph API error body
        self.faults({"path_prefix": "/flickr/", "status": 502, "count": 1})
        s, h, b = self.flickr("flickr.photos.licenses.getInfo")
        self.assertEqual(s, 502)
        self.assertTrue(h["Content-Type"].startswith("text/html"))

    def test_delay(self):
        self.faults({"path_prefix": "/geocoder/", "delay_ms": 300, "count": 1})
        t = time.monotonic()
        for _ in range(2):
            self.assertEqual(self.call("GET", "/geocoder/reverse?lat=1&lon=1&format=json")[0], 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.3)
        took = [r["t_end_ms"] - r["t_start_ms"] for r in self.requests()]
        self.assertGreaterEqual(took[0], 300)
        self.assertLess(took[1], 300)

    def test_reset_before_and_mid_body(self):
        self.faults({"path_prefix": "/mapillary-cdn/", "reset": True, "count": 1})
        with self.assertRaises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
            self.call("GET", "/mapillary-cdn/5000000000000001.jpg", raw=True)
        self.config(cdn_url_ttl=0)
        self.faults({"path_prefix": "/mapillary-cdn/", "reset": "mid_body", "count": 1})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/mapillary-cdn/5000000000000001.jpg")
        r = conn.getresponse()
        self.assertEqual((r.status, r.getheader("Content-Length")), (200, "6303801"))
        with self.assertRaises((ConnectionError, http.client.IncompleteRead)):
            r.read()
        conn.close()
        self.assertEqual(self.call("GET", "/mapillary-cdn/5000000000000001.jpg", raw=True)[0], 200)
        self.assertEqual([r["status"] for r in self.requests()], [None, None, 200])

    def test_truncate_body(self):
        self.faults({"path_prefix": "/flickr/", "truncate_body": True, "count": 1})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/flickr/services/rest?method=flickr.photos.licenses.getInfo&format=json"
                            "&nojsoncallback=1&api_key=" + KEY)
        r = conn.getresponse()
        with self.assertRaises(http.client.IncompleteRead) as ctx:
            r.read()
        self.assertEqual(len(ctx.exception.partial) * 2 // 2, int(r.getheader("Content-Length")) // 2)
        conn.close()

    def test_body_rate_limit_skip_and_filters(self):
        self.faults([{"path_prefix": "/mapillary/", "body": "<?php echo 1;", "content_type":
                      "application/x-php", "count": 1}])
        s, h, b = self.mly("/1000000000000001?fields=id")
        self.assertEqual((s, h["Content-Type"], b), (200, "application/x-php", "<?php echo 1;"))
        self.faults({"path_prefix": "/wcqs/", "rate_limit": True, "retry_after": 7, "count": 1})
        s, h, _ = self.call("POST", "/wcqs/sparql", "query=x",
                            {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((s, h["Retry-After"]), (429, "7"))
        self.faults({"path_prefix": "/mapillary/", "rate_limit": True, "count": 1})
        s, h, b = self.mly("/1000000000000001?fields=id")
        self.assertEqual((s, h["Retry-After"], b["error"]["code"]), (429, "1", 4))
        self.faults({"path_prefix": "/flickr/", "query_contains": "page=2", "skip": 1, "count": 1,
                     "status": 503, "headers": {"X-Scripted": "yes"}})
        codes = []
        for page in ("1", "2", "2", "2"):
            s, h, _ = self.flickr("flickr.people.getPublicPhotos", user_id="22222222@N02", page=page)
            codes.append((s, h.get("X-Scripted")))
        self.assertEqual(codes, [(200, None), (200, None), (503, "yes"), (200, None)])
        self.faults({"path_prefix": "/geocoder/", "method": "POST", "status": 500})
        self.assertEqual(self.call("GET", "/geocoder/reverse?lat=1&lon=1&format=json")[0], 200)
        self.assertEqual(self.call("POST", "/geocoder/reverse?lat=1&lon=1&format=json", "x")[0], 500)
        s, _, b = self.call("POST", "/_control/faults", [{"path_prefix": "/x/", "count": 1}])
        self.assertEqual(s, 400)
        s, _, b = self.call("POST", "/_control/faults", [{"status": 500, "bogus": 1}])
        self.assertIn("bogus", b["error"])
        self.call("DELETE", "/_control/faults")
        self.assertEqual(self.call("GET", "/_control/faults")[2], {"rules": []})


class ControlTest(Base):
    def test_log_masks_secrets_and_filters(self):
        self.mly("/1000000000000001?fields=id")
        self.flickr("flickr.photos.licenses.getInfo")
        self.call("GET", "/mapillary/1000000000000001?fields=id&access_token=" + urllib.parse.quote(TOKEN))
        _, _, b = self.call("GET", "/_control/requests")
        text = json.dumps(b)
        self.assertNotIn("fake-mapillary-token", text)
        self.assertNotIn(KEY, text)
        rows = b["requests"]
        self.assertEqual([r["seq"] for r in rows], sorted(r["seq"] for r in rows))
        self.assertEqual(rows[0]["headers"]["Authorization"], "OAuth ***")
        self.assertEqual(rows[1]["query"]["api_key"], ["***"])
        self.assertEqual(rows[1]["query"]["method"], ["flickr.photos.licenses.getInfo"])
        self.assertEqual(len(self.requests("/flickr/")), 1)
        since = rows[0]["seq"]
        _, _, b = self.call("GET", "/_control/requests?since=%d" % since)
        self.assertEqual(b["count"], 2)
        _, _, b = self.call("GET", "/_control/requests?service=mapillary")
        self.assertEqual(b["count"], 2)
        self.call("POST", "/_control/reset")
        self.assertEqual(self.requests(), [])
        self.assertEqual(self.call("GET", "/_control/nope")[0], 404)

    def test_keep_alive_and_concurrency(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for _ in range(3):
            conn.request("GET", "/geocoder/reverse?lat=1.5&lon=1.5&format=json")
            r = conn.getresponse()
            body = r.read()
            self.assertEqual(len(body), int(r.getheader("Content-Length")))
        conn.close()
        rows = self.requests()
        self.assertEqual(len({r["conn"] for r in rows}), 1)
        self.assertEqual([r["conn_request"] for r in rows], [1, 2, 3])
        self.call("POST", "/_control/reset")
        # long enough that all six client threads are in before the first answer
        self.faults({"path_prefix": "/geocoder/", "delay_ms": 2000})
        threads = [threading.Thread(target=self.call, args=("GET", "/geocoder/reverse?lat=%d&lon=2&format=json" % i))
                   for i in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        _, _, stats = self.call("GET", "/_control/stats")
        self.assertEqual(stats["max_in_flight"]["geocoder"], 6)
        self.assertEqual(max(r["in_flight"] for r in self.requests()), 6)

    def test_config_data_and_limits(self):
        s, _, b = self.call("POST", "/_control/config", {"nope": 1})
        self.assertEqual(s, 400)
        s, _, b = self.call("POST", "/_control/config", {"mapillary_tokens": "x"})
        self.assertEqual(s, 400)
        self.config(mapillary_tokens=["*"])
        self.assertEqual(self.mly("/1000000000000001?fields=id", token="anything")[0], 200)
        self.call("DELETE", "/_control/config")
        self.assertEqual(self.mly("/1000000000000001?fields=id", token="anything")[0], 401)
        data = {"mapillary": {"images": [
            {"id": "9000000000000001", "sequence": "seq-new", "captured_at": 1600000000000,
             "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}, "creator": {"id": "7"}},
            {"id": "1000000000000001", "compass_angle": None, "make": "Nokia"},
            {"id": "1000000000000003", "_delete": True}]},
            "wcqs": {"files": [{"entity": "M9", "P1947": "9000000000000001"}]}}
        s, _, b = self.call("POST", "/_control/data", data)
        self.assertEqual(s, 200, b)
        _, _, b = self.mly("/images?sequence_ids=seq-new&fields=creator")
        self.assertEqual(b["data"], [{"creator": {"id": "7"}, "id": "9000000000000001"}])
        _, _, b = self.mly("/1000000000000001?fields=compass_angle,make")
        self.assertEqual(b, {"make": "Nokia", "id": "1000000000000001"})
        _, _, b = self.mly("/image_ids?sequence_id=seq-small")
        self.assertEqual(len(b["data"]), 2)
        _, _, b = self.call("GET", "/_control/dataset")
        self.assertEqual(b["mapillary"]["sequences"]["seq-5000"], 5000)
        self.call("POST", "/_control/data", {"flickr": {
            "photos": [{"id": "59000000001", "license": "9"}],
            "photosets": [{"id": "72157699999999999", "photos": ["59000000001"]}]}})
        _, _, b = self.flickr("flickr.photosets.getPhotos", photoset_id="72157699999999999",
                              extras="license,url_o")
        self.assertEqual(b["photoset"]["photo"][0]["license"], "9")
        self.assertIn("url_o", b["photoset"]["photo"][0])
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.putrequest("POST", "/wcqs/sparql")  # announce 2 MiB, send none of it
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.endheaders()
        r = conn.getresponse()
        self.assertEqual((r.status, r.getheader("Connection")), (413, "close"))
        conn.close()


class ProcessTest(unittest.TestCase):
    def test_sigterm_and_data_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"config": {"mapillary_tokens": ["T1"]},
                       "flickr": {"photos": [{"id": "51000000001", "title": "Renamed"}]}}, f)
        try:
            proc, port = start("--data", f.name, "--flickr-api-key", "k", stdin=subprocess.DEVNULL)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/mapillary/1000000000000001?fields=id", headers={"Authorization": "OAuth T1"})
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            url = ("http://127.0.0.1:%d/flickr/services/rest?method=flickr.photos.getInfo&photo_id="
                   "51000000001&api_key=k&format=json&nojsoncallback=1" % port)
            with urllib.request.urlopen(url, timeout=10) as r:
                self.assertEqual(json.load(r)["photo"]["title"]["_content"], "Renamed")
            t = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            Base.assert_exit(proc)
            # Prompt, not after an idle connection's 60 s timeout; a loaded CI
            # machine takes about a second (polls of 0.2 s and 0.1 s, shutdown).
            self.assertLess(time.monotonic() - t, PROMPT_EXIT_S)
        finally:
            os.unlink(f.name)

    def test_stdin_close(self):
        proc, port = start("--exit-on-stdin-close")
        t = time.monotonic()
        proc.stdin.close()
        Base.assert_exit(proc)
        self.assertLess(time.monotonic() - t, PROMPT_EXIT_S)


if __name__ == "__main__":
    unittest.main()
