"""Fake Flickr REST API (under /flickr/services/rest) and static CDN (/flickr-cdn).

Documented (references.md B.8, upstream-pipeline.md 7.3 / 9.3): method dispatch on
`method=`, `api_key`, `format=json&nojsoncallback=1`, photosets.getPhotos
(photoset_id, user_id, extras, page, per_page <= 500 -> photoset.{page,pages,perpage,
total,photo[]}), people.getPublicPhotos, photos.getInfo, photos.getSizes
("Original" label), photos.licenses.getInfo; error body
{"stat":"fail","code":N,"message":"..."} with HTTP 200.

ASSUMED from Flickr's public API documentation / observed responses:
  * photo list items carry id, secret, server, farm, title, ispublic, isfriend,
    isfamily (+ owner nsid for people.*, isprimary for photosets) plus extras:
    description -> {"description":{"_content"}}, date_taken -> datetaken +
    datetakengranularity + datetakenunknown, geo -> top-level latitude/longitude/
    accuracy/context (strings when geotagged, 0 numbers when not), url_X -> url_X,
    width_X, height_X (numbers), o_dims -> o_width/o_height, owner_name ->
    ownername, path_alias -> pathalias, original_format -> originalsecret/
    originalformat. Unknown extras are ignored.
  * Flickr's real list items have NO nested `owner` object and NO nested `geo`
    object, although the upstream mapper read `photo.owner.*` and `photo.geo.*`
    (upstream-pipeline.md 9.3 shows them). Set config `flickr_upstream_shapes`
    to add both to every list item.
  * page/pages/perpage/total are numbers; config `flickr_string_numbers` sends
    them as strings (older Flickr answers did; parsers should accept both).
  * api_key is checked before the method; 100 "Invalid API Key (Key not found)"
    for a well-formed unknown key, "(Key has invalid format)" otherwise;
    unknown method -> 112; without format -> REST XML; format=json without
    nojsoncallback -> JSONP jsonFlickrApi(...).
  * Private photos (ispublic 0) are invisible (calls are unauthenticated).
  * Sizes larger than the original are not offered; "Original" (url_o) only
    when the owner allows downloads (photo 51000000018 does not).
"""

import json
import re
from xml.sax.saxutils import quoteattr, escape

from .core import Response, html_response, range_response, int_arg
from .jpeg import make_jpeg

LICENSES = [
    (0, "All Rights Reserved", ""),
    (1, "Attribution-NonCommercial-ShareAlike License", "https://creativecommons.org/licenses/by-nc-sa/2.0/"),
    (2, "Attribution-NonCommercial License", "https://creativecommons.org/licenses/by-nc/2.0/"),
    (3, "Attribution-NonCommercial-NoDerivs License", "https://creativecommons.org/licenses/by-nc-nd/2.0/"),
    (4, "Attribution License", "https://creativecommons.org/licenses/by/2.0/"),
    (5, "Attribution-ShareAlike License", "https://creativecommons.org/licenses/by-sa/2.0/"),
    (6, "Attribution-NoDerivs License", "https://creativecommons.org/licenses/by-nd/2.0/"),
    (7, "No known copyright restrictions", "https://www.flickr.com/commons/usage/"),
    (8, "United States Government Work", "http://www.usa.gov/copyright.shtml"),
    (9, "Public Domain Dedication (CC0)", "https://creativecommons.org/publicdomain/zero/1.0/"),
    (10, "Public Domain Mark", "https://creativecommons.org/publicdomain/mark/1.0/"),
    (11, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    (12, "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    (13, "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    (14, "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    (15, "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    (16, "CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
]
# label, URL suffix, extras key suffix, longest side (None = original), square
SIZES = [
    ("Square", "_s", "sq", 75, True), ("Large Square", "_q", "q", 150, True),
    ("Thumbnail", "_t", "t", 100, False), ("Small", "_m", "s", 240, False),
    ("Small 320", "_n", "n", 320, False), ("Small 400", "_w", "w", 400, False),
    ("Medium", "", "m", 500, False), ("Medium 640", "_z", "z", 640, False),
    ("Medium 800", "_c", "c", 800, False), ("Large", "_b", "l", 1024, False),
    ("Large 1600", "_h", "h", 1600, False), ("Large 2048", "_k", "k", 2048, False),
    ("Original", "_o", "o", None, False),
]


class FlickrError(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code, self.message = code, message


def fault_body(status):
    titles = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable", 504: "Gateway Timeout"}
    return html_response(status, titles.get(status, "Error"))


def _sizes(photo):
    """[(label, suffix, key, w, h)] offered for a photo."""
    w, h = int(photo.get("width") or 640), int(photo.get("height") or 480)
    out = []
    for label, suffix, key, dim, square in SIZES:
        if dim is None:
            if photo.get("can_download", True):
                out.append((label, suffix, key, w, h))
        elif square:
            out.append((label, suffix, key, dim, dim))
        elif dim < max(w, h):
            out.append((label, suffix, key) + ((dim, max(1, h * dim // w)) if w >= h
                                               else (max(1, w * dim // h), dim)))
    return out


def _cdn_url(app, photo, suffix):
    secret = photo["originalsecret"] if suffix == "_o" else photo["secret"]
    return "%s/flickr-cdn/%s/%s_%s%s.jpg" % (app.base_url, photo["server"], photo["id"], secret, suffix)


def _alias(user):
    return user.get("path_alias") or user["nsid"]


def _num(req, n):
    return str(n) if req.app.config["flickr_string_numbers"] else n


def _list_item(req, photo, extras, owner_field, primary=None):
    ds = req.app.dataset
    user = ds.flickr_users.get(photo["owner"], {"nsid": photo["owner"], "username": ""})
    item = {"id": photo["id"]}
    if owner_field:
        item["owner"] = photo["owner"]
    item.update({"secret": photo["secret"], "server": photo["server"], "farm": photo["farm"],
                 "title": photo.get("title", "")})
    if primary is not None:
        item["isprimary"] = "1" if photo["id"] == primary else "0"
    item.update({"ispublic": photo.get("ispublic", 1), "isfriend": 0, "isfamily": 0})
    can_dl = photo.get("can_download", True)
    geo = photo.get("geo")
    for extra in extras:
        if extra == "description":
            item["description"] = {"_content": photo.get("description", "")}
        elif extra == "license":
            item["license"] = str(photo.get("license", "0"))
        elif extra == "date_upload":
            item["dateupload"] = photo["dateupload"]
        elif extra == "date_taken":
            item.update({"datetaken": photo["datetaken"], "datetakengranularity": 0,
                         "datetakenunknown": "0"})
        elif extra == "owner_name":
            item["ownername"] = user.get("username", "")
        elif extra == "icon_server":
            item.update({"iconserver": "0", "iconfarm": 0})
        elif extra == "original_format" and can_dl:
            item.update({"originalsecret": photo["originalsecret"],
                         "originalformat": photo.get("originalformat", "jpg")})
        elif extra == "last_update":
            item["lastupdate"] = photo["lastupdate"]
        elif extra == "geo":
            if geo:
                item.update({"latitude": geo["latitude"], "longitude": geo["longitude"],
                             "accuracy": geo.get("accuracy", "16"), "context": geo.get("context", "0"),
                             "place_id": "", "woeid": "0", "geo_is_family": 0, "geo_is_friend": 0,
                             "geo_is_contact": 0, "geo_is_public": 1})
            else:
                item.update({"latitude": 0, "longitude": 0, "accuracy": 0, "context": 0})
        elif extra in ("tags", "machine_tags", "views"):
            item[extra] = photo.get(extra, "")
        elif extra == "o_dims" and can_dl:
            item.update({"o_width": str(photo.get("width", 0)), "o_height": str(photo.get("height", 0))})
        elif extra == "media":
            item.update({"media": photo.get("media", "photo"), "media_status": "ready"})
        elif extra == "path_alias":
            item["pathalias"] = user.get("path_alias") or ""
        elif extra.startswith("url_"):
            for label, suffix, key, w, h in _sizes(photo):
                if "url_" + key == extra:
                    item.update({extra: _cdn_url(req.app, photo, suffix),
                                 "height_" + key: h, "width_" + key: w})
    if req.app.config["flickr_upstream_shapes"]:
        item["owner"] = {"nsid": user["nsid"], "username": user.get("username", ""),
                         "path_alias": user.get("path_alias") or ""}
        if geo:
            item["geo"] = {"latitude": geo["latitude"], "longitude": geo["longitude"],
                           "accuracy": geo.get("accuracy", "16")}
    return item


def _extras(req):
    return [e.strip() for e in (req.arg("extras") or "").split(",") if e.strip()]


def _paged(req, ids, default_per_page):
    per_page = int_arg(req.arg("per_page"), default_per_page)
    per_page = default_per_page if per_page < 1 else min(per_page, 500)
    page = max(1, int_arg(req.arg("page"), 1))
    total = len(ids)
    pages = max(1, (total + per_page - 1) // per_page) if total else 0
    return ids[(page - 1) * per_page:page * per_page], page, per_page, pages, total


def _find_user(ds, ident):
    if ident in ds.flickr_users:
        return ds.flickr_users[ident]
    for user in ds.flickr_users.values():
        if ident and user.get("path_alias") == ident:
            return user
    return None


def m_photosets_getPhotos(req, ds):
    pset = ds.flickr_sets.get(req.arg("photoset_id") or "")
    owner = ds.flickr_users.get(pset["owner"]) if pset else None
    if not pset or (req.arg("user_id") and _find_user(ds, req.arg("user_id")) is not owner):
        raise FlickrError(1, "Photoset not found")
    media = req.arg("media") or "all"
    photos = [ds.flickr_photos[p] for p in pset["photos"] if p in ds.flickr_photos]
    photos = [p for p in photos if p.get("ispublic", 1)
              and (media == "all" or p.get("media", "photo") + "s" == media)]
    primary = pset.get("primary") or (photos[0]["id"] if photos else "")
    chunk, page, per_page, pages, total = _paged(req, photos, 500)
    extras = _extras(req)
    return {"photoset": {
        "id": pset["id"], "primary": primary, "owner": pset["owner"],
        "ownername": (owner or {}).get("username", ""),
        "photo": [_list_item(req, p, extras, False, primary) for p in chunk],
        "page": _num(req, page), "per_page": _num(req, per_page), "perpage": _num(req, per_page),
        "pages": _num(req, pages), "title": pset.get("title", ""), "total": _num(req, total)}}


def m_people_getPublicPhotos(req, ds):
    user = _find_user(ds, req.arg("user_id") or "")
    if user is None:
        raise FlickrError(1, "User not found")
    photos = [ds.flickr_photos[p] for p in ds.flickr_streams.get(user["nsid"], [])]
    photos = [p for p in photos if p.get("ispublic", 1)]
    chunk, page, per_page, pages, total = _paged(req, photos, 100)
    extras = _extras(req)
    return {"photos": {"page": _num(req, page), "pages": _num(req, pages),
                       "perpage": _num(req, per_page), "total": _num(req, total),
                       "photo": [_list_item(req, p, extras, True) for p in chunk]}}


def _photo(req, ds, message):
    photo = ds.flickr_photos.get(req.arg("photo_id") or "")
    if photo is None or not photo.get("ispublic", 1):
        raise FlickrError(1, message)
    return photo


def m_photos_getInfo(req, ds):
    photo = _photo(req, ds, 'Photo "%s" not found (invalid ID)' % (req.arg("photo_id") or ""))
    user = ds.flickr_users.get(photo["owner"], {"nsid": photo["owner"]})
    tags = [{"id": "%s-%d" % (photo["id"], i), "author": user["nsid"],
             "authorname": user.get("username", ""), "raw": t, "_content": t.lower(),
             "machine_tag": 0} for i, t in enumerate(photo.get("tags", "").split())]
    can_dl = photo.get("can_download", True)
    info = {
        "id": photo["id"], "secret": photo["secret"], "server": photo["server"],
        "farm": photo["farm"], "dateuploaded": photo["dateupload"], "isfavorite": 0,
        "license": str(photo.get("license", "0")), "safety_level": "0", "rotation": 0,
        "owner": {"nsid": user["nsid"], "username": user.get("username", ""),
                  "realname": user.get("realname", ""), "location": user.get("location", ""),
                  "iconserver": "0", "iconfarm": 0, "path_alias": user.get("path_alias")},
        "title": {"_content": photo.get("title", "")},
        "description": {"_content": photo.get("description", "")},
        "visibility": {"ispublic": 1, "isfriend": 0, "isfamily": 0},
        "dates": {"posted": photo["dateupload"], "taken": photo["datetaken"],
                  "takengranularity": 0, "takenunknown": "0", "lastupdate": photo["lastupdate"]},
        "views": photo.get("views", "0"),
        "editability": {"cancomment": 0, "canaddmeta": 0},
        "publiceditability": {"cancomment": 1, "canaddmeta": 0},
        "usage": {"candownload": 1 if can_dl else 0, "canblog": 0, "canprint": 0, "canshare": 1},
        "comments": {"_content": "0"}, "notes": {"note": []}, "people": {"haspeople": 0},
        "tags": {"tag": tags},
        "urls": {"url": [{"type": "photopage", "_content": "https://www.flickr.com/photos/%s/%s/"
                          % (_alias(user), photo["id"])}]},
        "media": photo.get("media", "photo"),
    }
    if can_dl:
        info["originalsecret"] = photo["originalsecret"]
        info["originalformat"] = photo.get("originalformat", "jpg")
    geo = photo.get("geo")
    if geo:
        info["location"] = {"latitude": geo["latitude"], "longitude": geo["longitude"],
                            "accuracy": geo.get("accuracy", "16"), "context": geo.get("context", "0")}
        info["geoperms"] = {"ispublic": 1, "iscontact": 0, "isfriend": 0, "isfamily": 0}
    return {"photo": info}


def m_photos_getSizes(req, ds):
    photo = _photo(req, ds, "Photo not found")
    user = ds.flickr_users.get(photo["owner"], {"nsid": photo["owner"]})
    page = "https://www.flickr.com/photos/%s/%s/sizes/" % (_alias(user), photo["id"])
    sizes = [{"label": label, "width": w, "height": h,
              "source": _cdn_url(req.app, photo, suffix), "url": page + key + "/", "media": "photo"}
             for label, suffix, key, w, h in _sizes(photo)]
    if photo.get("media") == "video":
        for label in ("Site MP4", "Video Original"):
            sizes.append({"label": label, "width": photo.get("width", 0),
                          "height": photo.get("height", 0), "media": "video", "url": page,
                          "source": "%s/flickr-cdn/video/%s.mp4" % (req.app.base_url, photo["id"])})
    can_dl = 1 if photo.get("can_download", True) else 0
    return {"sizes": {"canblog": 0, "canprint": 0, "candownload": can_dl, "size": sizes}}


def m_urls_lookupUser(req, ds):
    m = re.search(r"flickr\.com/(?:photos|people)/([^/?#]+)", req.arg("url") or "")
    user = _find_user(ds, m.group(1)) if m else None
    if user is None:
        raise FlickrError(1, "User not found")
    return {"user": {"id": user["nsid"], "username": {"_content": user.get("username", "")}}}


def m_photosets_getInfo(req, ds):
    pset = ds.flickr_sets.get(req.arg("photoset_id") or "")
    if not pset:
        raise FlickrError(1, "Photoset not found")
    photos = [ds.flickr_photos[p] for p in pset["photos"] if p in ds.flickr_photos]
    photos = [p for p in photos if p.get("ispublic", 1)]
    videos = sum(1 for p in photos if p.get("media") == "video")
    owner = ds.flickr_users.get(pset["owner"], {})
    return {"photoset": {
        "id": pset["id"], "owner": pset["owner"], "username": owner.get("username", ""),
        "primary": photos[0]["id"] if photos else "", "secret": "0", "server": "65535",
        "farm": 66, "count_views": "0", "count_comments": "0",
        "count_photos": len(photos) - videos, "count_videos": videos,
        "title": {"_content": pset.get("title", "")},
        "description": {"_content": pset.get("description", "")}, "can_comment": 0,
        "date_create": "1556712000", "date_update": "1556712000",
        "photos": len(photos) - videos, "videos": videos}}


def m_photos_licenses_getInfo(req, ds):
    return {"licenses": {"license": [{"id": i, "name": n, "url": u} for i, n, u in LICENSES]}}


METHODS = {
    "flickr.photosets.getPhotos": m_photosets_getPhotos,
    "flickr.photosets.getInfo": m_photosets_getInfo,
    "flickr.people.getPublicPhotos": m_people_getPublicPhotos,
    "flickr.photos.getInfo": m_photos_getInfo,
    "flickr.photos.getSizes": m_photos_getSizes,
    "flickr.photos.licenses.getInfo": m_photos_licenses_getInfo,
    "flickr.urls.lookupUser": m_urls_lookupUser,
}


def _xml(name, value):
    if isinstance(value, list):
        return "".join(_xml(name, v) for v in value)
    if not isinstance(value, dict):
        return "<%s>%s</%s>" % (name, escape(str(value)), name)
    attrs = "".join(" %s=%s" % (k, quoteattr("" if v is None else str(v)))
                    for k, v in value.items() if not isinstance(v, (dict, list)) and k != "_content")
    inner = escape(str(value.get("_content", ""))) + "".join(
        _xml(k, v) for k, v in value.items() if isinstance(v, (dict, list)))
    return "<%s%s>%s</%s>" % (name, attrs, inner, name) if inner else "<%s%s />" % (name, attrs)


def _render(req, body):
    fmt = req.arg("format") or "rest"
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        if req.arg("nojsoncallback") == "1":
            return Response(200, text, "application/json; charset=utf-8")
        callback = req.arg("jsoncallback") or "jsonFlickrApi"
        return Response(200, "%s(%s)" % (callback, text), "text/javascript; charset=utf-8")
    if body.get("stat") == "fail":
        inner = '<err code="%d" msg=%s />' % (body["code"], quoteattr(body["message"]))
    else:
        inner = "".join(_xml(k, v) for k, v in body.items() if k != "stat")
    xml = '<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat=%s>\n%s\n</rsp>\n' % (
        quoteattr(body["stat"]), inner)
    return Response(200, xml, "text/xml; charset=utf-8")


def handle(req):
    if req.subpath.rstrip("/") != "/services/rest":
        return html_response(404, "Not Found")
    if req.method not in ("GET", "HEAD", "POST"):
        return html_response(405, "Method Not Allowed")
    fmt = req.arg("format") or "rest"
    if fmt not in ("json", "rest"):
        req.query["format"] = ["rest"]
        return _render(req, {"stat": "fail", "code": 111, "message": 'Format "%s" not found' % fmt})
    key, keys = req.arg("api_key") or "", req.app.config["flickr_api_keys"]
    if "*" not in keys and key not in keys:
        req.auth = "invalid" if key else "missing"
        why = "Key not found" if re.fullmatch(r"[0-9a-f]{32}", key) else "Key has invalid format"
        return _render(req, {"stat": "fail", "code": 100, "message": "Invalid API Key (%s)" % why})
    req.auth = "ok"
    method = req.arg("method") or ""
    if method not in METHODS:
        return _render(req, {"stat": "fail", "code": 112, "message": 'Method "%s" not found' % method})
    ds = req.app.dataset
    try:
        with ds.lock:
            body = METHODS[method](req, ds)
    except FlickrError as e:
        return _render(req, {"stat": "fail", "code": e.code, "message": e.message})
    body["stat"] = "ok"
    return _render(req, body)


def cdn(req):
    """GET /flickr-cdn/<server>/<id>_<secret>[_<x>].jpg (also /flickr-cdn/<id>_o.jpg)."""
    if req.method not in ("GET", "HEAD"):
        return Response(405, "Method Not Allowed", headers=[("Allow", "GET, HEAD")])
    m = re.fullmatch(r"/video/([0-9]+)\.mp4", req.subpath)
    if m:
        photo = req.app.dataset.flickr_photos.get(m.group(1))
        if not photo or photo.get("media") != "video":
            return html_response(404, "Not Found")
        return range_response(req, b"\x00\x00\x00\x18ftypmp42fake-video-" + m.group(1).encode(),
                              "video/mp4")
    m = (re.fullmatch(r"/[0-9]+/([0-9]+)_([0-9a-f]+)(_[a-z])?\.jpg", req.subpath)
         or re.fullmatch(r"/([0-9]+)()(_o)\.jpg", req.subpath))
    photo = req.app.dataset.flickr_photos.get(m.group(1)) if m else None
    if photo is None:
        return html_response(404, "Not Found")
    suffix = m.group(3) or ""
    secret = photo["originalsecret"] if suffix == "_o" else photo["secret"]
    size = [s for s in _sizes(photo) if s[1] == suffix]
    if (m.group(2) and m.group(2) != secret) or not size:
        return html_response(404, "Not Found")
    w, h = size[0][3], size[0][4]
    seed = "flickr:%s:%s" % (photo["id"], suffix or "m")
    return range_response(req, make_jpeg(seed, w, h), "image/jpeg",
                          [("Cache-Control", "max-age=315360000")])
