"""The OAuth provider fake's control API (/_control/oauth/...), mixed into oauth.Provider.

  GET    oauth                  issuer, consumers, users, access tokens
  PUT    oauth/issuer           {"issuer"}: the iss claim (default: the wiki's server)
  POST   oauth/users            {"bot_user", "bot_password"[, "username"]} (logs in now)
  POST   oauth/consumers        {"key"?, "secret"?, "name"?, "grants"?, "owner_only"?, "username"}
  DELETE oauth/consumers/KEY    disable
  POST   oauth/authorize        {"oauth_consumer_key", "oauth_token", "username"}: Allow clicked
  GET    oauth/access           access tokens;  DELETE oauth/access/KEY revokes
  POST   oauth/bearer           {"username", "token"?, "expires_in"?};  DELETE oauth/bearer/T
  POST   oauth/tamper           {"claims"?, "drop"?, "secret"?, "alg"?, "count"?}
"""

import json
import secrets
import time

from .responses import plain_json


class ControlApi:
    def control(self, method, rest, body):
        raw = b"".join(body.chunks()).decode("utf-8") or "{}"
        data = json.loads(raw) if method in ("POST", "PUT") else {}
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        head = rest[0] if rest else ""
        if not head and method == "GET":
            with self.lock:
                return plain_json({"issuer": self.issuer(),
                                   "consumers": list(self.consumers.values()),
                                   "users": sorted(self.accounts), "access": self._access_list(),
                                   "bearer": len(self.bearer)})
        if head == "issuer" and method == "PUT":
            self.issuer_override = data.get("issuer") or None
            return plain_json({"issuer": self.issuer()})
        if head == "users" and method == "POST":
            return self._add_user(data)
        if head == "consumers" and method == "POST":
            return plain_json(self._add_consumer(data))
        if head == "consumers" and method == "DELETE" and len(rest) == 2:
            with self.lock:
                c = self.consumers.get(rest[1])
                if c:
                    c["approved"] = False
            return plain_json({"disabled": int(bool(c))}, 200 if c else 404)
        if head == "authorize" and method == "POST":
            verifier, location = self.approve(data.get("oauth_consumer_key", ""),
                                              data.get("oauth_token", ""),
                                              data.get("username", ""))
            return plain_json({"oauth_verifier": verifier, "oauth_token": data["oauth_token"],
                               "location": location})
        if head == "access" and method == "GET":
            return plain_json({"access": self._access_list()})
        if head == "access" and method == "DELETE" and len(rest) == 2:
            with self.lock:
                a = self.access.get(rest[1])
                if a:
                    a["revoked"] = True
            return plain_json({"revoked": int(bool(a))}, 200 if a else 404)
        if head == "bearer" and method == "POST":
            return plain_json(self._add_bearer(data))
        if head == "bearer" and method == "DELETE" and len(rest) == 2:
            with self.lock:
                b = self.bearer.get(rest[1])
                if b:
                    b["revoked"] = True
            return plain_json({"revoked": int(bool(b))}, 200 if b else 404)
        if head == "tamper" and method == "POST":
            with self.lock:
                for _ in range(int(data.get("count", 1))):
                    self.tamper.append(data)
            return plain_json({"pending": len(self.tamper)})
        return plain_json({"error": "no such control endpoint: oauth/%s" % "/".join(rest)}, 404)

    def _access_list(self):
        return [{"key": k, "consumer": a["consumer"], "username": a["username"],
                 "revoked": a["revoked"]} for k, a in self.access.items()]

    def _add_user(self, data):
        bot_user, password = data.get("bot_user"), data.get("bot_password")
        if not bot_user or not password:
            raise ValueError("users need bot_user and bot_password")
        username = data.get("username") or bot_user.split("@", 1)[0]
        from .oauth import WikiAccount     # the account class lives with the provider
        acc = WikiAccount(self.upstream, username, bot_user, password)
        try:
            acc.login()
        except (ValueError, KeyError) as e:
            return plain_json({"error": str(e)}, 400)
        with self.lock:
            self.accounts[username] = acc
        return plain_json({"username": username, "user_id": acc.user_id})

    def _add_consumer(self, data):
        key = data.get("key") or secrets.token_hex(16)
        out = {"key": key, "secret": data.get("secret") or secrets.token_hex(20),
               "name": data.get("name") or "Test consumer " + key[:6],
               "owner_only": bool(data.get("owner_only")), "approved": True,
               "grants": list(data.get("grants") or ["basic", "highvolume", "editpage",
                                                     "createeditmovepage", "uploadfile",
                                                     "uploadeditmovefile"])}
        with self.lock:
            self.consumers[key] = out
            result = dict(out)
            if out["owner_only"]:
                owner = data.get("username")
                self.account(owner)
                access_key = self._acceptance(key, owner)
                result.update(access_token=access_key,
                              access_secret=self.access[access_key]["secret"])
        return result

    def _add_bearer(self, data):
        username = data.get("username", "")
        with self.lock:
            self.account(username)
            token = data.get("token") or secrets.token_urlsafe(32)
            expires_in = data.get("expires_in")
            self.bearer[token] = {"username": username, "revoked": False,
                                  "expires_at": None if expires_in is None
                                  else time.time() + float(expires_in)}
        return {"token": token, "username": username}
