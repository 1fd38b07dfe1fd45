#include "curator/auth/fernet.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"
#include "curator/core/json.hpp"

using namespace curator;
using auth::Fernet;

namespace {

json::value fixture(const std::string& name) {
  std::ifstream in(std::string(CURATOR_TEST_FIXTURES) + "/auth/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str(), name);
}

std::string str(const json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

std::array<unsigned char, 16> iv_from_hex(const std::string& hex) {
  REQUIRE(hex.size() == 32);
  std::array<unsigned char, 16> iv{};
  for (std::size_t i = 0; i < 16; ++i) {
    iv[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return iv;
}

// Runs `f`, which must throw curator::Error; returns it for inspection.
template <class F>
Error error_from(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no curator::Error thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

constexpr const char* kSampleKey = "PAbNMPp-ZkYXH06C1jRv_tkBmZyqCZgogO26b976lgg=";

}  // namespace

TEST_CASE("Fernet spec: generate reproduces the token byte for byte") {
  const auto doc = fixture("fernet-spec.json");
  for (const auto& v : doc.at("generate").as_array()) {
    Fernet f(str(v, "secret"));
    std::array<unsigned char, 16> iv{};
    const auto& arr = v.at("iv").as_array();
    for (std::size_t i = 0; i < 16; ++i)
      iv[i] = static_cast<unsigned char>(arr[i].as_int64());
    const auto ts = to_unix_seconds(parse_utc(str(v, "now")));
    CHECK(ts == 499162800);
    CHECK(f.encrypt_at(str(v, "src"), static_cast<std::uint64_t>(ts), iv) == str(v, "token"));
  }
}

TEST_CASE("Fernet spec: verify decrypts within the TTL") {
  const auto doc = fixture("fernet-spec.json");
  for (const auto& v : doc.at("verify").as_array()) {
    Fernet f(str(v, "secret"));
    const auto ttl = std::chrono::seconds(v.at("ttl_sec").as_int64());
    CHECK(f.decrypt(str(v, "token"), ttl, parse_utc(str(v, "now"))) == str(v, "src"));
    CHECK(f.decrypt(str(v, "token")) == str(v, "src"));
    CHECK(f.timestamp_of(str(v, "token")) == 499162800u);
  }
}

TEST_CASE("Fernet spec: every invalid token is refused with an auth error") {
  const auto doc = fixture("fernet-spec.json");
  for (const auto& v : doc.at("invalid").as_array()) {
    CAPTURE(str(v, "desc"));
    Fernet f(str(v, "secret"));
    const auto ttl = std::chrono::seconds(v.at("ttl_sec").as_int64());
    const auto e = error_from([&] { f.decrypt(str(v, "token"), ttl, parse_utc(str(v, "now"))); });
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "invalid_token");
  }
}

TEST_CASE("Fernet spec: TTL and clock skew limits are what the vectors imply") {
  Fernet f("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
  const std::string token =
      "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_"
      "5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4"
      "IwqDA==";
  const auto issued = parse_utc("1985-10-26T08:20:00Z");
  CHECK(f.decrypt(token, std::chrono::seconds(60), issued + std::chrono::seconds(60)) == "hello");
  CHECK_THROWS_AS(f.decrypt(token, std::chrono::seconds(60), issued + std::chrono::seconds(61)),
                  Error);
  // 60 s of future skew is tolerated, 61 s is not.
  CHECK(f.decrypt(token, std::chrono::seconds(60), issued - std::chrono::seconds(60)) == "hello");
  CHECK_THROWS_AS(f.decrypt(token, std::chrono::seconds(60), issued - std::chrono::seconds(61)),
                  Error);
  // Without a TTL the age is not checked (upstream decrypts that way).
  CHECK(f.decrypt(token) == "hello");
}

TEST_CASE("Python cryptography vectors: decrypt and re-encrypt byte for byte") {
  const auto doc = fixture("fernet-vectors.json");
  Fernet f(str(doc, "key"));
  const auto& cases = doc.at("cases").as_array();
  REQUIRE(cases.size() >= 5);
  for (const auto& c : cases) {
    CAPTURE(str(c, "note"));
    const auto token = str(c, "token");
    CHECK(f.decrypt(token) == str(c, "plaintext"));
    const auto ts = static_cast<std::uint64_t>(c.at("timestamp").as_int64());
    CHECK(f.timestamp_of(token) == ts);
    CHECK(f.encrypt_at(str(c, "plaintext"), ts, iv_from_hex(str(c, "iv_hex"))) == token);
  }
}

TEST_CASE("Python cryptography vectors: invalid tokens are refused") {
  const auto doc = fixture("fernet-vectors.json");
  Fernet f(str(doc, "key"));
  std::set<std::string> reasons;
  for (const auto& c : doc.at("invalid").as_array()) {
    CAPTURE(str(c, "note"));
    reasons.insert(str(c, "why"));
    const auto e = error_from([&] { f.decrypt(str(c, "token")); });
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "invalid_token");
    if (const auto* other = c.as_object().if_contains("key_used")) {
      // The "wrong key" token is genuine under its own key.
      Fernet right(std::string(other->as_string()));
      CHECK_NOTHROW(right.decrypt(str(c, "token")));
    }
  }
  CHECK(reasons.count("bad hmac") == 1);
  CHECK(reasons.count("bad padding") == 1);
  CHECK(reasons.count("wrong key") == 1);
}

TEST_CASE("sample DB rows: access tokens decrypt to each user's [key, secret]") {
  // Expected credentials per user, from fernet-vectors.json's sample_rows.
  const std::map<std::string, OAuth1Token> by_user{
      {"90417382", {"631ec6994d9be15f1d96f9323e184070", "53663a8231acd04eaaf21fc81e9b1581"}},
      {"73150266", {"c417d9ef68f3a87653e0c1db937a34ed", "5663187805c33d39d5cdd5d84539c083"}},
      {"48812947", {"af7bf4027adf56bee6781afe3dc303dd", "a19fb4ce9bc4a24c599ca020d6922c9b"}},
  };
  Fernet f(kSampleKey);
  const auto doc = fixture("sample-row-tokens.json");
  const auto& rows = doc.at("rows").as_array();
  REQUIRE(rows.size() == 6);
  for (const auto& row : rows) {
    CAPTURE(row.at("upload_request_id").as_int64());
    const auto creds = auth::decrypt_credentials(f, str(row, "access_token"));
    REQUIRE(std::holds_alternative<OAuth1Token>(creds));
    CHECK(std::get<OAuth1Token>(creds) == by_user.at(str(row, "userid")));
  }
}

TEST_CASE("credentials round trip and a random IV every time") {
  Fernet f(kSampleKey);
  const Credentials creds = OAuth1Token{"k3y", "s3cr3t"};
  const auto t1 = auth::encrypt_credentials(f, creds);
  const auto t2 = auth::encrypt_credentials(f, creds);
  CHECK(t1 != t2);
  CHECK(auth::decrypt_credentials(f, t1) == creds);
  CHECK(auth::decrypt_credentials(f, t2) == creds);
  CHECK(f.decrypt(t1) == R"(["k3y","s3cr3t"])");
  const auto stamped = static_cast<long long>(f.timestamp_of(t1));
  CHECK(std::abs(stamped - to_unix_seconds(now_utc())) <= 5);

  const Credentials bot = BotPassword{"User@app", "pw"};
  CHECK(auth::decrypt_credentials(f, auth::encrypt_credentials(f, bot)) == bot);

  // Genuine tokens whose plaintext is not a credential shape.
  const auto e1 = error_from([&] { auth::decrypt_credentials(f, f.encrypt("not json {")); });
  CHECK(e1.kind() == ErrorKind::invalid_input);
  CHECK(std::string(e1.what()).find("not json") == std::string::npos);
  const auto e2 = error_from([&] { auth::decrypt_credentials(f, f.encrypt(R"(["only-one"])")); });
  CHECK(e2.kind() == ErrorKind::invalid_input);
  CHECK(std::string(e2.what()).find("only-one") == std::string::npos);
}

TEST_CASE("round trip of empty, binary and large plaintexts") {
  Fernet f(auth::generate_fernet_key());
  std::string binary;
  for (int i = 0; i < 256; ++i)
    binary += static_cast<char>(i);
  for (const std::string& p : {std::string(), std::string(15, 'x'), std::string(16, 'y'), binary,
                               std::string(100000, 'z')}) {
    CHECK(f.decrypt(f.encrypt(p)) == p);
  }
  CHECK_THROWS_AS(f.encrypt(std::string(Fernet::kMaxTokenChars, 'a')), Error);
}

TEST_CASE("generated keys: 44 url-safe characters of 32 random bytes") {
  std::set<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    const auto k = auth::generate_fernet_key();
    CHECK(k.size() == 44);
    CHECK(k.back() == '=');
    CHECK(k.find_first_of("+/") == std::string::npos);
    const auto raw = auth::detail::base64_decode(k, auth::detail::Base64Alphabet::url,
                                                 auth::detail::Base64Padding::required);
    REQUIRE(raw);
    CHECK(raw->size() == 32);
    CHECK_NOTHROW(Fernet{k});
    keys.insert(k);
  }
  CHECK(keys.size() == 20);
}

TEST_CASE("bad keys are invalid_input and the message never quotes the key") {
  const std::string good = kSampleKey;
  std::string standard_alphabet = good;
  standard_alphabet[4] = '+';  // '-' in the url-safe alphabet
  const std::vector<std::string> bad{
      "",
      "short",
      good.substr(0, 43),
      good + "A",
      good.substr(0, 43) + "A",  // 44 chars, no padding: 33 bytes' worth
      standard_alphabet,         // Python's urlsafe decoder would take it; we do not
      std::string(44, '='),
      "PAbNMPp-ZkYXH06C1jRv_tkBmZyqCZgogO26b976lgg!",
      "PAbNMPp-ZkYXH06C1jRv_tkBmZyqCZgogO26b976lgh=",  // non-zero unused bits
      std::string(44, '\0'),
  };
  for (const auto& k : bad) {
    CAPTURE(k.size());
    const auto e = error_from([&] { Fernet f(k); });
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "invalid_fernet_key");
    const std::string msg = e.what();
    CHECK(msg.find("TOKEN_ENCRYPTION_KEY") != std::string::npos);
    if (k.size() >= 8) CHECK(msg.find(k.substr(0, 8)) == std::string::npos);
  }
  // Surrounding whitespace (a newline from a secrets file) is tolerated.
  CHECK_NOTHROW(Fernet("  " + good + "\n"));
}

TEST_CASE("hostile tokens: garbage, oversize, truncations and bit flips") {
  Fernet f(kSampleKey);
  const auto token = f.encrypt(R"(["k","s"])");
  const std::vector<std::string> hostile{
      "",
      "=",
      "====",
      "gAAA",
      "\x80\x81\xff",
      std::string(Fernet::kMaxTokenChars + 4, 'A'),
      token + "=",
      token.substr(0, token.size() - 4),
      token + token,
      " " + token,
  };
  for (const auto& t : hostile) {
    CAPTURE(t.size());
    const auto e = error_from([&] { f.decrypt(t); });
    CHECK(e.kind() == ErrorKind::auth);
  }
  // Flip one bit of every byte of the decoded token: all must be refused.
  auto raw = *auth::detail::base64_decode(token, auth::detail::Base64Alphabet::url,
                                          auth::detail::Base64Padding::required);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    const auto t = auth::detail::base64_encode(altered, auth::detail::Base64Alphabet::url,
                                               auth::detail::Base64Padding::required);
    CAPTURE(i);
    CHECK_THROWS_AS(f.decrypt(t), Error);
  }
  // Another key never decrypts it.
  Fernet other(auth::generate_fernet_key());
  CHECK_THROWS_AS(other.decrypt(token), Error);
}
