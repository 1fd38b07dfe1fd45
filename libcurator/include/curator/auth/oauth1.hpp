#pragma once
// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849 §3), as MediaWiki's
// OAuth extension verifies it: parameters go in the `Authorization: OAuth`
// header; the URL's query and x-www-form-urlencoded body fields are signed;
// multipart bodies are not (no oauth_body_hash, like the Python client).
// Pure computation: it sends nothing and knows nothing about HTTP clients.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curator/core/credentials.hpp"
#include "curator/export.hpp"

namespace curator::auth {

/// Name/value pairs, decoded (not percent-encoded); order and repeats kept.
using Parameters = std::vector<std::pair<std::string, std::string>>;

struct OAuthConsumer {
  std::string key;
  std::string secret;
};

/// One request to sign.
struct OAuthRequest {
  OAuthRequest(std::string request_method, std::string request_url, Parameters form_fields = {})
      : method(std::move(request_method)),
        url(std::move(request_url)),
        form(std::move(form_fields)) {}

  std::string method;                // "GET", "POST" (upper-cased for signing)
  std::string url;                   // absolute http(s) URL; its query parameters are signed
  Parameters form;                   // x-www-form-urlencoded body fields; leave empty for multipart
  Parameters oauth_extra;            // e.g. oauth_callback, oauth_verifier
  std::optional<std::string> nonce;  // default: 30 random alphanumerics
  std::optional<long long> timestamp;  // default: now (Unix seconds)
};

struct SignedRequest {
  std::string authorization;  // value of the Authorization header ("OAuth ...")
  std::string base_string;    // RFC 5849 §3.4.1, for diagnostics
  std::string signature;      // base64 HMAC-SHA1
  std::string nonce;
  long long timestamp = 0;
};

/// RFC 5849 §3.6: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX
/// (upper-case hex) over the UTF-8 bytes.
CURATOR_API std::string oauth_percent_encode(std::string_view text);
/// RFC 5849 §3.4.1.2: lower-case scheme and host, default port dropped, no
/// query or fragment. Throws Error(invalid_input) for a malformed or non-http(s) URL.
CURATOR_API std::string oauth_base_string_uri(std::string_view url);
/// RFC 5849 §3.4.1.3.2: encode, sort by name then value, join with '&'.
CURATOR_API std::string oauth_normalize_parameters(const Parameters& params);
/// The decoded query parameters of `url` (`+` is a space, `a` alone is `a=`).
CURATOR_API Parameters oauth_query_parameters(std::string_view url);
/// `METHOD&uri&params` over the URL's query plus `params`.
CURATOR_API std::string oauth_signature_base_string(std::string_view method, std::string_view url,
                                                    const Parameters& params);

class CURATOR_API OAuth1Signer {
 public:
  /// Without a token, signs with the consumer alone (e.g. Special:OAuth/initiate).
  /// `include_version` adds oauth_version="1.0" (authlib and MediaWiki do).
  explicit OAuth1Signer(OAuthConsumer consumer, std::optional<OAuth1Token> token = std::nullopt,
                        bool include_version = true);

  /// Throws Error(invalid_input) for a malformed URL or an oauth_extra name
  /// that does not start with "oauth_".
  SignedRequest sign(const OAuthRequest& request) const;
  std::string authorization(const OAuthRequest& request) const {
    return sign(request).authorization;
  }

 private:
  OAuthConsumer consumer_;
  std::optional<OAuth1Token> token_;
  bool include_version_;
};

}  // namespace curator::auth
