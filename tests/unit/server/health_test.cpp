#include "health.hpp"

#include <doctest/doctest.h>

#include "app.hpp"
#include "curator/core/config.hpp"
#include "curator/core/json.hpp"
#include "curator/core/log.hpp"
#include "raw_http.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

using namespace curator;

TEST_CASE("health: 200 when every check passes, 503 naming the failing one") {
  std::vector<server::HealthCheck> checks{{"database", [] {}},
                                          {"redis", [] { throw std::runtime_error("down"); }}};
  auto r = server::health_response(checks);
  CHECK(r.status == 503);
  const auto v = json::parse(r.body);
  CHECK(v.at("status") == "unavailable");
  CHECK(v.at("checks").at("database") == "ok");
  CHECK(v.at("checks").at("redis") == "unavailable");
  CHECK(r.body.find("down") == std::string::npos);
  checks.pop_back();
  CHECK(server::health_response(checks).status == 200);
}

TEST_CASE("embedded server: / explains itself, /healthz checks the SQLite database") {
  test::TempDir dir;
  const auto config = Config::load(Environment({{"CURATOR_DATA_DIR", dir.path().string()}}));
  test::RunningServer srv(server::make_options(config), server::make_router(config));
  auto home = test::http_get(srv.port(), "/");
  CHECK(home.status == 200);
  CHECK(home.body.find("curator-server") != std::string::npos);
  CHECK(home.body.find("CURATOR_FRONTEND_DIR") != std::string::npos);
  auto health = test::http_get(srv.port(), "/healthz");
  CHECK(health.status == 200);
  CHECK(json::parse(health.body).at("checks").at("database") == "ok");
}

TEST_CASE("health with the database down: 503, no credentials anywhere") {
  std::vector<std::string> lines;
  log::set_sink([&](std::string_view l) { lines.emplace_back(l); });
  // Port 1 on loopback: nothing listens there.
  const auto config = Config::load(
      Environment({{"CURATOR_DATABASE_URL", "mysql://curator:hunter2@127.0.0.1:1/curator"},
                   {"CURATOR_REDIS_URL", "redis://:redispw@127.0.0.1:1/0"},
                   {"HOME", "/tmp"}}));
  {
    test::RunningServer srv(server::make_options(config), server::make_router(config));
    const auto r = test::http_get(srv.port(), "/healthz");
    CHECK(r.status == 503);
    const auto v = json::parse(r.body);
    CHECK(v.at("checks").at("database") == "unavailable");
    CHECK(v.at("checks").at("redis") == "unavailable");
    CHECK(r.body.find("hunter2") == std::string::npos);
  }
  log::set_sink({});
  bool logged_failure = false;
  for (const auto& l : lines) {
    CHECK(l.find("hunter2") == std::string::npos);
    CHECK(l.find("redispw") == std::string::npos);
    if (l.find("database check failed") != std::string::npos) logged_failure = true;
  }
  CHECK(logged_failure);
}
