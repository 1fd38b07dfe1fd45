#pragma once
// One Action API session: the HTTP client, cookies, signing (OAuth 1.0a,
// OAuth 2 bearer), bot-password login, the cached CSRF token, and the retry
// loop that applies retry_rules. MediaWikiClient's calls all go through it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "curator/core/credentials.hpp"
#include "curator/core/json.hpp"
#include "curator/http/client.hpp"
#include "curator/mediawiki/client.hpp"
#include "mediawiki/cookie_jar.hpp"

namespace curator::mediawiki::detail {

struct Call {
  Call(std::string what_, Params params_, bool post_ = false, bool with_token_ = false,
       bool idempotent_ = true)
      : what(std::move(what_)),
        params(std::move(params_)),
        post(post_),
        with_token(with_token_),
        idempotent(idempotent_) {}

  std::string what;  // names the call in logs and messages ("chunk 2/3 of File:X.jpg")
  Params params;
  bool post = false;
  bool with_token = false;
  bool idempotent = true;
  std::optional<http::FilePart> file{};  // multipart/form-data when set
  bool for_login = false;                // part of the login itself: no login first, no assert=user
};

class ApiSession {
 public:
  ApiSession(ClientOptions options, std::optional<Credentials> credentials);

  const ClientOptions& options() const { return options_; }
  ClientStats& stats() { return stats_; }

  /// The answer (error answers the rules do not retry included); throws when
  /// retries run out or the transfer fails for good.
  json::value call(const Call& call);

  void login();
  std::string csrf_token(bool refresh);
  void seed_token(std::string token) { token_ = std::move(token); }
  void sleep(std::chrono::milliseconds delay) const;
  bool uses_bot_password() const;
  bool uses_oauth() const;  // OAuth 1.0a or OAuth 2 bearer credentials

 private:
  struct Sent {
    http::Response response;
    std::chrono::milliseconds elapsed{0};
  };
  Sent send(const Call& call, const Params& full);
  void ensure_logged_in();
  http::Headers headers_for(std::string_view method, const std::string& url,
                            const Params& signed_form) const;

  ClientOptions options_;
  std::optional<Credentials> credentials_;
  http::Client http_;
  CookieJar cookies_;
  std::optional<std::string> token_;
  bool logged_in_ = false;
  ClientStats stats_;
};

}  // namespace curator::mediawiki::detail
