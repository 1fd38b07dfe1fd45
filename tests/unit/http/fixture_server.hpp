#pragma once
// Starts tests/fakes/http_fixture_server.py on a free loopback port for the
// http tests: spawns python3, reads the "PORT <n>" line it prints (with a
// deadline), and stops it at the end (closing its stdin, then SIGTERM).
// Also the deterministic byte pattern the server sends, for expected values.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "../../support/child_output.hpp"
#include "curator/http/client.hpp"

extern char** environ;

namespace curator::test {

class FixtureServer {
 public:
  FixtureServer() {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    const std::string script =
        std::string(CURATOR_SOURCE_DIR) + "/tests/fakes/http_fixture_server.py";
    std::array<char*, 3> argv{const_cast<char*>("python3"), const_cast<char*>(script.c_str()),
                              nullptr};
    const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    stdout_ = from_child[0];
    if (rc != 0) throw std::runtime_error("cannot start python3 for the fixture server");
    port_ = read_port();
  }

  ~FixtureServer() {
    if (stdin_ >= 0) ::close(stdin_);  // the server exits at EOF on stdin
    if (stdout_ >= 0) ::close(stdout_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path_and_query) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path_and_query;
  }

 private:
  int read_port() {
    const auto line = read_first_line(stdout_, "the fixture server", std::chrono::seconds(20));
    if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("unexpected fixture output: " + line);
    return std::stoi(line.substr(5));
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int port_ = 0;
};

/// One server for the whole test binary (started on first use).
inline FixtureServer& fixture_server() {
  static FixtureServer server;
  return server;
}

/// The bytes /bytes?n=&seed= sends: byte i = (i * 131 + seed * 7 + i / 251) % 256.
inline std::string pattern(std::size_t n, int seed = 0) {
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<char>((i * 131 + static_cast<std::size_t>(seed) * 7 + i / 251) % 256);
  }
  return out;
}

/// SHA-1 hex straight from OpenSSL, independent of the module under test.
inline std::string sha1_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

/// Client options for loopback tests: never a proxy, short timeouts.
inline http::ClientOptions test_client_options() {
  http::ClientOptions o;
  o.user_agent = {"curator-test", "1.0", "https://example.org/curator-tests"};
  o.connect_timeout = std::chrono::seconds(5);
  o.total_timeout = std::chrono::seconds(30);
  o.no_proxy = "*";
  return o;
}

}  // namespace curator::test
