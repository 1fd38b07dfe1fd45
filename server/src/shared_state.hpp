#pragma once
// What the listener and every HTTP session share. Includes Asio: only the
// listener and session files include this header.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>

#include "router.hpp"
#include "server.hpp"

namespace curator::server {

struct SharedState {
  SharedState(ServerOptions opts, Router r)
      : options(std::move(opts)),
        router(std::move(r)),
        handlers(static_cast<std::size_t>(options.handler_threads)) {}

  ServerOptions options;
  Router router;
  boost::asio::thread_pool handlers;  // blocking handler work runs here
  std::atomic<int> active_requests{0};
  std::atomic<bool> stopping{false};
};

/// Serves one connection until it closes, times out, or the server stops.
boost::asio::awaitable<void> run_http_session(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<SharedState> state);

}  // namespace curator::server
