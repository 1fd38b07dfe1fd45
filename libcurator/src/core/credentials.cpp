#include "curator/core/credentials.hpp"

#include "curator/core/error.hpp"

namespace curator {
namespace {

[[noreturn]] void bad_credentials(std::string_view why) {
  throw Error(ErrorKind::invalid_input, std::string("malformed credentials: ") + std::string(why),
              "invalid_credentials");
}

std::string nonempty_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    bad_credentials(std::string("missing field '") + std::string(key) + "'");
  }
  return std::string(v->get_string());
}

}  // namespace

json::value to_json(const Credentials& credentials) {
  return std::visit(
      [](const auto& c) -> json::value {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, OAuth1Token>) {
          return json::array{json::value(c.key), json::value(c.secret)};
        } else if constexpr (std::is_same_v<T, BotPassword>) {
          return json::object{
              {"type", "botpassword"}, {"username", c.username}, {"password", c.password}};
        } else {
          return json::object{{"type", "oauth2"}, {"access_token", c.access_token}};
        }
      },
      credentials);
}

Credentials credentials_from_json(const json::value& v) {
  if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.size() != 2 || !a[0].is_string() || !a[1].is_string() || a[0].get_string().empty() ||
        a[1].get_string().empty()) {
      bad_credentials("an OAuth 1.0a token is a pair of two non-empty strings");
    }
    return OAuth1Token{std::string(a[0].get_string()), std::string(a[1].get_string())};
  }
  if (!v.is_object()) bad_credentials("expected an array or an object");
  const auto& o = v.get_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) bad_credentials("missing field 'type'");
  if (type->get_string() == "botpassword") {
    return BotPassword{nonempty_string(o, "username"), nonempty_string(o, "password")};
  }
  if (type->get_string() == "oauth2") return OAuth2Token{nonempty_string(o, "access_token")};
  bad_credentials("unknown credential type");
}

std::string describe(const Credentials& credentials) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, OAuth1Token>) {
          return "OAuth 1.0a access token";
        } else if constexpr (std::is_same_v<T, BotPassword>) {
          return "bot password for " + c.username;
        } else {
          return "OAuth 2 bearer token";
        }
      },
      credentials);
}

}  // namespace curator
