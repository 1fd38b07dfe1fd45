#include "curator/core/log.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "curator/core/json.hpp"

using namespace curator;

namespace {
struct Capture {
  std::vector<std::string> lines;
  Capture() {
    log::set_sink([this](std::string_view l) { lines.emplace_back(l); });
  }
  ~Capture() {
    log::set_sink({});
    log::configure(log::Level::info, log::Format::text);
  }
};
}  // namespace

TEST_CASE("levels filter and text lines carry the context id") {
  Capture cap;
  log::configure(log::Level::info, log::Format::text);
  log::debug("test", "hidden");
  {
    log::ContextScope scope("req-42");
    log::info("http", "GET /healthz\ninjected line");
  }
  log::warning("http", "after");
  REQUIRE(cap.lines.size() == 2);
  CHECK(cap.lines[0].find("[http] [req-42] GET /healthz\\ninjected line") != std::string::npos);
  CHECK(cap.lines[0].find('\n') == std::string::npos);
  CHECK(cap.lines[1].find("req-42") == std::string::npos);
}

TEST_CASE("JSON lines are valid JSON with the id") {
  Capture cap;
  log::configure(log::Level::debug, log::Format::json);
  log::ContextScope scope("upload-7");
  log::error("pipeline", "failed: \"quote\"");
  REQUIRE(cap.lines.size() == 1);
  const auto v = json::parse(cap.lines[0]);
  CHECK(v.at("level") == "error");
  CHECK(v.at("component") == "pipeline");
  CHECK(v.at("id") == "upload-7");
  CHECK(v.at("msg") == "failed: \"quote\"");
}

TEST_CASE("redact_url hides passwords and secret-looking query parameters") {
  CHECK(log::redact_url("mysql://u:pw@h:1/db") == "mysql://u:***@h:1/db");
  CHECK(log::redact_url("redis://:pw@h:1/0") == "redis://:***@h:1/0");
  CHECK(log::redact_url("https://x/api.php?action=query&token=abc&lgpassword=p&title=T") ==
        "https://x/api.php?action=query&token=***&lgpassword=***&title=T");
  CHECK(log::redact_url("https://example.org/a@b") == "https://example.org/a@b");
  CHECK(log::redact_url("plain") == "plain");
}

TEST_CASE("level names parse") {
  CHECK(log::parse_level("WARNING") == log::Level::warning);
  CHECK(log::parse_level("critical") == log::Level::error);
  CHECK_FALSE(log::parse_level("verbose").has_value());
}
