#include "curator/core/time.hpp"

#include <doctest/doctest.h>

#include "curator/core/error.hpp"

using namespace curator;

TEST_CASE("UTC formats match the wire") {
  const auto t = parse_utc("2026-05-03T13:05:21Z");
  CHECK(format_utc_z(t) == "2026-05-03T13:05:21Z");
  CHECK(format_naive(t) == "2026-05-03T13:05:21");
  CHECK(format_utc_offset(t) == "2026-05-03T13:05:21+00:00");
  CHECK(format_sql(t) == "2026-05-03 13:05:21");
  CHECK(format_date(t) == "2026-05-03");
}

TEST_CASE("microseconds appear only when present, like Python isoformat") {
  const auto t = parse_utc("2026-05-03T13:05:21.000042Z");
  CHECK(format_utc_z(t) == "2026-05-03T13:05:21.000042Z");
  CHECK(format_utc_offset(t) == "2026-05-03T13:05:21+00:00");
  CHECK(format_sql(t) == "2026-05-03 13:05:21");
  CHECK(format_utc_z(parse_utc("2026-05-03T13:05:21.5")) == "2026-05-03T13:05:21.500000Z");
}

TEST_CASE("offsets convert to UTC and nanoseconds truncate") {
  CHECK(format_utc_z(parse_utc("2026-01-01T01:30:00+02:00")) == "2025-12-31T23:30:00Z");
  CHECK(format_utc_z(parse_utc("2026-01-01T00:00:00-0130")) == "2026-01-01T01:30:00Z");
  CHECK(format_utc_z(parse_utc("2026-01-01 00:00:00.123456789")) == "2026-01-01T00:00:00.123456Z");
  CHECK(format_utc_z(parse_utc("2024-02-29")) == "2024-02-29T00:00:00Z");
}

TEST_CASE("epoch conversions") {
  CHECK(format_utc_z(from_unix_millis(1700000000123)) == "2023-11-14T22:13:20.123000Z");
  CHECK(to_unix_seconds(parse_utc("1970-01-01T00:01:40Z")) == 100);
  CHECK(format_utc_z(from_unix_millis(-1000)) == "1969-12-31T23:59:59Z");
}

TEST_CASE("malformed timestamps are refused with a clear error") {
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-02-30T00:00:00", "2026-01-01T25:00:00", "2026-01-01T00:00",
        "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00.", "2026-01-01T00:00:00+99:00",
        "٢٠٢٦-01-01", "2026-01-01T00:00:00.1234567890"}) {
    CAPTURE(bad);
    try {
      parse_utc(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(std::string(e.what()).find("invalid UTC timestamp") != std::string::npos);
    }
  }
}

TEST_CASE("now is whole seconds when asked") {
  const auto t = now_utc_seconds();
  CHECK(t.time_since_epoch().count() % 1000000 == 0);
  CHECK(now_utc() >= t);
}
