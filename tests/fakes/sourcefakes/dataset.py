"""The deterministic built-in dataset, and --data / POST /_control/data merging.

See tests/fakes/README.md for the ids tests may rely on. Entities are stored
in (roughly) the wire shape of the service that serves them; keys starting
with "_" are private (ordering, file size) and never sent.
"""

import calendar
import hashlib
import threading
import time

ALICE = {"id": "100001", "username": "alice_mly"}
BOB = {"id": "100002", "username": "bob.mapper"}
ANON = {"id": "100003"}  # a Mapillary creator without a username


def _ms(y, mo, d, h=0, mi=0, s=0, ms=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 1000 + ms


def _h(*parts):
    return hashlib.sha1(":".join(str(p) for p in parts).encode()).digest()


def mly_image(iid, seq, order, t_ms, lat, lon, creator, w=640, h=480, compass=None,
              make="Apple", model="iPhone X", pano=False):
    d = _h("mly", iid)
    img = {
        "id": iid, "sequence": seq, "_order": order, "captured_at": t_ms,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "computed_geometry": {"type": "Point",
                              "coordinates": [round(lon + 0.000003, 7), round(lat - 0.000002, 7)]},
        "altitude": round(30 + d[0] / 10.0, 1), "computed_altitude": round(28 + d[1] / 10.0, 1),
        "creator": dict(creator), "width": w, "height": h, "is_pano": pano,
        "camera_type": "spherical" if pano else "perspective",
        "make": make, "model": model, "exif_orientation": 1,
        "quality_score": round(0.5 + d[2] / 512.0, 4), "atomic_scale": round(0.9 + d[3] / 1280.0, 4),
        "camera_parameters": [] if pano else [0.8, -0.05, 0.01],
        "computed_rotation": [round((d[4] - 128) / 100.0, 4), round((d[5] - 128) / 100.0, 4),
                              round((d[6] - 128) / 100.0, 4)],
        "merge_cc": int.from_bytes(d[7:11], "big"),
    }
    if compass is not None:
        img["compass_angle"] = compass
        img["computed_compass_angle"] = round((compass + 0.5) % 360, 2)
    if make is None:
        del img["make"]
    if model is None:
        del img["model"]
    return img


def build_mapillary():
    imgs = []
    # seq-small: 3 images in Berlin; the /images endpoint lists them in reverse.
    t0 = _ms(2017, 6, 24, 10, 11, 12, 345)
    for k, compass in enumerate([10.5, 90.0, 275.25]):
        imgs.append(mly_image("1%015d" % (k + 1), "seq-small", 3 - k, t0 + 2000 * k,
                              round(52.52 + 0.0001 * k, 7), round(13.405 + 0.0001 * k, 7),
                              ALICE, compass=compass))
    # seq-5000: paging / batching / large-collection path. Paris.
    t0 = _ms(2019, 5, 1, 8, 0, 0)
    for i in range(1, 5001):
        compass = round((i * 7.3) % 360, 2) or 1.0
        imgs.append(mly_image("2%015d" % i, "seq-5000", i, t0 + 1000 * i,
                              round(48.8566 + 0.00001 * i, 7), 2.3522, ALICE, 320, 240,
                              compass=compass, make="GoPro", model="HERO7 Black"))
    # seq-edge: one oddity per image; starts 30 s before midnight UTC on 2020-12-31.
    t0 = _ms(2020, 12, 31, 23, 59, 30)
    e = "seq-edge"
    imgs += [
        mly_image("3%015d" % 1, e, 1, t0, 52.5205, 13.4095, BOB, 2048, 1024, compass=45.0,
                  make="Ricoh", model="Theta S", pano=True),
        mly_image("3%015d" % 2, e, 2, t0 + 10000, 52.5206, 13.4096, BOB, compass=None),
        mly_image("3%015d" % 3, e, 3, t0 + 20000, 52.5207, 13.4097, ANON, compass=120.0),
        mly_image("3%015d" % 4, e, 4, t0 + 30000, 52.5208, 13.4098, BOB, compass=0.0,
                  make="none", model="none"),
        mly_image("3%015d" % 5, e, 5, t0 + 40000, 52.1401, 12.5901, BOB, compass=360.0),
        mly_image("3%015d" % 6, e, 6, t0 + 50000, 54.5, 4.0, BOB, compass=180.0),
        mly_image("3%015d" % 7, e, 7, t0 + 60000, 51.4779, 0.0, BOB, compass=200.0,
                  make=None, model=None),
    ]
    # seq-broken: records the upstream mapper rejects (no geometry / captured_at / creator).
    t0 = _ms(2018, 3, 1, 12, 0, 0)
    broken = [mly_image("4%015d" % k, "seq-broken", k, t0 + 1000 * k, 52.53, 13.41, ALICE,
                        compass=90.0) for k in range(1, 5)]
    del broken[1]["geometry"], broken[1]["computed_geometry"]
    del broken[2]["captured_at"]
    del broken[3]["creator"]
    imgs += broken
    # seq-bigfile: one 4000x3000 image whose original is 6 MiB + 12345 bytes.
    big = mly_image("5%015d" % 1, "seq-bigfile", 1, _ms(2021, 7, 14, 9, 30, 0), 52.51, 13.39,
                    ALICE, 4000, 3000, compass=33.3, make="Canon", model="EOS 5D")
    big["_file_size"] = 6 * 1024 * 1024 + 12345
    imgs.append(big)
    return {img["id"]: img for img in imgs}


FLICKR_USERS = [
    {"nsid": "11111111@N01", "username": "Fran Free", "realname": "Fran Freeman",
     "path_alias": "franfree", "location": "Berlin, Germany"},
    {"nsid": "22222222@N02", "username": "bulk.uploader", "realname": "",
     "path_alias": None, "location": ""},
    {"nsid": "33333333@N03", "username": "video_vic", "realname": "Vic Video",
     "path_alias": "videovic", "location": ""},
    {"nsid": "44444444@N04", "username": "Tess Traveller", "realname": "Tess Traveller",
     "path_alias": "tesstravels", "location": "Munich, Germany"},
]


def flickr_photo(pid, owner, idx, t0, license_id, geo, w=1600, h=1200, title=None,
                 media="photo", public=True, can_download=True, tags="street berlin"):
    d = _h("flickr", pid)
    taken = t0 + idx * 60
    photo = {
        "id": pid, "owner": owner, "secret": d[:5].hex()[:10], "originalsecret": d[5:10].hex()[:10],
        "server": "65535", "farm": 66, "title": title if title is not None else "Photo %s" % pid,
        "description": "Description of photo %s.\nSecond line." % pid, "license": str(license_id),
        "datetaken": "%04d-%02d-%02d %02d:%02d:%02d" % tuple(time.gmtime(taken)[:6]),
        "dateupload": str(taken + 3600), "lastupdate": str(taken + 7200),
        "tags": tags, "machine_tags": "", "originalformat": "jpg", "width": w, "height": h,
        "media": media, "ispublic": 1 if public else 0, "can_download": can_download,
        "views": str(d[10] * 3),
    }
    if geo:
        photo["geo"] = {"latitude": "%.6f" % geo[0], "longitude": "%.6f" % geo[1],
                        "accuracy": "16", "context": "0"}
    return photo


def build_flickr():
    photos, sets = [], []
    u1, u2, u3, u4 = (u["nsid"] for u in FLICKR_USERS)
    t0 = calendar.timegm((2019, 5, 1, 12, 0, 0, 0, 0, 0))
    # Album 1: one photo per licence id 0..16, then one whose original is not downloadable.
    mixed = []
    for lic in range(17):
        pid = "510000000%02d" % (lic + 1)
        title = {9: "", 11: "IMG_0042.JPG"}.get(lic)
        geo = (52.5 + lic * 0.001, 13.4 + lic * 0.001) if lic % 2 == 0 else None
        photos.append(flickr_photo(pid, u1, lic, t0, lic, geo, title=title))
        mixed.append(pid)
    photos.append(flickr_photo("51000000018", u1, 17, t0, 4, (52.52, 13.42), can_download=False))
    mixed.append("51000000018")
    sets.append({"id": "72157600000000001", "owner": u1, "title": "Mixed licences",
                 "description": "One photo per Flickr licence id.", "photos": mixed})
    # User 2: 1234 public photos (+2 private), all in album 2.
    cycle = [4, 5, 9, 0, 11, 12, 2, 7, 10, 8, 6, 1, 3]
    bulk = []
    for i in range(1, 1235):
        pid = "52%09d" % i
        geo = (40.0 + i * 0.01, -3.0 - i * 0.01) if i % 3 == 0 else None
        photos.append(flickr_photo(pid, u2, i, t0, cycle[i % len(cycle)], geo, 640, 480,
                                   tags="bulk batch%d" % (i // 100)))
        bulk.append(pid)
    for i in (1, 2):
        photos.append(flickr_photo("5200000900%d" % i, u2, 2000 + i, t0, 4, None, 640, 480,
                                   public=False))
    sets.append({"id": "72157600000000002", "owner": u2, "title": "Bulk album",
                 "description": "", "photos": bulk + ["52000009001"]})
    # Album 3: photo, video, photo.
    media = []
    for i, kind in enumerate(["photo", "video", "photo"], 1):
        pid = "5300000000%d" % i
        photos.append(flickr_photo(pid, u3, i, t0, 9, None, 1280, 720, media=kind))
        media.append(pid)
    sets.append({"id": "72157600000000003", "owner": u3, "title": "Media mix",
                 "description": "Two photos and a video.", "photos": media})
    # Album 4: a 2,000-photo trip (4 pages at 500), for the listing benchmark. Every second
    # photo is geotagged along a walk through Munich; one licence in six is not free (0).
    trip, trip_licences = [], [4, 5, 11, 12, 9, 0]
    for i in range(1, 2001):
        pid = "54%09d" % i
        geo = (48.1351 + i * 0.00002, 11.5820 + i * 0.00001) if i % 2 == 0 else None
        photos.append(flickr_photo(pid, u4, i, t0, trip_licences[i % 6], geo, 1024, 768,
                                   tags="munich trip day%d" % (1 + i // 400)))
        trip.append(pid)
    sets.append({"id": "72157600000000004", "owner": u4, "title": "Munich trip",
                 "description": "Two thousand photos of one trip.", "photos": trip})
    return ({u["nsid"]: dict(u) for u in FLICKR_USERS}, {p["id"]: p for p in photos},
            {s["id"]: s for s in sets})


# Reverse geocoder: explicit boxes [min_lat, min_lon, max_lat, max_lon], first match wins.
PLACES = [
    {"box": [52.33, 12.90, 52.68, 13.80], "name": "Unter den Linden",
     "address": {"road": "Unter den Linden", "suburb": "Mitte", "city": "Berlin",
                 "state": "Berlin", "ISO3166-2-lvl4": "DE-BE", "postcode": "10117",
                 "country": "Deutschland", "country_code": "de"}},
    {"box": [52.10, 12.52, 52.18, 12.66], "name": "Wiesenburger Straße",
     "address": {"road": "Wiesenburger Straße", "town": "Bad Belzig",
                 "county": "Potsdam-Mittelmark", "state": "Brandenburg",
                 "ISO3166-2-lvl4": "DE-BB", "postcode": "14806", "country": "Deutschland",
                 "country_code": "de"}},
    {"box": [48.80, 2.25, 48.92, 2.42], "name": "Rue de Rivoli",
     "address": {"road": "Rue de Rivoli", "suburb": "Quartier Saint-Merri", "city": "Paris",
                 "county": "Paris", "state": "Île-de-France", "ISO3166-2-lvl4": "FR-IDF",
                 "postcode": "75004", "country": "France", "country_code": "fr"}},
    {"box": [51.28, -0.51, 51.70, 0.33], "name": "Blackheath Avenue",
     "address": {"road": "Blackheath Avenue", "suburb": "Greenwich", "city": "London",
                 "state_district": "Greater London", "state": "England",
                 "ISO3166-2-lvl4": "GB-ENG", "postcode": "SE10 8XJ",
                 "country": "United Kingdom", "country_code": "gb"}},
]
# Boxes with no result ({"error":"Unable to geocode"}): North Sea, Gulf of Guinea.
UNABLE = [[53.8, 2.5, 55.5, 6.0], [-5.0, -5.0, 5.0, 5.0]]


def build_wcqs():
    files = [
        {"entity": "M100001", "P1947": "1000000000000001"},
        {"entity": "M100002", "P1947": "1000000000000002"},
        {"entity": "M100003", "P1947": "1000000000000002"},
        {"entity": "M300004", "P1947": "3000000000000004"},
        {"entity": "M400005", "P12120": "51000000005"},
        {"entity": "M400010", "P12120": "52000000010"},
    ]
    files += [{"entity": "M%d" % (2000000 + i), "P1947": "2%015d" % i}
              for i in range(1000, 5001, 1000)]
    return files


class Dataset:
    def __init__(self):
        self.lock = threading.RLock()
        self.mly_images = build_mapillary()
        self.flickr_users, self.flickr_photos, self.flickr_sets = build_flickr()
        self.places = [dict(p) for p in PLACES]
        self.unable = [list(b) for b in UNABLE]
        self.wcqs_files = build_wcqs()
        self.reindex()

    def reindex(self):
        with self.lock:
            seqs = {}
            for img in self.mly_images.values():
                if img.get("sequence"):
                    seqs.setdefault(img["sequence"], []).append(img)
            self.mly_storage = {s: [i["id"] for i in sorted(v, key=lambda i: (i.get("_order", 0), i["id"]))]
                                for s, v in seqs.items()}
            self.mly_captured = {s: [i["id"] for i in sorted(v, key=lambda i: (i.get("captured_at", 0), i["id"]))]
                                 for s, v in seqs.items()}
            streams = {}
            for p in self.flickr_photos.values():
                streams.setdefault(p["owner"], []).append(p)
            self.flickr_streams = {o: [p["id"] for p in sorted(v, key=lambda p: (-int(p["dateupload"]), p["id"]))]
                                   for o, v in streams.items()}

    def merge(self, data):
        """Add or override entities (schema in README.md). Returns a summary."""
        from .core import merge_entity
        counts = {}
        with self.lock:
            def upsert(store, items, key, name, default=None):
                for item in items or []:
                    k = str(item[key])
                    if item.get("_delete"):
                        store.pop(k, None)
                    else:
                        old = store.get(k) or (default(k, item) if default else {})
                        store[k] = merge_entity(old, item)
                        store[k][key] = k
                    counts[name] = counts.get(name, 0) + 1
            m, f = data.get("mapillary") or {}, data.get("flickr") or {}
            upsert(self.mly_images, m.get("images"), "id", "mapillary.images")
            # new Flickr entities start from generated defaults, so partial records work
            upsert(self.flickr_users, f.get("users"), "nsid", "flickr.users",
                   lambda k, item: {"username": k, "realname": "", "path_alias": None,
                                    "location": ""})
            upsert(self.flickr_photos, f.get("photos"), "id", "flickr.photos",
                   lambda k, item: flickr_photo(k, item.get("owner", FLICKR_USERS[0]["nsid"]), 0,
                                                1556712000, 4, None))
            upsert(self.flickr_sets, f.get("photosets"), "id", "flickr.photosets",
                   lambda k, item: {"owner": FLICKR_USERS[0]["nsid"], "title": "",
                                    "description": "", "photos": []})
            g = data.get("geocoder") or {}
            if g.get("replace"):
                self.places, self.unable = [], []
            self.places = list(g.get("places") or []) + self.places
            self.unable = list(g.get("unable") or []) + self.unable
            w = data.get("wcqs") or {}
            if w.get("replace"):
                self.wcqs_files = []
            self.wcqs_files = self.wcqs_files + list(w.get("files") or [])
            counts["wcqs.files"] = len(w.get("files") or [])
            self.reindex()
        return counts

    def summary(self):
        with self.lock:
            return {
                "mapillary": {"sequences": {s: len(v) for s, v in sorted(self.mly_captured.items())},
                              "images": len(self.mly_images)},
                "flickr": {"users": sorted(self.flickr_users),
                           "photosets": {k: len(v["photos"]) for k, v in sorted(self.flickr_sets.items())},
                           "photos": len(self.flickr_photos)},
                "geocoder": {"places": len(self.places), "unable": len(self.unable)},
                "wcqs": {"files": len(self.wcqs_files)},
            }
