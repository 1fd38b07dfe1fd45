#include <doctest/doctest.h>

#include <stdexcept>

#include "curator/core/error.hpp"
#include "curator/http/form.hpp"
#include "curator/http/retry.hpp"
#include "curator/http/status.hpp"

using namespace curator;
using namespace curator::http;
using namespace std::chrono_literals;

TEST_CASE("percent_encode, form_encode and append_query") {
  CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(percent_encode("a b+c&d=e/f?") == "a%20b%2Bc%26d%3De%2Ff%3F");
  CHECK(percent_encode("\xC3\xAB") == "%C3%AB");
  CHECK(percent_encode(std::string("\0", 1)) == "%00");
  CHECK(form_encode({}) == "");
  CHECK(form_encode({{"action", "query"}, {"titles", "File:A B.jpg"}, {"x", ""}}) ==
        "action=query&titles=File%3AA%20B.jpg&x=");
  CHECK(append_query("https://h/w/api.php", {{"a", "1"}}) == "https://h/w/api.php?a=1");
  CHECK(append_query("https://h/w/api.php?x=y", {{"a", "1"}, {"b", "2 3"}}) ==
        "https://h/w/api.php?x=y&a=1&b=2%203");
  CHECK(append_query("https://h/p?", {{"a", "1"}}) == "https://h/p?a=1");
  CHECK(append_query("https://h/p#frag", {{"a", "1"}}) == "https://h/p?a=1#frag");
  CHECK(append_query("https://h/p", {}) == "https://h/p");
}

TEST_CASE("error kinds for statuses") {
  for (long s : {100L, 200L, 204L, 301L, 304L})
    CHECK_FALSE(error_kind_for_status(s));
  CHECK(error_kind_for_status(400) == ErrorKind::permanent);
  CHECK(error_kind_for_status(401) == ErrorKind::permanent);
  CHECK(error_kind_for_status(404) == ErrorKind::not_found);
  CHECK(error_kind_for_status(408) == ErrorKind::transient);
  CHECK(error_kind_for_status(410) == ErrorKind::not_found);
  CHECK(error_kind_for_status(429) == ErrorKind::rate_limited);
  CHECK(error_kind_for_status(500) == ErrorKind::transient);
  CHECK(error_kind_for_status(599) == ErrorKind::transient);
  CHECK(error_kind_for_status(0) == ErrorKind::permanent);
  CHECK(error_kind_for_status(999) == ErrorKind::permanent);
}

TEST_CASE("Retry-After: seconds, HTTP dates, garbage") {
  const auto now = parse_utc("2015-10-21T07:27:00Z");
  CHECK(parse_retry_after("120", now) == 120s);
  CHECK(parse_retry_after(" 5\t", now) == 5s);
  CHECK(parse_retry_after("0", now) == 0s);
  CHECK(parse_retry_after("99999999999999999999", now) == 86400s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 60s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0s);
  CHECK(parse_retry_after("Thu, 21 Oct 2100 07:00:00 GMT", now) == 86400s);
  for (const char* bad : {"", "  ", "-5", "soon", "1.5", "12abc"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_retry_after(bad, now));
  }
  CHECK_FALSE(parse_retry_after(std::string(100, '1'), now));
}

TEST_CASE("run_with_retries: retries transient errors with the policy's delays") {
  std::vector<std::chrono::milliseconds> waits;
  std::vector<int> reported;
  RetryPolicy p;
  p.delays = {10ms, 20ms, 30ms};
  p.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); };
  p.on_retry = [&](int attempt, const Error& e, std::chrono::milliseconds) {
    reported.push_back(attempt);
    CHECK(e.kind() == ErrorKind::transient);
  };
  int calls = 0;
  const auto value = with_retries(p, [&](int n) {
    ++calls;
    CHECK(n == calls);
    if (n < 3) throw Error(ErrorKind::transient, "flaky");
    return n * 10;
  });
  CHECK(value == 30);
  CHECK(waits == std::vector<std::chrono::milliseconds>{10ms, 20ms});
  CHECK(reported == std::vector<int>{1, 2});
}

TEST_CASE("run_with_retries: gives up when exhausted, permanent, or asked to wait too long") {
  std::vector<std::chrono::milliseconds> waits;
  RetryPolicy p;
  p.delays = {1ms, 1ms};
  p.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); };
  int calls = 0;
  try {
    run_with_retries(p, [&](int n) {
      ++calls;
      throw Error(ErrorKind::transient, "attempt " + std::to_string(n));
    });
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "attempt 3");  // the last error propagates
  }
  CHECK(calls == 3);

  for (const auto kind : {ErrorKind::permanent, ErrorKind::not_found, ErrorKind::invalid_input,
                          ErrorKind::auth, ErrorKind::duplicate}) {
    calls = 0;
    CHECK_THROWS_AS(run_with_retries(p,
                                     [&](int) {
                                       ++calls;
                                       throw Error(kind, "no");
                                     }),
                    Error);
    CHECK(calls == 1);
  }

  calls = 0;
  CHECK_THROWS_AS(run_with_retries(p,
                                   [&](int) {
                                     ++calls;
                                     throw std::logic_error("bug");
                                   }),
                  std::logic_error);
  CHECK(calls == 1);

  waits.clear();
  calls = 0;
  p.max_retry_after = 30s;
  CHECK_THROWS_AS(
      run_with_retries(p,
                       [&](int) {
                         ++calls;
                         throw Error(ErrorKind::rate_limited, "slow down").with_retry_after(31s);
                       }),
      Error);
  CHECK(calls == 1);
  CHECK(waits.empty());

  // A shorter Retry-After than the policy's delay does not shorten the wait.
  calls = 0;
  run_with_retries(p, [&](int n) {
    ++calls;
    if (n == 1) throw Error(ErrorKind::rate_limited, "x").with_retry_after(0s);
  });
  CHECK(waits == std::vector<std::chrono::milliseconds>{1ms});

  CHECK(RetryPolicy::none().attempts() == 1);
  CHECK(RetryPolicy{}.delays == std::vector<std::chrono::milliseconds>{3s, 5s, 10s});
}
