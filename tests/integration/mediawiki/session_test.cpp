// Login, tokens, userinfo and the session repairs (badtoken, lost session)
// against the real test MediaWiki.

#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/client.hpp"
#include "wiki.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("bot-password login; userinfo shows rights and rate limits") {
  auto admin = test::admin_client();
  const auto a = admin.user_info();
  CHECK_FALSE(a.anonymous);
  CHECK(a.name == "Admin");
  CHECK(a.has_right("noratelimit"));
  CHECK(a.exempt_from_rate_limits());
  CHECK(admin.stats().logins == 1);

  auto uploader = test::uploader_client();
  const auto u = uploader.user_info();
  CHECK(u.name == "Uploader");
  CHECK_FALSE(u.exempt_from_rate_limits());
  const auto limit = u.limit("upload", "user");
  REQUIRE(limit.has_value());
  CHECK(limit->hits == std::stoll(test::require_env("CURATOR_TEST_MW_UPLOAD_LIMIT")));
  CHECK(limit->seconds == std::stoll(test::require_env("CURATOR_TEST_MW_UPLOAD_WINDOW")));
}

TEST_CASE("CSRF tokens: a real one when logged in, cached, refreshed on demand") {
  auto admin = test::admin_client();
  const auto token = admin.csrf_token();
  CHECK(token.size() > 2);
  CHECK(token != "+\\");
  CHECK(token.ends_with("+\\"));
  const auto fetched = admin.stats().token_refreshes;
  CHECK(admin.csrf_token() == token);
  CHECK(admin.stats().token_refreshes == fetched);
  admin.csrf_token(true);
  CHECK(admin.stats().token_refreshes == fetched + 1);
}

TEST_CASE("an anonymous client reads, and gets the anonymous token") {
  MediaWikiClient anon(test::wiki_options());
  CHECK(anon.user_info().anonymous);
  CHECK(anon.csrf_token() == "+\\");
}

TEST_CASE("a wrong bot password is an auth error naming the account, not the password") {
  MediaWikiClient bad(test::wiki_options(),
                      BotPassword{test::require_env("CURATOR_TEST_MW_USER_BOT_USER"),
                                  "wrong-password-0123456789abcdef"});
  try {
    bad.user_info();
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(e.code() == "login-failed");
    const std::string what = e.what();
    CHECK(what.find("Uploader@curator") != std::string::npos);
    CHECK(what.find("wrong-password") == std::string::npos);
  }
}

TEST_CASE("badtoken: a stale token is replaced and the write goes through") {
  auto admin = test::admin_client();
  const auto title = "Curator test page " + test::unique_name("badtoken", "txt");
  admin.login();  // a login starts a new session and drops any token
  admin.seed_csrf_token("0123456789abcdef+\\");
  CHECK(admin.create_page(title, "text", "test"));
  const auto s = admin.stats();
  CHECK(s.retries == 1);
  CHECK(s.token_refreshes == 1);

  // Without session retries the typed error reaches the caller.
  auto options = test::wiki_options();
  options.retry.session_retries = 0;
  auto strict = test::admin_client(options);
  strict.login();
  strict.seed_csrf_token("0123456789abcdef+\\");
  try {
    strict.null_edit(title);
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::bad_token);
    CHECK(e.kind() == ErrorKind::auth);
  }
}

TEST_CASE("a lost login session is noticed (assert=user) and restored") {
  auto admin = test::admin_client();
  const auto title = "Curator test page " + test::unique_name("relogin", "txt");
  CHECK(admin.create_page(title, "text", "test"));
  // Ends the session on the server; the client still holds its cookies.
  const auto logout = admin.call(ApiRequest{{{"action", "logout"}}, true, true});
  CHECK_FALSE(find_api_error(logout).has_value());
  CHECK(admin.null_edit(title));
  CHECK(admin.stats().logins == 2);
  CHECK(admin.user_info().name == "Admin");
}

TEST_CASE("raw calls return typed error answers instead of throwing") {
  auto admin = test::admin_client();
  const auto answer =
      admin.call(ApiRequest{{{"action", "query"}, {"list", "allimages"}, {"aisha1", "xyz"}}});
  const auto error = find_api_error(answer);
  REQUIRE(error.has_value());
  CHECK(error->code == "invalidsha1hash");
  CHECK(error->type == ApiErrorType::invalid_request);
  CHECK_THROWS_AS(admin.call(ApiRequest{{{"action", "edit"}}, false, true}), Error);
}
