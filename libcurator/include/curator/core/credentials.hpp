#pragma once
// Credentials an upload runs with. An OAuth 1.0a access token is stored as the
// JSON array `[key, secret]` (the Python service's format); bot passwords and
// OAuth 2 bearer tokens are objects with a `type`. Secrets never appear in
// describe() or in error messages.

#include <string>
#include <variant>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator {

struct OAuth1Token {
  std::string key;
  std::string secret;
  bool operator==(const OAuth1Token&) const = default;
};

struct BotPassword {
  std::string username;  // "User@appid"
  std::string password;
  bool operator==(const BotPassword&) const = default;
};

struct OAuth2Token {
  std::string access_token;
  bool operator==(const OAuth2Token&) const = default;
};

using Credentials = std::variant<OAuth1Token, BotPassword, OAuth2Token>;

CURATOR_API json::value to_json(const Credentials& credentials);
/// Throws Error(invalid_input) on any other shape; the message never quotes the input.
CURATOR_API Credentials credentials_from_json(const json::value& v);
/// "OAuth 1.0a access token", "bot password for User@app", "OAuth 2 bearer token".
CURATOR_API std::string describe(const Credentials& credentials);

}  // namespace curator
