// Starts the real curator-server binary the way the README's first command
// does (embedded defaults, only the data dir and port changed) and talks to it.
#include <netinet/in.h>
#include <sys/socket.h>

#include <doctest/doctest.h>

#include "../../unit/server/raw_http.hpp"
#include "curator/core/json.hpp"
#include "process.hpp"
#include "test_support.hpp"

using namespace curator;

namespace {

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("curator-server starts on embedded defaults, answers, and stops on SIGTERM") {
  test::TempDir dir;
  const auto port = free_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const auto data_dir = (dir.path() / "data").string();
  test::ChildProcess server(CURATOR_SERVER_BINARY, {},
                            {{"CURATOR_DATA_DIR", data_dir}, {"CURATOR_LISTEN", listen}},
                            (dir.path() / "server.log").string());
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
