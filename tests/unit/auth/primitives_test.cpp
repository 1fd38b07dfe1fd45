#include "auth/primitives.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace curator::auth::detail;

namespace {
std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 15];
  }
  return out;
}
std::string range(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i)
    out += static_cast<char>(i);
  return out;
}
}  // namespace

TEST_CASE("base64: RFC 4648 §10 vectors, both alphabets, with and without padding") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain, Base64Alphabet::standard, Base64Padding::required) == encoded);
    CHECK(base64_decode(encoded, Base64Alphabet::url, Base64Padding::required) == plain);
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=')
      unpadded.pop_back();
    CHECK(base64_encode(plain, Base64Alphabet::url, Base64Padding::none) == unpadded);
    CHECK(base64_decode(unpadded, Base64Alphabet::url, Base64Padding::none) == plain);
  }
  CHECK(base64_encode("\xfb\xff", Base64Alphabet::standard, Base64Padding::required) == "+/8=");
  CHECK(base64_encode("\xfb\xff", Base64Alphabet::url, Base64Padding::required) == "-_8=");
}

TEST_CASE("base64: strict decoding refuses every non-canonical spelling") {
  const auto url_padded = [](const char* s) {
    return base64_decode(s, Base64Alphabet::url, Base64Padding::required);
  };
  CHECK_FALSE(url_padded("Zg"));         // padding missing
  CHECK_FALSE(url_padded("Zg="));        // length not a multiple of 4
  CHECK_FALSE(url_padded("Zh=="));       // unused bits set
  CHECK_FALSE(url_padded("Zm9v Yg=="));  // whitespace
  CHECK_FALSE(url_padded("+/8="));       // standard alphabet in url mode
  CHECK_FALSE(url_padded("Z==="));
  CHECK_FALSE(url_padded("=Zg="));
  CHECK_FALSE(url_padded("Zg==Zg=="));
  CHECK_FALSE(base64_decode("Zg==", Base64Alphabet::url, Base64Padding::none));
  CHECK_FALSE(base64_decode("Z", Base64Alphabet::url, Base64Padding::none));
  CHECK(url_padded("-_8=") == std::string("\xfb\xff"));
}

TEST_CASE("HMAC-SHA256: RFC 4231 test case 2; HMAC-SHA1: RFC 2202 test case 2") {
  CHECK(hex(hmac("SHA256", "Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(hmac("SHA1", "Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("HKDF-SHA256: RFC 5869 test case 1") {
  const std::string ikm(22, '\x0b');
  CHECK(hex(hkdf_sha256(ikm, range(0x00, 0x0c), range(0xf0, 0xf9), 42)) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("random values differ and alphanumerics stay in their alphabet") {
  CHECK(random_bytes(32).size() == 32);
  CHECK(random_bytes(32) != random_bytes(32));
  const auto a = random_alphanumeric(1000);
  CHECK(a.size() == 1000);
  CHECK(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
        std::string::npos);
}

TEST_CASE("constant_time_equal compares lengths and bytes") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  std::string s = "secret";
  wipe(s);
  CHECK(s.empty());
}
