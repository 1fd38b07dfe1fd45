#include "curator/auth/oauth1_flow.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/form.hpp"
#include "curator/http/status.hpp"

namespace curator::auth {
namespace {

constexpr std::string_view kLog = "auth";
constexpr std::size_t kMaxAnswerBytes = 64u << 10;
constexpr std::size_t kMaxTokenChars = 512;
constexpr std::size_t kMaxQuotedChars = 300;

[[noreturn]] void invalid_answer(std::string_view step, std::string_view why) {
  throw Error(
      ErrorKind::auth,
      "OAuth " + std::string(step) + ": the wiki's answer is unusable (" + std::string(why) + ")",
      "oauth_invalid_answer");
}

// The provider's own error text, made safe to log: printable, one line, short.
std::string quoted(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (out.size() >= kMaxQuotedChars) {
      out += "...";
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (c >= 0x20 && c != 0x7f) {
      out += ch;
    }
  }
  return out;
}

[[noreturn]] void refused(std::string_view step, std::string_view code, std::string_view text) {
  std::string message = "OAuth " + std::string(step) + " refused by the wiki";
  if (!code.empty()) message += " (" + quoted(code) + ")";
  if (!text.empty()) message += ": " + quoted(text);
  throw Error(ErrorKind::auth, message, "oauth_refused");
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

bool plausible_token(std::string_view t) {
  if (t.empty() || t.size() > kMaxTokenChars) return false;
  return std::all_of(t.begin(), t.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
}

// Special:OAuth answers errors as JSON {"error": key, "message": text} when
// asked for JSON (identify always is), and as "Error: text" in the raw format.
void raise_if_error_answer(std::string_view step, std::string_view body) {
  if (body.rfind("Error:", 0) == 0) refused(step, "", trimmed(body.substr(6)));
  if (body.empty() || body.front() != '{') return;
  std::optional<json::value> v;
  try {
    v = json::parse(body, "OAuth answer", kMaxAnswerBytes, 8);
  } catch (const Error&) {
    invalid_answer(step, "malformed JSON");
  }
  const auto* obj = v->if_object();
  if (obj == nullptr) invalid_answer(step, "JSON that is not an object");
  const auto* error = obj->if_contains("error");
  if (error == nullptr) invalid_answer(step, "JSON without a token");
  const auto* message = obj->if_contains("message");
  refused(step, error->is_string() ? std::string_view(error->as_string()) : "unknown error",
          message != nullptr && message->is_string() ? std::string_view(message->as_string())
                                                     : std::string_view());
}

// The raw format: oauth_token=...&oauth_token_secret=...&oauth_callback_confirmed=true.
std::pair<std::string, std::string> parse_token_answer(std::string_view step,
                                                       const http::Response& r) {
  if (!r.ok()) throw http::status_error(r, "OAuth " + std::string(step));
  const auto body = trimmed(r.body);
  raise_if_error_answer(step, body);
  if (body.find('<') != std::string_view::npos) invalid_answer(step, "an HTML page");
  Parameters fields;
  try {
    fields = oauth_query_parameters("http://answer.invalid/?" + std::string(body));
  } catch (const Error&) {
    invalid_answer(step, "not a form-encoded token");
  }
  std::optional<std::string> key, secret;
  for (const auto& [name, value] : fields) {
    if (name == "oauth_token") key = value;
    if (name == "oauth_token_secret") secret = value;
  }
  if (!key || !secret) invalid_answer(step, "oauth_token or oauth_token_secret missing");
  if (!plausible_token(*key) || !plausible_token(*secret)) {
    invalid_answer(step, "a token with empty, oversize or non-printable text");
  }
  return {std::move(*key), std::move(*secret)};
}

http::ClientOptions flow_http_options(http::ClientOptions o) {
  if (o.max_response_bytes == 0 || o.max_response_bytes > kMaxAnswerBytes) {
    o.max_response_bytes = kMaxAnswerBytes;
  }
  // A redirect would change the URL the signature covers: report it instead.
  o.max_redirects = 0;
  return o;
}

OAuth1FlowOptions checked(OAuth1FlowOptions o) {
  if (o.index_url.empty()) {
    throw Error(ErrorKind::invalid_input, "OAuth flow needs the wiki's index.php URL",
                "invalid_oauth_flow_options");
  }
  if (o.consumer.key.empty() || o.consumer.secret.empty()) {
    throw Error(ErrorKind::invalid_input, "OAuth consumer key and secret must be set",
                "invalid_oauth_consumer");
  }
  if (o.issuer.empty()) o.issuer = oauth_origin_of(o.index_url);
  return o;
}

}  // namespace

std::string oauth_origin_of(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed ||
      (parsed->scheme_id() != boost::urls::scheme::http &&
       parsed->scheme_id() != boost::urls::scheme::https) ||
      parsed->encoded_host().empty()) {
    throw Error(ErrorKind::invalid_input, "not an http(s) URL: " + log::redact_url(url),
                "invalid_oauth_flow_options");
  }
  std::string out = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host());
  if (parsed->has_port()) out += ":" + std::string(parsed->port());
  return out;
}

struct OAuth1Flow::Impl {
  explicit Impl(OAuth1FlowOptions o)
      : options(checked(std::move(o))), http(flow_http_options(options.http)) {}

  std::string special_url(std::string_view page) const {
    return http::append_query(options.index_url, {{"title", "Special:OAuth/" + std::string(page)}});
  }

  // GET with the Authorization header of `signer` (a fresh nonce each time).
  std::pair<http::Response, std::string> signed_get(const OAuth1Signer& signer,
                                                    std::string_view page,
                                                    Parameters oauth_extra = {}) {
    const auto url = special_url(page);
    OAuthRequest request("GET", url);
    request.oauth_extra = std::move(oauth_extra);
    const auto signed_request = signer.sign(request);
    auto response = http.get(url, {{"Authorization", signed_request.authorization}});
    if (response.status >= 300 && response.status < 400) {
      throw Error(ErrorKind::auth,
                  "OAuth " + std::string(page) + ": the wiki redirected (HTTP " +
                      std::to_string(response.status) + "); use the non-pretty index.php URL",
                  "oauth_invalid_answer");
    }
    return {std::move(response), signed_request.nonce};
  }

  OAuth1FlowOptions options;
  http::Client http;
};

OAuth1Flow::OAuth1Flow(OAuth1FlowOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
OAuth1Flow::~OAuth1Flow() = default;
OAuth1Flow::OAuth1Flow(OAuth1Flow&&) noexcept = default;
OAuth1Flow& OAuth1Flow::operator=(OAuth1Flow&&) noexcept = default;

const OAuth1FlowOptions& OAuth1Flow::options() const {
  return impl_->options;
}

RequestToken OAuth1Flow::initiate() {
  const OAuth1Signer signer(impl_->options.consumer);
  auto [response, nonce] = impl_->signed_get(signer, "initiate", {{"oauth_callback", "oob"}});
  auto [key, secret] = parse_token_answer("initiate", response);
  log::debug(kLog, "OAuth initiate: request token received");
  return RequestToken{std::move(key), std::move(secret)};
}

std::string OAuth1Flow::authorize_url(const RequestToken& token, bool authenticate) const {
  if (token.key.empty()) {
    throw Error(ErrorKind::invalid_input, "request token is empty", "invalid_oauth_token");
  }
  return http::append_query(
      impl_->options.index_url,
      {{"title", authenticate ? "Special:OAuth/authenticate" : "Special:OAuth/authorize"},
       {"oauth_token", token.key},
       {"oauth_consumer_key", impl_->options.consumer.key}});
}

OAuth1Token OAuth1Flow::exchange(const RequestToken& token, std::string_view verifier,
                                 std::optional<std::string_view> returned_token) {
  if (token.key.empty() || token.secret.empty()) {
    throw Error(ErrorKind::invalid_input, "request token key and secret must be set",
                "invalid_oauth_token");
  }
  if (returned_token && *returned_token != token.key) {
    throw Error(ErrorKind::auth,
                "OAuth callback names another request token than the one this login started",
                "oauth_token_mismatch");
  }
  if (verifier.empty() || !plausible_token(verifier)) {
    throw Error(ErrorKind::auth, "OAuth verifier is empty or malformed", "oauth_refused");
  }
  const OAuth1Signer signer(impl_->options.consumer, OAuth1Token{token.key, token.secret});
  auto [response, nonce] =
      impl_->signed_get(signer, "token", {{"oauth_verifier", std::string(verifier)}});
  auto [key, secret] = parse_token_answer("token", response);
  log::debug(kLog, "OAuth token: access token received");
  return OAuth1Token{std::move(key), std::move(secret)};
}

VerifiedIdentity OAuth1Flow::identify(const OAuth1Token& access) {
  if (access.key.empty() || access.secret.empty()) {
    throw Error(ErrorKind::invalid_input, "access token key and secret must be set",
                "invalid_oauth_token");
  }
  const auto& o = impl_->options;
  const OAuth1Signer signer(o.consumer, access);
  auto [response, nonce] = impl_->signed_get(signer, "identify");
  if (!response.ok()) throw http::status_error(response, "OAuth identify");
  const auto body = trimmed(response.body);
  raise_if_error_answer("identify", body);
  IdentifyCheck check;
  check.issuer = o.issuer;
  check.audience = o.consumer.key;
  check.nonce = nonce;
  check.leeway = o.leeway;
  VerifiedIdentity out;
  out.claims = verify_identify_token(body, o.consumer.secret, check);
  out.identity = identity_from_claims(out.claims);
  log::info(kLog, "OAuth identify: verified user " + out.identity.username);
  return out;
}

}  // namespace curator::auth
