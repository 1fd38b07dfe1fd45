// The web-login flow (auth::OAuth1Flow) against the OAuth provider fake in
// front of the real test wiki: initiate, authorize, token, identify; tampered
// identify JWTs; refusals; hostile answers from the provider.

#include <doctest/doctest.h>

#include <algorithm>

#include "curator/core/error.hpp"
#include "oauth_provider.hpp"

using namespace curator;
using test::OAuthWorld;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename F>
Error caught(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no curator::Error was thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

}  // namespace

TEST_CASE("web login: initiate (oob), authorize, token, identify with every check") {
  OAuthWorld w;
  auth::OAuth1Flow flow(w.flow_options());
  const auto request = flow.initiate();
  CHECK_FALSE(request.key.empty());
  CHECK_FALSE(request.secret.empty());

  const auto url = flow.authorize_url(request);
  CHECK(url.rfind(w.proxy.base() + "/index.php?title=Special%3AOAuth%2Fauthorize&", 0) == 0);
  CHECK(OAuthWorld::param(url, "oauth_token") == request.key);
  CHECK(OAuthWorld::param(url, "oauth_consumer_key") == w.consumer.key);
  CHECK(OAuthWorld::param(flow.authorize_url(request, true), "title") ==
        "Special:OAuth/authenticate");

  const auto verified = w.approve(url);
  CHECK(OAuthWorld::param(verified, "title") == "Special:OAuth/verified");
  const auto verifier = OAuthWorld::param(verified, "oauth_verifier");
  REQUIRE_FALSE(verifier.empty());

  // A callback that names another request token is refused before anything is sent.
  auto e = caught([&] { flow.exchange(request, verifier, std::string_view("someone-else")); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(e.code() == "oauth_token_mismatch");

  const auto access = flow.exchange(request, verifier, request.key);
  CHECK_FALSE(access.key.empty());
  CHECK(access.key != request.key);

  // The request token is spent: the extension says so (E009).
  e = caught([&] { flow.exchange(request, verifier); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("already been completed") != std::string::npos);
  CHECK(std::string(e.what()).find(request.secret) == std::string::npos);

  const auto id = flow.identify(access);
  CHECK(id.identity.username == w.username);
  CHECK_FALSE(id.identity.user_id.empty());
  CHECK(contains(id.identity.groups, "user"));
  CHECK(contains(id.identity.rights, "upload"));
  CHECK(contains(id.identity.grants, "uploadfile"));
  CHECK_FALSE(id.identity.blocked);
  CHECK(id.claims.at("aud").as_string() == w.consumer.key);
  CHECK(id.claims.at("iss").as_string() == w.issuer);
  CHECK(id.claims.at("exp").as_int64() == id.claims.at("iat").as_int64() + 100);
  CHECK(id.claims.contains("registered"));
  CHECK(id.claims.contains("editcount"));
}

TEST_CASE("wrong verifier, unknown consumer, wrong secret and owner-only consumers are refused") {
  OAuthWorld w;
  auth::OAuth1Flow flow(w.flow_options());
  const auto request = flow.initiate();
  w.approve(flow.authorize_url(request));
  auto e = caught([&] { flow.exchange(request, "0123456789abcdef"); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(std::string(e.what()).find("verification code provided was not valid") !=
        std::string::npos);

  auto bad = w.flow_options();
  bad.consumer.key = "no-such-consumer";
  e = caught([&] { auth::OAuth1Flow(bad).initiate(); });
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("Invalid consumer") != std::string::npos);

  bad = w.flow_options();
  bad.consumer.secret = "not-the-secret";
  e = caught([&] { auth::OAuth1Flow(bad).initiate(); });
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("Invalid signature") != std::string::npos);
  CHECK(std::string(e.what()).find("not-the-secret") == std::string::npos);

  const auto owner_only = w.proxy.control(
      "POST", "/_control/oauth/consumers",
      json::serialize(json::object{{"owner_only", true}, {"username", w.username}}));
  auto own = w.flow_options();
  own.consumer = {test::str(owner_only, "key"), test::str(owner_only, "secret")};
  e = caught([&] { auth::OAuth1Flow(own).initiate(); });
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("owner-only") != std::string::npos);
  // ... but its own access token identifies its owner.
  const auto id = auth::OAuth1Flow(own).identify(
      {test::str(owner_only, "access_token"), test::str(owner_only, "access_secret")});
  CHECK(id.identity.username == w.username);
}

TEST_CASE("tampered identify JWTs are rejected: aud, iss, nonce, iat, exp, key, alg, claims") {
  OAuthWorld w;
  const auto access = w.login();
  auth::OAuth1Flow flow(w.flow_options());
  REQUIRE(flow.identify(access).identity.username == w.username);

  const auto now = to_unix_seconds(now_utc());
  const std::vector<json::object> tampering{
      {{"claims", json::object{{"aud", "another-consumer"}}}},
      {{"claims", json::object{{"iss", "https://evil.example.org"}}}},
      {{"claims", json::object{{"nonce", "a-replayed-nonce"}}}},
      {{"claims", json::object{{"iat", now - 3600}, {"exp", now - 3500}}}},
      {{"claims", json::object{{"iat", now + 3600}, {"exp", now + 3700}}}},
      {{"claims", json::object{{"exp", now - 600}}}},
      {{"secret", "some-other-secret"}},
      {{"alg", "HS512"}},
      {{"drop", json::array{"nonce"}}},
      {{"drop", json::array{"sub"}}},
      {{"drop", json::array{"username"}}},
  };
  for (const auto& t : tampering) {
    CAPTURE(json::serialize(t));
    w.proxy.control("POST", "/_control/oauth/tamper", json::serialize(t));
    const auto e = caught([&] { flow.identify(access); });
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "invalid_jwt");
  }
  // Nothing pending any more: the real answer passes again.
  CHECK(flow.identify(access).identity.username == w.username);
}

TEST_CASE("identify refusals: a wrong token secret, a revoked token") {
  OAuthWorld w;
  const auto access = w.login();
  auth::OAuth1Flow flow(w.flow_options());
  auto e = caught([&] { flow.identify({access.key, "wrong-secret"}); });
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("mwoauth-oauth-exception") != std::string::npos);
  CHECK(std::string(e.what()).find("Invalid signature") != std::string::npos);

  w.proxy.control("DELETE", "/_control/oauth/access/" + access.key, "");
  e = caught([&] { flow.identify(access); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(std::string(e.what()).find("No approved grant") != std::string::npos);
  CHECK(std::string(e.what()).find(access.secret) == std::string::npos);
}

TEST_CASE("hostile answers from the provider become typed errors") {
  OAuthWorld w;
  auth::OAuth1Flow flow(w.flow_options());
  const auto initiate_rule = [&](const std::string& effect) {
    w.proxy.fault(R"({"path":"/index.php","params":{"title":"Special:OAuth/initiate"},"count":1,)" +
                  effect + "}");
  };
  struct Case {
    std::string effect;
    ErrorKind kind;
    std::string code;
  };
  const std::vector<Case> cases{
      {R"("status":200,"content_type":"text/html","http_body":"<!DOCTYPE html><p>Login</p>")",
       ErrorKind::auth, "oauth_invalid_answer"},
      {R"("http_body":"oauth_token=abc&oauth_tok")", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("http_body":"oauth_token_secret=s3cr3t")", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("http_body":"oauth_token=&oauth_token_secret=x")", ErrorKind::auth,
       "oauth_invalid_answer"},
      {R"("http_body":"oauth_token=a%0Ab&oauth_token_secret=x")", ErrorKind::auth,
       "oauth_invalid_answer"},
      {R"("http_body":"oauth_token=%ZZ&oauth_token_secret=x")", ErrorKind::auth,
       "oauth_invalid_answer"},
      {R"("http_body":"")", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("json":[1,2,3])", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("json":{"key":"k","secret":"s"})", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("json":{"error":"mwoauth-db-readonly","message":"read-only"})", ErrorKind::auth,
       "oauth_refused"},
      {R"("http_body":"{\"error\": ")", ErrorKind::auth, "oauth_invalid_answer"},
      {R"("status":503)", ErrorKind::transient, "http_503"},
      {R"("status":403)", ErrorKind::permanent, "http_403"},
      {R"("http_body":"oauth_token=abc&oauth_token_secret=def","truncate":true)",
       ErrorKind::transient, ""},
      {R"("status":302,"headers":{"Location":"/wiki/Special:OAuth/initiate"})", ErrorKind::auth,
       "oauth_invalid_answer"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.effect);
    initiate_rule(c.effect);
    const auto e = caught([&] { flow.initiate(); });
    CHECK(e.kind() == c.kind);
    if (!c.code.empty()) CHECK(e.code() == c.code);
    CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
  }
  // Oversize: refused unread beyond the flow's 64 KiB limit.
  initiate_rule(R"("http_body":")" + std::string(70000, 'a') + "\"");
  CHECK(caught([&] { flow.initiate(); }).code() == "response_too_large");

  // identify: an HTML page, a JSON error, a truncated token, no body.
  const auto access = w.login();
  const auto identify_rule = [&](const std::string& effect) {
    w.proxy.fault(R"({"path":"/index.php","params":{"title":"Special:OAuth/identify"},"count":1,)" +
                  effect + "}");
  };
  identify_rule(R"("content_type":"text/html","http_body":"<html><body>Error</body></html>")");
  CHECK(caught([&] { flow.identify(access); }).code() == "invalid_jwt");
  identify_rule(
      R"("json":{"error":"mwoauth-invalid-authorization-invalid-user","message":"gone"})");
  auto e = caught([&] { flow.identify(access); });
  CHECK(e.code() == "oauth_refused");
  CHECK(std::string(e.what()).find("invalid-user") != std::string::npos);
  identify_rule(R"("http_body":"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3Mi")");
  CHECK(caught([&] { flow.identify(access); }).code() == "invalid_jwt");
  identify_rule(R"("http_body":"")");
  CHECK(caught([&] { flow.identify(access); }).code() == "invalid_jwt");
  CHECK(flow.identify(access).identity.username == w.username);
}

TEST_CASE("flow options and inputs are checked before anything is sent") {
  auth::OAuth1FlowOptions o;
  o.consumer = {"k", "s"};
  o.http.user_agent.contact = "https://example.org/curator-tests";
  CHECK(caught([&] { auth::OAuth1Flow f(o); }).kind() == ErrorKind::invalid_input);
  o.index_url = "ftp://example.org/index.php";
  CHECK(caught([&] { auth::OAuth1Flow f(o); }).kind() == ErrorKind::invalid_input);
  o.index_url = "https://example.org:8443/w/index.php";
  o.consumer.secret.clear();
  CHECK(caught([&] { auth::OAuth1Flow f(o); }).kind() == ErrorKind::invalid_input);
  o.consumer.secret = "s";
  auth::OAuth1Flow flow(o);
  CHECK(flow.options().issuer == "https://example.org:8443");
  CHECK(caught([&] { flow.authorize_url({}); }).kind() == ErrorKind::invalid_input);
  CHECK(caught([&] { flow.exchange({"k", ""}, "v"); }).kind() == ErrorKind::invalid_input);
  CHECK(caught([&] { flow.exchange({"k", "s"}, ""); }).kind() == ErrorKind::auth);
  CHECK(caught([&] { flow.exchange({"k", "s"}, "bad verifier"); }).kind() == ErrorKind::auth);
  CHECK(caught([&] { flow.identify({"", ""}); }).kind() == ErrorKind::invalid_input);
}
