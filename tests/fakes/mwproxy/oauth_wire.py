"""OAuth wire formats as Extension:OAuth speaks them: RFC 5849 signatures, the Authorization
header, the Special:OAuth answers (raw, json, html), the api.php errors and identify JWTs.

Pure functions (no state, no I/O), so the provider in oauth.py reads as the extension's flow.
Message texts are English as the extension's i18n/en.json has them (MWOAuthException passes
`->inLanguage('en')->plain()` into the exception message that api.php quotes).
"""

import base64
import hashlib
import hmac
import html
import json
import urllib.parse

from . import responses

# i18n/en.json (wikimedia/mediawiki-extensions-OAuth); E00x help links kept as the raw wikitext.
MESSAGES = {
    "mwoauth-invalid-authorization": "The authorization headers in your request are not valid: $1",
    "mwoauth-invalid-authorization-not-approved":
        "The app that you are trying to connect seems to be set up incorrectly. Contact the author "
        "of \"$1\" for help.",
    "mwoauth-invalid-authorization-invalid-user":
        "The authorization headers in your request are for a user that does not exist here",
    "mwoauth-invalid-authorization-blocked-user":
        "The authorization headers in your request are for a user who is blocked",
    "mwoauth-oauth-exception": "An error occurred in the OAuth protocol: $1",
    "mwoauth-callback-not-oob": "oauth_callback must be set, and must be set to \"oob\" "
                                "(case-sensitive)",
    "mwoauthdatastore-access-token-not-found":
        "No approved grant was found for that authorization token.",
    "mwoauthdatastore-request-token-not-found":
        "Sorry, something went wrong connecting this application.\nGo back and try to connect "
        "your account again, or contact the application author.\n\n<span class=\"plainlinks "
        "mw-mwoautherror-details\">OAuth token not found, "
        "[https://www.mediawiki.org/wiki/Help:OAuth/Errors#E004 E004]</span>",
    "mwoauthdatastore-request-token-already-used":
        "This request has already been completed and cannot be resubmitted.\nGo back to the "
        "application and try to connect your account again, or contact the application author."
        "\n\n<span class=\"plainlinks mw-mwoautherror-details\">OAuth token already used, "
        "[https://www.mediawiki.org/wiki/Help:OAuth/Errors#E009 E009]</span>",
    "mwoauthdatastore-bad-token": "No token was found matching your request.",
    "mwoauthdatastore-bad-verifier": "The verification code provided was not valid.",
    "mwoauthserver-bad-consumer-key":
        "Sorry, something went wrong connecting this application.\n\n<span class=\"plainlinks "
        "mw-mwoautherror-details\">Unknown OAuth key, "
        "[https://www.mediawiki.org/wiki/Help:OAuth/Errors#E006 E006]</span>",
    "mwoauthserver-consumer-owner-only":
        "\"$1\" is an owner-only Connected App. To fetch the access token, see [[$2]].\n\n<span "
        "class=\"plainlinks mw-mwoautherror-details\">Consumer is owner-only, "
        "[https://www.mediawiki.org/wiki/Help:OAuth/Errors#E010 E010]</span>",
    "mwoauth-bad-request-missing-params":
        "Sorry, something went wrong configuring this connected application. <span "
        "class=\"plainlinks\">[https://www.mediawiki.org/wiki/Special:MyLanguage/Help:OAuth "
        "Contact support]</span> to get help fixing it.\n\n<span class=\"plainlinks "
        "mw-mwoautherror-details\">OAuth missing parameters, "
        "[https://www.mediawiki.org/wiki/Help:OAuth/Errors#E001 E001]</span>",
    # The OAuth 2 resource server's refusal; its English text is an assumption (see README).
    "mwoauth-oauth2-invalid-access-token": "Invalid access token",
}


class OAuthError(Exception):
    """Lib\\OAuthException: a protocol error whose text the extension quotes verbatim."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text


class MWOAuthError(OAuthError):
    """Backend\\MWOAuthException: an i18n message key with parameters."""

    def __init__(self, key, *params):
        self.key = key
        self.params = params
        super().__init__(message_text(key, *params))


def message_text(key, *params):
    text = MESSAGES.get(key, key)
    for i, p in enumerate(params, 1):
        text = text.replace("$%d" % i, str(p))
    return text


# --- RFC 5849 -------------------------------------------------------------------------------

def percent_encode(value):
    return urllib.parse.quote(str(value).encode("utf-8"), safe="-._~")


def parse_authorization(header):
    """The oauth_* parameters of an `Authorization: OAuth ...` header (OAuthUtil::split_header)."""
    if not header or not header[:6].lower() == "oauth ":
        return None
    out = []
    for part in header[6:].split(","):
        name, eq, value = part.strip().partition("=")
        if not eq or not name.startswith("oauth_"):
            continue           # realm and anything else are not signed
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out.append((urllib.parse.unquote(name), urllib.parse.unquote(value)))
    return out


def base_string_uri(url):
    u = urllib.parse.urlsplit(url)
    scheme, host = u.scheme.lower(), (u.hostname or "").lower()
    port = u.port
    netloc = host
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        netloc += ":%d" % port
    return "%s://%s%s" % (scheme, netloc, u.path or "/")


def signature_base_string(method, url, params):
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params
                   if k != "oauth_signature")
    normalized = "&".join("%s=%s" % kv for kv in pairs)
    return "&".join([method.upper(), percent_encode(base_string_uri(url)),
                     percent_encode(normalized)])


def hmac_sha1_signature(base_string, consumer_secret, token_secret):
    key = percent_encode(consumer_secret) + "&" + percent_encode(token_secret or "")
    digest = hmac.new(key.encode("utf-8"), base_string.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


# --- identify JWT ---------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(claims, secret, alg="HS256"):
    """firebase/php-jwt JWT::encode: header {"typ":"JWT","alg":"HS256"}, compact JSON."""
    header = b64url(json.dumps({"typ": "JWT", "alg": alg}, separators=(",", ":")).encode())
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    signing_input = header + "." + payload
    sig = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


# --- answers --------------------------------------------------------------------------------

def _special_headers(content_type):
    return [("Content-Type", content_type),
            ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT"),
            ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
            ("Pragma", "no-cache")]


def special_raw(text):
    return responses.Response(200, _special_headers("text/plain"), text.encode("utf-8"))


def special_json(obj):
    body = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    return responses.Response(200, _special_headers("application/json"), body)


def special_html(title, body_html, status=200):
    page = ("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"UTF-8\">\n"
            "<title>%s - MediaWiki</title>\n</head>\n<body class=\"mediawiki "
            "page-Special_OAuth\">\n<h1 id=\"firstHeading\">%s</h1>\n<div id=\"mw-content-text\">"
            "\n%s\n</div>\n</body>\n</html>\n" % (html.escape(title), html.escape(title),
                                                   body_html))
    return responses.Response(status, [("Content-Type", "text/html; charset=UTF-8")],
                              page.encode("utf-8"))


def special_token(key, secret, fmt, callback_confirmed):
    """SpecialMWOAuth::returnToken."""
    if fmt == "json":
        obj = {"key": key, "secret": secret}
        if callback_confirmed:
            obj["oauth_callback_confirmed"] = "true"
        return special_json(obj)
    if fmt == "html":
        items = "".join("<li>%s</li>" % html.escape(s) for s in (
            "oauth_token = " + percent_encode(key),
            "oauth_token_secret = " + percent_encode(secret), "oauth_callback_confirmed = true"))
        return special_html("OAuth", "<ul>%s</ul>" % items)
    return special_raw("oauth_token=%s&oauth_token_secret=%s&oauth_callback_confirmed=true"
                       % (percent_encode(key), percent_encode(secret)))


def special_error(err, fmt):
    """SpecialMWOAuth::showError for an OAuthError or MWOAuthError."""
    if isinstance(err, MWOAuthError):
        key, text = err.key, err.text
    else:
        key, text = "mwoauth-oauth-exception", message_text("mwoauth-oauth-exception", err.text)
    if fmt == "json":
        return special_json({"error": key, "message": text})
    if fmt == "html":
        return special_html("Application Connection Error",
                            "<p>%s</p>" % html.escape(text).replace("\n", "<br>"))
    return special_raw("Error: " + html.escape(text))


def api_error(params, docref_url, err):
    """What api.php answers when the session provider refused the OAuth headers."""
    if isinstance(err, MWOAuthError) and err.key.startswith("mwoauth-invalid-authorization-"):
        code, info = err.key, err.text
    else:
        code = "mwoauth-invalid-authorization"
        info = message_text(code, err.text)
    fmt = responses.ApiFormat(params, docref_url)
    return responses.api_error(code, fmt, info=info)
