#include "router.hpp"

#include <doctest/doctest.h>

#include "curator/core/error.hpp"

using namespace curator;
using namespace curator::server;

namespace {
Request req(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.request_id = "ref123";
  return r;
}
}  // namespace

TEST_CASE("routes match method and path; GET answers HEAD") {
  Router r;
  r.add("GET", "/a", [](const Request&) { return Response::text(200, "a"); });
  r.add_prefix("POST", "/api/", [](const Request& q) { return Response::text(201, q.path); });
  CHECK(r.handle(req("GET", "/a")).body == "a");
  CHECK(r.handle(req("HEAD", "/a")).status == 200);
  CHECK(r.handle(req("POST", "/a")).status == 405);
  CHECK(r.handle(req("POST", "/api/x")).body == "/api/x");
  CHECK(r.handle(req("GET", "/b")).status == 404);
  r.set_fallback([](const Request&) { return Response::text(299, "fallback"); });
  CHECK(r.handle(req("GET", "/b")).status == 299);
}

TEST_CASE("handler failures: input errors are 400, the rest 500 with a reference only") {
  Router r;
  r.add("GET", "/bad", [](const Request&) -> Response {
    throw Error(ErrorKind::invalid_input, "page must be positive");
  });
  r.add("GET", "/boom",
        [](const Request&) -> Response { throw std::runtime_error("secret internal detail"); });
  auto bad = r.handle(req("GET", "/bad"));
  CHECK(bad.status == 400);
  CHECK(bad.body == "page must be positive\n");
  auto boom = r.handle(req("GET", "/boom"));
  CHECK(boom.status == 500);
  CHECK(boom.body == "Internal server error (ref ref123)\n");
}
