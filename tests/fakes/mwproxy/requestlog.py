"""The request log tests read to count calls and retries (secrets masked, long values cut)."""

import itertools
import threading
import time

SECRET_PARAMS = {"token", "lgtoken", "lgpassword", "password", "retype", "logintoken",
                 "createtoken", "oauth_signature", "oauth_token", "oauth_verifier"}
VALUE_LIMIT = 64 << 10
MAX_ENTRIES = 20000


def mask_params(params):
    out = {}
    for name, value in params.items():
        if name in SECRET_PARAMS or name.endswith("token") or "password" in name:
            out[name] = value if value == "+\\" else "***"   # the anonymous token is no secret
        elif len(value) > VALUE_LIMIT:
            out[name] = value[:VALUE_LIMIT] + "…(%d chars)" % len(value)
        else:
            out[name] = value
    return out


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._entries = []

    def begin(self, req):
        entry = {"seq": None, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "method": req.method, "path": req.path, "api": req.api or "other",
                 "action": req.action, "params": mask_params(req.params),
                 "files": req.body.files, "body_bytes": req.body.size, "status": None,
                 "error": None, "handled_by": None, "fault": None, "fault_kind": None,
                 "duration_ms": None, "_t0": time.monotonic()}
        with self._lock:   # numbered under the lock: the log stays in seq order
            entry["seq"] = next(self._seq)
            self._entries.append(entry)
            if len(self._entries) > MAX_ENTRIES:
                del self._entries[:len(self._entries) - MAX_ENTRIES]
        return entry

    def finish(self, entry, status, handled_by, error=None, rule=None):
        with self._lock:
            entry.update(status=status, handled_by=handled_by, error=error,
                         duration_ms=round((time.monotonic() - entry.pop("_t0", 0)) * 1000, 1))
            if rule is not None:
                entry.update(fault=rule.id, fault_kind=rule.kind())

    def query(self, action=None, api=None, since=0):
        with self._lock:
            out = []
            for e in self._entries:
                if e["seq"] <= since or action and e["action"] != action or api and e["api"] != api:
                    continue
                out.append({k: v for k, v in e.items() if not k.startswith("_")})
            return out

    def clear(self):
        with self._lock:
            n = len(self._entries)
            self._entries = []
            return n

    def last_seq(self):
        with self._lock:
            return self._entries[-1]["seq"] if self._entries else 0
