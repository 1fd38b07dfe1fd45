#pragma once
// Fernet (https://github.com/fernet/spec), the at-rest format of OAuth access
// tokens in `upload_requests.access_token`, byte-compatible with Python's
// `cryptography.fernet`. Owns the key (wiped on destruction) and the token
// format; knows nothing about where tokens are stored. Error messages never
// contain key material, tokens or plaintext.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "curator/core/credentials.hpp"
#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator::auth {

/// A new random key as Python's `Fernet.generate_key()` spells it: 44
/// characters of url-safe base64 (with padding) for 32 random bytes.
CURATOR_API std::string generate_fernet_key();

class CURATOR_API Fernet {
 public:
  /// Tokens longer than this are refused before any work is done.
  static constexpr std::size_t kMaxTokenChars = 1u << 20;
  /// pyca's `_MAX_CLOCK_SKEW`: with a TTL, tokens from further in the future fail.
  static constexpr std::chrono::seconds kMaxClockSkew{60};

  /// `key`: the 44-character url-safe base64 key (TOKEN_ENCRYPTION_KEY);
  /// surrounding whitespace is ignored. Throws Error(invalid_input,
  /// code "invalid_fernet_key") that never quotes the key.
  explicit Fernet(std::string_view key);
  ~Fernet();
  Fernet(const Fernet& other);
  Fernet& operator=(const Fernet& other);

  /// Token stamped with the current time and a random IV.
  std::string encrypt(std::string_view plaintext) const;
  /// Deterministic form for test vectors: explicit Unix time and IV.
  std::string encrypt_at(std::string_view plaintext, std::uint64_t unix_seconds,
                         const std::array<unsigned char, 16>& iv) const;

  /// Verifies the HMAC (constant time) before decrypting. With `ttl`, tokens
  /// older than ttl or more than kMaxClockSkew in the future are refused (as
  /// pyca does); without it the age is not checked (as upstream decrypts).
  /// Throws Error(auth, code "invalid_token") naming only the reason.
  std::string decrypt(std::string_view token) const;
  std::string decrypt(std::string_view token, std::chrono::seconds ttl,
                      TimePoint now = now_utc()) const;

  /// The timestamp inside a token whose signature is valid.
  std::uint64_t timestamp_of(std::string_view token) const;

 private:
  std::string verified_payload(std::string_view token,
                               std::optional<std::pair<std::chrono::seconds, TimePoint>> ttl) const;
  std::string decrypt_payload(std::string verified) const;

  std::array<unsigned char, 16> signing_key_{};
  std::array<unsigned char, 16> encryption_key_{};
};

/// Fernet over the JSON form of the credentials (`[key, secret]` for OAuth
/// 1.0a, as the Python service stores them).
CURATOR_API std::string encrypt_credentials(const Fernet& fernet, const Credentials& credentials);
/// Decrypts (no TTL) and parses with credentials_from_json. Throws
/// Error(auth, "invalid_token") or Error(invalid_input) for a bad shape.
CURATOR_API Credentials decrypt_credentials(const Fernet& fernet, std::string_view token);

}  // namespace curator::auth
