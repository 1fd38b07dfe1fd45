// Starts the real curator-server binary the way the README's first command
// does (embedded defaults, only the data dir and port changed) and talks to it.
#include <doctest/doctest.h>

#include <cctype>

#include "../../unit/server/raw_http.hpp"
#include "curator/core/json.hpp"
#include "process.hpp"
#include "test_support.hpp"

using namespace curator;

namespace {

/// The port the server's "listening on http://127.0.0.1:N" line names, or 0
/// while that line is not (completely) written.
std::uint16_t announced_port(const std::string& log) {
  const std::string marker = "listening on http://127.0.0.1:";
  const auto at = log.find(marker);
  if (at == std::string::npos) return 0;
  unsigned port = 0;
  auto i = at + marker.size();
  for (; i < log.size() && std::isdigit(static_cast<unsigned char>(log[i])) != 0; ++i)
    port = port * 10 + static_cast<unsigned>(log[i] - '0');
  if (i == log.size() || port > 65535) return 0;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

TEST_CASE("curator-server starts on embedded defaults, answers, and stops on SIGTERM") {
  test::TempDir dir;
  const auto data_dir = (dir.path() / "data").string();
  // Port 0: the server binds a free port itself and names it in its log (a
  // port found free beforehand may be taken by a parallel test meanwhile).
  test::ChildProcess server(CURATOR_SERVER_BINARY, {},
                            {{"CURATOR_DATA_DIR", data_dir}, {"CURATOR_LISTEN", "127.0.0.1:0"}},
                            (dir.path() / "server.log").string());
  std::uint16_t port = 0;
  REQUIRE_MESSAGE(test::wait_until(
                      [&] {
                        port = announced_port(server.output());
                        return port != 0 || !server.running();
                      },
                      std::chrono::seconds(60)),
                  server.output());
  REQUIRE_MESSAGE(port != 0, server.output());
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  test::ParsedResponse health;
  REQUIRE_MESSAGE(test::wait_until(
                      [&] {
                        health = test::http_get(port, "/healthz");
                        return health.status != 0 || !server.running();
                      },
                      std::chrono::seconds(30)),
                  server.output());
  CHECK(health.status == 200);
  CHECK(json::parse(health.body).at("checks").at("database") == "ok");
  CHECK(std::filesystem::exists(data_dir + "/curator.sqlite"));

  const auto home = test::http_get(port, "/");
  CHECK(home.status == 200);
  CHECK(home.body.find("no frontend is configured") != std::string::npos);

  // A second server on the same port fails with a clear message.
  test::ChildProcess second(CURATOR_SERVER_BINARY, {"--listen", listen, "--data-dir", data_dir}, {},
                            (dir.path() / "second.log").string());
  const auto second_exit = second.wait_exit(std::chrono::seconds(30));
  REQUIRE(second_exit.has_value());
  CHECK(*second_exit != 0);
  CHECK(second.output().find("cannot listen on 127.0.0.1:" + std::to_string(port)) !=
        std::string::npos);

  server.signal(SIGTERM);
  const auto code = server.wait_exit(std::chrono::seconds(30));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  const auto log = server.output();
  CHECK(log.find("GET /healthz 200") != std::string::npos);
  CHECK(log.find("stopped") != std::string::npos);
  CHECK(log.find("database schema at version") != std::string::npos);
  CHECK(log.find("migration(s) applied") != std::string::npos);
}

TEST_CASE("curator-server refuses bad configuration with the variable's name") {
  test::TempDir dir;
  test::ChildProcess bad(CURATOR_SERVER_BINARY, {},
                         {{"CURATOR_DATA_DIR", dir.path().string()},
                          {"CURATOR_DATABASE_URL", "mysql://u:hunter2@h:port/db"}},
                         (dir.path() / "bad.log").string());
  const auto code = bad.wait_exit(std::chrono::seconds(30));
  REQUIRE(code.has_value());
  CHECK(*code == 2);
  CHECK(bad.output().find("CURATOR_DATABASE_URL") != std::string::npos);
  CHECK(bad.output().find("hunter2") == std::string::npos);

  test::ChildProcess bad_flag(CURATOR_SERVER_BINARY, {"--listen", "nonsense"},
                              {{"CURATOR_DATA_DIR", dir.path().string()}},
                              (dir.path() / "flag.log").string());
  CHECK(bad_flag.wait_exit(std::chrono::seconds(30)) == 2);
  CHECK(bad_flag.output().find("CURATOR_LISTEN: must be host:port") != std::string::npos);
}

TEST_CASE("--print-config redacts secrets") {
  test::TempDir dir;
  test::ChildProcess p(
      CURATOR_SERVER_BINARY, {"--print-config"},
      {{"CURATOR_DATA_DIR", dir.path().string()}, {"CURATOR_OAUTH1_SECRET", "very-secret-value"}},
      (dir.path() / "cfg.log").string());
  CHECK(p.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(p.output().find("CURATOR_OAUTH1_SECRET=***") != std::string::npos);
  CHECK(p.output().find("very-secret-value") == std::string::npos);
}
