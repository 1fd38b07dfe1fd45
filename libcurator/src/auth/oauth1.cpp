#include "curator/auth/oauth1.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "auth/primitives.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/core/time.hpp"

namespace curator::auth {
namespace {

[[noreturn]] void bad_request(std::string message) {
  throw Error(ErrorKind::invalid_input, std::move(message), "invalid_oauth_request");
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form decoding of one query component; Boost.URL has already rejected
// malformed escapes, so a stray '%' here is kept literally.
std::string form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

boost::urls::url_view parse_http_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) bad_request("malformed URL to sign: " + log::redact_url(url));
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    bad_request("only http and https URLs can be signed");
  }
  if (parsed->encoded_host().empty()) bad_request("URL to sign has no host");
  return *parsed;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

std::string oauth_percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string oauth_base_string_uri(std::string_view url) {
  const auto u = parse_http_url(url);
  const auto scheme = lower(u.scheme());
  std::string out = scheme + "://" + lower(std::string_view(u.encoded_host()));
  if (u.has_port()) {
    const auto port = u.port();
    const bool default_port =
        (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
    if (!default_port && !port.empty()) {
      out += ':';
      out += port;
    }
  }
  const std::string_view path = u.encoded_path();
  out += path.empty() ? std::string_view("/") : path;
  return out;
}

Parameters oauth_query_parameters(std::string_view url) {
  const auto u = parse_http_url(url);
  Parameters out;
  if (!u.has_query()) return out;
  std::string_view query = u.encoded_query();
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(form_decode(pair), std::string());
      } else {
        out.emplace_back(form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string oauth_normalize_parameters(const Parameters& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    encoded.emplace_back(oauth_percent_encode(name), oauth_percent_encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string oauth_signature_base_string(std::string_view method, std::string_view url,
                                        const Parameters& params) {
  Parameters all = oauth_query_parameters(url);
  all.insert(all.end(), params.begin(), params.end());
  return upper(method) + '&' + oauth_percent_encode(oauth_base_string_uri(url)) + '&' +
         oauth_percent_encode(oauth_normalize_parameters(all));
}

OAuth1Signer::OAuth1Signer(OAuthConsumer consumer, std::optional<OAuth1Token> token,
                           bool include_version)
    : consumer_(std::move(consumer)), token_(std::move(token)), include_version_(include_version) {
  if (consumer_.key.empty() || consumer_.secret.empty()) {
    throw Error(ErrorKind::invalid_input, "OAuth consumer key and secret must be set",
                "invalid_oauth_consumer");
  }
}

SignedRequest OAuth1Signer::sign(const OAuthRequest& request) const {
  if (request.method.empty()) bad_request("request method is empty");
  SignedRequest out;
  out.nonce = request.nonce ? *request.nonce : detail::random_alphanumeric(30);
  out.timestamp = request.timestamp ? *request.timestamp : to_unix_seconds(now_utc());

  Parameters oauth{{"oauth_consumer_key", consumer_.key},
                   {"oauth_nonce", out.nonce},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", std::to_string(out.timestamp)}};
  if (token_) oauth.emplace_back("oauth_token", token_->key);
  if (include_version_) oauth.emplace_back("oauth_version", "1.0");
  for (const auto& [name, value] : request.oauth_extra) {
    if (name.rfind("oauth_", 0) != 0) bad_request("extra OAuth parameters must start with oauth_");
    oauth.emplace_back(name, value);
  }

  Parameters signed_params = oauth;
  signed_params.insert(signed_params.end(), request.form.begin(), request.form.end());
  out.base_string = oauth_signature_base_string(request.method, request.url, signed_params);

  auto key = oauth_percent_encode(consumer_.secret) + '&' +
             (token_ ? oauth_percent_encode(token_->secret) : std::string());
  out.signature =
      detail::base64_encode(detail::hmac("SHA1", key, out.base_string),
                            detail::Base64Alphabet::standard, detail::Base64Padding::required);
  detail::wipe(key);

  oauth.emplace_back("oauth_signature", out.signature);
  std::sort(oauth.begin(), oauth.end());
  out.authorization = "OAuth ";
  bool first = true;
  for (const auto& [name, value] : oauth) {
    if (!first) out.authorization += ", ";
    first = false;
    out.authorization += oauth_percent_encode(name);
    out.authorization += "=\"";
    out.authorization += oauth_percent_encode(value);
    out.authorization += '"';
  }
  return out;
}

}  // namespace curator::auth
