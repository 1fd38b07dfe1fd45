#pragma once
// Sealed session cookies: the payload (whatever the server chooses to keep,
// e.g. a small JSON object) is encrypted and authenticated with AES-256-GCM
// under a key derived by HKDF-SHA256 from the server secret and a purpose
// label, with the expiry inside the ciphertext. Knows nothing about cookies'
// attributes or HTTP; the server sets HttpOnly/SameSite/Secure.
//
// Sealed form (cookie-safe, no padding): base64url(0x01 || nonce[12] ||
// AES-256-GCM(expiry as 8-byte big-endian Unix seconds || payload) || tag[16]).

#include <cstddef>
#include <string>
#include <string_view>

#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator::auth {

class CURATOR_API SessionSealer {
 public:
  /// The longest sealed value open() reads (a browser keeps ~4 KiB per cookie).
  static constexpr std::size_t kMaxSealedChars = 4096;
  /// The largest payload seal() accepts (fits kMaxSealedChars once sealed).
  static constexpr std::size_t kMaxPayloadBytes = 2900;
  static constexpr std::size_t kMinSecretBytes = 32;

  /// `secret`: the server secret (CURATOR_SESSION_SECRET), at least 32 bytes.
  /// `purpose` separates keys: a value sealed for one purpose never opens
  /// under another. Throws Error(invalid_input) for a short secret.
  explicit SessionSealer(std::string_view secret, std::string_view purpose = "session");
  ~SessionSealer();
  SessionSealer(const SessionSealer&) = default;
  SessionSealer& operator=(const SessionSealer&) = default;

  /// Throws Error(invalid_input) when the payload exceeds kMaxPayloadBytes.
  std::string seal(std::string_view payload, TimePoint expires_at) const;

  /// The payload, when the value is authentic and `now` is before its expiry.
  /// Throws Error(auth) with code "session_expired" or "session_invalid";
  /// messages never include the value or the payload.
  std::string open(std::string_view sealed, TimePoint now = now_utc()) const;

 private:
  std::string key_;
  std::string aad_;
};

}  // namespace curator::auth
