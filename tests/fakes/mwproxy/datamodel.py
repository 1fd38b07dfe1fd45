"""Wikibase data model: normalise snaks and statements as Wikibase does, hash them, serialise them.

Hashes are Wikibase's own: sha1 of the PHP serialization of the snak object (Wikibase DataModel
SnakObject::getHash), and for references sha1 of the sorted snak hashes joined by "|"
(MapValueHasher). They reproduce the hashes in production_sdc.json. Values are normalised the way
Wikibase stores them: time "+00000002017-..." becomes "+2017-...", entity ids get "id" and
"numeric-id", coordinates become floats with altitude null.
"""

import copy
import hashlib
import json
import re
import unicodedata
import uuid

from .items import PROPERTY_DATATYPES

VALUE_TYPE_OF_DATATYPE = {
    "wikibase-item": "wikibase-entityid", "wikibase-property": "wikibase-entityid",
    "wikibase-lexeme": "wikibase-entityid", "wikibase-form": "wikibase-entityid",
    "wikibase-sense": "wikibase-entityid", "string": "string", "external-id": "string",
    "url": "string", "commonsMedia": "string", "math": "string", "musical-notation": "string",
    "geo-shape": "string", "tabular-data": "string", "time": "time",
    "globe-coordinate": "globecoordinate", "quantity": "quantity",
    "monolingualtext": "monolingualtext",
}
ENTITY_TYPES = {"Q": "item", "P": "property", "L": "lexeme", "M": "mediainfo"}
ID_CLASSES = {"item": "Wikibase\\DataModel\\Entity\\ItemId",
              "property": "Wikibase\\DataModel\\Entity\\NumericPropertyId",
              "mediainfo": "Wikibase\\MediaInfo\\DataModel\\MediaInfoId",
              "lexeme": "Wikibase\\Lexeme\\Domain\\Model\\LexemeId"}
SNAK_CLASSES = {"value": "Wikibase\\DataModel\\Snak\\PropertyValueSnak",
                "somevalue": "Wikibase\\DataModel\\Snak\\PropertySomeValueSnak",
                "novalue": "Wikibase\\DataModel\\Snak\\PropertyNoValueSnak"}
DECIMAL_RE = re.compile(r"^[-+]([1-9]\d*|\d)(\.\d+)?\Z")
TIME_RE = re.compile(r"^([-+])(\d{1,16})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$")
PROPERTY_RE = re.compile(r"^[Pp][1-9]\d{0,9}$")
RANKS = ("deprecated", "normal", "preferred")


class WikibaseError(Exception):
    """An API error raised by the Wikibase fake: code, info and extra fields."""

    def __init__(self, code, info, **extra):
        super().__init__(info)
        self.code, self.info, self.extra = code, info, extra


def invalid(info):
    return WikibaseError("invalid-claim", info)


def bad_value(info, name, params):
    return WikibaseError("modification-failed", info,
                         messages=[{"name": name, "parameters": params, "html": {"*": info}}])


# --- PHP serialization, as far as the hashes need it ------------------------------------------

def php_float(x):
    """PHP's json_encode of a float (serialize_precision -1): shortest repr, 1.0e-6 style."""
    r = repr(float(x))
    if "e" in r:
        mant, exp = r.split("e")
        if "." not in mant:
            mant += ".0"
        e = int(exp)
        return "%se%s%d" % (mant, "-" if e < 0 else "+", abs(e))
    return r


def php_json(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return php_float(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=True).replace("/", "\\/")
    return "[" + ",".join(php_json(x) for x in v) + "]"


def php_s(s):
    return 's:%d:"%s";' % (len(s.encode("utf-8")), s)


def php_c(cls, inner):
    return 'C:%d:"%s":%d:{%s}' % (len(cls), cls, len(inner.encode("utf-8")), inner)


def _php_datavalue(dv):
    t, v = dv["type"], dv["value"]
    if t == "string":
        return php_c("DataValues\\StringValue", v)
    if t == "wikibase-entityid":
        cls = ID_CLASSES.get(v["entity-type"], "Wikibase\\DataModel\\Entity\\EntityId")
        return php_c("Wikibase\\DataModel\\Entity\\EntityIdValue", php_c(cls, v["id"]))
    if t == "quantity":
        dec = lambda s: php_c("DataValues\\DecimalValue", php_s(s))  # noqa: E731
        if "upperBound" in v:
            inner = "a:4:{i:0;%si:1;%si:2;%si:3;%s}" % (dec(v["amount"]), php_s(v["unit"]),
                                                         dec(v["upperBound"]), dec(v["lowerBound"]))
            return php_c("DataValues\\QuantityValue", inner)
        inner = "a:2:{i:0;%si:1;%s}" % (dec(v["amount"]), php_s(v["unit"]))
        return php_c("DataValues\\UnboundedQuantityValue", inner)
    if t == "time":
        return php_c("DataValues\\TimeValue", php_json(
            [v["time"], v["timezone"], v["before"], v["after"], v["precision"], v["calendarmodel"]]))
    if t == "globecoordinate":
        return php_c("DataValues\\Geo\\Values\\GlobeCoordinateValue", php_json(
            [v["latitude"], v["longitude"], None, v["precision"], v["globe"]]))
    if t == "monolingualtext":
        return php_c("DataValues\\MonolingualTextValue",
                     "a:2:{i:0;%si:1;%s}" % (php_s(v["language"]), php_s(v["text"])))
    return php_c("DataValues\\UnknownValue", json.dumps(dv, sort_keys=True))


def snak_hash(snak):
    cls = SNAK_CLASSES[snak["snaktype"]]
    if snak["snaktype"] != "value":
        return hashlib.sha1(php_c(cls, snak["property"]).encode("utf-8")).hexdigest()
    inner = "a:2:{i:0;%si:1;%s}" % (php_s(snak["property"]), _php_datavalue(snak["datavalue"]))
    return hashlib.sha1(php_c(cls, inner).encode("utf-8")).hexdigest()


def reference_hash(snaks):
    hashes = sorted({snak_hash(s) for s in snaks})
    return hashlib.sha1("|".join(hashes).encode("utf-8")).hexdigest()


# --- normalisation ---------------------------------------------------------------------------

def _num(x, what):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        try:
            return float(x)
        except (TypeError, ValueError):
            raise invalid("%s must be a number" % what)
    return float(x)


def _entity_value(v):
    if not isinstance(v, dict):
        raise invalid("wikibase-entityid value must be an object")
    eid = v.get("id")
    etype, num = v.get("entity-type"), v.get("numeric-id")
    if eid is None:
        prefix = {"item": "Q", "property": "P", "lexeme": "L"}.get(etype)
        if prefix is None or num is None:
            raise invalid("Either \"id\" or \"entity-type\" and \"numeric-id\" fields required")
        eid = prefix + str(int(num))
    eid = str(eid).upper()
    if not re.match(r"^[QPLM][1-9]\d*$", eid):
        raise invalid("Invalid entity id: " + eid)
    etype_of_id = ENTITY_TYPES[eid[0]]
    if etype is not None and etype != etype_of_id or num is not None and int(num) != int(eid[1:]):
        raise invalid("Entity id %s does not match entity-type/numeric-id" % eid)
    return {"entity-type": etype_of_id, "numeric-id": int(eid[1:]), "id": eid}


def _decimal(s, what):
    s = str(s).strip()
    if s and s[0] not in "+-":
        s = "+" + s
    if not DECIMAL_RE.match(s):
        raise invalid("\"%s\" is not a well formed decimal value (%s)" % (s, what))
    if re.match(r"^-0+(\.0+)?$", s):
        s = "+" + s[1:]
    return s


def normalize_datavalue(dv):
    if not isinstance(dv, dict) or "type" not in dv or "value" not in dv:
        raise invalid("datavalue needs \"type\" and \"value\"")
    t, v = dv["type"], dv["value"]
    if t == "string":
        if not isinstance(v, str):
            raise invalid("string value must be a string")
        out = v
    elif t == "wikibase-entityid":
        out = _entity_value(v)
    elif t == "quantity":
        if not isinstance(v, dict) or "amount" not in v:
            raise invalid("quantity needs an amount")
        out = {"amount": _decimal(v["amount"], "amount"), "unit": str(v.get("unit", "1"))}
        if ("upperBound" in v) != ("lowerBound" in v):
            raise invalid("quantity needs both bounds or none")
        if "upperBound" in v:
            out["upperBound"] = _decimal(v["upperBound"], "upperBound")
            out["lowerBound"] = _decimal(v["lowerBound"], "lowerBound")
            if not float(out["lowerBound"]) <= float(out["amount"]) <= float(out["upperBound"]):
                raise invalid("quantity bounds must enclose the amount")
    elif t == "time":
        out = _time_value(v)
    elif t == "globecoordinate":
        if not isinstance(v, dict) or "latitude" not in v or "longitude" not in v:
            raise invalid("globecoordinate needs latitude and longitude")
        if v.get("precision") is None:
            raise bad_value("Required field precision not set", "wikibase-validator-missing-field",
                            ["precision"])
        out = {"latitude": _num(v["latitude"], "latitude"),
               "longitude": _num(v["longitude"], "longitude"), "altitude": None,
               "precision": _num(v["precision"], "precision"),
               "globe": v.get("globe") or "http://www.wikidata.org/entity/Q2"}
    elif t == "monolingualtext":
        if not isinstance(v, dict) or not v.get("language") or not isinstance(v.get("text"), str):
            raise invalid("monolingualtext needs text and language")
        out = {"text": v["text"], "language": v["language"]}
    else:
        raise invalid("Unknown data value type " + str(t))
    return {"value": out, "type": t}


def _time_value(v):
    if not isinstance(v, dict) or not isinstance(v.get("time"), str):
        raise invalid("time needs a time string")
    m = TIME_RE.match(v["time"])
    if not m:
        raise invalid("$timestamp must resemble ISO 8601, given " + v["time"])
    sign, year, month, day, hour, minute, second = m.groups()
    if int(month) > 12 or int(day) > 31 or int(hour) > 23 or int(minute) > 59 or int(second) > 61:
        raise invalid("time field out of allowed bounds: " + v["time"])
    year = (year.lstrip("0") or "").rjust(4, "0")
    out = {"time": "%s%s-%s-%sT%s:%s:%sZ" % (sign, year, month, day, hour, minute, second)}
    for key, default in (("timezone", 0), ("before", 0), ("after", 0), ("precision", None)):
        val = v.get(key, default)
        if not isinstance(val, int) or isinstance(val, bool):
            raise invalid("time %s must be an integer" % key)
        out[key] = val
    if not 0 <= out["precision"] <= 14:
        raise invalid("$precision out of allowed bounds")
    out["calendarmodel"] = v.get("calendarmodel") or "http://www.wikidata.org/entity/Q1985727"
    return out


def normalize_snak(snak, datatypes=None):
    """A snak as Wikibase stores it: snaktype, property, [datavalue]; checks the value type."""
    if not isinstance(snak, dict):
        raise invalid("snak must be an object")
    st, prop = snak.get("snaktype"), snak.get("property")
    if st not in SNAK_CLASSES:
        raise invalid("Invalid snak type: %r" % (st,))
    if not isinstance(prop, str) or not PROPERTY_RE.match(prop):
        raise invalid("Invalid property id: %r" % (prop,))
    out = {"snaktype": st, "property": prop.upper()}
    if st == "value":
        if "datavalue" not in snak:
            raise invalid("value snak needs a datavalue")
        out["datavalue"] = normalize_datavalue(snak["datavalue"])
        datatype = (datatypes or PROPERTY_DATATYPES).get(out["property"])
        expected = VALUE_TYPE_OF_DATATYPE.get(datatype)
        got = out["datavalue"]["type"]
        if expected and got != expected:
            raise bad_value("Bad value type %s, expected %s" % (got, expected),
                            "wikibase-validator-bad-value-type", [got, expected])
        if datatype == "wikibase-item" and out["datavalue"]["value"]["entity-type"] != "item":
            raise bad_value("Bad entity type %s, expected item"
                            % out["datavalue"]["value"]["entity-type"],
                            "wikibase-validator-bad-entity-type", ["item"])
    return out


def _snak_groups(raw, what):
    """A map {P: [snak]} or a list of snaks → flat list of normalised snaks."""
    if raw in (None, [], {}):
        return []
    if isinstance(raw, dict):
        items = [s for group in raw.values() for s in (group if isinstance(group, list) else [])]
    elif isinstance(raw, list):
        items = raw
    else:
        raise invalid("%s must be an object or a list" % what)
    return [normalize_snak(s) for s in items]


def _order(snaks, given):
    props = []
    for p in list(given or []) + [s["property"] for s in snaks]:
        p = str(p).upper()
        if p not in props and any(s["property"] == p for s in snaks):
            props.append(p)
    return props


def new_guid(entity_id):
    return "%s$%s" % (entity_id, str(uuid.uuid4()).upper())


def normalize_statement(stmt, entity_id):
    """A statement as Wikibase stores it; generates its GUID when it has none."""
    if not isinstance(stmt, dict) or "mainsnak" not in stmt:
        raise invalid("statement needs a mainsnak")
    if stmt.get("type", "statement") not in ("statement", "claim"):
        raise invalid("Invalid statement type " + str(stmt.get("type")))
    rank = stmt.get("rank", "normal")
    if rank not in RANKS:
        raise invalid("Invalid rank " + str(rank))
    guid = stmt.get("id") or new_guid(entity_id)
    if not isinstance(guid, str) or "$" not in guid:
        raise invalid("Invalid statement GUID " + str(guid))
    if guid.split("$", 1)[0].upper() != entity_id.upper():
        raise WikibaseError("modification-failed",
                            "Statement GUID %s does not belong to entity %s" % (guid, entity_id))
    quals = _snak_groups(stmt.get("qualifiers"), "qualifiers")
    refs = []
    for ref in stmt.get("references") or []:
        if not isinstance(ref, dict):
            raise invalid("reference must be an object")
        snaks = _snak_groups(ref.get("snaks"), "reference snaks")
        if snaks:
            refs.append({"snaks": snaks, "snaks-order": _order(snaks, ref.get("snaks-order"))})
    return {"mainsnak": normalize_snak(stmt["mainsnak"]), "qualifiers": quals,
            "qualifiers-order": _order(quals, stmt.get("qualifiers-order")), "id": guid,
            "rank": rank, "references": refs}


def normalize_term(value):
    return unicodedata.normalize("NFC", value.strip())


# --- serialisation -----------------------------------------------------------------------------

def serialize_snak(snak, with_datatype):
    out = {"snaktype": snak["snaktype"], "property": snak["property"], "hash": snak_hash(snak)}
    if "datavalue" in snak:
        out["datavalue"] = copy.deepcopy(snak["datavalue"])
    if with_datatype:
        dt = PROPERTY_DATATYPES.get(snak["property"])
        if dt:
            out["datatype"] = dt
    return out


def _grouped(snaks, order, with_datatype):
    out = {}
    for p in order:
        out[p] = [serialize_snak(s, with_datatype) for s in snaks if s["property"] == p]
    return out


def serialize_statement(stmt, with_datatype=False):
    out = {"mainsnak": serialize_snak(stmt["mainsnak"], with_datatype), "type": "statement"}
    if stmt["qualifiers"]:
        out["qualifiers"] = _grouped(stmt["qualifiers"], stmt["qualifiers-order"], with_datatype)
        out["qualifiers-order"] = list(stmt["qualifiers-order"])
    out["id"] = stmt["id"]
    out["rank"] = stmt["rank"]
    if stmt["references"]:
        out["references"] = [{"hash": reference_hash(r["snaks"]),
                              "snaks": _grouped(r["snaks"], r["snaks-order"], with_datatype),
                              "snaks-order": list(r["snaks-order"])} for r in stmt["references"]]
    return out


def serialize_statements(statements, with_datatype=False):
    grouped = {}
    for stmt in statements:
        grouped.setdefault(stmt["mainsnak"]["property"], []).append(
            serialize_statement(stmt, with_datatype))
    return grouped
