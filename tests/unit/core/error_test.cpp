#include "curator/core/error.hpp"

#include <doctest/doctest.h>

using curator::Error;
using curator::ErrorKind;

TEST_CASE("error kinds round-trip through their names") {
  for (auto kind : {ErrorKind::transient, ErrorKind::rate_limited, ErrorKind::auth,
                    ErrorKind::duplicate, ErrorKind::not_found, ErrorKind::invalid_input,
                    ErrorKind::conflict, ErrorKind::permanent}) {
    CHECK(curator::parse_error_kind(curator::to_string(kind)) == kind);
  }
  CHECK_FALSE(curator::parse_error_kind("nonsense").has_value());
}

TEST_CASE("only transient kinds are retryable") {
  CHECK(curator::is_retryable(ErrorKind::transient));
  CHECK(curator::is_retryable(ErrorKind::rate_limited));
  CHECK_FALSE(curator::is_retryable(ErrorKind::permanent));
  CHECK_FALSE(curator::is_retryable(ErrorKind::invalid_input));
  CHECK_FALSE(curator::is_retryable(ErrorKind::auth));
}

TEST_CASE("an error carries kind, code, message and retry-after") {
  Error e(ErrorKind::rate_limited, "slow down", "ratelimited");
  e.with_retry_after(std::chrono::seconds(30));
  CHECK(e.kind() == ErrorKind::rate_limited);
  CHECK(e.code() == "ratelimited");
  CHECK(std::string(e.what()) == "slow down");
  REQUIRE(e.retry_after().has_value());
  CHECK(e.retry_after()->count() == 30);
}
