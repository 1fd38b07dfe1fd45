#include "curator/core/json.hpp"

#include <doctest/doctest.h>

#include <string>

#include "curator/core/error.hpp"

using namespace curator;

TEST_CASE("numbers are written without exponents, doubles as Python writes them") {
  CHECK(json::serialize(json::value(3.5)) == "3.5");
  CHECK(json::serialize(json::value(90.0)) == "90.0");
  CHECK(json::serialize(json::value(-0.000123)) == "-0.000123");
  CHECK(json::serialize(json::value(1e21)) == "1000000000000000000000.0");
  CHECK(json::serialize(json::value(0.1)) == "0.1");
  CHECK(json::serialize(json::value(std::int64_t{-42})) == "-42");
  CHECK(json::serialize(json::value(std::uint64_t{18446744073709551615ull})) ==
        "18446744073709551615");
  CHECK(json::serialize(json::value(std::numeric_limits<double>::quiet_NaN())) == "null");
}

TEST_CASE("serialize is compact and keeps order and escapes") {
  json::value v = json::parse(R"({"b":[1,2.25,true,null],"a":"x\"y\n\u00e9"})");
  CHECK(json::serialize(v) == "{\"b\":[1,2.25,true,null],\"a\":\"x\\\"y\\n\xC3\xA9\"}");
  // Round trip: parse(serialize(v)) == v.
  CHECK(json::parse(json::serialize(v)) == v);
}

TEST_CASE("doubles round-trip exactly") {
  for (double d : {0.1, 1.0 / 3.0, 51.507351, -0.127758, 123456789.123456789, 5e-324, 1.7e308}) {
    CAPTURE(d);
    const auto text = json::serialize(json::value(d));
    CHECK(text.find('e') == std::string::npos);
    CHECK(text.find('E') == std::string::npos);
    CHECK(json::parse(text).as_double() == d);
  }
}

TEST_CASE("parse refuses bad, oversize and too-deep input with clear errors") {
  auto expect_error = [](const std::string& text, const char* fragment, std::size_t max = 1000) {
    CAPTURE(text.substr(0, 40));
    try {
      json::parse(text, "request body", max, 8);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
  };
  expect_error("{", "request body is not valid JSON");
  expect_error("[1,]", "not valid JSON");
  expect_error("\"\xff\"", "not valid JSON");
  expect_error(std::string(2000, ' '), "request body is too large");
  expect_error(std::string(20, '[') + std::string(20, ']'), "not valid JSON");
}

TEST_CASE("typed field access names the field and the type") {
  const auto v =
      json::parse(R"({"s":"x","i":5,"d":2.5,"b":true,"n":null,"big":18446744073709551615})");
  const auto& o = json::as_object(v, "x");
  CHECK(json::require_string(o, "s") == "x");
  CHECK(json::get_string(o, "n") == std::nullopt);
  CHECK(json::get_string(o, "missing") == std::nullopt);
  CHECK(json::require_int(o, "i") == 5);
  CHECK(json::get_number(o, "i") == 5.0);
  CHECK(json::get_number(o, "d") == 2.5);
  CHECK(json::get_bool(o, "b") == true);
  CHECK(json::has_string(o, "s"));
  CHECK_FALSE(json::has_string(o, "i"));
  CHECK_THROWS_WITH_AS(json::require_string(o, "i"), "field 'i' must be a string", Error);
  CHECK_THROWS_WITH_AS(json::get_int(o, "d"), "field 'd' must be an integer", Error);
  CHECK_THROWS_WITH_AS(json::get_int(o, "big"), "field 'big' must be an integer", Error);
  CHECK_THROWS_WITH_AS(json::get_bool(o, "s"), "field 's' must be a boolean", Error);
  CHECK_THROWS_WITH_AS(json::require_int(o, "missing"), "field 'missing' must be an integer",
                       Error);
  CHECK_THROWS_AS(json::as_object(json::value(1), "body"), Error);
}
