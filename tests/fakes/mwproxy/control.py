"""The control API under /_control/ (JSON in, JSON out; never logged, never faulted).

  GET    /_control/health                  {"ok": true, "upstream": …}
  GET    /_control/faults                  the rules, with fired / count_left / active
  POST   /_control/faults                  add a rule, a list of rules or {"rules": […]}
  DELETE /_control/faults[/ID]             drop all rules, or one
  GET    /_control/requests[?action=&api=&since=SEQ]   the request log
  DELETE /_control/requests                clear the log
  GET    /_control/entities[?all=1]        {"entities": {id: entity}} (all=1: built-in items too)
  GET    /_control/entities/ID             {"entity": …, "history": […]}
  PUT    /_control/entities/ID             seed an entity (wbgetentities JSON; statement ids are
                                           re-targeted to ID, hashes recomputed)
  DELETE /_control/entities/ID             forget an entity
  GET    /_control/oauth                   the OAuth provider fake: issuer, consumers, users, …
  POST   /_control/oauth/users             {"bot_user", "bot_password"[, "username"]}: a wiki
                                           account OAuth grants can belong to (logs in now)
  POST   /_control/oauth/consumers         {"key"?, "secret"?, "name"?, "grants"?, "owner_only"?,
                                           "username" (owner-only)} → the consumer (+ access
                                           token and secret when owner-only)
  DELETE /_control/oauth/consumers/KEY     disable a consumer
  POST   /_control/oauth/authorize         {"oauth_consumer_key", "oauth_token", "username"}: the
                                           user clicks Allow → {"oauth_verifier", "location"}
  GET    /_control/oauth/access            access tokens;  DELETE …/access/KEY revokes one
  POST   /_control/oauth/bearer            {"username", "token"?, "expires_in"?} OAuth 2 token;
                                           DELETE …/bearer/TOKEN revokes one
  POST   /_control/oauth/tamper            {"claims"?, "drop"?, "secret"?, "alg"?, "count"?}:
                                           the next identify JWT(s) altered so
  PUT    /_control/oauth/issuer            {"issuer"}: the iss claim (default: the wiki's server)
  POST   /_control/reset                   all of the above back to the start state
"""

import json
import urllib.parse

from .datamodel import WikibaseError
from .entities import ALL_PROPS, ITEM_RE, MEDIAINFO_RE
from .faults import RuleError, parse_rules
from .oauth_wire import OAuthError
from .responses import plain_json


def _body_bytes(body):
    return b"".join(body.chunks())


def _store_for(state, eid):
    if MEDIAINFO_RE.match(eid):
        return state.mediainfo
    if ITEM_RE.match(eid):
        return state.wikidata
    return None


def _entity_json(e):
    return e.serialize(ALL_PROPS, info=True)


def handle(state, method, path, query, body):
    parts = [p for p in path.split("/") if p][1:]   # after "_control"
    q = dict(urllib.parse.parse_qsl(query))
    try:
        return _route(state, method, parts, q, body)
    except RuleError as e:
        return plain_json({"error": str(e)}, 400)
    except WikibaseError as e:
        return plain_json({"error": e.info, "code": e.code}, 400)
    except OAuthError as e:
        return plain_json({"error": e.text, "code": getattr(e, "key", "oauth")}, 400)
    except (ValueError, TypeError) as e:
        return plain_json({"error": "bad request: %s" % e}, 400)


def _route(state, method, parts, q, body):
    head = parts[0] if parts else ""
    rest = parts[1:]
    if head == "health" and method == "GET":
        return plain_json({"ok": True, "upstream": state.upstream.api_url})
    if head == "reset" and method == "POST":
        state.reset()
        return plain_json({"ok": True})
    if head == "faults":
        if method == "GET" and not rest:
            return plain_json({"faults": state.faults.list()})
        if method == "POST" and not rest:
            return plain_json({"faults": state.faults.add(parse_rules(_body_bytes(body)))})
        if method == "DELETE":
            n = state.faults.delete(rest[0] if rest else None)
            if rest and not n:
                return plain_json({"error": "no fault rule " + rest[0]}, 404)
            return plain_json({"deleted": n})
    if head == "requests" and not rest:
        if method == "GET":
            reqs = state.log.query(q.get("action"), q.get("api"), int(q.get("since", "0") or 0))
            return plain_json({"requests": reqs, "last_seq": state.log.last_seq()})
        if method == "DELETE":
            return plain_json({"deleted": state.log.clear()})
    if head == "entities":
        return _entities(state, method, rest, q, body)
    if head == "oauth":
        return state.oauth.control(method, rest, body)
    return plain_json({"error": "no such control endpoint: %s %s" % (method, "/".join(parts))}, 404)


def _entities(state, method, rest, q, body):
    if not rest:
        if method != "GET":
            return plain_json({"error": "use /_control/entities/ID"}, 405)
        out = {}
        for store in (state.mediainfo, state.wikidata):
            with store.lock:
                for eid, e in store.entities.items():
                    if e.exists and (not e.builtin or q.get("all")):
                        out[eid] = _entity_json(e)
        return plain_json({"entities": out})
    eid = rest[0].upper()
    store = _store_for(state, eid)
    if store is None:
        return plain_json({"error": "not an entity id: " + rest[0]}, 400)
    if method == "GET":
        e = store.existing(eid)
        if e is None:
            return plain_json({"error": "no entity " + eid}, 404)
        return plain_json({"entity": _entity_json(e), "history": e.history})
    if method == "PUT":
        raw = json.loads(_body_bytes(body).decode("utf-8") or "{}")
        with store.lock:
            e = store.seed(eid, raw)
        return plain_json({"entity": _entity_json(e)})
    if method == "DELETE":
        return plain_json({"deleted": int(store.delete(eid))})
    return plain_json({"error": "method not allowed"}, 405)
