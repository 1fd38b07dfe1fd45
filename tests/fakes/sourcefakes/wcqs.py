"""Fake Wikimedia Commons Query Service: /wcqs/sparql (+ /wcqs/oauth/* login dance).

Upstream (upstream-pipeline.md 7.5): POST form `query=`, Accept
application/sparql-results+json, cookies wcqsOauth (long-lived) and wcqsSession
(JWT, ~2 h), redirects followed ("a 307 refreshes the session cookie"); the
answer's Content-Type must be exactly application/sparql-results+json;charset=utf-8.
Query: SELECT ?file ?id WHERE { VALUES ?id { "<id1>" ... } ?file wdt:P1947 ?id. }

Auth (only when config `wcqs_oauth` lists tokens; otherwise open):
  * session flow (config `wcqs_session_flow`, default on; ASSUMED paths):
    /wcqs/sparql without a valid wcqsSession -> 307 to
    /wcqs/oauth/check_login?returnTo=<path>; that sets wcqsSession (HS256 JWT,
    Path=/, Max-Age=`wcqs_session_ttl`, HttpOnly; no Secure/Domain because the
    fake is plain http on 127.0.0.1) and 307s back when the wcqsOauth cookie is
    valid, else 302s to /wcqs/oauth/login, an HTML page (as the real service
    sends browsers to the Commons OAuth dialog).
  * simple mode: a valid wcqsOauth cookie is required, else 403 HTML.

The "SPARQL engine" is regex based: it reads the SELECT variables, every
VALUES ?v { "..." ... } block and every `?s wdt:Pn ?o` / `?s wdt:Pn "lit"`
triple (also <http://www.wikidata.org/prop/direct/Pn>); each triple yields one
binding per dataset file whose property Pn equals an allowed value (UNION-like).
Unbalanced braces or no SELECT -> 400 "MALFORMED QUERY: ..." (text/plain).
"""

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from xml.sax.saxutils import escape

from .core import Response, html_response

JSON_CT = "application/sparql-results+json;charset=utf-8"
XML_CT = "application/sparql-results+xml;charset=utf-8"
ENTITY = "https://commons.wikimedia.org/entity/"
_STR = r'"((?:[^"\\\n]|\\.)*)"'


def fault_body(status):
    if status == 429:
        return Response(429, "Too Many Requests - Please retry in 60 seconds.", "text/plain")
    if status >= 500:
        return Response(status, "java.util.concurrent.ExecutionException: scripted failure",
                        "text/plain;charset=utf-8")
    return html_response(status, "Error")


def _b64(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make_session(app):
    now = int(time.time())
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps({"sub": "fake-wcqs-user", "iat": now,
                            "exp": now + app.config["wcqs_session_ttl"]}).encode())
    sig = _b64(hmac.new(app.secret, (head + "." + body).encode(), hashlib.sha256).digest())
    return head + "." + body + "." + sig


def session_ok(app, token):
    try:
        head, body, sig = token.split(".")
        want = _b64(hmac.new(app.secret, (head + "." + body).encode(), hashlib.sha256).digest())
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        return hmac.compare_digest(want, sig) and claims["exp"] > time.time()
    except Exception:
        return False


def _oauth_ok(req):
    return req.cookies.get("wcqsOauth") in req.app.config["wcqs_oauth"]


def parse(query):
    """(select_vars or None for *, [(subject, prop, object_var, [values] or None)])."""
    q = re.sub(r"(?m)#[^\n\"]*$", "", query)
    sel = re.search(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?((?:\?\w+\s*)+|\*)", q, re.I)
    if not sel or q.count("{") != q.count("}") or "{" not in q:
        raise ValueError("Encountered \"<EOF>\" at line 1. Was expecting one of: SELECT, "
                         "WHERE, \"{\"")
    names = re.findall(r"\?(\w+)", sel.group(1)) or None
    values = {}
    for m in re.finditer(r"\bVALUES\s+\?(\w+)\s*\{([^}]*)\}", q, re.I):
        values.setdefault(m.group(1), []).extend(
            bytes(v, "utf-8").decode("unicode_escape") if "\\" in v else v
            for v in re.findall(_STR, m.group(2)))
    triples = []
    pat = (r"\?(\w+)\s+(?:wdt:|<http://www\.wikidata\.org/prop/direct/)(P\d+)>?\s+(?:\?(\w+)|"
           + _STR + ")")
    for m in re.finditer(pat, q):
        subj, prop, obj, lit = m.groups()
        triples.append((subj, prop, obj, values.get(obj) if obj else [lit]))
    return names, triples


def evaluate(files, names, triples):
    rows, order = [], []
    for subj, prop, obj, allowed in triples:
        wanted = None if allowed is None else {v: i for i, v in enumerate(allowed)}
        for f in files:
            value = f.get(prop)
            if value is None or (wanted is not None and str(value) not in wanted):
                continue
            row = {subj: {"type": "uri", "value": ENTITY + f["entity"]}}
            if obj:
                row[obj] = {"type": "literal", "value": str(value)}
            rows.append(row)
            order.append(wanted.get(str(value), 0) if wanted is not None else 0)
    rows = [r for _, r in sorted(zip(order, rows), key=lambda p: p[0])]
    head = names or sorted({k for r in rows for k in r}) or [t[0] for t in triples]
    return head, [{k: v for k, v in r.items() if k in head} for r in rows]


def _xml(head, rows):
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
           "<head>"] + ['<variable name="%s"/>' % v for v in head] + ["</head><results>"]
    for row in rows:
        out.append("<result>")
        for k, v in row.items():
            tag = "uri" if v["type"] == "uri" else "literal"
            out.append('<binding name="%s"><%s>%s</%s></binding>' % (k, tag, escape(v["value"]), tag))
        out.append("</result>")
    return "".join(out + ["</results></sparql>\n"])


def _query_text(req):
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if req.method == "POST" and ctype == "application/sparql-query":
        return req.body.decode("utf-8", "replace")
    return req.arg("query")


def _auth(req):
    cfg = req.app.config
    if not cfg["wcqs_oauth"]:
        req.auth = "open"
        return None
    if not cfg["wcqs_session_flow"]:
        req.auth = "ok" if _oauth_ok(req) else ("invalid" if "wcqsOauth" in req.cookies else "missing")
        return None if req.auth == "ok" else html_response(403, "Forbidden")
    if session_ok(req.app, req.cookies.get("wcqsSession", "")):
        req.auth = "ok"
        return None
    req.auth = "no-session"
    target = "/wcqs/oauth/check_login?returnTo=" + urllib.parse.quote(req.target, safe="")
    return Response(307, "", "text/plain", [("Location", req.app.base_url + target)])


def handle(req):
    path = req.subpath.rstrip("/")
    if path == "/oauth/check_login":
        back = req.arg("returnTo") or "/wcqs/sparql"
        if not back.startswith("/wcqs/"):
            back = "/wcqs/sparql"
        if req.app.config["wcqs_oauth"] and not _oauth_ok(req):
            req.auth = "invalid" if "wcqsOauth" in req.cookies else "missing"
            return Response(302, "", "text/plain",
                            [("Location", req.app.base_url + "/wcqs/oauth/login")])
        req.auth = "ok"
        cookie = "wcqsSession=%s; Path=/; Max-Age=%d; HttpOnly" % (
            make_session(req.app), req.app.config["wcqs_session_ttl"])
        return Response(307, "", "text/plain",
                        [("Location", req.app.base_url + back), ("Set-Cookie", cookie)])
    if path == "/oauth/login":
        return Response(200, "<!DOCTYPE html><html><body><h1>Log in with Wikimedia Commons"
                             "</h1></body></html>\n", "text/html; charset=utf-8")
    if path != "/sparql":
        return html_response(404, "Not Found")
    if req.method not in ("GET", "HEAD", "POST"):
        return html_response(405, "Method Not Allowed")
    denied = _auth(req)
    if denied:
        return denied
    query = _query_text(req)
    if not query:
        return Response(400, "Bad Request: no query", "text/plain;charset=utf-8")
    try:
        names, triples = parse(query)
    except ValueError as e:
        return Response(400, "MALFORMED QUERY: %s" % e, "text/plain;charset=utf-8")
    with req.app.dataset.lock:
        files = list(req.app.dataset.wcqs_files)
    head, rows = evaluate(files, names, triples)
    accept = (req.headers.get("Accept") or "").lower()
    if "json" in accept or req.arg("format") == "json":
        body = json.dumps({"head": {"vars": head}, "results": {"bindings": rows}},
                          separators=(",", ":"))
        return Response(200, body, JSON_CT)
    return Response(200, _xml(head, rows), XML_CT)
