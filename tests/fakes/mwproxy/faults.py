"""Fault rules: which requests they match, how many times they fire, and what they answer.

A rule (JSON) has matchers, a budget and an effect:
  matchers  action ("upload", ["upload","edit"], "*" = any request), params {name: value | true
            (present) | false (absent) | [alternatives]}, method, api ("commons", "wikidata",
            "other"), path
  budget    count (times it fires; absent = until deleted), skip (matching requests let through
            first), phase ("before" the request reaches the wiki or the Wikibase fake, or "after":
            the request is carried out and its answer replaced)
  effect    error (+ info, data, status, lag, host, retry_after), status (+ http_body,
            content_type), http_body, json, reset, truncate, delay_ms, headers
A rule whose only effect is delay_ms delays the request and lets later rules match as well.
"""

import itertools
import json
import threading

from . import responses

MATCH_KEYS = {"action", "params", "method", "api", "path"}
BUDGET_KEYS = {"count", "skip", "phase"}
EFFECT_KEYS = {"error", "info", "data", "status", "http_body", "json", "content_type", "reset",
               "truncate", "delay_ms", "headers", "lag", "host", "retry_after"}
TERMINAL_KEYS = {"error", "status", "http_body", "json", "reset", "truncate"}


class RuleError(ValueError):
    pass


class FaultRule:
    def __init__(self, rid, spec):
        if not isinstance(spec, dict):
            raise RuleError("a fault rule must be a JSON object")
        unknown = set(spec) - MATCH_KEYS - BUDGET_KEYS - EFFECT_KEYS - {"id", "note"}
        if unknown:
            raise RuleError("unknown fault rule keys: " + ", ".join(sorted(unknown)))
        if not set(spec) & (TERMINAL_KEYS | {"delay_ms"}):
            raise RuleError("a fault rule needs an effect: error, status, http_body, json, reset, "
                            "truncate or delay_ms")
        if spec.get("phase", "before") not in ("before", "after"):
            raise RuleError("phase must be \"before\" or \"after\"")
        if "params" in spec and not isinstance(spec["params"], dict):
            raise RuleError("params must be an object")
        for key in ("count", "skip", "delay_ms", "status"):
            if key in spec and not isinstance(spec[key], (int, type(None))):
                raise RuleError(key + " must be an integer")
        self.id = rid
        self.spec = dict(spec)
        self.count_left = spec.get("count")
        self.skip_left = spec.get("skip", 0) or 0
        self.fired = 0
        self.delay_only = not (set(spec) & TERMINAL_KEYS)

    @property
    def phase(self):
        return self.spec.get("phase", "before")

    @property
    def active(self):
        return self.count_left is None or self.count_left > 0

    def matches(self, req):
        s = self.spec
        action = s.get("action", "*")
        if action != "*":
            wanted = action if isinstance(action, list) else [action]
            if req.action not in wanted:
                return False
        if "method" in s and req.method.upper() != str(s["method"]).upper():
            return False
        if "api" in s and (req.api or "other") != s["api"]:
            return False
        if "path" in s and req.path != s["path"]:
            return False
        for name, want in (s.get("params") or {}).items():
            have = req.params.get(name)
            if want is True or want == "*":
                ok = have is not None
            elif want is False or want is None:
                ok = have is None
            elif isinstance(want, list):
                ok = have in [str(w) for w in want]
            else:
                ok = have == str(want)
            if not ok:
                return False
        return True

    def to_json(self):
        out = dict(self.spec)
        out.update(id=self.id, fired=self.fired, active=self.active,
                   count_left=self.count_left, skip_left=self.skip_left)
        return out

    def kind(self):
        s = self.spec
        for key in ("reset", "truncate", "error", "status", "json", "http_body"):
            if key in s:
                return key + ("" if key in ("reset", "truncate") else ":" + str(s[key])[:40])
        return "delay_ms:%s" % s.get("delay_ms")

    def render(self, req, docref_url, upstream=None):
        """The answer this rule gives: a Response (upstream = the real answer, for truncate)."""
        s = self.spec
        fmt = responses.ApiFormat(req.params, docref_url)
        extra_headers = [(k, str(v)) for k, v in (s.get("headers") or {}).items()]
        if s.get("reset"):
            resp = responses.Response(0)
            resp.reset = True
            return resp
        if "error" in s:
            resp = self._render_error(req, fmt, extra_headers)
        elif "json" in s:
            resp = responses.api_response(s["json"], fmt, s.get("status", 200))
            resp.headers.extend(extra_headers)
        elif "http_body" in s or "status" in s:
            status = s.get("status", 200)
            reason = _REASONS.get(status, "Error")
            resp = responses.html_error(status, reason, s.get("http_body"), s.get("content_type"))
            if "retry_after" in s:
                resp.headers.append(("Retry-After", str(s["retry_after"])))
            resp.headers.extend(extra_headers)
        elif upstream is not None:
            resp = upstream
        else:
            resp = responses.html_error(200, "OK", "")
        if s.get("truncate"):
            resp.truncate = True
        return resp

    def _render_error(self, req, fmt, extra_headers):
        s = self.spec
        code = str(s["error"])
        values = dict(req.params)
        values.setdefault("filekey", req.params.get("filekey", ""))
        values.setdefault("nonce", "0123456789abcdef0123456789abcd")
        data = dict(s.get("data") or {})
        headers = list(extra_headers)
        if code == "maxlag":
            lag = s.get("lag", 5)
            host = s.get("host", "10.64.16.27")
            values.update(lag=lag, host=host)
            data = dict({"host": host, "lag": lag, "type": "db"}, **data)
            try:
                requested = int(float(req.params.get("maxlag", "0")))
            except ValueError:
                requested = 0
            retry = s.get("retry_after", max(requested, 5))
            headers += [("Retry-After", str(retry)), ("X-Database-Lag", str(int(lag)))]
        elif "retry_after" in s:
            headers.append(("Retry-After", str(s["retry_after"])))
        return responses.api_error(code, fmt, info=s.get("info"), data=data,
                                   status=s.get("status", 200), headers=headers, values=values)


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout", 200: "OK"}


class FaultTable:
    """The rules in the order they were added; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._ids = itertools.count(1)

    def add(self, spec):
        specs = spec.get("rules") if isinstance(spec, dict) and "rules" in spec else spec
        if not isinstance(specs, list):
            specs = [specs]
        with self._lock:
            rules = [FaultRule("f%d" % next(self._ids), s) for s in specs]
            self._rules.extend(rules)
            return [r.to_json() for r in rules]

    def list(self):
        with self._lock:
            return [r.to_json() for r in self._rules]

    def delete(self, rid=None):
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if rid is not None and r.id != rid]
            return before - len(self._rules)

    def select(self, req):
        """(total delay in ms, the terminal rule that fires or None); spends the rules' budgets."""
        delay, chosen = 0, None
        with self._lock:
            for rule in self._rules:
                if not rule.active or not rule.matches(req):
                    continue
                if rule.skip_left > 0:
                    rule.skip_left -= 1
                    continue
                rule.fired += 1
                if rule.count_left is not None:
                    rule.count_left -= 1
                delay += int(rule.spec.get("delay_ms") or 0)
                if not rule.delay_only:
                    chosen = rule
                    break
        return delay, chosen


def parse_rules(raw):
    try:
        return json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RuleError("body is not JSON: %s" % e)
