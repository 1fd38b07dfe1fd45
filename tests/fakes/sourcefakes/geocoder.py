"""Fake Nominatim-compatible reverse geocoder: /geocoder/reverse?lat=&lon=&format=.

Upstream (upstream-pipeline.md 7.4) sends lat, lon, zoom=18, format=jsonv2 and
reads address.{city|town, county, state, country, country_code, postcode}.

Answers follow Nominatim's /reverse: format json (key "class") or jsonv2 (key
"category" + "place_rank"), xml otherwise (reversegeocode/result/addressparts);
addressdetails=0 drops "address"; zoom < 18 drops the finer address parts.
ASSUMED: a bad lat/lon -> HTTP 400 {"error":{"code":400,"message":...}} (Nominatim
4.x); no result -> HTTP 200 {"error":"Unable to geocode"}.

Addresses are deterministic from the coordinates: the dataset's explicit boxes
first (Berlin, Bad Belzig [town, no city], Paris, London), "unable" boxes (North
Sea, Gulf of Guinea), else a synthetic address from a hash of the 0.1-degree
cell: city, town or village (a village has neither city nor town), with county,
state, country, country_code and postcode.
"""

import hashlib
import math
from xml.sax.saxutils import escape, quoteattr

from .core import Response, json_response, html_response, int_arg

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
SYLL = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "bel", "dor", "fen", "gar", "hol",
        "mar", "ost", "wen"]
COUNTRIES = [("Fakeland", "xf"), ("Republic of Testonia", "xt"), ("Mockovia", "xm"),
             ("Stubbia", "xs")]
ZOOM_KEYS = [(18, {"house_number", "road", "suburb", "neighbourhood"}),
             (13, {"city", "town", "village"}), (10, {"county", "state_district", "postcode"}),
             (5, {"state", "ISO3166-2-lvl4"})]


def fault_body(status):
    if status == 429:
        return html_response(429, "Too Many Requests")
    return html_response(status, "Error")


def _name(h, n):
    return "".join(SYLL[b % len(SYLL)] for b in h[:n]).capitalize()


def synthetic(lat, lon):
    cell = "%d:%d" % (math.floor(lat * 10), math.floor(lon * 10))
    h = hashlib.sha1(cell.encode()).digest()
    region = hashlib.sha1(("%d:%d" % (math.floor(lat), math.floor(lon))).encode()).digest()
    country = COUNTRIES[hashlib.sha1(("%d:%d" % (math.floor(lat / 10), math.floor(lon / 10)))
                                     .encode()).digest()[0] % len(COUNTRIES)]
    kind = ["city", "town", "village"][h[0] % 3]
    addr = {"road": _name(h[1:], 2) + " Street", kind: _name(h[3:], 3),
            "county": _name(region[1:], 2) + " County", "state": _name(region[4:], 3),
            "postcode": "%05d" % (int.from_bytes(h[6:9], "big") % 100000),
            "country": country[0], "country_code": country[1]}
    return addr["road"], addr, int.from_bytes(h[9:13], "big")


def lookup(ds, lat, lon):
    """(name, address, osm_id) or None when there is nothing there."""
    with ds.lock:
        for place in ds.places:
            a, b, c, d = place["box"]
            if a <= lat <= c and b <= lon <= d:
                oid = int(hashlib.sha1(place["name"].encode()).hexdigest()[:8], 16)
                return place["name"], dict(place["address"]), oid
        for a, b, c, d in ds.unable:
            if a <= lat <= c and b <= lon <= d:
                return None
    return synthetic(lat, lon)


def _bad(fmt, message):
    if fmt in ("json", "jsonv2", "geojson", "geocodejson"):
        return json_response({"error": {"code": 400, "message": message}}, 400)
    return Response(400, '<?xml version="1.0" encoding="UTF-8" ?>\n<error><code>400</code>'
                         "<message>%s</message></error>\n" % escape(message),
                    "text/xml; charset=utf-8")


def handle(req):
    if req.subpath.rstrip("/") not in ("/reverse", "/reverse.php"):
        return html_response(404, "Not Found")
    fmt = req.arg("format") or "xml"
    if fmt not in ("xml", "json", "jsonv2"):
        return _bad("json", "Parameter 'format' must be one of: xml, json, jsonv2.")
    coords = []
    for name, limit in (("lat", 90), ("lon", 180)):
        try:
            value = float(req.arg(name))
        except (TypeError, ValueError):
            return _bad(fmt, "Parameter '%s' must be a number." % name)
        if not -limit <= value <= limit or math.isnan(value):
            return _bad(fmt, "Invalid coordinates.")
        coords.append(value)
    lat, lon = coords
    found = lookup(req.app.dataset, lat, lon)
    if found is None:
        if fmt == "xml":
            return Response(200, '<?xml version="1.0" encoding="UTF-8" ?>\n<reversegeocode>'
                                 "<error>Unable to geocode</error></reversegeocode>\n",
                            "text/xml; charset=utf-8")
        return json_response({"error": "Unable to geocode"})
    name, addr, osm_id = found
    zoom = int_arg(req.arg("zoom"), 18, 0, 18)
    for level, keys in ZOOM_KEYS:
        if zoom < level:
            for k in keys:
                addr.pop(k, None)
    display = ", ".join(v for k, v in addr.items() if k not in ("country_code", "ISO3166-2-lvl4"))
    result = {"place_id": osm_id % 1000000 + 100000, "licence": LICENCE, "osm_type": "way",
              "osm_id": osm_id, "lat": "%.7f" % lat, "lon": "%.7f" % lon}
    result.update({"category": "highway", "type": "residential", "place_rank": 26}
                  if fmt == "jsonv2" else {"class": "highway", "type": "residential",
                                           "place_rank": 26})
    result.update({"importance": 0.0533, "addresstype": "road", "name": name,
                   "display_name": display})
    if req.arg("addressdetails", "1") != "0":
        result["address"] = addr
    result["boundingbox"] = ["%.7f" % (lat - 0.0005), "%.7f" % (lat + 0.0005),
                             "%.7f" % (lon - 0.0005), "%.7f" % (lon + 0.0005)]
    if fmt != "xml":
        return json_response(result)
    parts = "".join("<%s>%s</%s>" % (k, escape(v), k) for k, v in addr.items()
                    if k.replace("_", "").isalnum())
    xml = ('<?xml version="1.0" encoding="UTF-8" ?>\n<reversegeocode timestamp="" '
           "attribution=%s querystring=%s><result place_id=\"%d\" osm_type=\"way\" osm_id=\"%d\" "
           "lat=\"%.7f\" lon=\"%.7f\">%s</result><addressparts>%s</addressparts>"
           "</reversegeocode>\n") % (quoteattr(LICENCE), quoteattr(req.query_string),
                                    result["place_id"], osm_id, lat, lon, escape(display), parts)
    return Response(200, xml, "text/xml; charset=utf-8")
