#include "curator/auth/session_seal.hpp"

#include <doctest/doctest.h>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"

using namespace curator;
using auth::SessionSealer;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-server-secret";
const std::string kPayload = R"({"username":"DaxServer","userid":"48812947","groups":["user"]})";

TimePoint at(long long unix_seconds) {
  return from_unix_millis(unix_seconds * 1000);
}

std::string rejection_code(const SessionSealer& s, std::string_view sealed, TimePoint now) {
  try {
    s.open(sealed, now);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    const std::string msg = e.what();
    CHECK(msg.find("DaxServer") == std::string::npos);
    return e.code();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("seal and open round trip until the expiry") {
  SessionSealer s(kSecret);
  const auto sealed = s.seal(kPayload, at(2000));
  CHECK(sealed.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(sealed.find("DaxServer") == std::string::npos);
  CHECK(s.open(sealed, at(1000)) == kPayload);
  CHECK(s.open(sealed, at(1999)) == kPayload);
  CHECK(rejection_code(s, sealed, at(2000)) == "session_expired");
  CHECK(rejection_code(s, sealed, at(999999)) == "session_expired");
  // Another instance with the same secret opens it (a restarted server).
  CHECK(SessionSealer(kSecret).open(sealed, at(1000)) == kPayload);
  // Random nonces: the same payload never seals to the same text.
  CHECK(s.seal(kPayload, at(2000)) != sealed);
  CHECK(s.open(s.seal("", at(2000)), at(1000)).empty());
}

TEST_CASE("any altered byte, another secret or another purpose is rejected") {
  SessionSealer s(kSecret);
  const auto sealed = s.seal(kPayload, at(2000));
  auto raw = *auth::detail::base64_decode(sealed, auth::detail::Base64Alphabet::url,
                                          auth::detail::Base64Padding::none);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x80);
    CAPTURE(i);
    CHECK(rejection_code(s,
                         auth::detail::base64_encode(altered, auth::detail::Base64Alphabet::url,
                                                     auth::detail::Base64Padding::none),
                         at(1000)) == "session_invalid");
  }
  // Extending the expiry means altering the ciphertext: rejected, not extended.
  CHECK(rejection_code(SessionSealer(kSecret + "x"), sealed, at(1000)) == "session_invalid");
  CHECK(rejection_code(SessionSealer(kSecret, "csrf"), sealed, at(1000)) == "session_invalid");
  CHECK(rejection_code(s, sealed.substr(0, sealed.size() - 1), at(1000)) == "session_invalid");
  CHECK(rejection_code(s, sealed + "A", at(1000)) == "session_invalid");
}

TEST_CASE("hostile values: empty, garbage, padding, oversize") {
  SessionSealer s(kSecret);
  for (const std::string& v :
       {std::string(), std::string("x"), std::string("===="), std::string("a.b.c"),
        std::string("\xff\xfe"), std::string(SessionSealer::kMaxSealedChars + 1, 'A'),
        std::string(40, 'A'), s.seal(kPayload, at(2000)) + "=="}) {
    CAPTURE(v.size());
    CHECK(rejection_code(s, v, at(1000)) == "session_invalid");
  }
}

TEST_CASE("limits: short secrets and oversize payloads are invalid_input") {
  CHECK_THROWS_AS(SessionSealer(std::string(31, 'k')), Error);
  CHECK_THROWS_AS(SessionSealer(kSecret, ""), Error);
  try {
    SessionSealer("short-secret-value");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).find("short-secret-value") == std::string::npos);
  }
  SessionSealer s(kSecret);
  const std::string biggest(SessionSealer::kMaxPayloadBytes, 'p');
  const auto sealed = s.seal(biggest, at(2000));
  CHECK(sealed.size() <= SessionSealer::kMaxSealedChars);
  CHECK(s.open(sealed, at(1000)) == biggest);
  CHECK_THROWS_AS(s.seal(biggest + "p", at(2000)), Error);
}
