// The MediaWiki client under OAuth identities against the real test wiki,
// through the provider fake: calls signed with an access token (or carrying an
// OAuth 2 bearer token) reach the wiki as the user who granted it; refused
// credentials are auth errors; a reused nonce is re-signed once.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "oauth_provider.hpp"

using namespace curator;
using mediawiki::ApiErrorType;
using mediawiki::ApiException;
using mediawiki::MediaWikiClient;
using test::OAuthWorld;

namespace {

ApiException api_failure(MediaWikiClient& client) {
  try {
    client.user_info();
  } catch (const ApiException& e) {
    return e;
  }
  FAIL("user_info did not throw an ApiException");
  return ApiException({});
}

std::string info_of(const http::Response& r) {
  const auto v = json::parse(r.body, "api answer");
  return std::string(v.as_object().at("error").as_object().at("info").as_string());
}

}  // namespace

TEST_CASE("calls signed with the access token act on the real wiki as that user; upload works") {
  OAuthWorld w;
  const auto access = w.login();
  MediaWikiClient client(w.client_options(), access);
  const auto me = client.user_info();
  CHECK(me.name == w.username);
  CHECK_FALSE(me.anonymous);

  test::TempDir dir;
  const auto file = test::make_png(dir, 40000);
  const auto name = test::unique_name("oauth upload");
  mediawiki::ChunkedUploadOptions options;
  options.chunk_size = 16 << 10;  // several multipart chunks (unsigned bodies) and a form publish
  options.async = false;
  options.comment = "curator OAuth test upload";
  options.text = "libcurator OAuth integration test.";
  options.poll_interval = std::chrono::milliseconds(50);
  const auto outcome = mediawiki::ChunkedUpload(client, file, name, options).run();
  REQUIRE(outcome.published());
  const auto info = client.image_info(outcome.file_name);
  REQUIRE(info.has_value());
  CHECK(info->user == w.username);
  CHECK(info->size == std::filesystem::file_size(file));

  // Every request reached the wiki through the provider's verification.
  for (const auto& r : w.proxy.requests("upload")) {
    CHECK(r.as_object().at("handled_by").as_string() == "upstream");
  }
}

TEST_CASE(
    "the provider's verification: bad signature, reused nonce, old timestamp, unknown "
    "consumer, revoked token") {
  OAuthWorld w;
  const auto access = w.login();

  auto r = w.signed_api_get({access.key, "not-the-secret"});
  CHECK(r.header("MediaWiki-API-Error") == "mwoauth-invalid-authorization");
  CHECK(info_of(r) == "The authorization headers in your request are not valid: Invalid signature");

  r = w.signed_api_get(access, std::string("fixed-nonce-0123456789"));
  const auto ok = json::parse(r.body, "userinfo");
  CHECK(ok.as_object().at("query").as_object().at("userinfo").as_object().at("name").as_string() ==
        w.username);
  r = w.signed_api_get(access, std::string("fixed-nonce-0123456789"));
  CHECK(info_of(r) ==
        "The authorization headers in your request are not valid: Nonce already used: "
        "fixed-nonce-0123456789");

  r = w.signed_api_get(access, std::nullopt, to_unix_seconds(now_utc()) - 1000);
  CHECK(info_of(r).find("Expired timestamp, yours ") != std::string::npos);

  const auth::OAuthConsumer stranger{"stranger", "secret"};
  r = w.signed_api_get(access, std::nullopt, std::nullopt, &stranger);
  CHECK(info_of(r) == "The authorization headers in your request are not valid: Invalid consumer");

  w.proxy.control("DELETE", "/_control/oauth/access/" + access.key, "");
  r = w.signed_api_get(access);
  CHECK(info_of(r) ==
        "The authorization headers in your request are not valid: No approved grant was found "
        "for that authorization token.");
}

TEST_CASE("the client: refused OAuth credentials are auth errors, never retried") {
  OAuthWorld w;
  const auto access = w.login();
  {
    MediaWikiClient client(w.client_options(), OAuth1Token{access.key, "wrong-secret"});
    const auto e = api_failure(client);
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.api_error().code == "mwoauth-invalid-authorization");
    CHECK(std::string(e.what()).find("wrong-secret") == std::string::npos);
    CHECK(client.stats().requests == 1);
  }
  MediaWikiClient client(w.client_options(), access);
  CHECK(client.user_info().name == w.username);
  w.proxy.control("DELETE", "/_control/oauth/access/" + access.key, "");
  const auto e = api_failure(client);
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(e.type() == ApiErrorType::not_logged_in);
  // The raw call reports the refusal the same way: no answer to misread.
  CHECK_THROWS_AS(client.call({{{"action", "query"}, {"meta", "siteinfo"}}}), ApiException);
}

TEST_CASE("the client: \"Nonce already used\" is re-signed with a fresh nonce once") {
  OAuthWorld w;
  const auto access = w.login();
  auto options = w.client_options();
  options.retry.sleep = test::RecordedSleeps{}.function();
  MediaWikiClient client(options, access);
  REQUIRE(client.user_info().name == w.username);
  const auto rule = [&](int count) {
    w.proxy.fault(R"({"action":"query","params":{"meta":"userinfo"},"error":)"
                  R"("mwoauth-invalid-authorization","count":)" +
                  std::to_string(count) + "}");
  };
  rule(1);
  auto before = client.stats();
  CHECK(client.user_info().name == w.username);
  CHECK(client.stats().requests - before.requests == 2);
  CHECK(client.stats().retries - before.retries == 1);

  rule(2);
  before = client.stats();
  try {
    client.user_info();
    FAIL("a second reused nonce must not be retried");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::oauth_nonce_reused);
  }
  CHECK(client.stats().requests - before.requests == 2);
}

TEST_CASE(
    "OAuth 2 bearer tokens: accepted when registered, refused when unknown, expired or "
    "revoked") {
  OAuthWorld w;
  const auto token =
      test::str(w.proxy.control("POST", "/_control/oauth/bearer",
                                json::serialize(json::object{{"username", w.username}})),
                "token");
  MediaWikiClient client(w.client_options(), OAuth2Token{token});
  CHECK(client.user_info().name == w.username);
  CHECK_FALSE(client.csrf_token().empty());

  const auto expired = test::str(
      w.proxy.control("POST", "/_control/oauth/bearer",
                      json::serialize(json::object{{"username", w.username}, {"expires_in", 0}})),
      "token");
  for (const auto& t : {expired, std::string("never-registered")}) {
    CAPTURE(t);
    MediaWikiClient refused(w.client_options(), OAuth2Token{t});
    const auto e = api_failure(refused);
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.api_error().info ==
          "The authorization headers in your request are not valid: Invalid access token");
    CHECK(std::string(e.what()).find(t) == std::string::npos);
  }

  w.proxy.control("DELETE", "/_control/oauth/bearer/" + token, "");
  const auto e = api_failure(client);
  CHECK(e.kind() == ErrorKind::auth);
}
