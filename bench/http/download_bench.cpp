// Loopback throughput of the http module against a minimal in-process HTTP/1.1
// server (keep-alive, Content-Length bodies): a raw streaming GET, a verified
// download (SHA-1 while streaming, write, fsync, re-read and re-hash), and
// multipart POSTs of a file chunk. Prints MB/s (1 MB = 10^6 bytes).
//
// Usage: download_bench [megabytes=64] [chunk_mib=5] [rounds=5] [dir=/tmp]

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "curator/http/client.hpp"
#include "curator/http/download.hpp"

namespace {

using Clock = std::chrono::steady_clock;

class LoopbackServer {
 public:
  explicit LoopbackServer(std::size_t body_bytes) : body_(body_bytes, '\0') {
    for (std::size_t i = 0; i < body_.size(); ++i)
      body_[i] = static_cast<char>(i * 131 + i / 251);
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(listener_, 16);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : connections_)
      t.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static bool send_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
      const auto w = ::send(fd, p, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

  void serve(int fd) {
    std::string buffer;
    std::vector<char> chunk(1 << 16);
    for (;;) {
      std::size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const auto r = ::recv(fd, chunk.data(), chunk.size(), 0);
        if (r <= 0) {
          ::close(fd);
          return;
        }
        buffer.append(chunk.data(), static_cast<std::size_t>(r));
      }
      const std::string head = buffer.substr(0, head_end);
      buffer.erase(0, head_end + 4);
      std::size_t length = 0;
      std::string lower = head;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (const auto p = lower.find("content-length:"); p != std::string::npos) {
        length = std::stoull(lower.substr(p + 15));
      }
      // Drop the request body without reading into the next request.
      const auto buffered = std::min(length, buffer.size());
      buffer.erase(0, buffered);
      length -= buffered;
      while (length > 0) {
        const auto r = ::recv(fd, chunk.data(), std::min(chunk.size(), length), 0);
        if (r <= 0) {
          ::close(fd);
          return;
        }
        length -= static_cast<std::size_t>(r);
      }
      if (head.rfind("GET", 0) == 0) {
        const std::string h = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: " +
                              std::to_string(body_.size()) + "\r\n\r\n";
        if (!send_all(fd, h.data(), h.size()) || !send_all(fd, body_.data(), body_.size())) break;
      } else {
        const std::string h =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\n\r\n{}";
        if (!send_all(fd, h.data(), h.size())) break;
      }
    }
    ::close(fd);
  }

  std::string body_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

double mb_per_s(std::size_t bytes, Clock::duration d) {
  return static_cast<double>(bytes) / 1e6 / std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t megabytes = argc > 1 ? std::stoul(argv[1]) : 64;
  const std::size_t chunk_mib = argc > 2 ? std::stoul(argv[2]) : 5;
  const int rounds = argc > 3 ? std::stoi(argv[3]) : 5;
  const std::filesystem::path dir = argc > 4 ? argv[4] : "/tmp";
  const std::size_t bytes = megabytes * 1000 * 1000;

  LoopbackServer server(bytes);
  curator::http::ClientOptions options;
  options.user_agent = {"curator-bench", "1", "https://example.org/bench"};
  options.no_proxy = "*";
  options.max_response_bytes = bytes + 1;
  curator::http::Client client(options);

  std::vector<double> raw, verified, upload;
  for (int i = 0; i < rounds; ++i) {
    std::size_t seen = 0;
    auto start = Clock::now();
    client.get_streaming(
        server.url("/data"), [&](const auto&, std::string_view d) { seen += d.size(); }, bytes);
    raw.push_back(mb_per_s(seen, Clock::now() - start));

    start = Clock::now();
    const auto file = curator::http::download_to_temp_file(client, server.url("/data"), dir);
    verified.push_back(mb_per_s(file.size, Clock::now() - start));

    // Multipart POSTs of chunk_mib-sized ranges of the downloaded file.
    const std::uint64_t chunk = std::uint64_t{chunk_mib} << 20;
    start = Clock::now();
    std::uint64_t sent = 0;
    for (std::uint64_t off = 0; off < file.size; off += chunk) {
      const auto len = std::min(chunk, file.size - off);
      client.post_multipart(server.url("/upload"), {{"offset", std::to_string(off)}},
                            curator::http::FilePart{.field_name = "chunk",
                                                    .filename = "c.jpg",
                                                    .path = file.file.path(),
                                                    .offset = off,
                                                    .length = len});
      sent += len;
    }
    upload.push_back(mb_per_s(sent, Clock::now() - start));
  }
  const auto report = [](const char* name, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("%-44s median %8.1f MB/s  (min %.1f, max %.1f)\n", name, v[v.size() / 2], v.front(),
                v.back());
  };
  std::printf("body %zu MB, %d rounds, chunk %zu MiB, connections opened %ld\n", megabytes, rounds,
              chunk_mib, client.connections_opened());
  report("streaming GET (discard)", raw);
  report("download_to_temp_file (sha1+fsync+verify)", verified);
  report("multipart POST of file chunks", upload);
  return 0;
}
