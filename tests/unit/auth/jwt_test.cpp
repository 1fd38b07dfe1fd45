#include "curator/auth/jwt.hpp"

#include <doctest/doctest.h>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"

using namespace curator;
using namespace curator::auth;

namespace {

constexpr const char* kSecret = "consumer-secret-0123456789abcdef";
constexpr const char* kKey = "consumer-key-abc";
constexpr const char* kIssuer = "https://commons.wikimedia.org";
constexpr const char* kNonce = "n0nce-from-the-request";
constexpr long long kNow = 1775462400;

std::string b64url(std::string_view s) {
  return detail::base64_encode(s, detail::Base64Alphabet::url, detail::Base64Padding::none);
}

std::string sign(std::string_view header, std::string_view payload,
                 std::string_view secret = kSecret) {
  const auto input = b64url(header) + "." + b64url(payload);
  return input + "." + b64url(detail::hmac("SHA256", secret, input));
}

json::object claims(long long iat = kNow) {
  return json::object{{"iss", kIssuer},
                      {"aud", kKey},
                      {"sub", 48812947},
                      {"iat", iat},
                      {"exp", iat + 100},
                      {"nonce", kNonce},
                      {"username", "DaxServer"},
                      {"editcount", 12345},
                      {"confirmed_email", true},
                      {"blocked", false},
                      {"registered", "20200101000000"},
                      {"groups", json::array{"*", "user", "autoconfirmed"}},
                      {"rights", json::array{"read", "edit", "upload"}},
                      {"grants", json::array{"basic", "uploadfile"}}};
}

const std::string kHeader = R"({"typ":"JWT","alg":"HS256"})";

std::string token_for(const json::object& c, std::string_view secret = kSecret) {
  return sign(kHeader, json::serialize(c), secret);
}

IdentifyCheck check(long long now = kNow) {
  return IdentifyCheck{kIssuer, kKey, kNonce, std::chrono::seconds(60),
                       from_unix_millis(now * 1000)};
}

std::string rejection(std::string_view token, const IdentifyCheck& c = check(),
                      std::string_view secret = kSecret) {
  try {
    verify_identify_token(token, secret, c);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "invalid_jwt");
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("a known HS256 token (jwt.io's example) verifies") {
  const auto c = verify_hs256(
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
      "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      "your-256-bit-secret");
  CHECK(c.at("name") == "John Doe");
  CHECK(c.at("iat") == 1516239022);
  CHECK_THROWS_AS(verify_hs256("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibm"
                               "FtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fw"
                               "pMeJf36POk6yJV_adQssw5c",
                               "another-secret"),
                  Error);
}

TEST_CASE("a valid identify token yields the claims and the identity") {
  const auto c = verify_identify_token(token_for(claims()), kSecret, check());
  const auto id = identity_from_claims(c);
  CHECK(id.user_id == "48812947");
  CHECK(id.username == "DaxServer");
  CHECK(id.groups == std::vector<std::string>{"*", "user", "autoconfirmed"});
  CHECK(id.rights == std::vector<std::string>{"read", "edit", "upload"});
  CHECK(id.grants == std::vector<std::string>{"basic", "uploadfile"});
  CHECK(id.edit_count == 12345);
  CHECK(id.confirmed_email);
  CHECK_FALSE(id.blocked);

  // iat at the edges of the window, aud as an array, a string sub.
  CHECK_NOTHROW(verify_identify_token(token_for(claims(kNow - 60)), kSecret, check()));
  CHECK_NOTHROW(verify_identify_token(token_for(claims(kNow + 60)), kSecret, check()));
  auto c2 = claims();
  c2["aud"] = json::array{"other", kKey};
  c2["sub"] = "48812947";
  CHECK(identity_from_claims(verify_identify_token(token_for(c2), kSecret, check())).user_id ==
        "48812947");
}

TEST_CASE("tampering: payload, header, signature, secret") {
  const auto good = token_for(claims());
  const auto dot1 = good.find('.');
  const auto dot2 = good.find('.', dot1 + 1);

  auto forged = claims();
  forged["username"] = "Someone else";
  const auto forged_payload = b64url(json::serialize(forged));
  CHECK(
      rejection(good.substr(0, dot1 + 1) + forged_payload + good.substr(dot2)).find("signature") !=
      std::string::npos);

  std::string flipped = good;
  flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
  CHECK(rejection(flipped).find("signature") != std::string::npos);

  CHECK(rejection(token_for(claims(), "wrong-secret")).find("signature") != std::string::npos);
  CHECK(rejection(good.substr(0, dot2 + 1)) != "(accepted)");
}

TEST_CASE("algorithm confusion: none, HS512, RS256 and a missing alg are refused") {
  const auto payload = json::serialize(claims());
  CHECK(rejection(b64url(R"({"alg":"none"})") + "." + b64url(payload) + ".").find("HS256") !=
        std::string::npos);
  CHECK(rejection(sign(R"({"alg":"none"})", payload)).find("HS256") != std::string::npos);
  CHECK(rejection(sign(R"({"alg":"HS512"})", payload)).find("HS256") != std::string::npos);
  CHECK(rejection(sign(R"({"alg":"RS256"})", payload)).find("HS256") != std::string::npos);
  CHECK(rejection(sign(R"({"typ":"JWT"})", payload)).find("HS256") != std::string::npos);
  CHECK(rejection(sign(R"({"alg":["HS256"]})", payload)).find("HS256") != std::string::npos);
}

TEST_CASE("claims: audience, issuer, nonce, issued-at window, expiry") {
  auto c = claims();
  c["aud"] = "another-consumer";
  CHECK(rejection(token_for(c)).find("audience") != std::string::npos);
  c["aud"] = json::array{"another-consumer"};
  CHECK(rejection(token_for(c)).find("audience") != std::string::npos);
  c.erase("aud");
  CHECK(rejection(token_for(c)).find("audience") != std::string::npos);

  c = claims();
  c["iss"] = "https://evil.example.org";
  CHECK(rejection(token_for(c)).find("issuer") != std::string::npos);

  c = claims();
  c["nonce"] = "replayed-nonce";
  CHECK(rejection(token_for(c)).find("nonce") != std::string::npos);
  c.erase("nonce");
  CHECK(rejection(token_for(c)).find("nonce") != std::string::npos);

  CHECK(rejection(token_for(claims(kNow - 61))).find("too long ago") != std::string::npos);
  CHECK(rejection(token_for(claims(kNow + 61))).find("future") != std::string::npos);

  c = claims();
  c["exp"] = kNow - 61;
  CHECK(rejection(token_for(c)).find("expired") != std::string::npos);
  c["exp"] = "tomorrow";
  CHECK(rejection(token_for(c)).find("exp") != std::string::npos);
  c = claims();
  c.erase("iat");
  CHECK(rejection(token_for(c)).find("iat") != std::string::npos);
  c = claims();
  c.erase("exp");  // exp is optional; iat still bounds the age
  CHECK(rejection(token_for(c)) == "(accepted)");
}

TEST_CASE("malformed tokens are auth errors without echoing the token") {
  const auto good = token_for(claims());
  const std::vector<std::string> bad{
      "",
      "abc",
      "a.b",
      "a.b.c.d",
      good + ".",
      "!!!." + good.substr(good.find('.') + 1),
      sign("not json", json::serialize(claims())),
      sign(kHeader, "[1,2,3]"),
      sign(kHeader, "{\"a\":"),
      sign("[]", json::serialize(claims())),
      std::string(20000, 'a') + ".b.c",
      sign(kHeader, std::string(100, '[') + std::string(100, ']')),
  };
  for (const auto& t : bad) {
    CAPTURE(t.size());
    const auto msg = rejection(t);
    CHECK(msg != "(accepted)");
    if (t.size() > 20) CHECK(msg.find(t.substr(0, 20)) == std::string::npos);
  }
  CHECK_THROWS_AS(verify_hs256(good, ""), Error);
  IdentifyCheck incomplete = check();
  incomplete.nonce.clear();
  CHECK_THROWS_AS(verify_identify_token(good, kSecret, incomplete), Error);
}

TEST_CASE("identity_from_claims needs sub and username with the right types") {
  auto c = claims();
  c.erase("sub");
  CHECK_THROWS_AS(identity_from_claims(c), Error);
  c = claims();
  c["username"] = 5;
  CHECK_THROWS_AS(identity_from_claims(c), Error);
  c = claims();
  c["groups"] = json::array{"user", 5};
  CHECK_THROWS_AS(identity_from_claims(c), Error);
  c = claims();
  c["groups"] = "user";
  CHECK_THROWS_AS(identity_from_claims(c), Error);
}
