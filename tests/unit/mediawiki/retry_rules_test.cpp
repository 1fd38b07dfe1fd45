#include <doctest/doctest.h>

#include "mediawiki/retry_rules.hpp"

using namespace curator::mediawiki;
using namespace curator::mediawiki::detail;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
Failure api(ApiErrorType type, std::optional<seconds> retry_after = std::nullopt) {
  return Failure{FailureClass::api, type, retry_after};
}
}  // namespace

TEST_CASE("transient failures back off by doubling up to the cap, within the attempts") {
  ApiRetryPolicy p;  // 4 attempts, 1 s doubling, 30 s cap
  Spent spent;
  const CallTraits call;
  std::vector<milliseconds> delays;
  for (;;) {
    const auto d = decide(p, Failure{FailureClass::server_status, {}, {}}, call, spent);
    if (!d.retry) {
      REQUIRE(d.suggested_wait.has_value());
      CHECK(*d.suggested_wait == seconds(8));
      break;
    }
    delays.push_back(d.delay);
  }
  CHECK(delays ==
        std::vector<milliseconds>{milliseconds(1000), milliseconds(2000), milliseconds(4000)});
  p.max_delay = milliseconds(1500);
  Spent again;
  decide(p, Failure{FailureClass::connect, {}, {}}, call, again);
  CHECK(decide(p, Failure{FailureClass::connect, {}, {}}, call, again).delay == milliseconds(1500));
}

TEST_CASE("a lost, 5xx or garbled answer is retried only for idempotent calls") {
  ApiRetryPolicy p;
  Spent spent;
  CHECK(
      decide(p, Failure{FailureClass::lost, {}, {}}, CallTraits{true, false, false}, spent).retry);
  Spent fresh;
  const auto d =
      decide(p, Failure{FailureClass::lost, {}, {}}, CallTraits{false, true, false}, fresh);
  CHECK_FALSE(d.retry);
  CHECK(fresh.transient == 0);
  CHECK_FALSE(
      decide(p, Failure{FailureClass::server_status, {}, {}}, CallTraits{false, true, false}, fresh)
          .retry);
  CHECK_FALSE(
      decide(p, Failure{FailureClass::bad_answer, {}, {}}, CallTraits{false, true, false}, fresh)
          .retry);
  // A refused connection never reached the wiki: always safe.
  CHECK(decide(p, Failure{FailureClass::connect, {}, {}}, CallTraits{false, true, false}, fresh)
            .retry);
}

TEST_CASE("maxlag honours Retry-After (at least 5 s) up to the cap") {
  ApiRetryPolicy p;
  Spent spent;
  CHECK(decide(p, api(ApiErrorType::maxlag), {}, spent).delay == milliseconds(5000));
  CHECK(decide(p, api(ApiErrorType::maxlag, seconds(12)), {}, spent).delay == milliseconds(12000));
  CHECK(decide(p, api(ApiErrorType::maxlag, seconds(600)), {}, spent).delay == milliseconds(30000));
  CHECK_FALSE(decide(p, api(ApiErrorType::maxlag), {}, spent).retry);  // 4 attempts used
}

TEST_CASE("ratelimited has its own budget and a longer, capped backoff") {
  ApiRetryPolicy p;  // 2 retries, 15 s doubling, 120 s cap
  Spent spent;
  auto d = decide(p, api(ApiErrorType::rate_limited), {}, spent);
  CHECK(d.retry);
  CHECK(d.delay == milliseconds(15000));
  d = decide(p, Failure{FailureClass::throttled, {}, seconds(100)}, {}, spent);
  CHECK(d.delay == milliseconds(100000));  // the server asked for more
  d = decide(p, api(ApiErrorType::rate_limited), {}, spent);
  CHECK_FALSE(d.retry);
  CHECK(d.suggested_wait == seconds(60));
  CHECK(spent.transient == 0);
  p.rate_limited_retries = 0;
  Spent none;
  d = decide(p, api(ApiErrorType::rate_limited), {}, none);
  CHECK_FALSE(d.retry);
  CHECK(d.suggested_wait == seconds(15));
}

TEST_CASE("session repairs: fresh token, new nonce, new login; at once") {
  ApiRetryPolicy p;
  Spent spent;
  const CallTraits write{true, true, true};
  auto d = decide(p, api(ApiErrorType::bad_token), write, spent);
  CHECK(d.retry);
  CHECK(d.remedy == Remedy::refresh_token);
  CHECK(d.delay == milliseconds(0));
  d = decide(p, api(ApiErrorType::not_logged_in), write, spent);
  CHECK(d.remedy == Remedy::relogin);
  CHECK_FALSE(decide(p, api(ApiErrorType::bad_token), write, spent).retry);  // 2 used
  // A reused nonce has its own budget of one fresh signature.
  CHECK(decide(p, api(ApiErrorType::oauth_nonce_reused), write, spent).retry);
  CHECK_FALSE(decide(p, api(ApiErrorType::oauth_nonce_reused), write, spent).retry);

  Spent other;
  CHECK_FALSE(decide(p, api(ApiErrorType::bad_token), CallTraits{true, false, true}, other).retry);
  CHECK_FALSE(
      decide(p, api(ApiErrorType::not_logged_in), CallTraits{true, true, false}, other).retry);
  CHECK(decide(p, api(ApiErrorType::oauth_nonce_reused), CallTraits{}, other).retry);
}

TEST_CASE("server-side exceptions and read-only are retried; answers about the request are not") {
  ApiRetryPolicy p;
  for (auto type :
       {ApiErrorType::server_error, ApiErrorType::stash_backend, ApiErrorType::read_only}) {
    Spent spent;
    CHECK(decide(p, api(type), {}, spent).retry);
  }
  for (auto type :
       {ApiErrorType::title_blacklisted, ApiErrorType::stash_not_found, ApiErrorType::wrong_offset,
        ApiErrorType::missing_title, ApiErrorType::invalid_request, ApiErrorType::permission_denied,
        ApiErrorType::other}) {
    Spent spent;
    const auto d = decide(p, api(type), CallTraits{true, true, true}, spent);
    CHECK_FALSE(d.retry);
    CHECK_FALSE(d.suggested_wait.has_value());
  }
  p.max_attempts = 1;
  Spent spent;
  CHECK_FALSE(decide(p, api(ApiErrorType::server_error), {}, spent).retry);
}
