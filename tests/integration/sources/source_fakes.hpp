#pragma once
// Runs tests/fakes/source_fakes.py (Mapillary, Flickr, geocoder, WCQS) as a
// child process for one test: reads its {"port": N} line, talks to its
// control API (faults, request log, stats) over a plain socket, and stops it
// with SIGTERM at the end. Its stdin is a pipe, so it also exits if the test
// process dies.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../../support/child_output.hpp"
#include "curator/core/config.hpp"
#include "curator/core/json.hpp"
#include "curator/http/retry.hpp"

namespace curator::test {

inline constexpr const char* kFakeMapillaryToken = "MLY|4242|fake-mapillary-token";
inline constexpr const char* kFakeFlickrKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Retries without real waiting times, so that fault tests stay fast.
inline http::RetryPolicy quick_retries(int attempts = 3) {
  http::RetryPolicy p;
  p.delays.assign(static_cast<std::size_t>(attempts - 1), std::chrono::milliseconds(5));
  p.max_retry_after = std::chrono::seconds(2);
  return p;
}

class SourceFakes {
 public:
  explicit SourceFakes(const std::vector<std::string>& extra_args = {}) {
    const char* override_path = std::getenv("CURATOR_SOURCE_FAKES");
    const std::string script =
        override_path != nullptr && *override_path != '\0'
            ? std::string(override_path)
            : std::string(CURATOR_SOURCE_DIR) + "/tests/fakes/source_fakes.py";
    int out[2], in[2];
    if (::pipe(out) != 0 || ::pipe(in) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(in[0], 0);
      const int devnull = ::open("/dev/null", O_WRONLY);
      if (std::getenv("CURATOR_FAKES_VERBOSE") == nullptr) ::dup2(devnull, 2);
      ::close(out[0]);
      ::close(in[1]);
      std::vector<std::string> args{"python3", script, "--port", "0", "--exit-on-stdin-close"};
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("python3", argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(in[0]);
    stdin_ = in[1];
    port_ = read_port(out[0]);
    ::close(out[0]);
  }

  ~SourceFakes() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        ::close(stdin_);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    ::close(stdin_);
  }
  SourceFakes(const SourceFakes&) = delete;
  SourceFakes& operator=(const SourceFakes&) = delete;

  int port() const { return port_; }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  /// A configuration whose service URLs and secrets point at this fake.
  Config config() const {
    Config c;
    c.mapillary_api_url = url("/mapillary");
    c.flickr_api_url = url("/flickr/services/rest");
    c.geocoder_url = url("/geocoder/reverse");
    c.wcqs_url = url("/wcqs/sparql");
    c.mapillary_token = kFakeMapillaryToken;
    c.flickr_api_key = kFakeFlickrKey;
    c.contact_url = "https://example.org/curator-tests";
    return c;
  }

  /// One control-API call; the JSON answer (throws on a non-2xx status).
  json::value control(const std::string& method, const std::string& path,
                      const std::string& body = {}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot connect to the fakes");
    }
    std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          "Content-Type: application/json\r\nConnection: close\r\n" +
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
      const auto n = ::send(fd, request.data() + sent, request.size() - sent, 0);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buf[65536];
    for (;;) {
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto head_end = answer.find("\r\n\r\n");
    if (answer.size() < 12 || head_end == std::string::npos) {
      throw std::runtime_error("bad control answer");
    }
    const int status = std::stoi(answer.substr(9, 3));
    const auto text = answer.substr(head_end + 4);
    if (status < 200 || status > 299) {
      throw std::runtime_error("control " + path + " failed: " + text);
    }
    return json::parse(text, "control answer", 256u << 20, 64);
  }

  void add_fault(const std::string& rule_json) { control("POST", "/_control/faults", rule_json); }
  void clear_faults() { control("DELETE", "/_control/faults"); }
  void reset_log() { control("DELETE", "/_control/requests"); }
  void set_config(const std::string& json_object) {
    control("POST", "/_control/config", json_object);
  }

  /// Logged requests whose path starts with `prefix`.
  json::array requests(const std::string& prefix) {
    auto v = control("GET", "/_control/requests?path_prefix=" + prefix);
    return v.as_object().at("requests").as_array();
  }

  /// Most requests in flight at once for a service since the last log reset.
  long long max_in_flight(const std::string& service) {
    auto v = control("GET", "/_control/stats");
    const auto* m = v.as_object().at("max_in_flight").as_object().if_contains(service);
    return m == nullptr ? 0 : m->as_int64();
  }

 private:
  static int read_port(int fd) {
    const auto v =
        json::parse(read_first_line(fd, "the source fakes", std::chrono::seconds(20)), "port line");
    return static_cast<int>(v.as_object().at("port").as_int64());
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

/// Query parameter `name` of a logged request (first value), or "".
inline std::string logged_param(const json::value& entry, const std::string& name) {
  const auto* q = entry.as_object().at("query").as_object().if_contains(name);
  if (q == nullptr || !q->is_array() || q->as_array().empty()) return {};
  return std::string(q->as_array()[0].as_string());
}

inline long long logged_status(const json::value& entry) {
  const auto& s = entry.as_object().at("status");
  return s.is_int64() ? s.as_int64() : -1;
}

}  // namespace curator::test
