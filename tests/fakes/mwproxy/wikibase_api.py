"""action=wbgetentities and action=wbeditentity, answered like Wikibase on Commons / Wikidata.

On the Commons API the entities are MediaInfo: M<page id> of a File: page that exists on the real
wiki (looked up with the client's session). A file page without structured data is
{"id": "M…", "missing": ""}; a title without a page is {"site", "title", "missing": ""} under a
negative key. Edits need a csrf token that the real wiki accepts for the client's session.
"""

import copy
import json

from . import entities, responses
from .datamodel import WikibaseError
from .upstream import UpstreamError

ID_OR_LINK = 'Either provide the item "id" or pairs of "site" and "title" for a corresponding page'


def split_multi(value):
    if value is None or value == "":
        return []
    if value.startswith("\x1f"):
        return value[1:].split("\x1f")
    return value.split("|")


def _dedupe(seq):
    out = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out


class WikibaseApi:
    def __init__(self, upstream, mediainfo, wikidata, docref_url):
        self.upstream = upstream
        self.stores = {"commons": mediainfo, "wikidata": wikidata}
        self.docref_url = docref_url

    def handle(self, req, api, session):
        fmt = responses.ApiFormat(req.params, self.docref_url)
        try:
            if req.action == "wbgetentities":
                body = self.get_entities(req, api, session)
            else:
                body = self.edit_entity(req, api, session, fmt)
            return responses.api_response(body, fmt)
        except WikibaseError as e:
            return responses.api_error(e.code, fmt, info=e.info, data=e.extra)
        except UpstreamError as e:
            return responses.html_error(502, "Bad Gateway", "mediawiki-proxy: the wiki did not "
                                        "answer a look-up: %s\n" % e, "text/plain; charset=utf-8")

    # --- wbgetentities ----------------------------------------------------------------------

    def get_entities(self, req, api, session):
        p = req.params
        ids = _dedupe(split_multi(p.get("ids")))
        sites, titles = split_multi(p.get("sites")), _dedupe(split_multi(p.get("titles")))
        if not ids and not (sites and titles):
            raise WikibaseError("param-missing", 'Either provide the item "ids" or pairs of '
                                '"sites" and "titles" for corresponding pages')
        if titles and len(sites) != 1 and len(titles) != 1 and len(sites) != len(titles):
            raise WikibaseError("params-illegal", "Must request one site, one title, or an equal "
                                "number of sites and titles")
        props = entities.ALL_PROPS if p.get("props") is None else split_multi(p.get("props"))
        languages = split_multi(p.get("languages")) or None
        links = [(sites[i] if len(sites) > 1 else sites[0],
                  titles[i] if len(titles) > 1 else titles[0])
                 for i in range(max(len(sites), len(titles)))] if titles else []
        out, missing_key = {}, -1
        for eid, found, link in self._resolve(api, ids, links, session):
            if found is None and eid is None:
                out[str(missing_key)] = {"site": link[0], "title": link[1], "missing": ""}
                missing_key -= 1
            elif found is None:
                out[eid] = {"id": eid, "missing": ""}
            else:
                out[eid] = found.serialize(props, languages)
        return {"entities": out, "success": 1}

    def _resolve(self, api, ids, links, session):
        """Yield (entity id or None, existing Entity or None, (site, title) or None)."""
        store = self.stores[api]
        if api == "commons":
            for raw in ids:
                if not entities.MEDIAINFO_RE.match(raw):
                    raise WikibaseError("no-such-entity", 'Could not find an entity with the ID '
                                        '"%s".' % raw, id=raw)
            pages = self.upstream.pages_by_id([int(i[1:]) for i in ids], session) if ids else {}
            for raw in ids:
                eid = raw.upper()
                page = pages.get(int(raw[1:]))
                yield eid, self._mediainfo(eid, page), None
            by_title = self.upstream.pages_by_title([t for _, t in links], session) if links else {}
            for site, title in links:
                page = by_title.get(title)
                if page is None or page["ns"] != 6:
                    yield None, None, (site, title)
                else:
                    eid = "M%d" % page["pageid"]
                    yield eid, self._mediainfo(eid, page), (site, title)
            return
        for raw in ids:
            if not entities.ITEM_RE.match(raw):
                raise WikibaseError("no-such-entity", 'Could not find an entity with the ID '
                                    '"%s".' % raw, id=raw)
            yield raw.upper(), store.existing(raw.upper()), None
        for site, title in links:
            e = store.by_sitelink(site, title)
            yield (e.id if e else None), e, (site, title)

    def _mediainfo(self, eid, page):
        store = self.stores["commons"]
        if page is None or page["ns"] != 6:
            return None
        store.note_page(eid, page)
        return store.existing(eid)

    # --- wbeditentity -----------------------------------------------------------------------

    def edit_entity(self, req, api, session, fmt):
        p = req.params
        if req.method != "POST":
            raise WikibaseError("mustbeposted", 'The "wbeditentity" module requires a POST request.')
        if "token" in req.query_params:
            raise WikibaseError("mustpostparams", "The following parameter was found in the query "
                                "string, but must be in the POST body: token.")
        if "token" not in p:
            raise WikibaseError("missingparam", 'The "token" parameter must be set.')
        if not self.upstream.check_csrf(p["token"], session):
            raise WikibaseError("badtoken", "Invalid CSRF token.")
        user = self.upstream.userinfo(session)
        self._check_assert(p, user)
        has_id, has_new = "id" in p, "new" in p
        if (has_id or has_new) == ("site" in p and "title" in p) or (has_id and has_new):
            raise WikibaseError("param-illegal", ID_OR_LINK)
        if "data" not in p:
            raise WikibaseError("no-data", "No data to operate upon")
        try:
            data = json.loads(p["data"])
        except ValueError:
            data = None
        if data is None:
            raise WikibaseError("invalid-json", "Invalid json: The supplied JSON structure could not "
                                "be parsed or recreated as a valid structure")
        if data == []:
            data = {}
        if not isinstance(data, dict):
            raise WikibaseError("not-recognized-array", "Top level structure must be a JSON object")
        if "remove" in data:
            raise WikibaseError("not-recognized", 'Illegal field "remove" used in call')
        store = self.stores[api]
        eid, etype = self._edit_target(api, p, session)
        with store.lock:
            current = store.get(eid)
            if current is None:
                current = entities.Entity(eid, etype)
                if has_new and etype == "property":
                    current.datatype = data.get("datatype")
            self._check_data_fields(data, current, p)
            work = copy.deepcopy(current)
            if "clear" in p:
                work.clear()
            entities.apply_data(store, work, data)
            nochange = current.exists and work.content() == current.content()
            if not nochange:
                name = user.get("name", "")
                store.commit(work, name, p.get("summary", ""), p)
            else:
                work = current
            entity = work.serialize(entities.ALL_PROPS, info=False)
            entity["lastrevid"] = work.lastrevid
            if nochange:
                entity["nochange"] = responses.bool_true(fmt)
        return {"entity": entity, "success": 1}

    def _check_assert(self, p, user):
        wanted = p.get("assert")
        anon = "anon" in user
        if wanted == "user" and anon:
            raise WikibaseError("assertuserfailed", responses.ERROR_INFO["assertuserfailed"])
        if wanted == "bot" and "bot" not in user.get("rights", []):
            raise WikibaseError("assertbotfailed", responses.ERROR_INFO["assertbotfailed"])
        if wanted == "anon" and not anon:
            raise WikibaseError("assertanonfailed", "You are logged in. The action could not be "
                                "completed.")
        if "assertuser" in p and user.get("name") != p["assertuser"].replace("_", " "):
            raise WikibaseError("assertnameduserfailed", 'You are no longer logged in as "%s", so '
                                "the action could not be completed." % p["assertuser"])

    def _edit_target(self, api, p, session):
        """(entity id, entity type) of the entity to edit, or an error as Wikibase gives it."""
        store = self.stores[api]
        if api == "commons":
            if "new" in p:
                raise WikibaseError("param-illegal", "Entities of type mediainfo cannot be created "
                                    'with "new"')
            if "id" in p:
                raw = p["id"]
                if not entities.MEDIAINFO_RE.match(raw):
                    raise WikibaseError("invalid-entity-id", "Invalid entity ID.")
                page = self.upstream.pages_by_id([int(raw[1:])], session).get(int(raw[1:]))
                if page is None or page["ns"] != 6:
                    raise WikibaseError("no-such-entity", 'Could not find an entity with the ID '
                                        '"%s".' % raw.upper(), id=raw.upper())
            else:
                page = self.upstream.pages_by_title([p["title"]], session).get(p["title"])
                if page is None or page["ns"] != 6:
                    raise WikibaseError("no-such-entity-link", "No entity found matching site link "
                                        "%s:%s" % (p["site"], p["title"]))
            eid = "M%d" % page["pageid"]
            store.note_page(eid, page)
            return eid, "mediainfo"
        if "new" in p:
            if p["new"] not in ("item", "property"):
                raise WikibaseError("badvalue", 'Unrecognized value for parameter "new": %s.'
                                    % p["new"])
            return store.new_id(p["new"]), p["new"]
        if "id" in p:
            raw = p["id"]
            if not entities.ITEM_RE.match(raw):
                raise WikibaseError("invalid-entity-id", "Invalid entity ID.")
            if store.existing(raw.upper()) is None:
                raise WikibaseError("no-such-entity", 'Could not find an entity with the ID "%s".'
                                    % raw.upper(), id=raw.upper())
            return raw.upper(), "item" if raw[0] in "Qq" else "property"
        e = store.by_sitelink(p["site"], p["title"])
        if e is None:
            raise WikibaseError("no-such-entity-link", "No entity found matching site link %s:%s"
                                % (p["site"], p["title"]))
        return e.id, e.type

    @staticmethod
    def _check_data_fields(data, entity, p):
        if "id" in data and str(data["id"]).upper() != entity.id:
            raise WikibaseError("param-invalid", 'Invalid field used in call: "id", must match id '
                                "parameter")
        if "type" in data and data["type"] != entity.type:
            raise WikibaseError("param-invalid", 'Invalid field used in call: "type", must match '
                                "type associated with id")
        if "lastrevid" in data and data["lastrevid"] != entity.lastrevid:
            raise WikibaseError("param-illegal", 'Illegal field used in call: "lastrevid", must '
                                "either be correct or not given")
        base = p.get("baserevid")
        if base and entity.exists and str(entity.lastrevid) != base:
            raise WikibaseError("editconflict", "Edit conflict: baserevid %s is not the current "
                                "revision %s of %s" % (base, entity.lastrevid, entity.id))
