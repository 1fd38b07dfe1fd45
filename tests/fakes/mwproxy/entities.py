"""In-memory Wikibase entities: MediaInfo (M<page id> of a File: page on the real wiki) and
Wikidata items/properties, with the editing rules of wbeditentity (labels, descriptions, aliases,
claims, sitelinks, clear) and serialisation in wbgetentities' shape."""

import copy
import itertools
import re
import threading
import time

from . import datamodel
from .datamodel import WikibaseError
from .items import builtin_entities

MEDIAINFO_RE = re.compile(r"^[Mm][1-9]\d{0,9}$")
ITEM_RE = re.compile(r"^[QqPpLl][1-9]\d{0,9}$")
ALL_PROPS = ("info", "sitelinks", "aliases", "labels", "descriptions", "claims", "datatype")
FIRST_REVISION = 1000000      # lastrevid values come from the proxy, not the wiki
FIRST_NEW_ITEM = 200000000    # wbeditentity new=item on the Wikidata fake


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Entity:
    def __init__(self, eid, etype):
        self.id, self.type = eid, etype
        self.labels, self.descriptions, self.aliases = {}, {}, {}
        self.statements, self.sitelinks = [], {}
        self.datatype = None
        self.exists = False
        self.builtin = False
        self.lastrevid = None
        self.modified = None
        self.pageid = int(eid[1:]) if etype == "mediainfo" else None
        self.ns = {"mediainfo": 6, "property": 120}.get(etype, 0)
        self.title = {"item": eid, "property": "Property:" + eid}.get(etype)
        self.history = []

    def content(self):
        return (self.labels, self.descriptions, self.aliases, self.statements, self.sitelinks)

    def clear(self):
        self.labels, self.descriptions, self.aliases = {}, {}, {}
        self.statements, self.sitelinks = [], {}

    def find_statement(self, guid):
        for i, st in enumerate(self.statements):
            if st["id"] == guid:
                return i
        return None

    def serialize(self, props=ALL_PROPS, languages=None, info=True):
        want = set(props)
        out = {}
        if info and "info" in want and self.exists:
            out.update(pageid=self.pageid, ns=self.ns, title=self.title,
                       lastrevid=self.lastrevid, modified=self.modified)
        out["type"] = self.type
        if self.type == "property":
            out["datatype"] = self.datatype
        out["id"] = self.id
        keep = (lambda lang: lang in languages) if languages else (lambda lang: True)
        if "labels" in want:
            out["labels"] = {k: {"language": k, "value": v} for k, v in self.labels.items() if keep(k)}
        if "descriptions" in want:
            out["descriptions"] = {k: {"language": k, "value": v}
                                   for k, v in self.descriptions.items() if keep(k)}
        if "aliases" in want and self.type != "mediainfo":
            out["aliases"] = {k: [{"language": k, "value": a} for a in v]
                              for k, v in self.aliases.items() if keep(k)}
        if "claims" in want:
            grouped = datamodel.serialize_statements(self.statements, self.type != "mediainfo")
            if self.type == "mediainfo":
                out["statements"] = grouped or []   # Commons prints an empty list (T320617)
            else:
                out["claims"] = grouped
        if "sitelinks" in want and self.type == "item":
            out["sitelinks"] = {s: copy.deepcopy(self.sitelinks[s]) for s in sorted(self.sitelinks)}
        return out


class EntityStore:
    """All entities of one repository ("mediainfo" for Commons, "wikidata")."""

    def __init__(self, repo):
        self.repo = repo
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.entities = {}
            self.revisions = itertools.count(FIRST_REVISION)
            self.new_ids = itertools.count(FIRST_NEW_ITEM)
            self.pageids = itertools.count(1)
            if self.repo == "wikidata":
                for eid, raw in builtin_entities():
                    e = self.seed(eid, raw, user="(built-in)")
                    e.builtin = True

    def get(self, eid):
        with self.lock:
            return self.entities.get(eid)

    def existing(self, eid):
        e = self.get(eid)
        return e if e is not None and e.exists else None

    def delete(self, eid):
        with self.lock:
            return self.entities.pop(eid, None) is not None

    def note_page(self, eid, page):
        """Remember the File: page behind a MediaInfo id (for the info props)."""
        with self.lock:
            e = self.entities.get(eid)
            if e is not None:
                e.pageid, e.ns, e.title = page["pageid"], page["ns"], page["title"]

    def by_sitelink(self, site, title):
        title = title.replace("_", " ")
        with self.lock:
            for e in self.entities.values():
                link = e.sitelinks.get(site)
                if e.exists and link and link["title"] == title:
                    return e
        return None

    def new_id(self, etype):
        return ("P" if etype == "property" else "Q") + str(next(self.new_ids))

    def commit(self, work, user, summary, params):
        """Store `work` as a new revision of its entity."""
        with self.lock:
            work.exists = True
            if work.pageid is None:
                work.pageid = next(self.pageids)
            work.lastrevid = next(self.revisions)
            work.modified = now_iso()
            work.history = list(work.history) + [{
                "revid": work.lastrevid, "timestamp": work.modified, "user": user,
                "summary": summary, "tags": params.get("tags"), "bot": "bot" in params,
                "clear": "clear" in params, "baserevid": params.get("baserevid")}]
            self.entities[work.id] = work
            return work

    def seed(self, eid, raw, user="(seed)"):
        """Store an entity given in wbgetentities' JSON (statement ids re-targeted to eid)."""
        if isinstance(raw, dict) and isinstance(raw.get("entities"), dict):
            ents = raw["entities"]
            raw = ents.get(eid) or next(iter(ents.values()), {})
        if not isinstance(raw, dict):
            raise WikibaseError("invalid-json", "entity must be a JSON object")
        etype = datamodel.ENTITY_TYPES.get(eid[:1].upper())
        e = Entity(eid, etype)
        old = self.get(eid)
        if old is not None:
            e.pageid, e.ns, e.title, e.history = old.pageid, old.ns, old.title, old.history
        e.datatype = raw.get("datatype")
        apply_terms(e.labels, raw.get("labels") or {}, "labels")
        apply_terms(e.descriptions, raw.get("descriptions") or {}, "descriptions")
        if etype != "mediainfo":
            apply_aliases(e.aliases, raw.get("aliases") or {})
            apply_sitelinks(self, e, raw.get("sitelinks") or {})
        stmts = raw.get("statements", raw.get("claims")) or []
        for st in _flatten(stmts, "claims"):
            st = dict(st)
            if isinstance(st.get("id"), str) and "$" in st["id"]:
                st["id"] = eid + "$" + st["id"].split("$", 1)[1]
            e.statements.append(datamodel.normalize_statement(st, eid))
        return self.commit(e, user, "seeded by the control API", {})


def _flatten(raw, what):
    if isinstance(raw, dict):
        out = []
        for group in raw.values():
            out.extend(group if isinstance(group, list) else [group])
        return out
    if isinstance(raw, list):
        return raw
    raise WikibaseError("not-recognized-array", "List of %s must be an array" % what)


def _entries(raw, what):
    if isinstance(raw, dict):
        return list(raw.items())
    if isinstance(raw, list):
        return [(None, v) for v in raw]
    raise WikibaseError("not-recognized-array", "List of %s must be an array" % what)


def apply_terms(terms, raw, what):
    for key, val in _entries(raw, what):
        if not isinstance(val, dict):
            raise WikibaseError("not-recognized-array", "%s entries must be objects" % what)
        lang = val.get("language")
        if not lang:
            raise WikibaseError("missing-language", "language was not found in the %s json" % what)
        if key is not None and key != lang:
            raise WikibaseError("inconsistent-language",
                                "inconsistent language: %s is not equal to %s" % (key, lang))
        if "remove" in val or val.get("value", "") == "":
            terms.pop(lang, None)
        elif not isinstance(val.get("value"), str):
            raise WikibaseError("not-recognized-string", "%s value must be a string" % what)
        else:
            terms[lang] = datamodel.normalize_term(val["value"])


def apply_aliases(aliases, raw):
    replaced = set()
    for key, val in _entries(raw, "aliases"):
        for a in (val if isinstance(val, list) else [val]):
            if not isinstance(a, dict) or not a.get("language"):
                raise WikibaseError("missing-language", "language was not found in the aliases json")
            lang, value = a["language"], datamodel.normalize_term(str(a.get("value", "")))
            current = aliases.setdefault(lang, [])
            if "remove" in a:
                if value in current:
                    current.remove(value)
            elif "add" in a:
                if value and value not in current:
                    current.append(value)
            else:
                if lang not in replaced:
                    current.clear()
                    replaced.add(lang)
                if value and value not in current:
                    current.append(value)
            if not current:
                aliases.pop(lang, None)


def apply_sitelinks(store, e, raw):
    for key, val in _entries(raw, "sitelinks"):
        if not isinstance(val, dict) or not (val.get("site") or key):
            raise WikibaseError("not-recognized-array", "sitelinks entries must be objects")
        site = val.get("site") or key
        title = str(val.get("title", "")).replace("_", " ").strip()
        if "remove" in val or not title:
            e.sitelinks.pop(site, None)
            continue
        other = store.by_sitelink(site, title)
        if other is not None and other.id != e.id:
            raise WikibaseError("failed-save", "Item %s already has a sitelink to %s:%s."
                                % (other.id, site, title),
                                messages=[{"name": "wikibase-validator-sitelink-conflict",
                                           "parameters": [site + ":" + title, other.id]}])
        e.sitelinks[site] = {"site": site, "title": title, "badges": list(val.get("badges", []))}


def apply_claims(e, raw):
    for c in _flatten(raw, "claims"):
        if not isinstance(c, dict):
            raise WikibaseError("invalid-claim", "claims entries must be objects")
        if "remove" in c:
            guid = c.get("id")
            if not guid:
                raise WikibaseError("invalid-claim", "Cannot remove a claim with no GUID")
            i = e.find_statement(guid)
            if i is None:
                raise WikibaseError("modification-failed",
                                    "Entity does not have a statement with GUID " + guid)
            del e.statements[i]
            continue
        st = datamodel.normalize_statement(c, e.id)
        i = e.find_statement(st["id"])
        if i is None:
            e.statements.append(st)
        elif e.statements[i]["mainsnak"]["property"] != st["mainsnak"]["property"]:
            raise WikibaseError("modification-failed",
                                "The property of statement %s cannot be changed" % st["id"])
        else:
            e.statements[i] = st


def apply_data(store, e, data):
    """Apply a wbeditentity `data` object to entity `e` (a working copy)."""
    if "labels" in data:
        apply_terms(e.labels, data["labels"], "labels")
    if "descriptions" in data:
        apply_terms(e.descriptions, data["descriptions"], "descriptions")
    if "aliases" in data and e.type != "mediainfo":
        apply_aliases(e.aliases, data["aliases"])
    if "sitelinks" in data and e.type == "item":
        apply_sitelinks(store, e, data["sitelinks"])
    for key in ("claims", "statements"):
        if key in data:
            apply_claims(e, data[key])
