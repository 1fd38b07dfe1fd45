// Input checks and SQL text helpers.
#include <doctest/doctest.h>

#include <limits>

#include "curator/core/error.hpp"
#include "curator/store/records.hpp"
#include "store/connection.hpp"
#include "store/validate.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::detail;

TEST_CASE("UTF-8: valid text is counted in code points, everything else refused") {
  CHECK(utf8_length("") == 0u);
  CHECK(utf8_length("abc") == 3u);
  CHECK(utf8_length("Zoë") == 3u);
  CHECK(utf8_length("€") == 1u);
  CHECK(utf8_length("🚋x") == 2u);
  CHECK(utf8_length(std::string("\xF4\x8F\xBF\xBF", 4)) == 1u);  // U+10FFFF
  CHECK_FALSE(utf8_length(std::string("\x80", 1)));              // lone continuation
  CHECK_FALSE(utf8_length(std::string("\xC3", 1)));              // truncated
  CHECK_FALSE(utf8_length(std::string("\xE2\x82", 2)));          // truncated
  CHECK_FALSE(utf8_length(std::string("\xC0\x80", 2)));          // overlong NUL
  CHECK_FALSE(utf8_length(std::string("\xE0\x80\xAF", 3)));      // overlong '/'
  CHECK_FALSE(utf8_length(std::string("\xF0\x80\x80\xAF", 4)));  // overlong '/'
  CHECK_FALSE(utf8_length(std::string("\xED\xB0\x80", 3)));      // low surrogate
  CHECK_FALSE(utf8_length(std::string("\xF4\x90\x80\x80", 4)));  // above U+10FFFF
  CHECK_FALSE(utf8_length(std::string("\xF8\x88\x80\x80\x80", 5)));
  CHECK_FALSE(utf8_length(std::string("a\xC3(", 3)));  // bad continuation
}

TEST_CASE("VARCHAR and TEXT checks name the field and the limit") {
  CHECK_NOTHROW(check_varchar("title", std::string(255, 'x'), 255));
  std::string umlauts;
  for (int i = 0; i < 255; ++i)
    umlauts += "ü";
  CHECK_NOTHROW(check_varchar("title", umlauts, 255));  // 510 bytes, 255 characters
  CHECK_THROWS_WITH_AS(check_varchar("title", umlauts + "ü", 255),
                       "title is too long (256 characters, at most 255)", Error);
  CHECK_THROWS_WITH_AS(check_varchar("key", "", 255, false), "key must not be empty", Error);
  CHECK_THROWS_WITH_AS(check_varchar("key", std::string("a\0b", 3), 255),
                       "key contains a NUL character", Error);
  CHECK_THROWS_WITH_AS(check_text("wikitext", std::string(65536, 'w')),
                       "wikitext is too long (65536 bytes, at most 65535)", Error);
  CHECK_THROWS_AS(check_label("labels", Label{"en", std::string("\xFF", 1)}), Error);
  CHECK_THROWS_AS(check_error("error", StructuredError::generic(std::string(70000, 'e'))), Error);
}

TEST_CASE("pages: offsets, bounds and overflow") {
  CHECK(page_offset({1, 100}) == 0);
  CHECK(page_offset({3, 25}) == 50);
  CHECK(page_offset({1, kMaxPageLimit}) == 0);
  CHECK(page_offset({21474837, 100}) == 2147483600);
  const auto max = std::numeric_limits<std::int64_t>::max();
  for (const PageRequest p : {PageRequest{0, 1}, PageRequest{-3, 10}, PageRequest{1, 0},
                              PageRequest{1, kMaxPageLimit + 1}, PageRequest{max, kMaxPageLimit},
                              PageRequest{21474838, 100}, PageRequest{1, max}}) {
    CAPTURE(p.number);
    CAPTURE(p.limit);
    try {
      page_offset(p);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(e.code() == "invalid_page");
    }
  }
}

TEST_CASE("filters become literal LIKE patterns") {
  CHECK_FALSE(like_pattern("").has_value());
  CHECK(like_pattern("abc") == "%abc%");
  CHECK(like_pattern("50%_off!") == "%50!%!_off!!%");
  CHECK(like_pattern("it's \\ \"x\"") == "%it's \\ \"x\"%");
  CHECK_THROWS_AS(like_pattern(std::string(256, 'f')), Error);
  CHECK_THROWS_AS(like_pattern(std::string("\xC3", 1)), Error);
}

TEST_CASE("ids: out-of-range ids are dropped, too many refused") {
  CHECK(usable_ids({1, 0, -1, 2147483647, 2147483648LL, 5}) ==
        std::vector<std::int64_t>{1, 2147483647, 5});
  CHECK_THROWS_AS(usable_ids(std::vector<std::int64_t>(kMaxIdsPerCall + 1, 1)), Error);
  CHECK(parameter_list(0).empty());
  CHECK(parameter_list(3) == "?, ?, ?");
}

TEST_CASE("parameter markers are numbered outside literals and comments") {
  CHECK(number_parameters("SELECT ? , ?") == "SELECT :p1 , :p2");
  CHECK(number_parameters("WHERE a = '?' AND b = ? AND `c?` = ? -- ?\n AND d = ?") ==
        "WHERE a = '?' AND b = :p1 AND `c?` = :p2 -- ?\n AND d = :p3");
}

TEST_CASE("retry reasons and error categories have stable names") {
  for (const auto r :
       {RetryReason::source, RetryReason::storage, RetryReason::hash_lock,
        RetryReason::rate_limited, RetryReason::transient, RetryReason::lease_expired}) {
    CHECK(parse_retry_reason(to_string(r)) == r);
  }
  CHECK(to_string(RetryReason::hash_lock) == "hash_lock");
  CHECK_FALSE(parse_retry_reason("HASH_LOCK").has_value());
  for (const auto c : {ErrorCategory::duplicate, ErrorCategory::rate_limit, ErrorCategory::timeout,
                       ErrorCategory::auth, ErrorCategory::network, ErrorCategory::other}) {
    CHECK(parse_error_category(to_string(c)) == c);
  }
  CHECK(to_string(ErrorCategory::rate_limit) == "rate_limit");
}
