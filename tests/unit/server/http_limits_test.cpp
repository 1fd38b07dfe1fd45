// The HTTP layer's limits over a real socket: oversize bodies and headers,
// malformed requests, slow clients, Expect: 100-continue, graceful shutdown.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "raw_http.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

using namespace curator;
using curator::test::http_exchange;
using curator::test::RawConnection;

namespace {

server::Router echo_router() {
  server::Router r;
  r.add("POST", "/echo", [](const server::Request& q) {
    return server::Response::text(200, std::to_string(q.body.size()));
  });
  r.add("GET", "/ok", [](const server::Request&) { return server::Response::text(200, "ok"); });
  return r;
}

server::ServerOptions small_limits() {
  server::ServerOptions o;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  o.read_timeout = std::chrono::milliseconds(400);
  return o;
}

std::string post(std::size_t n) {
  return "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
         std::to_string(n) + "\r\n\r\n" + std::string(n, 'x');
}

}  // namespace

TEST_CASE("bodies up to the limit pass; larger ones get 413") {
  test::RunningServer srv(small_limits(), echo_router());
  auto r = http_exchange(srv.port(), post(1024));
  CHECK(r.status == 200);
  CHECK(r.body == "1024");
  CHECK(http_exchange(srv.port(), post(1025)).status == 413);
  // Declared huge, nothing sent: refused from the headers alone.
  CHECK(http_exchange(srv.port(),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                      "99999999999\r\n\r\n")
            .status == 413);
  // Chunked bodies are counted too.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i)
    chunked += "200\r\n" + std::string(512, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  CHECK(http_exchange(srv.port(), chunked).status == 413);
}

TEST_CASE("oversize headers get 431; malformed requests get 400") {
  test::RunningServer srv(small_limits(), echo_router());
  CHECK(http_exchange(srv.port(), "GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                      std::string(4096, 'a') + "\r\n\r\n")
            .status == 431);
  CHECK(http_exchange(srv.port(), "NOT A REQUEST\r\n\r\n").status == 400);
  CHECK(http_exchange(srv.port(), "GET /ok HTTP/9.9\r\n\r\n").status == 400);
  CHECK(
      http_exchange(srv.port(), std::string("GET /ok HTTP/1.1\r\nHost: \x01\x02\r\n\r\n")).status ==
      400);
  CHECK(http_exchange(srv.port(), "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n").status ==
        400);
  // The server still answers afterwards.
  CHECK(http_exchange(srv.port(), "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
}

TEST_CASE("slow clients are disconnected and do not block others") {
  test::RunningServer srv(small_limits(), echo_router());
  RawConnection slow(srv.port());
  REQUIRE(slow.connected());
  REQUIRE(slow.send("GET /ok HTTP/1.1\r\nHo"));  // and then nothing
  RawConnection slow_body(srv.port());
  REQUIRE(slow_body.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  CHECK(
      http_exchange(srv.port(), "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body ==
      "ok");
  CHECK(slow.closed_by_peer(std::chrono::seconds(5)));
  CHECK(slow_body.closed_by_peer(std::chrono::seconds(5)));
}

TEST_CASE("keep-alive serves several requests on one connection") {
  test::RunningServer srv(small_limits(), echo_router());
  RawConnection c(srv.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(c.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto r = test::parse_response(c.read_response());
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
    CHECK(r.header("x-request-id").size() == 12);
  }
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body") {
  test::RunningServer srv(small_limits(), echo_router());
  RawConnection c(srv.port());
  REQUIRE(
      c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
             "Connection: close\r\n\r\n"));
  std::string interim;
  REQUIRE(curator::test::wait_until([&] {
    interim += c.read_all(std::chrono::milliseconds(50));
    return interim.find("100 Continue") != std::string::npos;
  }));
  REQUIRE(c.send("hello"));
  const auto rest = c.read_all();
  CHECK(rest.find("200 OK") != std::string::npos);
  CHECK(rest.substr(rest.size() - 1) == "5");
}

TEST_CASE("graceful shutdown finishes the request in flight, then refuses new ones") {
  std::mutex m;
  std::condition_variable cv;
  bool entered = false, release = false;
  server::Router r;
  r.add("GET", "/slow", [&](const server::Request&) {
    std::unique_lock lock(m);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return server::Response::text(200, "finished");
  });
  test::RunningServer srv({}, std::move(r));
  const auto port = srv.port();
  RawConnection c(port);
  REQUIRE(c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    std::unique_lock lock(m);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  std::thread stopper([&] { srv.stop(); });
  // New connections are refused once the listener closes.
  CHECK(curator::test::wait_until([&] { return !RawConnection(port).connected(); }));
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  const auto resp = test::parse_response(c.read_response());
  CHECK(resp.status == 200);
  CHECK(resp.body == "finished");
  CHECK(resp.header("connection") == "close");
  stopper.join();
}
