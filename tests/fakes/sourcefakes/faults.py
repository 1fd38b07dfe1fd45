"""Scriptable faults (POST /_control/faults) shared by every fake route.

A rule matches a request when all of its filters match:
  path_prefix   (default "/")  e.g. "/mapillary/", "/flickr-cdn/", "/wcqs/sparql"
  method        e.g. "POST"
  query_contains  substring of the raw query string or the url-decoded query/form
and then acts (actions combine; evaluated in this order):
  delay_ms      sleep before answering (then answer normally unless more is set)
  reset         true / "before": abort the connection with a TCP RST, no response;
                "mid_body": send the headers and half of the real body, then RST
  rate_limit    answer 429 with Retry-After: retry_after (default 1) and the
                service's own rate-limit body
  status        answer with this status and the service's error body for it
  body, content_type   answer with this body (status defaults to 200)
  truncate_body send the real answer's headers (full Content-Length) but only
                half of the body, then close the connection cleanly (FIN)
  headers       {"Name": "value"} added to the answer
Lifetime: `skip` matching requests pass untouched first, then the rule fires
`count` times (absent/null = forever). The first live matching rule wins.
"""

import threading

FILTERS = {"path_prefix", "method", "query_contains"}
ACTIONS = {"status", "delay_ms", "reset", "truncate_body", "body", "content_type",
           "rate_limit", "retry_after", "headers"}
META = {"count", "skip", "name"}


def validate(rule):
    if not isinstance(rule, dict):
        raise ValueError("a rule must be a JSON object")
    unknown = set(rule) - FILTERS - ACTIONS - META
    if unknown:
        raise ValueError("unknown rule keys: %s" % ", ".join(sorted(unknown)))
    if not set(rule) & ACTIONS:
        raise ValueError("a rule needs at least one action (%s)" % ", ".join(sorted(ACTIONS)))
    for key in ("status", "delay_ms", "count", "skip", "retry_after"):
        value = rule.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError("%s must be a non-negative integer" % key)
    if rule.get("status") is not None and not 100 <= rule["status"] <= 599:
        raise ValueError("status must be 100..599")
    if rule.get("delay_ms", 0) > 600000:
        raise ValueError("delay_ms must be <= 600000")
    if rule.get("reset") not in (None, False, True, "before", "mid_body"):
        raise ValueError('reset must be true, "before" or "mid_body"')
    for key in ("path_prefix", "method", "query_contains", "body", "content_type", "name"):
        if rule.get(key) is not None and not isinstance(rule[key], str):
            raise ValueError("%s must be a string" % key)
    headers = rule.get("headers")
    if headers is not None and not (isinstance(headers, dict) and
                                    all(isinstance(v, str) for v in headers.values())):
        raise ValueError("headers must be an object of strings")


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.next_id = 1

    def add(self, rules):
        if isinstance(rules, dict):
            rules = [rules]
        if not isinstance(rules, list):
            raise ValueError("expected a rule object or a list of rules")
        for rule in rules:
            validate(rule)
        added = []
        with self.lock:
            for rule in rules:
                entry = dict(rule)
                entry["id"] = self.next_id
                entry["hits"] = 0
                entry["passed"] = 0
                entry["remaining"] = rule.get("count")
                entry["skip_left"] = rule.get("skip") or 0
                self.next_id += 1
                self.rules.append(entry)
                added.append(dict(entry))
        return added

    def clear(self):
        with self.lock:
            self.rules = []

    def snapshot(self):
        with self.lock:
            return [dict(r) for r in self.rules]

    @staticmethod
    def _matches(rule, req):
        if not req.path.startswith(rule.get("path_prefix") or "/"):
            return False
        if rule.get("method") and rule["method"].upper() != req.method:
            return False
        needle = rule.get("query_contains")
        if needle:
            hay = [req.query_string] + ["%s=%s" % (k, v) for d in (req.query, req.form)
                                        for k, vs in d.items() for v in vs]
            if not any(needle in h for h in hay):
                return False
        return True

    def match(self, req):
        """The rule to apply to ``req`` (a copy), consuming one use, or None."""
        with self.lock:
            for rule in self.rules:
                if rule["remaining"] is not None and rule["remaining"] <= 0:
                    continue
                if not self._matches(rule, req):
                    continue
                if rule["skip_left"] > 0:
                    rule["skip_left"] -= 1
                    rule["passed"] += 1
                    return None
                rule["hits"] += 1
                if rule["remaining"] is not None:
                    rule["remaining"] -= 1
                return dict(rule)
        return None
