#pragma once
// The three-legged OAuth 1.0a flow of MediaWiki's Extension:OAuth, as the web
// login uses it: Special:OAuth/initiate (callback "oob") gives a request
// token, the user is sent to Special:OAuth/authorize, Special:OAuth/token
// trades the request token and the verifier for an access token, and
// Special:OAuth/identify answers a JWT that is checked (HS256 with the
// consumer secret, issuer, audience, nonce, iat/exp) before its user is
// believed. Owns the requests to index.php over the library's HTTP client;
// knows nothing about sessions, cookies or where tokens are stored.
//
// Errors: the provider's refusals and unusable answers are Error(auth) with
// codes "oauth_refused", "oauth_invalid_answer", "oauth_token_mismatch" or
// "invalid_jwt"; transfer failures and HTTP 5xx keep the http module's kinds
// (transient). Messages quote the provider's error text but never a token
// secret, a consumer secret or a whole answer.
//
// Not thread-safe: one flow object per thread (it holds one HTTP client).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "curator/auth/jwt.hpp"
#include "curator/auth/oauth1.hpp"
#include "curator/core/credentials.hpp"
#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/http/client.hpp"

namespace curator::auth {

struct OAuth1FlowOptions {
  /// The wiki's index.php, e.g. https://commons.wikimedia.org/w/index.php (the
  /// non-pretty URL: pretty URLs break signatures, T59500).
  std::string index_url{};
  OAuthConsumer consumer{};
  /// The `iss` identify must carry: the wiki's $wgCanonicalServer. Empty:
  /// scheme://host[:port] of index_url.
  std::string issuer{};
  /// Allowed clock difference for the identify JWT's iat and exp.
  std::chrono::seconds leeway{60};
  http::ClientOptions http{};
};

/// Temporary credentials from Special:OAuth/initiate.
struct RequestToken {
  std::string key{};
  std::string secret{};
};

/// A user whose identify JWT passed every check.
struct VerifiedIdentity {
  Identity identity{};
  json::object claims{};  // the whole verified payload
};

class CURATOR_API OAuth1Flow {
 public:
  /// Throws Error(invalid_input) for an empty or non-http(s) index URL, an
  /// empty consumer key or secret, or bad HTTP options.
  explicit OAuth1Flow(OAuth1FlowOptions options);
  ~OAuth1Flow();
  OAuth1Flow(OAuth1Flow&&) noexcept;
  OAuth1Flow& operator=(OAuth1Flow&&) noexcept;
  OAuth1Flow(const OAuth1Flow&) = delete;
  OAuth1Flow& operator=(const OAuth1Flow&) = delete;

  const OAuth1FlowOptions& options() const;

  /// Special:OAuth/initiate with oauth_callback=oob.
  RequestToken initiate();

  /// Where to send the user: index.php?title=Special:OAuth/authorize (or
  /// /authenticate, which skips the dialog for a user who already granted an
  /// identify-only consumer) with oauth_token and oauth_consumer_key.
  std::string authorize_url(const RequestToken& token, bool authenticate = false) const;

  /// Special:OAuth/token. `returned_token` is the oauth_token the callback
  /// brought back, when there was one: it must name `token` (else
  /// Error(auth, "oauth_token_mismatch"), nothing is sent).
  OAuth1Token exchange(const RequestToken& token, std::string_view verifier,
                       std::optional<std::string_view> returned_token = std::nullopt);

  /// Special:OAuth/identify, signed with the access token, its JWT verified
  /// against the nonce this request sent.
  VerifiedIdentity identify(const OAuth1Token& access);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// scheme://host[:port] of an http(s) URL (the default issuer); throws
/// Error(invalid_input) for anything else.
CURATOR_API std::string oauth_origin_of(std::string_view url);

}  // namespace curator::auth
