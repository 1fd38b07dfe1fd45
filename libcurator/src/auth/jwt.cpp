#include "curator/auth/jwt.hpp"

#include <cmath>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"

namespace curator::auth {
namespace {

using detail::Base64Alphabet;
using detail::Base64Padding;

[[noreturn]] void invalid_jwt(std::string_view why) {
  throw Error(ErrorKind::auth, std::string("invalid identity token: ") + std::string(why),
              "invalid_jwt");
}

json::object decode_part(std::string_view part, std::string_view what) {
  const auto raw = detail::base64_decode(part, Base64Alphabet::url, Base64Padding::none);
  if (!raw) invalid_jwt(std::string(what) + " is not base64url");
  std::optional<json::value> v;
  try {
    v = json::parse(*raw, what, 16u << 10, 8);
  } catch (const Error&) {
    invalid_jwt(std::string(what) + " is not JSON");
  }
  if (!v->is_object()) invalid_jwt(std::string(what) + " is not a JSON object");
  return std::move(v->as_object());
}

// NumericDate (RFC 7519 §2): JSON number of seconds; fractions allowed.
std::optional<double> numeric_date(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double() && std::isfinite(v->as_double())) return v->as_double();
  invalid_jwt(std::string("claim '") + std::string(name) + "' is not a number");
}

std::string string_claim(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    invalid_jwt(std::string("claim '") + std::string(name) + "' is missing");
  }
  return std::string(v->as_string());
}

std::vector<std::string> string_list(const json::object& claims, std::string_view name) {
  std::vector<std::string> out;
  const auto* v = claims.if_contains(name);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) invalid_jwt(std::string("claim '") + std::string(name) + "' is not a list");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) {
      invalid_jwt(std::string("claim '") + std::string(name) + "' holds a non-string");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

json::object verify_hs256(std::string_view token, std::string_view secret, std::size_t max_chars) {
  if (secret.empty()) {
    throw Error(ErrorKind::invalid_input, "JWT secret is empty", "invalid_jwt_secret");
  }
  if (token.empty()) invalid_jwt("empty");
  if (token.size() > max_chars) invalid_jwt("too long");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    invalid_jwt("not three dot-separated parts");
  }
  const auto header = decode_part(token.substr(0, dot1), "JWT header");
  const auto* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256") {
    invalid_jwt("algorithm is not HS256");
  }
  const auto signature =
      detail::base64_decode(token.substr(dot2 + 1), Base64Alphabet::url, Base64Padding::none);
  if (!signature) invalid_jwt("signature is not base64url");
  const auto expected = detail::hmac("SHA256", secret, token.substr(0, dot2));
  if (!detail::constant_time_equal(expected, *signature)) invalid_jwt("signature mismatch");
  return decode_part(token.substr(dot1 + 1, dot2 - dot1 - 1), "JWT payload");
}

json::object verify_identify_token(std::string_view token, std::string_view consumer_secret,
                                   const IdentifyCheck& check) {
  auto claims = verify_hs256(token, consumer_secret);
  if (check.issuer.empty() || check.audience.empty() || check.nonce.empty()) {
    throw Error(ErrorKind::invalid_input, "identify check needs issuer, audience and nonce",
                "invalid_identify_check");
  }
  if (string_claim(claims, "iss") != check.issuer) invalid_jwt("unexpected issuer");

  const auto* aud = claims.if_contains("aud");
  bool audience_ok = false;
  if (aud != nullptr && aud->is_string()) {
    audience_ok = aud->as_string() == check.audience;
  } else if (aud != nullptr && aud->is_array()) {
    for (const auto& a : aud->as_array()) {
      if (a.is_string() && a.as_string() == check.audience) audience_ok = true;
    }
  }
  if (!audience_ok) invalid_jwt("audience is not this consumer");

  // The nonce is a public value, but compare in constant time anyway.
  if (!detail::constant_time_equal(string_claim(claims, "nonce"), check.nonce)) {
    invalid_jwt("nonce does not match the request");
  }

  const double now = static_cast<double>(to_unix_seconds(check.now ? *check.now : now_utc()));
  const double leeway = static_cast<double>(check.leeway.count());
  const auto iat = numeric_date(claims, "iat");
  if (!iat) invalid_jwt("claim 'iat' is missing");
  if (*iat > now + leeway) invalid_jwt("issued in the future");
  if (*iat < now - leeway) invalid_jwt("issued too long ago");
  if (const auto exp = numeric_date(claims, "exp"); exp && *exp + leeway < now) {
    invalid_jwt("expired");
  }
  return claims;
}

Identity identity_from_claims(const json::object& claims) {
  Identity id;
  const auto* sub = claims.if_contains("sub");
  if (sub != nullptr && sub->is_string() && !sub->as_string().empty()) {
    id.user_id = std::string(sub->as_string());
  } else if (sub != nullptr && sub->is_int64()) {
    id.user_id = std::to_string(sub->as_int64());
  } else if (sub != nullptr && sub->is_uint64()) {
    id.user_id = std::to_string(sub->as_uint64());
  } else {
    invalid_jwt("claim 'sub' is missing");
  }
  id.username = string_claim(claims, "username");
  if (id.username.empty()) invalid_jwt("claim 'username' is empty");
  id.groups = string_list(claims, "groups");
  id.rights = string_list(claims, "rights");
  id.grants = string_list(claims, "grants");
  if (const auto* b = claims.if_contains("blocked"); b != nullptr && b->is_bool()) {
    id.blocked = b->as_bool();
  }
  if (const auto* c = claims.if_contains("confirmed_email"); c != nullptr && c->is_bool()) {
    id.confirmed_email = c->as_bool();
  }
  if (const auto* e = claims.if_contains("editcount"); e != nullptr && e->is_int64()) {
    id.edit_count = e->as_int64();
  }
  return id;
}

}  // namespace curator::auth
