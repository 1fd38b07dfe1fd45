"""HTTP responses in MediaWiki's shapes: API JSON (formatversion 1 and 2), API errors, error pages."""

import email.utils
import json
import secrets

DOCREF_TAIL = (" for API usage. Subscribe to the mediawiki-api-announce mailing list at "
               "&lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists."
               "wikimedia.org/&gt; for notice of API deprecations and breaking changes.")

# Default "info" texts, copied from MediaWiki 1.39 and Wikibase where known. {name} placeholders
# are filled from the request parameters or the fault rule (lag, host, filekey, reqid, class).
ERROR_INFO = {
    "ratelimited": "As an anti-abuse measure, you are limited from performing this action too many "
                   "times in a short space of time, and you have exceeded this limit. Please try "
                   "again in a few minutes.",
    "badtoken": "Invalid CSRF token.",
    "maxlag": "Waiting for {host}: {lag} seconds lagged.",
    "readonly": "The wiki is currently in read-only mode.",
    "assertuserfailed": "You are no longer logged in, so the action could not be completed.",
    "assertbotfailed": "You do not have the \"bot\" right, so the action could not be completed.",
    "assertnameduserfailed": "You are no longer logged in as \"{assertuser}\", so the action could "
                             "not be completed.",
    "mwoauth-invalid-authorization": "The authorization headers in your request are not valid: "
                                     "Nonce already used: {nonce}",
    "uploadstash-file-not-found": "Key \"{filekey}\" not found in stash.",
    "uploadstash-exception": "Could not store upload in the stash (UploadStashFileException): "
                             "\"Could not store file.\".",
    "uploadstash-bad-path": "Path doesn't exist.",
    "stashfailed": "Invalid chunk offset",
    "backend-fail-internal": "An unknown error occurred in storage backend \"local-swift-eqiad\".",
    "publishfailed": "Upload from stash already in progress.",
    "editconflict": "Edit conflict.",
    "blocked": "You have been blocked from editing.",
    "permissiondenied": "You don't have permission to edit this page.",
    "protectedpage": "This page has been protected to prevent editing or other actions.",
    "abusefilter-disallowed": "This action has been automatically identified as harmful, and "
                              "therefore disallowed. If you believe your action was constructive, "
                              "please inform an administrator of what you were trying to do.",
    "missingtitle": "The page you specified doesn't exist.",
    "failed-save": "Failed to save the change.",
    "no-such-entity": "Could not find an entity with the ID \"{id}\".",
    "internal_api_error_DBQueryError": "[{reqid}] Caught exception of type "
                                       "Wikimedia\\Rdbms\\DBQueryError",
}
ERROR_DATA = {
    "readonly": {"readonlyreason": "This wiki is in read-only mode for maintenance."},
    "internal_api_error_DBQueryError": {"errorclass": "Wikimedia\\Rdbms\\DBQueryError"},
}

HTML_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>Wikimedia Error</title>
<div class="content" role="main">
<h1>Error</h1>
<p>Our servers are currently under maintenance or experiencing a technical issue. Please try again in a few minutes.</p>
</div>
<div class="footer"><p>If you report this error to the Wikimedia System Administrators, please include the details below.</p><p class="text-muted"><code>Request served via cp0000 cp0000, Varnish XID 0<br>Upstream caches: cp0000 int<br>Error: {status}, {reason} at {date}</code></p></div>
</html>
"""


class Response:
    """A complete response: status, header list (duplicates allowed) and body bytes."""

    def __init__(self, status=200, headers=None, body=b"", reason=None):
        self.status = status
        self.reason = reason
        self.headers = list(headers or [])
        self.body = body
        self.reset = False       # drop the connection with a TCP RST instead of answering
        self.truncate = False    # send the headers and half the body, then close

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def set_header(self, name, value):
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


class ApiFormat:
    """The output options of one API request: formatversion, utf8, errorformat, module."""

    def __init__(self, params, docref_url):
        fv = params.get("formatversion", "1")
        self.fv = 2 if fv in ("2", "latest") else 1
        self.utf8 = self.fv == 2 or "utf8" in params
        if "ascii" in params:
            self.utf8 = False
        self.errorformat = params.get("errorformat", "bc")
        self.module = params.get("action", "main")
        self.docref = "See " + docref_url + DOCREF_TAIL


def api_headers():
    return [("Content-Type", "application/json; charset=utf-8"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Content-Disposition", "inline; filename=api-result.json"),
            ("Cache-Control", "private, must-revalidate, max-age=0"),
            ("X-Request-Id", secrets.token_hex(12))]


def encode_json(obj, fmt=None):
    """MediaWiki's FormatJson: compact, slashes unescaped, non-ASCII escaped unless utf8."""
    ensure_ascii = not (fmt and fmt.utf8)
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=ensure_ascii).encode("utf-8")


def api_response(obj, fmt, status=200):
    return Response(status, api_headers(), encode_json(obj, fmt))


def bool_true(fmt):
    """A true boolean flag as MediaWiki prints it: "" in formatversion 1, true in 2."""
    return True if fmt.fv == 2 else ""


def api_error(code, fmt, info=None, data=None, status=200, headers=None, values=None):
    """An API error in the request's errorformat, with the MediaWiki-API-Error header."""
    values = dict(values or {})
    values.setdefault("reqid", secrets.token_hex(12))
    if info is None:
        info = ERROR_INFO.get(code)
        if info is None and code.startswith("internal_api_error_"):
            cls = code[len("internal_api_error_"):]
            info = "[{reqid}] Caught exception of type " + cls
            data = dict(data or {}, errorclass=cls)
        if info is None:
            info = "Simulated error: " + code
        try:
            info = info.format(**values)
        except (KeyError, IndexError, ValueError):
            pass
    extra = dict(ERROR_DATA.get(code, {}))
    extra.update(data or {})
    if fmt.errorformat == "bc":
        err = {"code": code, "info": info}
        err.update(extra)
        err["docref" if fmt.fv == 2 else "*"] = fmt.docref
        body = {"error": err}
    else:
        err = {"code": code, ("text" if fmt.fv == 2 else "*"): info, "module": fmt.module}
        if extra:
            err["data"] = extra
        body = {"errors": [err], ("docref" if fmt.fv == 2 else "*"): fmt.docref}
    resp = api_response(body, fmt, status)
    resp.headers.append(("MediaWiki-API-Error", code))
    resp.headers.extend(headers or [])
    return resp


def html_error(status, reason, body=None, content_type=None):
    if body is None:
        body = HTML_ERROR_PAGE.format(status=status, reason=reason,
                                      date=email.utils.formatdate(usegmt=True))
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Response(status, [("Content-Type", content_type or "text/html; charset=utf-8")], body,
                    reason=reason)


def plain_json(obj, status=200):
    """A control-API answer (not MediaWiki-shaped)."""
    body = json.dumps(obj, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    return Response(status, [("Content-Type", "application/json; charset=utf-8")], body)
