#pragma once
// Runs a curator::server::Server on a free loopback port in a background
// thread for the duration of a test.

#include <thread>

#include "server.hpp"

namespace curator::test {

class RunningServer {
 public:
  RunningServer(server::ServerOptions options, server::Router router)
      : server_(
            [&] {
              options.host = "127.0.0.1";
              options.port = 0;
              return options;
            }(),
            std::move(router)) {
    port_ = server_.start();
    thread_ = std::thread([this] { server_.run(false); });
  }
  ~RunningServer() { stop(); }

  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  std::uint16_t port() const { return port_; }

 private:
  server::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace curator::test
