#pragma once
// Router: maps (method, path) to a handler; exact paths and prefixes. A
// handler is a plain function from Request to Response and may block (the
// HTTP session runs it off the network threads).

#include <functional>
#include <string>
#include <vector>

#include "http_types.hpp"

namespace curator::server {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  /// `GET` routes also answer `HEAD`.
  void add(std::string method, std::string path, Handler handler);
  void add_prefix(std::string method, std::string prefix, Handler handler);
  /// Used when no route matches the path (e.g. static files / SPA fallback).
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  /// Runs the matching handler. 405 when the path exists for another method,
  /// 404 when nothing matches; a handler's exception becomes a 500 whose body
  /// names a reference id (the details go to the log, never to the client).
  Response handle(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace curator::server
