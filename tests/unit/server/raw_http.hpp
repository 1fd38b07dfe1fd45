#pragma once
// A deliberately dumb HTTP client over a POSIX socket: it sends exactly the
// bytes a test gives it (malformed, slow, hostile) and reads the raw answer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace curator::test {

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads until the peer closes or `timeout` passes; returns what arrived.
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_some(out, deadline)) {
    }
    return out;
  }

  /// Reads one response (headers + Content-Length body, or until close).
  std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto cl = find_header(out.substr(0, end), "content-length");
        if (!cl.empty() && out.size() >= end + 4 + std::stoul(cl)) return out;
      }
      if (!read_some(out, deadline)) return out;
    }
  }

  /// True once the server has closed the connection (waits up to `timeout`).
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    std::string sink;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }

  static std::string find_header(const std::string& head, const std::string& lower_name) {
    std::string lower = head;
    for (auto& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto pos = lower.find("\r\n" + lower_name + ":");
    if (pos == std::string::npos) return {};
    auto start = pos + 3 + lower_name.size();
    while (start < head.size() && head[start] == ' ')
      ++start;
    return head.substr(start, head.find("\r\n", start) - start);
  }

 private:
  bool read_some(std::string& out, std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
};

struct ParsedResponse {
  int status = 0;
  std::string head;
  std::string body;
  std::string header(const std::string& lower_name) const {
    return RawConnection::find_header(head, lower_name);
  }
};

inline ParsedResponse parse_response(const std::string& raw) {
  ParsedResponse r;
  const auto end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  return r;
}

/// One request on a fresh connection.
inline ParsedResponse http_exchange(std::uint16_t port, const std::string& request) {
  RawConnection c(port);
  if (!c.connected() || !c.send(request)) return {};
  return parse_response(c.read_response());
}

inline ParsedResponse http_get(std::uint16_t port, const std::string& target,
                               const std::string& method = "GET") {
  return http_exchange(
      port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

}  // namespace curator::test
