#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "shared_state.hpp"

namespace curator::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl {
  Impl(ServerOptions options, Router router)
      : state(std::make_shared<SharedState>(std::move(options), std::move(router))),
        io(state->options.network_threads),
        acceptor(io) {}

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] =
          co_await acceptor.async_accept(net::make_strand(io), net::as_tuple(net::use_awaitable));
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        log::warning("http", fmt::format("accept failed: {}", ec.message()));
        continue;
      }
      auto executor = socket.get_executor();
      net::co_spawn(executor, run_http_session(std::move(socket), state), net::detached);
    }
  }

  // Waits for in-flight requests to finish (or the grace period), then stops.
  net::awaitable<void> drain() {
    net::steady_timer timer(io);
    const auto deadline = std::chrono::steady_clock::now() + state->options.shutdown_grace;
    while (state->active_requests > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    }
    if (state->active_requests > 0) {
      log::warning("http", fmt::format("stopping with {} requests in flight",
                                       state->active_requests.load()));
    }
    io.stop();
  }

  void begin_stop() {
    if (state->stopping.exchange(true)) return;
    log::info("http", "shutting down: no new connections, draining requests");
    beast_close_acceptor();
    net::co_spawn(io, drain(), net::detached);
  }

  void beast_close_acceptor() {
    boost::system::error_code ec;
    acceptor.close(ec);
  }

  std::shared_ptr<SharedState> state;
  net::io_context io;
  tcp::acceptor acceptor;
};

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() {
  if (impl_) {
    impl_->io.stop();
    impl_->state->handlers.join();
  }
}

std::uint16_t Server::start() {
  const auto& opts = impl_->state->options;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(opts.host, ec);
  if (ec) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("CURATOR_LISTEN: '{}' is not an IP address", opts.host),
                "invalid_config");
  }
  const tcp::endpoint endpoint(address, opts.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error(ErrorKind::permanent,
                fmt::format("cannot listen on {}:{}: {}", opts.host, opts.port, ec.message()),
                "listen_failed");
  }
  const auto port = acceptor.local_endpoint().port();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  log::info("http", fmt::format("listening on http://{}:{}", opts.host, port));
  return port;
}

void Server::run(bool handle_signals) {
  std::unique_ptr<net::signal_set> signals;
  if (handle_signals) {
    signals = std::make_unique<net::signal_set>(impl_->io, SIGINT, SIGTERM);
    signals->async_wait([this](const boost::system::error_code& ec, int signo) {
      if (!ec) {
        log::info("http", fmt::format("signal {} received", signo));
        impl_->begin_stop();
      }
    });
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->state->options.network_threads; ++i) {
    threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : threads)
    t.join();
  impl_->state->handlers.join();
  log::info("http", "stopped");
}

void Server::stop() {
  net::post(impl_->io, [this] { impl_->begin_stop(); });
}

}  // namespace curator::server
