#include "mediawiki/api_session.hpp"

#include <thread>
#include <variant>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/form.hpp"
#include "curator/http/status.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "mediawiki/answer.hpp"
#include "mediawiki/retry_rules.hpp"

namespace curator::mediawiki::detail {
namespace {

constexpr std::string_view kLog = "mediawiki";

// Sent in the URL even on POST: short, never secret, and useful in server logs.
bool goes_in_query(std::string_view name) {
  return name == "action" || name == "format" || name == "formatversion" || name == "maxlag" ||
         name == "assert";
}

bool is_anonymous_token(std::string_view token) {
  return token == "+\\";
}

ClientOptions checked(ClientOptions options, const std::optional<Credentials>& credentials) {
  if (options.api_url.empty()) {
    throw Error(ErrorKind::invalid_input, "MediaWiki API URL is empty", "invalid_client_options");
  }
  if (credentials && std::holds_alternative<OAuth1Token>(*credentials) && !options.oauth_consumer) {
    throw Error(ErrorKind::invalid_input,
                "OAuth 1.0a credentials need the application's consumer key and secret",
                "invalid_client_options");
  }
  if (options.retry.max_attempts < 1 || options.retry.rate_limited_retries < 0 ||
      options.retry.session_retries < 0 || options.retry.base_delay.count() < 0 ||
      options.http.max_response_bytes == 0) {
    throw Error(ErrorKind::invalid_input, "MediaWiki retry limits must be positive",
                "invalid_client_options");
  }
  return options;
}

Failure transfer_failure(const Error& e) {
  // Only a refused connection proves the request never reached the wiki.
  if (e.code() == "connect_failed") return Failure{FailureClass::connect, {}, {}};
  return Failure{FailureClass::lost, {}, {}};
}

std::optional<std::chrono::seconds> retry_after_of(const http::ResponseHead& head) {
  if (const auto header = head.header("Retry-After")) return http::parse_retry_after(*header);
  return std::nullopt;
}

}  // namespace

ApiSession::ApiSession(ClientOptions options, std::optional<Credentials> credentials)
    : options_(checked(std::move(options), credentials)),
      credentials_(std::move(credentials)),
      http_(options_.http) {}

bool ApiSession::uses_oauth() const {
  return credentials_ && !std::holds_alternative<BotPassword>(*credentials_);
}

bool ApiSession::uses_bot_password() const {
  return credentials_ && std::holds_alternative<BotPassword>(*credentials_);
}

void ApiSession::sleep(std::chrono::milliseconds delay) const {
  if (delay.count() <= 0) return;
  if (options_.retry.sleep) {
    options_.retry.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

http::Headers ApiSession::headers_for(std::string_view method, const std::string& url,
                                      const Params& signed_form) const {
  http::Headers headers;
  if (!cookies_.empty()) headers.push_back({"Cookie", cookies_.header()});
  if (!credentials_) return headers;
  if (const auto* oauth1 = std::get_if<OAuth1Token>(&*credentials_)) {
    auth::OAuth1Signer signer(*options_.oauth_consumer, *oauth1);
    const auth::OAuthRequest request(std::string(method), url, signed_form);
    headers.push_back({"Authorization", signer.authorization(request)});
  } else if (const auto* oauth2 = std::get_if<OAuth2Token>(&*credentials_)) {
    headers.push_back({"Authorization", "Bearer " + oauth2->access_token});
  }
  return headers;
}

ApiSession::Sent ApiSession::send(const Call& call, const Params& full) {
  const auto start = std::chrono::steady_clock::now();
  Sent sent;
  ++stats_.requests;
  if (!call.post) {
    const auto url = http::append_query(options_.api_url, full);
    sent.response = http_.get(url, headers_for("GET", url, {}));
  } else {
    Params query, body;
    for (const auto& field : full)
      (goes_in_query(field.first) ? query : body).push_back(field);
    const auto url = http::append_query(options_.api_url, query);
    // libcurl repeats a request by itself when a reused connection dies
    // before the answer starts; a write that must not run twice avoids reuse.
    http::RequestOptions request;
    request.fresh_connection = !call.idempotent;
    if (call.file) {
      // Multipart bodies are not part of an OAuth 1.0a signature.
      sent.response =
          http_.post_multipart(url, body, call.file, headers_for("POST", url, {}), request);
      stats_.bytes_uploaded += call.file->length;
    } else {
      sent.response = http_.post_form(url, body, headers_for("POST", url, body), request);
    }
  }
  cookies_.store(sent.response.headers);
  sent.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return sent;
}

void ApiSession::ensure_logged_in() {
  if (uses_bot_password() && !logged_in_) login();
}

json::value ApiSession::call(const Call& call) {
  if (!call.for_login) ensure_logged_in();
  const CallTraits traits{call.idempotent, call.with_token && call.post, uses_bot_password()};
  Spent spent;
  for (int attempt = 1;; ++attempt) {
    Params full;
    full.reserve(call.params.size() + 6);
    full.emplace_back("format", "json");
    full.emplace_back("formatversion", "2");
    if (options_.maxlag) full.emplace_back("maxlag", std::to_string(*options_.maxlag));
    if (options_.assert_user && credentials_ && !call.for_login)
      full.emplace_back("assert", "user");
    for (const auto& p : call.params)
      full.push_back(p);
    if (traits.with_token) full.emplace_back("token", csrf_token(false));

    Failure failure;
    std::optional<Error> transfer_error;
    json::value answer;
    std::optional<ApiError> api_error;
    try {
      auto sent = send(call, full);
      const auto& r = sent.response;
      log::debug(kLog, call.what + ": HTTP " + std::to_string(r.status) + " in " +
                           std::to_string(sent.elapsed.count()) + " ms");
      bool parsed = false;
      try {
        answer = json::parse(r.body, "MediaWiki answer", options_.http.max_response_bytes);
        parsed = true;
      } catch (const Error&) {
        parsed = false;
      }
      if (parsed) api_error = find_api_error(answer);
      if (api_error) {
        failure = Failure{FailureClass::api, api_error->type, retry_after_of(r)};
      } else if (!r.ok()) {
        const auto kind = http::error_kind_for_status(r.status);
        if (r.status == 429) {
          failure = Failure{FailureClass::throttled, {}, retry_after_of(r)};
        } else if (kind == ErrorKind::transient) {
          failure = Failure{FailureClass::server_status, {}, retry_after_of(r)};
        } else {
          throw http::status_error(r, call.what);
        }
        transfer_error = http::status_error(r, call.what);
      } else if (!parsed) {
        failure = Failure{FailureClass::bad_answer, {}, {}};
        transfer_error = Error(ErrorKind::transient,
                               call.what + ": the wiki answered with something that is not JSON",
                               "invalid_answer");
      } else {
        return answer;
      }
    } catch (const ApiException&) {
      throw;
    } catch (const Error& e) {
      if (transfer_error || !(e.kind() == ErrorKind::transient)) throw;
      failure = transfer_failure(e);
      transfer_error = e;
    }

    const auto decision = decide(options_.retry, failure, traits, spent);
    if (!decision.retry) {
      if (api_error) {
        // The wiki refused the OAuth credentials themselves (bad signature,
        // revoked or expired token): no call can succeed, so say so as an
        // auth error instead of handing back an answer.
        const bool credentials_refused = uses_oauth() && api_error->code.rfind("mwoauth-", 0) == 0;
        const bool handled = decision.suggested_wait.has_value() || credentials_refused ||
                             api_error->type == ApiErrorType::oauth_nonce_reused ||
                             (api_error->type == ApiErrorType::bad_token && traits.with_token) ||
                             (api_error->type == ApiErrorType::not_logged_in && traits.can_relogin);
        if (!handled) return answer;
        ApiException e(*api_error);
        if (decision.suggested_wait) e.with_retry_after(*decision.suggested_wait);
        throw e;
      }
      if (!call.idempotent &&
          (failure.cls == FailureClass::lost || failure.cls == FailureClass::server_status ||
           failure.cls == FailureClass::bad_answer)) {
        throw Error(ErrorKind::transient,
                    call.what + ": no usable answer after sending (" + transfer_error->what() +
                        "); not repeated because the outcome is unknown: check the wiki",
                    "outcome_unknown");
      }
      if (decision.suggested_wait && !transfer_error->retry_after()) {
        transfer_error->with_retry_after(*decision.suggested_wait);
      }
      throw *transfer_error;
    }
    ++stats_.retries;
    log::warning(kLog, call.what + ": attempt " + std::to_string(attempt) + " failed (" +
                           (api_error ? api_error->code : std::string(transfer_error->what())) +
                           "); retrying in " + std::to_string(decision.delay.count()) + " ms");
    if (decision.remedy == Remedy::refresh_token) token_.reset();
    if (decision.remedy == Remedy::relogin) {
      logged_in_ = false;
      token_.reset();
      cookies_.clear();
    }
    sleep(decision.delay);
    if (decision.remedy == Remedy::relogin) login();
  }
}

void ApiSession::login() {
  if (!uses_bot_password()) return;
  const auto& bot = std::get<BotPassword>(*credentials_);
  logged_in_ = false;
  token_.reset();
  cookies_.clear();
  for (int round = 1;; ++round) {
    Call token_call{"login token", {{"action", "query"}, {"meta", "tokens"}, {"type", "login"}}};
    token_call.for_login = true;
    const auto tokens = call(token_call);
    const auto& query =
        answer::require_object(answer::top(tokens, "login token"), "query", "login token");
    const auto login_token =
        answer::string_member(answer::require_object(query, "tokens", "login token"), "logintoken");
    if (!login_token) answer::malformed("login token", "no logintoken");

    Call login_call{"login as " + bot.username,
                    {{"action", "login"},
                     {"lgname", bot.username},
                     {"lgpassword", bot.password},
                     {"lgtoken", *login_token}},
                    true};
    login_call.for_login = true;
    const auto result = call(login_call);
    ++stats_.logins;
    const auto& login =
        answer::require_object(answer::top(result, "action=login"), "login", "action=login");
    const auto outcome = answer::string_member(login, "result").value_or("");
    const auto reason = answer::string_member(login, "reason").value_or(outcome);
    if (outcome == "Success") {
      logged_in_ = true;
      log::info(kLog, "logged in as " + answer::string_member(login, "lgusername").value_or("?"));
      return;
    }
    if ((outcome == "WrongToken" || outcome == "NeedToken") && round < 2) continue;
    if (outcome == "Throttled") {
      Error e(ErrorKind::rate_limited, "login as " + bot.username + " throttled: " + reason,
              "login-throttled");
      if (const auto wait = answer::unsigned_member(login, "wait")) {
        e.with_retry_after(std::chrono::seconds(static_cast<long long>(*wait)));
      }
      throw e;
    }
    throw Error(ErrorKind::auth,
                "login as " + bot.username + " refused (" + outcome + "): " + reason,
                "login-failed");
  }
}

std::string ApiSession::csrf_token(bool refresh) {
  if (token_ && !refresh) return *token_;
  for (int round = 1;; ++round) {
    const auto answer =
        call(Call{"csrf token", {{"action", "query"}, {"meta", "tokens"}, {"type", "csrf"}}});
    ++stats_.token_refreshes;
    const auto& query =
        answer::require_object(answer::top(answer, "csrf token"), "query", "csrf token");
    auto token =
        answer::string_member(answer::require_object(query, "tokens", "csrf token"), "csrftoken");
    if (!token || token->empty()) answer::malformed("csrf token", "no csrftoken");
    if (credentials_ && is_anonymous_token(*token)) {
      // The wiki no longer knows the session: log in again once, or give up.
      if (uses_bot_password() && round < 2) {
        login();
        continue;
      }
      throw Error(ErrorKind::auth, "the wiki treats this client as anonymous (credentials refused)",
                  "anonymous-session");
    }
    token_ = std::move(*token);
    return *token_;
  }
}

}  // namespace curator::mediawiki::detail
