#pragma once
// Server: the HTTP listener and its sessions (Beast, C++20 coroutines) behind
// a plain interface. Handlers run on a separate thread pool so that blocking
// library calls never stall the network threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "router.hpp"

namespace curator::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0: pick a free port (tests)
  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_header_bytes = 16u << 10;
  std::chrono::milliseconds read_timeout{30'000};   // whole request, headers and body
  std::chrono::milliseconds write_timeout{60'000};  // whole response
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{10'000};
  int network_threads = 2;
  int handler_threads = 4;
};

class Server {
 public:
  Server(ServerOptions options, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; returns the bound port. Throws curator::Error when
  /// the address is unusable.
  std::uint16_t start();
  /// Serves until stop() or SIGTERM/SIGINT (when handle_signals). Blocks.
  void run(bool handle_signals);
  /// Stops accepting, lets in-flight requests finish (up to the grace
  /// period), then returns from run(). Safe from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::server
