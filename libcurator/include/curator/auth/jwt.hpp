#pragma once
// Verification of the JWT that MediaWiki's Special:OAuth/identify returns:
// HS256 signed with the consumer secret, claims iss/aud/iat/exp/nonce plus
// the user's name, id, groups and rights. Only HS256 is accepted (never
// `none`, never another algorithm). Fetching the token is the MediaWiki
// client's job; this header only checks it.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator::auth {

/// Checks the signature and the `alg` of a compact JWS and returns its claims.
/// Throws Error(auth, code "invalid_jwt") for any malformed, oversize or
/// wrongly signed token; the message names the reason, never the token.
CURATOR_API json::object verify_hs256(std::string_view token, std::string_view secret,
                                      std::size_t max_chars = 16u << 10);

struct IdentifyCheck {
  std::string issuer;    // e.g. "https://commons.wikimedia.org" (the wiki's canonical server)
  std::string audience;  // the consumer key
  std::string nonce;     // the oauth_nonce sent with the identify request
  std::chrono::seconds leeway{60};  // allowed |now - iat| and lateness past exp
  std::optional<TimePoint> now;     // default: now_utc()
};

/// verify_hs256 plus the identify claims: iss, aud (a string or an array
/// containing it), nonce, iat within the leeway, exp (when present) not past.
/// Throws Error(auth, code "invalid_jwt").
CURATOR_API json::object verify_identify_token(std::string_view token,
                                               std::string_view consumer_secret,
                                               const IdentifyCheck& check);

/// The user described by verified identify claims.
struct Identity {
  std::string user_id;   // `sub`: the central user id, as text
  std::string username;  // `username`
  std::vector<std::string> groups;
  std::vector<std::string> rights;
  std::vector<std::string> grants;
  bool blocked = false;
  bool confirmed_email = false;
  long long edit_count = 0;
};

/// Throws Error(auth, "invalid_jwt") when `sub` or `username` is missing.
CURATOR_API Identity identity_from_claims(const json::object& claims);

}  // namespace curator::auth
