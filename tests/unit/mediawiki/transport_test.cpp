// What MediaWikiClient puts on the wire and how it reacts to failing
// servers, against a real local HTTP server (tests/fakes/http_fixture_server.py):
// parameter placement, OAuth 1.0a signatures, bearer tokens, and the retry
// rules for 5xx, 429, maxlag, ratelimited, garbage, refused connections and
// lost answers. Waits are recorded, not slept.

#include <doctest/doctest.h>

#include <map>

#include "../http/fixture_server.hpp"
#include "curator/auth/oauth1.hpp"
#include "curator/core/error.hpp"
#include "curator/http/form.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/client.hpp"

using namespace curator;
using namespace curator::mediawiki;
using std::chrono::milliseconds;

namespace {

struct Recorder {
  std::shared_ptr<std::vector<milliseconds>> waits = std::make_shared<std::vector<milliseconds>>();
};

ClientOptions options_for(const std::string& url, const Recorder& r) {
  ClientOptions o;
  o.api_url = url;
  o.http.user_agent.contact = "https://example.org/curator-tests";
  auto waits = r.waits;
  o.retry.sleep = [waits](milliseconds d) { waits->push_back(d); };
  return o;
}

std::string status_url(const test::FixtureServer& server, int status, const std::string& body,
                       const std::string& extra = "") {
  return server.url("/status/" + std::to_string(status) +
                    "?type=application/json&body=" + http::percent_encode(body) + extra);
}

std::map<std::string, std::string> pairs(const json::value& v) {
  std::map<std::string, std::string> out;
  if (v.is_object()) {
    for (const auto& [k, x] : v.get_object())
      out[std::string(k)] = std::string(x.as_string());
  } else {
    for (const auto& p : v.as_array()) {
      out[std::string(p.as_array()[0].as_string())] = std::string(p.as_array()[1].as_string());
    }
  }
  return out;
}

// The OAuth header's parameters, decoded.
std::map<std::string, std::string> oauth_params(std::string header) {
  REQUIRE(header.starts_with("OAuth "));
  header = header.substr(6);
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    const auto eq = header.find('=', pos);
    const auto end = header.find(',', eq);
    auto name = header.substr(pos, eq - pos);
    while (!name.empty() && name.front() == ' ')
      name.erase(0, 1);
    auto value = header.substr(eq + 2, (end == std::string::npos ? header.size() : end) - eq - 3);
    std::string decoded;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '%' && i + 2 < value.size()) {
        decoded += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += value[i];
      }
    }
    out[name] = decoded;
    pos = end == std::string::npos ? header.size() : end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("GET: format, formatversion and maxlag in the query; no assert when anonymous") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient client(options_for(server.url("/echo"), r));
  const auto echo = client.call(ApiRequest{{{"action", "query"}, {"meta", "siteinfo"}}});
  const auto q = pairs(echo.at("query"));
  CHECK(echo.at("method").as_string() == "GET");
  CHECK(q.at("action") == "query");
  CHECK(q.at("format") == "json");
  CHECK(q.at("formatversion") == "2");
  CHECK(q.at("maxlag") == "5");
  CHECK_FALSE(q.contains("assert"));
  CHECK(echo.at("headers").as_object().at("user-agent").as_string().starts_with("curator/"));
  CHECK(r.waits->empty());
}

TEST_CASE("POST: the token and the payload go in the body, the action in the URL") {
  test::FixtureServer server;
  Recorder r;
  auto options = options_for(server.url("/echo"), r);
  options.maxlag = std::nullopt;
  MediaWikiClient client(options);
  client.seed_csrf_token("abc+\\");
  const auto echo =
      client.call(ApiRequest{{{"action", "edit"}, {"title", "T"}, {"text", "a&b=c"}}, true, true});
  const auto q = pairs(echo.at("query"));
  const auto form = pairs(echo.at("form"));
  CHECK(q.at("action") == "edit");
  CHECK_FALSE(q.contains("maxlag"));
  CHECK_FALSE(q.contains("token"));
  CHECK(form.at("token") == "abc+\\");
  CHECK(form.at("text") == "a&b=c");
  CHECK(form.at("title") == "T");
  CHECK_FALSE(echo.at("headers").as_object().contains("expect"));
}

TEST_CASE("OAuth 1.0a: every request is signed over its query and form fields") {
  test::FixtureServer server;
  Recorder r;
  auto options = options_for(server.url("/echo"), r);
  options.oauth_consumer = auth::OAuthConsumer{"consumer-key", "consumer-secret"};
  const OAuth1Token token{"token-key", "token-secret"};
  MediaWikiClient client(options, token);
  client.seed_csrf_token("tok+\\");
  for (const bool post : {false, true}) {
    CAPTURE(post);
    const auto echo =
        client.call(ApiRequest{{{"action", "query"}, {"titles", "A b|ç"}}, post, post});
    const auto header = std::string(echo.at("headers").at("authorization").as_string());
    const auto p = oauth_params(header);
    CHECK(p.at("oauth_consumer_key") == "consumer-key");
    CHECK(p.at("oauth_token") == "token-key");
    CHECK(p.at("oauth_signature_method") == "HMAC-SHA1");
    // Sign the same request again with the same nonce and time: same signature.
    std::string url = server.url("/echo");
    auth::Parameters query, form;
    for (const auto& [k, v] : pairs(echo.at("query")))
      query.emplace_back(k, v);
    if (post) {
      for (const auto& [k, v] : pairs(echo.at("form")))
        form.emplace_back(k, v);
    }
    auth::OAuthRequest again(post ? "POST" : "GET", http::append_query(url, query), form);
    again.nonce = p.at("oauth_nonce");
    again.timestamp = std::stoll(p.at("oauth_timestamp"));
    const auth::OAuth1Signer signer(*options.oauth_consumer, token);
    CHECK(signer.sign(again).signature == p.at("oauth_signature"));
    CHECK(pairs(echo.at("query")).at("assert") == "user");
  }
  // Without a consumer, OAuth 1.0a credentials are refused up front.
  CHECK_THROWS_AS(MediaWikiClient(options_for(server.url("/echo"), r), token), Error);
}

TEST_CASE("OAuth 2: a bearer token on every request") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient client(options_for(server.url("/echo"), r), OAuth2Token{"secret-bearer"});
  const auto echo = client.call(ApiRequest{{{"action", "query"}}});
  CHECK(echo.at("headers").at("authorization").as_string() == "Bearer secret-bearer");
}

TEST_CASE("HTTP 503 without an API error: retried with backoff, then a transient error") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient client(options_for(server.url("/status/503"), r));
  try {
    client.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "http_503");
  }
  CHECK(*r.waits ==
        std::vector<milliseconds>{milliseconds(1000), milliseconds(2000), milliseconds(4000)});
  CHECK(client.stats().requests == 4);
  CHECK(client.stats().retries == 3);
}

TEST_CASE("maxlag: waits as long as the wiki asks, then reports with retry_after") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient client(options_for(
      status_url(
          server, 200,
          R"({"error":{"code":"maxlag","info":"Waiting for a database server: 7 seconds lagged."}})",
          "&retry_after=7"),
      r));
  try {
    client.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::maxlag);
    CHECK(e.kind() == ErrorKind::transient);
    REQUIRE(e.retry_after().has_value());
    CHECK(e.retry_after()->count() >= 7);
  }
  CHECK(*r.waits ==
        std::vector<milliseconds>{milliseconds(7000), milliseconds(7000), milliseconds(7000)});
}

TEST_CASE("HTTP 429 and ratelimited: their own budget and backoff") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient throttled(options_for(server.url("/status/429?retry_after=20"), r));
  try {
    throttled.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::rate_limited);
    CHECK(e.code() == "http_429");
    CHECK(e.retry_after().has_value());
  }
  CHECK(*r.waits == std::vector<milliseconds>{milliseconds(20000), milliseconds(30000)});

  Recorder r2;
  MediaWikiClient limited(options_for(
      status_url(server, 200,
                 R"({"error":{"code":"ratelimited","info":"You've exceeded your rate limit."}})"),
      r2));
  try {
    limited.call(ApiRequest{{{"action", "upload"}}, true});
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::rate_limited);
    CHECK(e.retry_after() == std::chrono::seconds(60));
  }
  CHECK(*r2.waits == std::vector<milliseconds>{milliseconds(15000), milliseconds(30000)});
}

TEST_CASE("server-side exceptions are retried; other API errors come back at once") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient failing(options_for(
      status_url(
          server, 200,
          R"({"error":{"code":"internal_api_error_DBQueryError","info":"[abc] Database query error"}})"),
      r));
  try {
    failing.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::server_error);
  }
  CHECK(r.waits->size() == 3);

  Recorder r2;
  MediaWikiClient plain(
      options_for(status_url(server, 200, R"({"error":{"code":"missingtitle","info":"x"}})"), r2));
  const auto answer = plain.call(ApiRequest{{{"action", "edit"}}, true});
  CHECK(find_api_error(answer)->type == ApiErrorType::missing_title);
  CHECK(r2.waits->empty());
  // A caller-supplied token is not refreshed: badtoken comes back as is.
  Recorder r3;
  MediaWikiClient token(
      options_for(status_url(server, 200, R"({"error":{"code":"badtoken","info":"x"}})"), r3));
  CHECK(find_api_error(token.call(ApiRequest{{{"action", "edit"}}, true}))->type ==
        ApiErrorType::bad_token);
  CHECK(r3.waits->empty());
  // A reused OAuth nonce is retried at once with a new one, once.
  Recorder r4;
  MediaWikiClient nonce(options_for(
      status_url(
          server, 200,
          R"({"error":{"code":"mwoauth-invalid-authorization","info":"The authorization headers in your request are not valid: Nonce already used: x"}})"),
      r4));
  CHECK_THROWS_AS(nonce.call(ApiRequest{{{"action", "query"}}}), ApiException);
  CHECK(nonce.stats().requests == 2);
}

TEST_CASE("not JSON, 404, oversize answers and refused connections") {
  test::FixtureServer server;
  Recorder r;
  MediaWikiClient garbage(
      options_for(server.url("/status/200?body=%3Chtml%3Efatal%3C/html%3E"), r));
  try {
    garbage.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "invalid_answer");
  }
  CHECK(r.waits->size() == 3);

  Recorder r2;
  MediaWikiClient missing(options_for(server.url("/status/404"), r2));
  try {
    missing.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::not_found);
  }
  CHECK(r2.waits->empty());

  Recorder r3;
  auto small = options_for(server.url("/bytes?n=5000&type=application/json"), r3);
  small.http.max_response_bytes = 1000;
  MediaWikiClient big(small);
  try {
    big.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == "response_too_large");
  }
  CHECK(r3.waits->empty());

  Recorder r4;
  auto closed = options_for("http://127.0.0.1:9/api.php", r4);
  MediaWikiClient refused(closed);
  try {
    refused.call(ApiRequest{{{"action", "query"}}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "connect_failed");
  }
  CHECK(r4.waits->size() == 3);
}

TEST_CASE("a lost answer: repeated for idempotent calls, reported as unknown otherwise") {
  test::FixtureServer server;
  Recorder r;
  auto options = options_for(server.url("/slow?first_byte_ms=2000"), r);
  options.http.total_timeout = milliseconds(300);
  options.retry.max_attempts = 2;
  MediaWikiClient client(options);
  try {
    client.call(ApiRequest{{{"action", "wbeditentity"}}, true, false, false});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(e.code() == "outcome_unknown");
  }
  CHECK(client.stats().requests == 1);
  CHECK_THROWS_AS(client.call(ApiRequest{{{"action", "query"}}}), Error);
  CHECK(client.stats().requests == 3);
}

TEST_CASE("bad client options and requests are refused before sending") {
  Recorder r;
  CHECK_THROWS_AS(MediaWikiClient(options_for("", r)), Error);
  auto o = options_for("http://127.0.0.1:9/api.php", r);
  o.retry.max_attempts = 0;
  CHECK_THROWS_AS(MediaWikiClient{o}, Error);
  MediaWikiClient client(options_for("http://127.0.0.1:9/api.php", r));
  CHECK_THROWS_AS(client.find_files_by_sha1("xyz"), Error);
  CHECK_THROWS_AS(client.entity("Q0"), Error);
  CHECK_THROWS_AS(client.entity_by_title("", "File:X.jpg"), Error);
  ChunkRequest chunk;
  chunk.file_name = "X.png";
  chunk.file_size = 10;
  chunk.length = 20;
  CHECK_THROWS_AS(client.upload_chunk(chunk), Error);
  chunk.length = 5;
  chunk.offset = 5;  // no filekey after the first chunk
  CHECK_THROWS_AS(client.upload_chunk(chunk), Error);
  CHECK(client.stats().requests == 0);
}
