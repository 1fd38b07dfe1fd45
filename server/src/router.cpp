#include "router.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::server {

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Response Response::html(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::string status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

void Router::add(std::string method, std::string path, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void Router::add_prefix(std::string method, std::string prefix, Handler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

Response Router::handle(const Request& request) const {
  const Route* match = nullptr;
  bool path_known = false;
  for (const auto& route : routes_) {
    const bool path_matches =
        route.prefix ? request.path.starts_with(route.path) : request.path == route.path;
    if (!path_matches) continue;
    path_known = true;
    if (route.method == request.method || (route.method == "GET" && request.method == "HEAD")) {
      match = &route;
      break;
    }
  }
  try {
    if (match != nullptr) return match->handler(request);
    if (path_known) {
      auto r = Response::text(405, "Method Not Allowed\n");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    if (fallback_) return fallback_(request);
    return Response::text(404, "Not Found\n");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::invalid_input)
      return Response::text(400, std::string(e.what()) + "\n");
    if (e.kind() == ErrorKind::not_found) return Response::text(404, std::string(e.what()) + "\n");
    log::error("http", fmt::format("ref {}: {} error: {}", request.request_id, to_string(e.kind()),
                                   e.what()));
  } catch (const std::exception& e) {
    log::error("http", fmt::format("ref {}: {}", request.request_id, e.what()));
  }
  return Response::text(500, fmt::format("Internal server error (ref {})\n", request.request_id));
}

}  // namespace curator::server
