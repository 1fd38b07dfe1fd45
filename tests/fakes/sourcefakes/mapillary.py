"""Fake Mapillary Graph API v4 (under /mapillary) and its CDN (/mapillary-cdn).

Documented (references.md B.7, upstream-pipeline.md 7.2 / 9.2):
  GET /{image_id}?fields=F          image object with the requested fields (+ id)
  GET /?ids=a,b,c&fields=F          object keyed by id (multi-get)
  GET /images?sequence_ids=S&fields=F   {"data":[...]}
  GET /image_ids?sequence_id=S      {"data":[{"id":...}]} in capture order
  Authorization: OAuth <token> (Bearer, as Curator sends, and ?access_token= also work)

ASSUMED where the documents are silent (Graph API conventions):
  * errors are {"error":{"message","type","code","error_subcode"?,"fbtrace_id"}};
    missing token -> 401 code 104, bad token -> 401 code 190, unknown object ->
    400 GraphMethodException code 100 subcode 33, unknown field -> 400 code 100.
  * /images lists a sequence in *storage* order (seq-small: reverse capture order);
    only /image_ids is documented as capture-ordered. Callers must sort.
  * /images without `limit` returns everything, unless the answer would carry more
    than `mapillary_full_fetch_limit` (2000) images with fields other than id: then
    HTTP 500 code 1 "Please reduce the amount of data ..." -- the failure that sends
    upstream into its "large collection" path. With `limit` (max 2000) the answer
    is paged Graph-style: paging.cursors.{before,after} and paging.next.
  * multi-get accepts up to `mapillary_max_ids` (100: upstream's fallback sends 100;
    the SDK caps at 50) and silently omits unknown ids.
  * null/absent values are omitted (Graph API never sends nulls).
  * thumb_*_url are fbcdn-style signed URLs (oh= HMAC, oe= hex expiry, lifetime
    config `cdn_url_ttl`: 0 = unsigned, < 0 = already expired) on this server;
    the CDN answers 403 "URL signature expired" / "Bad URL hash".
"""

import base64
import hashlib
import hmac
import itertools
import re
import time
import urllib.parse

from .core import Response, json_response, html_response, range_response, int_arg
from .jpeg import make_jpeg

FIELDS = {
    "id", "altitude", "atomic_scale", "camera_parameters", "camera_type", "captured_at",
    "compass_angle", "computed_altitude", "computed_compass_angle", "computed_geometry",
    "computed_rotation", "creator", "exif_orientation", "geometry", "height", "width",
    "is_pano", "make", "model", "merge_cc", "mesh", "quality_score", "sequence",
    "sfm_cluster", "thumb_256_url", "thumb_1024_url", "thumb_2048_url", "thumb_original_url",
}
THUMBS = {"thumb_256_url": 256, "thumb_1024_url": 1024, "thumb_2048_url": 2048,
          "thumb_original_url": 0}
CT = "application/json; charset=UTF-8"
_trace = itertools.count(1)


def graph_error(status, message, code=100, type_="OAuthException", subcode=None, headers=None):
    err = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    err["fbtrace_id"] = "AFake" + hashlib.sha1(str(next(_trace)).encode()).hexdigest()[:18]
    return json_response({"error": err}, status, CT, headers)


def fault_body(status):
    """Default answer for a scripted status fault on the Graph API."""
    if status == 429:
        return graph_error(429, "Application request limit reached", code=4)
    if status == 500:
        return graph_error(500, "An unknown error has occurred.", code=1)
    if status >= 500:
        return html_response(status, "Service Unavailable" if status == 503 else "Bad Gateway")
    return graph_error(status, "(#%d) Scripted error" % status, code=100)


def _check_auth(req):
    cfg = req.app.config
    auth = (req.headers.get("Authorization") or "").strip()
    token = None
    if auth:
        scheme, _, value = auth.partition(" ")
        token = value.strip() if scheme.lower() in ("oauth", "bearer") else ""
    elif req.arg("access_token"):
        token = req.arg("access_token")
    if token is None:
        req.auth = "missing"
        return graph_error(401, "An access token is required to request this resource.", 104)
    tokens = cfg["mapillary_tokens"]
    if not token or ("*" not in tokens and token not in tokens):
        req.auth = "invalid"
        return graph_error(401, "Invalid OAuth access token - Cannot parse access token", 190)
    req.auth = "ok"
    return None


def _fields(req):
    raw = req.arg("fields")
    fields = [f.strip() for f in (raw or "").split(",") if f.strip()]
    for f in fields:
        if f not in FIELDS:
            return None, graph_error(
                400, "(#100) Tried accessing nonexisting field (%s) on node type (Image)" % f)
    return fields, None


def sign(app, path):
    ttl = app.config["cdn_url_ttl"]
    if ttl == 0:  # unsigned URLs; a negative TTL signs URLs that have already expired
        return app.base_url + path
    oe = "%X" % (int(time.time()) + ttl)
    oh = "00_" + hmac.new(app.secret, (path + oe).encode(), hashlib.sha256).hexdigest()[:40]
    return "%s%s?stp=dst-jpg&ccb=10-5&oh=%s&oe=%s&_nc_sid=fake" % (app.base_url, path, oh, oe)


def render(req, img, fields):
    out = {}
    for f in fields:
        if f in THUMBS:
            size = THUMBS[f]
            out[f] = sign(req.app, "/mapillary-cdn/%s%s.jpg" % (img["id"], "_%d" % size if size else ""))
        elif f in ("mesh", "sfm_cluster"):
            kind = "mesh" if f == "mesh" else "sfm"
            oid = str(int(hashlib.sha1((kind + img["id"]).encode()).hexdigest()[:13], 16))
            out[f] = {"id": oid, "url": sign(req.app, "/mapillary-cdn/%s/%s.bin" % (kind, img["id"]))}
        elif f != "id" and img.get(f) is not None:
            out[f] = img[f]
    out["id"] = img["id"]
    return out


def _enc(n):
    return base64.urlsafe_b64encode(("offset:%d" % n).encode()).decode().rstrip("=")


def _dec(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.split(":", 1)[1]) if raw.startswith("offset:") else None
    except Exception:
        return None


def _page(req, items, render_one, limit):
    """{"data":[...]} for items[offset:offset+limit], Graph-style paging when limited."""
    if limit is None:
        return json_response({"data": [render_one(i) for i in items]}, 200, CT)
    off = 0
    if req.arg("after"):
        off = _dec(req.arg("after"))
        if off is None:
            return graph_error(400, "(#100) The parameter after is not a valid cursor")
    chunk = items[off:off + limit]
    body = {"data": [render_one(i) for i in chunk]}
    if chunk:
        body["paging"] = {"cursors": {"before": _enc(off), "after": _enc(off + len(chunk))}}
        if off + len(chunk) < len(items):
            params = [(k, v) for k, vs in req.query.items() if k not in ("after", "before")
                      for v in vs]
            params.append(("after", _enc(off + len(chunk))))
            body["paging"]["next"] = "%s/mapillary%s?%s" % (
                req.app.base_url, req.subpath, urllib.parse.urlencode(params))
    return json_response(body, 200, CT)


def _limit(req, default):
    if not req.has_arg("limit"):
        return default, None
    n = int_arg(req.arg("limit"), None)
    if n is None or n < 1:
        return None, graph_error(400, "(#100) The parameter limit must be a positive integer")
    return min(n, 2000), None


def _images(req, ds, fields):
    seqs = [s for s in (req.arg("sequence_ids") or "").split(",") if s]
    ids = [i for i in (req.arg("image_ids") or "").split(",") if i]
    bbox = req.arg("bbox")
    user = req.arg("creator_username")
    if not (seqs or ids or bbox or user):
        return graph_error(400, "(#100) Must specify at least one of: bbox, sequence_ids, "
                                "image_ids, creator_username")
    with ds.lock:
        if seqs:
            items = [ds.mly_images[i] for s in seqs for i in ds.mly_storage.get(s, [])]
        elif ids:
            items = [ds.mly_images[i] for i in ids if i in ds.mly_images]
        else:
            items = [ds.mly_images[i] for i in sorted(ds.mly_images)]
    if bbox:
        try:
            x0, y0, x1, y1 = (float(v) for v in bbox.split(","))
        except ValueError:
            return graph_error(400, "(#100) Invalid bbox")
        items = [i for i in items if i.get("geometry")
                 and x0 <= i["geometry"]["coordinates"][0] <= x1
                 and y0 <= i["geometry"]["coordinates"][1] <= y1]
    if user:
        items = [i for i in items if (i.get("creator") or {}).get("username") == user]
    limit, err = _limit(req, None if (seqs or ids) else 2000)
    if err:
        return err
    heavy = [f for f in fields if f != "id"]
    if limit is None and heavy and len(items) > req.app.config["mapillary_full_fetch_limit"]:
        return graph_error(500, "Please reduce the amount of data you're asking for, then "
                                "retry your request", code=1)
    return _page(req, items, lambda i: render(req, i, fields), limit)


def handle(req):
    err = _check_auth(req)
    if err:
        return err
    if req.method not in ("GET", "HEAD"):
        return graph_error(400, "Unsupported %s request." % req.method.lower(),
                           type_="GraphMethodException")
    ds = req.app.dataset
    fields, err = _fields(req)
    if err:
        return err
    path = req.subpath.rstrip("/")
    if path == "":
        if not req.arg("ids"):
            return graph_error(400, "Unsupported get request.", type_="GraphMethodException")
        ids = [i for i in req.arg("ids").split(",") if i]
        cap = req.app.config["mapillary_max_ids"]
        if len(ids) > cap:
            return graph_error(400, "(#100) Too many IDs. Maximum: %d. Got: %d." % (cap, len(ids)))
        with ds.lock:
            found = [ds.mly_images[i] for i in ids if i in ds.mly_images]
        return json_response({img["id"]: render(req, img, fields) for img in found}, 200, CT)
    if path == "/images":
        return _images(req, ds, fields)
    if path == "/image_ids":
        seq = req.arg("sequence_id")
        if not seq:
            return graph_error(400, "(#100) The parameter sequence_id is required")
        limit, err = _limit(req, None)
        if err:
            return err
        with ds.lock:
            ids = list(ds.mly_captured.get(seq, []))
        return _page(req, ids, lambda i: {"id": i}, limit)
    oid = path[1:]
    img = ds.mly_images.get(oid) if re.fullmatch(r"[0-9]+", oid) else None
    if img is None:
        return graph_error(
            400, "Unsupported get request. Object with ID '%s' does not exist, cannot be loaded "
                 "due to missing permissions, or does not support this operation. Please read "
                 "the Graph API documentation at https://developers.facebook.com/docs/graph-api"
                 % oid, code=100, type_="GraphMethodException", subcode=33)
    return json_response(render(req, img, fields), 200, CT)


def _cdn_check(req):
    if req.app.config["cdn_url_ttl"] == 0:
        return None
    oe, oh = req.arg("oe"), req.arg("oh")
    want = "00_" + hmac.new(req.app.secret, (req.path + (oe or "")).encode(),
                            hashlib.sha256).hexdigest()[:40]
    if not oe or not oh or not hmac.compare_digest(want, oh):
        return Response(403, "Bad URL hash", "text/plain")
    try:
        expired = int(oe, 16) < time.time()
    except ValueError:
        expired = True
    if expired:
        return Response(403, "URL signature expired", "text/plain")
    return None


def cdn(req):
    """GET /mapillary-cdn/<id>[_<size>].jpg and /mapillary-cdn/{mesh,sfm}/<id>.bin."""
    if req.method not in ("GET", "HEAD"):
        return Response(405, "Method Not Allowed", headers=[("Allow", "GET, HEAD")])
    m = re.fullmatch(r"/([0-9]+)(?:_(256|1024|2048))?\.jpg", req.subpath)
    b = re.fullmatch(r"/(mesh|sfm)/([0-9]+)\.bin", req.subpath)
    iid = m.group(1) if m else b.group(2) if b else None
    img = req.app.dataset.mly_images.get(iid) if iid else None
    if img is None:
        return Response(404, "Not Found", "text/plain")
    err = _cdn_check(req)
    if err:
        return err
    hdrs = [("Cache-Control", "max-age=1209600, no-transform"),
            ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")]
    if b:
        data = ("%s-%s\n" % (b.group(1), iid)).encode() * 16
        return range_response(req, data, "application/octet-stream", hdrs)
    w, h = int(img.get("width") or 64), int(img.get("height") or 48)
    size = int(m.group(2) or 0)
    pad = 0
    if size and max(w, h) > size:
        w, h = (size, max(1, h * size // w)) if w >= h else (max(1, w * size // h), size)
    elif not size:
        pad = int(img.get("_file_size") or 0)
    seed = "mapillary:%s:%s" % (iid, size or "original")
    return range_response(req, make_jpeg(seed, w, h, pad), "image/jpeg", hdrs)
