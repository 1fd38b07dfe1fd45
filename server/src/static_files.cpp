#include "static_files.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "curator/core/error.hpp"
#include "curator/version.hpp"

namespace curator::server {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kMimeTypes{{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".avif", "image/avif"},
    {".ico", "image/vnd.microsoft.icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".otf", "font/otf"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_within(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

}  // namespace

std::string mime_type(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, type] : kMimeTypes) {
    if (e == ext) return std::string(type);
  }
  return "application/octet-stream";
}

std::optional<std::string> decode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) return std::nullopt;
      const int hi = hex_value(path[i + 1]);
      const int lo = hex_value(path[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    out += c;
  }
  return out;
}

StaticFiles::StaticFiles(const fs::path& root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  if (ec || !fs::is_directory(root_)) {
    throw Error(ErrorKind::invalid_input,
                "CURATOR_FRONTEND_DIR: '" + root.string() + "' is not a directory",
                "invalid_config");
  }
}

std::optional<fs::path> StaticFiles::resolve(std::string_view url_path) const {
  const auto decoded = decode_path(url_path);
  if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
  fs::path relative;
  std::string_view rest(*decoded);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    if (segment == "..") return std::nullopt;
    if (!segment.empty() && segment != ".") relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (relative.empty()) relative = "index.html";
  std::error_code ec;
  const auto full = fs::canonical(root_ / relative, ec);  // follows symlinks
  if (ec || !is_within(root_, full) || !fs::is_regular_file(full, ec)) return std::nullopt;
  return full;
}

Response StaticFiles::serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    auto r = Response::text(405, "Method Not Allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const auto decoded = decode_path(request.path);
  if (!decoded) return Response::text(400, "Bad Request: malformed path\n");
  auto file = resolve(request.path);
  const bool is_asset = decoded->starts_with("/assets/");
  if (!file) {
    // Client-side routes (no file extension, not an asset) get the app shell.
    const auto last = decoded->substr(decoded->rfind('/') + 1);
    const bool looks_like_route = last.find('.') == std::string::npos &&
                                  decoded->find("/..") == std::string::npos && !is_asset;
    if (looks_like_route) file = resolve("/index.html");
    if (!file) return Response::text(404, "Not Found\n");
  }
  Response r;
  r.status = 200;
  r.content_type = mime_type(*file);
  r.file = *file;
  if (is_asset) {
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    r.headers.emplace_back("Cache-Control", "no-cache");
  }
  return r;
}

Response no_frontend_page() {
  std::string body = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>curator-server</title></head>
<body>
<h1>curator-server )";
  body += kVersion;
  body += R"(</h1>
<p>This is curator-server, the libcurator backend that moves freely licensed photos
from Mapillary and Flickr to Wikimedia Commons. It is running, but no frontend is configured.</p>
<p>To serve the Curator web frontend, build it (<code>npm run build</code> in the frontend
repository) and start the server with <code>CURATOR_FRONTEND_DIR=/path/to/frontend/dist</code>
or <code>curator-server --frontend-dir /path/to/frontend/dist</code>.</p>
<p>Health: <a href="/healthz">/healthz</a></p>
</body></html>
)";
  return Response::html(200, std::move(body));
}

}  // namespace curator::server
