#pragma once
// The OAuth provider fake of tests/fakes/mediawiki_proxy.py set up for one
// test: the uploader bot account registered as the wiki user OAuth grants
// belong to, one consumer, and helpers for what a browser would do (click
// Allow) and for signing raw requests.

#include <doctest/doctest.h>

#include <string>

#include "../mediawiki/proxy.hpp"
#include "../mediawiki/wiki.hpp"
#include "curator/auth/oauth1.hpp"
#include "curator/auth/oauth1_flow.hpp"
#include "curator/core/json.hpp"
#include "curator/http/client.hpp"
#include "curator/http/form.hpp"

namespace curator::test {

inline std::string str(const json::value& v, std::string_view key) {
  return std::string(v.as_object().at(key).as_string());
}

class OAuthWorld {
 public:
  OAuthWorld() {
    const auto user =
        proxy.control("POST", "/_control/oauth/users",
                      json::serialize(json::object{
                          {"bot_user", require_env("CURATOR_TEST_MW_USER_BOT_USER")},
                          {"bot_password", require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD")}}));
    username = str(user, "username");
    const auto c = proxy.control("POST", "/_control/oauth/consumers", "{}");
    consumer = {str(c, "key"), str(c, "secret")};
    issuer = str(proxy.control("GET", "/_control/oauth", ""), "issuer");
  }

  auth::OAuth1FlowOptions flow_options() const {
    auth::OAuth1FlowOptions o;
    o.index_url = proxy.base() + "/index.php";
    o.consumer = consumer;
    o.issuer = issuer;
    o.http.user_agent.contact = "https://example.org/curator-tests";
    return o;
  }

  mediawiki::ClientOptions client_options() const {
    auto o = wiki_options();
    o.api_url = proxy.commons_api();
    o.oauth_consumer = consumer;
    return o;
  }

  /// What the browser does when the user clicks Allow on the authorize page:
  /// the page redirects to Special:OAuth/verified; returns that URL.
  std::string approve(const std::string& authorize_url) {
    http::ClientOptions o;
    o.user_agent.contact = "https://example.org/curator-tests";
    o.max_redirects = 0;
    http::Client browser(o);
    const auto r = browser.get(authorize_url + "&fake_approve_as=" + username);
    REQUIRE(r.status == 302);
    const auto location = r.header("Location");
    REQUIRE(location.has_value());
    return *location;
  }

  static std::string param(const std::string& url, const std::string& name) {
    for (const auto& [k, v] : auth::oauth_query_parameters(url))
      if (k == name) return v;
    return {};
  }

  /// initiate → authorize → token: a fresh access token of the uploader.
  OAuth1Token login() {
    auth::OAuth1Flow flow(flow_options());
    const auto request = flow.initiate();
    const auto verified = approve(flow.authorize_url(request));
    return flow.exchange(request, param(verified, "oauth_verifier"),
                         param(verified, "oauth_token"));
  }

  /// A GET of api.php signed by hand (fixed nonce or timestamp when given).
  http::Response signed_api_get(const OAuth1Token& token, std::optional<std::string> nonce = {},
                                std::optional<long long> timestamp = {},
                                const auth::OAuthConsumer* as_consumer = nullptr) {
    const auto url = http::append_query(
        proxy.commons_api(),
        {{"action", "query"}, {"meta", "userinfo"}, {"format", "json"}, {"formatversion", "2"}});
    auth::OAuthRequest request("GET", url);
    request.nonce = std::move(nonce);
    request.timestamp = timestamp;
    const auth::OAuth1Signer signer(as_consumer ? *as_consumer : consumer, token);
    http::ClientOptions o;
    o.user_agent.contact = "https://example.org/curator-tests";
    http::Client client(o);
    return client.get(url, {{"Authorization", signer.authorization(request)}});
  }

  MediaWikiProxy proxy;
  std::string username;
  auth::OAuthConsumer consumer;
  std::string issuer;
};

}  // namespace curator::test
