// The effective-rate formula, with the cases of the Python service's
// tests/test_rate_limiter.py and the shapes a hostile or broken answer takes.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"
#include "curator/queue/rate_limiter.hpp"

using namespace curator;
using namespace curator::queue;

namespace {

Rate rate_of(std::string_view limits, std::string_view rights = "[]") {
  const auto text = fmt::format(R"({{"batchcomplete":true,"query":{{"userinfo":{{"id":7,)"
                                R"("name":"U","ratelimits":{},"rights":{}}}}}}})",
                                limits, rights);
  return effective_rate(json::parse(text));
}

void expect_malformed(std::string_view text, std::string_view fragment) {
  CAPTURE(text);
  try {
    effective_rate(json::parse(text));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_MESSAGE(std::string(e.what()).find(fragment) != std::string::npos, e.what());
  }
  // The caller's fallback applies instead.
  CHECK(effective_rate_or(json::parse(text)) == kDefaultRate);
  CHECK(effective_rate_or(json::parse(text), Rate{2, 30}) == Rate{2, 30});
}

}  // namespace

TEST_CASE("upload is the bottleneck: 380/4320 beats edit/2 = 450/180") {
  CHECK(rate_of(R"({"upload":{"user":{"hits":380,"seconds":4320}},)"
                R"("edit":{"user":{"hits":900,"seconds":180}}})") == Rate{380, 4320});
}

TEST_CASE("halved edit is the bottleneck: upload 100/10, edit 10/10 -> 5/10") {
  CHECK(rate_of(R"({"upload":{"user":{"hits":100,"seconds":10}},)"
                R"("edit":{"user":{"hits":10,"seconds":10}}})") == Rate{5, 10});
}

TEST_CASE("the most permissive group per action is used (patroller) -> 750/180") {
  CHECK(rate_of(R"({"upload":{"user":{"hits":380,"seconds":4320},)"
                R"("patroller":{"hits":999,"seconds":1}},)"
                R"("edit":{"user":{"hits":900,"seconds":180},)"
                R"("patroller":{"hits":1500,"seconds":180}}})",
                R"(["patrol","edit"])") == Rate{750, 180});
}

TEST_CASE("noratelimit is exactly the no-limit value 9999/60") {
  CHECK(rate_of("{}", R"(["noratelimit","edit"])") == kNoRateLimit);
  CHECK(kNoRateLimit == Rate{9999, 60});
  // It wins over any listed limit.
  CHECK(rate_of(R"({"upload":{"user":{"hits":1,"seconds":600}}})", R"(["noratelimit"])") ==
        kNoRateLimit);
}

TEST_CASE("an odd edit limit of 1 halves to max(1, 0) = 1 -> 1/10") {
  CHECK(rate_of(R"({"upload":{"user":{"hits":100,"seconds":10}},)"
                R"("edit":{"user":{"hits":1,"seconds":10}}})") == Rate{1, 10});
}

TEST_CASE("no limits at all is treated as exempt") {
  CHECK(rate_of("{}") == kNoRateLimit);
  CHECK(rate_of("[]") == kNoRateLimit);  // PHP's empty array
  CHECK(rate_of("null") == kNoRateLimit);
  CHECK(effective_rate(json::parse(R"({"query":{"userinfo":{"id":1,"name":"U"}}})")) ==
        kNoRateLimit);
  CHECK(rate_of(R"({"move":{"user":{"hits":8,"seconds":60}}})") == kNoRateLimit);
}

TEST_CASE("one action alone decides; ties keep the first group and prefer upload") {
  CHECK(rate_of(R"({"edit":{"user":{"hits":90,"seconds":60}}})") == Rate{45, 60});
  CHECK(rate_of(R"({"upload":{"user":{"hits":3,"seconds":60}}})") == Rate{3, 60});
  CHECK(rate_of(R"({"upload":{"a":{"hits":10,"seconds":10},"b":{"hits":20,"seconds":20}}})") ==
        Rate{10, 10});
  CHECK(rate_of(R"({"upload":{"a":{"hits":20,"seconds":20},"b":{"hits":10,"seconds":10}}})") ==
        Rate{20, 20});
  // upload 1/2 and halved edit 5/10 are equally strict: upload wins.
  CHECK(
      rate_of(R"({"upload":{"u":{"hits":1,"seconds":2}},"edit":{"u":{"hits":10,"seconds":10}}})") ==
      Rate{1, 2});
  // Exact comparison where floating point would round: 1/3 vs 333333333/999999999.
  CHECK(rate_of(R"({"upload":{"a":{"hits":1,"seconds":3},)"
                R"("b":{"hits":333333334,"seconds":999999999}}})") == Rate{333333334, 999999999});
}

TEST_CASE("the userinfo object alone is accepted too") {
  CHECK(effective_rate(json::parse(
            R"({"userinfo":{"ratelimits":{"upload":{"user":{"hits":380,"seconds":4320}}}}})")) ==
        Rate{380, 4320});
  CHECK(effective_rate(json::parse(
            R"({"ratelimits":{"upload":{"user":{"hits":380,"seconds":4320}}},"rights":[]})")) ==
        Rate{380, 4320});
}

TEST_CASE("spacing is period / hits x 1.5") {
  using std::chrono::microseconds;
  CHECK(Rate{4, 60}.spacing() == microseconds(22'500'000));
  CHECK(Rate{380, 4320}.spacing() == microseconds(17'052'632));  // 17.05 s, a normal user
  CHECK(Rate{750, 180}.spacing() == microseconds(360'000));      // 0.36 s, a patroller
  CHECK(kNoRateLimit.spacing() == microseconds(9'001));
  const Rate no_hits{0, 60};
  const Rate no_period{4, 0};
  CHECK_THROWS_AS((void)no_hits.spacing(), Error);
  CHECK_THROWS_AS((void)no_period.spacing(), Error);
}

TEST_CASE("broken answers are refused, and the fallback (4/60) applies") {
  expect_malformed("[]", "not a JSON object");
  expect_malformed("42", "not a JSON object");
  expect_malformed(R"({"error":{"code":"mwoauth-invalid-authorization","info":"x"}})",
                   "answered with an error");
  expect_malformed(R"({"query":[]})", "query is not an object");
  expect_malformed(R"({"query":{}})", "query.userinfo is missing");
  expect_malformed(R"({"query":{"userinfo":{"ratelimits":"lots"}}})",
                   "ratelimits is not an object");
  expect_malformed(R"({"query":{"userinfo":{"ratelimits":{"upload":[1,2]}}}})",
                   "ratelimits.upload is not an object");
  expect_malformed(R"({"query":{"userinfo":{"ratelimits":{"upload":{"user":7}}}}})",
                   "entry is not an object");
  expect_malformed(R"({"query":{"userinfo":{"rights":"noratelimit"}}})", "rights is not a list");
  expect_malformed(R"({"query":{"userinfo":{"rights":[1]}}})", "not a string");
  for (const auto* entry :
       {R"({"hits":"380","seconds":4320})", R"({"hits":0,"seconds":60})",
        R"({"hits":4,"seconds":0})", R"({"hits":-4,"seconds":60})", R"({"hits":4.5,"seconds":60})",
        R"({"seconds":60})", R"({"hits":1e30,"seconds":60})",
        R"({"hits":18446744073709551615,"seconds":60})", R"({"hits":4,"seconds":10000000000})"}) {
    expect_malformed(
        fmt::format(R"({{"query":{{"userinfo":{{"ratelimits":{{"edit":{{"user":{}}}}}}}}}}})",
                    entry),
        "ratelimits.edit entry needs");
  }
}
