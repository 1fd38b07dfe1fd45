#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/version.hpp"
#include "shared_state.hpp"

namespace curator::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

Request to_request(const http::request<http::string_body>& msg, std::string remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  const auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = std::string(field.value());
  }
  r.body = msg.body();
  r.remote = std::move(remote);
  r.request_id = random_hex(12);
  return r;
}

template <class Body>
void common_headers(http::response<Body>& res, const Response& response, const Request& request,
                    bool keep_alive) {
  res.set(http::field::server, std::string("curator-server/") + kVersion);
  res.set(http::field::content_type, response.content_type);
  res.set("X-Request-Id", request.request_id);
  res.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : response.headers)
    res.set(name, value);
  res.keep_alive(keep_alive);
}

// Builds the message to send: a file streamed from disk, or the body string.
// Returns the byte count for the access log.
http::message_generator make_message(Response& response, const Request& request, unsigned version,
                                     bool keep_alive, std::size_t& bytes) {
  const bool head = request.method == "HEAD";
  if (response.file) {
    http::file_body::value_type file;
    beast::error_code ec;
    file.open(response.file->c_str(), beast::file_mode::scan, ec);
    if (!ec) {
      bytes = file.size();
      if (head) {
        http::response<http::empty_body> res{http::status::ok, version};
        common_headers(res, response, request, keep_alive);
        res.content_length(bytes);
        bytes = 0;
        return res;
      }
      http::response<http::file_body> res{std::piecewise_construct,
                                          std::make_tuple(std::move(file)),
                                          std::make_tuple(http::status::ok, version)};
      common_headers(res, response, request, keep_alive);
      res.prepare_payload();
      return res;
    }
    response = Response::text(404, "Not Found\n");
  }
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  common_headers(res, response, request, keep_alive);
  res.body() = head ? std::string() : std::move(response.body);
  res.prepare_payload();
  if (head) res.content_length(response.body.size());
  bytes = res.body().size();
  return res;
}

http::message_generator error_message(int status, unsigned version) {
  http::response<http::string_body> res{static_cast<http::status>(status), version};
  res.set(http::field::server, std::string("curator-server/") + kVersion);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = status_text(status) + "\n";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

net::awaitable<void> run_http_session(tcp::socket socket, std::shared_ptr<SharedState> state) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  const auto endpoint = stream.socket().remote_endpoint(ec);
  const std::string remote = ec ? "?" : endpoint.address().to_string();
  beast::flat_buffer buffer(8192);
  const auto& opts = state->options;

  while (!state->stopping) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.max_header_bytes));
    parser.body_limit(opts.max_body_bytes);
    stream.expires_after(opts.read_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    (void)hn;
    int refuse = 0;
    if (hec == http::error::body_limit)
      refuse = 413;
    else if (hec == http::error::header_limit)
      refuse = 431;
    else if (hec == http::error::end_of_stream || hec == beast::error::timeout ||
             hec == net::error::operation_aborted || hec == net::error::connection_reset ||
             hec == net::error::eof)
      break;
    else if (hec)
      refuse = 400;
    if (refuse == 0 && !parser.is_done()) {
      const auto expect = parser.get()[http::field::expect];
      if (beast::iequals(expect, "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
        auto [cec, cn] = co_await http::async_write(stream, cont, kTuple);
        (void)cn;
        if (cec) break;
      }
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
      (void)bn;
      if (bec == http::error::body_limit)
        refuse = 413;
      else if (bec)
        break;  // timeout or reset mid-body: nothing to answer
    }
    if (refuse != 0) {
      log::info("http", fmt::format("{} refused: {}", remote, status_text(refuse)));
      stream.expires_after(opts.write_timeout);
      co_await beast::async_write(stream, error_message(refuse, 11), kTuple);
      break;
    }

    const auto started = std::chrono::steady_clock::now();
    auto msg = parser.release();
    Request request = to_request(msg, remote);
    ++state->active_requests;
    Response response = co_await net::co_spawn(
        state->handlers,
        [&]() -> net::awaitable<Response> {
          log::ContextScope scope(request.request_id);
          co_return state->router.handle(request);
        },
        net::use_awaitable);
    const bool keep_alive = msg.keep_alive() && !state->stopping;
    std::size_t bytes = 0;
    const int status = response.status;
    auto out = make_message(response, request, msg.version(), keep_alive, bytes);
    stream.expires_after(opts.write_timeout);
    auto [wec, wn] = co_await beast::async_write(stream, std::move(out), kTuple);
    (void)wn;
    --state->active_requests;
    {
      log::ContextScope scope(request.request_id);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      log::info("access", fmt::format("{} {} {} {} {}B {}ms", remote, request.method,
                                      log::redact_url(request.target), status, bytes, ms));
    }
    if (wec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace curator::server
