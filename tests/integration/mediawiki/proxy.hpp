#pragma once
// tests/fakes/mediawiki_proxy.py in front of the test wiki: Commons' Wikibase
// calls answered by the fake, everything else forwarded, and faults injected
// through its control API. Started per test on a free port, stopped at the
// end (stdin closed; SIGKILL only if it has not exited after 10 s).

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "../../support/child_output.hpp"
#include "curator/core/json.hpp"
#include "curator/http/client.hpp"
#include "test_support.hpp"

extern char** environ;

namespace curator::test {

class MediaWikiProxy {
 public:
  MediaWikiProxy() : control_(control_options()) {
    const auto upstream = require_env("CURATOR_TEST_MEDIAWIKI_API");
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    const std::string script = std::string(CURATOR_SOURCE_DIR) + "/tests/fakes/mediawiki_proxy.py";
    std::array<char*, 7> argv{const_cast<char*>("python3"),
                              const_cast<char*>(script.c_str()),
                              const_cast<char*>("--upstream"),
                              const_cast<char*>(upstream.c_str()),
                              const_cast<char*>("--port=0"),
                              const_cast<char*>("--exit-on-stdin-close"),
                              nullptr};
    const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    stdin_ = to_child[1];
    stdout_ = from_child[0];
    if (rc != 0) throw std::runtime_error("cannot start python3 for the MediaWiki proxy");
    const auto line = read_line();
    const auto v = json::parse(line, "proxy start line");
    port_ = static_cast<int>(v.as_object().at("port").as_int64());
  }

  ~MediaWikiProxy() {
    // Closing stdin makes the proxy exit cleanly. A SIGTERM sent meanwhile
    // can deadlock it (its handler calls Event.set() while the main thread
    // may hold that event's lock), so signals come only after a grace period.
    if (stdin_ >= 0) ::close(stdin_);
    if (stdout_ >= 0) ::close(stdout_);
    if (pid_ <= 0) return;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  MediaWikiProxy(const MediaWikiProxy&) = delete;
  MediaWikiProxy& operator=(const MediaWikiProxy&) = delete;

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string commons_api() const { return base() + "/api.php"; }
  std::string wikidata_api() const { return base() + "/wikidata/api.php"; }

  /// Adds a fault rule (or a list of them).
  void fault(const std::string& rule_json) { control("POST", "/_control/faults", rule_json); }
  void clear_faults() { control("DELETE", "/_control/faults", ""); }
  /// The request log, optionally for one action.
  json::array requests(const std::string& action = "") {
    const auto v =
        control("GET", "/_control/requests" + (action.empty() ? "" : "?action=" + action), "");
    return v.as_object().at("requests").as_array();
  }
  json::value entity(const std::string& id) {
    return control("GET", "/_control/entities/" + id, "");
  }
  void seed_entity(const std::string& id, const std::string& wbgetentities_json) {
    control("PUT", "/_control/entities/" + id, wbgetentities_json);
  }

  json::value control(const std::string& method, const std::string& path, const std::string& body) {
    const http::Response r =
        method == "GET" ? control_.get(base() + path) : raw(method, path, body);
    if (r.status >= 300) FAIL("proxy control " << method << " " << path << ": " << r.body);
    return r.body.empty() ? json::value() : json::parse(r.body, "proxy control answer");
  }

 private:
  static http::ClientOptions control_options() {
    http::ClientOptions o;
    o.user_agent.contact = "https://example.org/curator-tests";
    return o;
  }

  // The control API takes JSON bodies and PUT/DELETE, which the http module
  // does not send: a minimal HTTP/1.1 exchange over a loopback socket.
  http::Response raw(const std::string& method, const std::string& path, const std::string& body) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot connect to the proxy");
    }
    const std::string request =
        method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    std::size_t sent = 0;
    while (sent < request.size()) {
      const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char buf[4096];
    for (;;) {
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    http::Response r;
    const auto space = reply.find(' ');
    const auto head_end = reply.find("\r\n\r\n");
    if (space == std::string::npos || head_end == std::string::npos) {
      throw std::runtime_error("malformed answer from the proxy's control API");
    }
    r.status = std::stol(reply.substr(space + 1, 3));
    r.body = reply.substr(head_end + 4);
    return r;
  }

  std::string read_line() { return read_first_line(stdout_, "the proxy"); }

  http::Client control_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int port_ = 0;
};

}  // namespace curator::test
