#include "static_files.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "curator/core/error.hpp"
#include "raw_http.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

using namespace curator;
using curator::test::http_get;

namespace {

void write_file(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

struct Frontend {
  test::TempDir dir;
  std::filesystem::path root = dir.path() / "dist";
  Frontend() {
    write_file(root / "index.html", "<!doctype html><title>Curator</title>");
    write_file(root / "assets" / "app-1234.js", "console.log('app')");
    write_file(root / "assets" / "style.css", "body{}");
    write_file(root / "assets" / "logo.svg", "<svg/>");
    write_file(root / "assets" / "font.woff2", "wOF2");
    write_file(root / "favicon.ico", "ico");
    write_file(dir.path() / "secret.txt", "TOP-SECRET");
    std::filesystem::create_symlink(dir.path() / "secret.txt", root / "assets" / "link.txt");
  }
  server::Router router() const {
    server::Router r;
    auto files = std::make_shared<server::StaticFiles>(root);
    r.set_fallback([files](const server::Request& req) { return files->serve(req); });
    return r;
  }
};

}  // namespace

TEST_CASE("MIME types by extension") {
  CHECK(server::mime_type("a/b.js") == "text/javascript; charset=utf-8");
  CHECK(server::mime_type("x.MJS") == "text/javascript; charset=utf-8");
  CHECK(server::mime_type("x.css") == "text/css; charset=utf-8");
  CHECK(server::mime_type("index.html") == "text/html; charset=utf-8");
  CHECK(server::mime_type("x.svg") == "image/svg+xml");
  CHECK(server::mime_type("x.woff2") == "font/woff2");
  CHECK(server::mime_type("x.json") == "application/json");
  CHECK(server::mime_type("x.unknown") == "application/octet-stream");
  CHECK(server::mime_type("noext") == "application/octet-stream");
}

TEST_CASE("decode_path refuses malformed escapes, NUL and backslashes") {
  CHECK(server::decode_path("/a%20b") == "/a b");
  CHECK_FALSE(server::decode_path("/a%2").has_value());
  CHECK_FALSE(server::decode_path("/a%zz").has_value());
  CHECK_FALSE(server::decode_path("/a%00b").has_value());
  CHECK_FALSE(server::decode_path("/a\\b").has_value());
  CHECK_FALSE(server::decode_path("/a%5cb").has_value());
}

TEST_CASE("a missing frontend dir is a clear configuration error") {
  CHECK_THROWS_WITH_AS(server::StaticFiles("/nonexistent/dist"),
                       "CURATOR_FRONTEND_DIR: '/nonexistent/dist' is not a directory", Error);
}

TEST_CASE("static files over a real socket: index, assets, MIME types, SPA routes") {
  Frontend fe;
  test::RunningServer srv({}, fe.router());

  auto r = http_get(srv.port(), "/");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.body == "<!doctype html><title>Curator</title>");
  CHECK(r.header("cache-control") == "no-cache");

  r = http_get(srv.port(), "/assets/app-1234.js");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/javascript; charset=utf-8");
  CHECK(r.body == "console.log('app')");
  CHECK(r.header("cache-control").find("immutable") != std::string::npos);

  CHECK(http_get(srv.port(), "/assets/style.css").header("content-type") ==
        "text/css; charset=utf-8");
  CHECK(http_get(srv.port(), "/assets/logo.svg").header("content-type") == "image/svg+xml");
  CHECK(http_get(srv.port(), "/assets/font.woff2").header("content-type") == "font/woff2");
  CHECK(http_get(srv.port(), "/favicon.ico").header("content-type") == "image/vnd.microsoft.icon");

  // Client-side routes get the app shell; missing files do not.
  r = http_get(srv.port(), "/batches/42?page=2");
  CHECK(r.status == 200);
  CHECK(r.body.find("<title>Curator</title>") != std::string::npos);
  CHECK(http_get(srv.port(), "/assets/missing.js").status == 404);
  CHECK(http_get(srv.port(), "/assets/new-route").status == 404);
  CHECK(http_get(srv.port(), "/missing.png").status == 404);

  // HEAD: headers and length, no body.
  r = http_get(srv.port(), "/assets/app-1234.js", "HEAD");
  CHECK(r.status == 200);
  CHECK(r.header("content-length") == "18");
  CHECK(r.body.empty());

  CHECK(http_get(srv.port(), "/assets/app-1234.js", "DELETE").status == 405);
}

TEST_CASE("path traversal is refused in every spelling") {
  Frontend fe;
  test::RunningServer srv({}, fe.router());
  for (const char* target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/assets/..%5c..%5csecret.txt",
        "/%00/../secret.txt", "//secret.txt", "/.%2e/secret.txt", "/assets/link.txt",
        "/%252e%252e/secret.txt", "/etc/passwd", "//etc/passwd", "/%2fetc%2fpasswd",
        "http://127.0.0.1/../secret.txt", "../secret.txt",
        "/assets/../../../../../../etc/passwd"}) {
    CAPTURE(target);
    const auto r = http_get(srv.port(), target);
    CHECK(r.status != 0);
    CHECK(r.body.find("TOP-SECRET") == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
    if (r.status == 200) {
      // Only the app shell may come back (e.g. for "//etc/passwd"-like routes).
      CHECK(r.body == "<!doctype html><title>Curator</title>");
    }
  }
}
