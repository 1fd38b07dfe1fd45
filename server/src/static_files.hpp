#pragma once
// StaticFiles: serves a built frontend (`dist/`): `/` → index.html, files by
// path with their MIME types, and index.html for client-side (SPA) routes.
// Every path is decoded and confined to the root; traversal is refused.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http_types.hpp"

namespace curator::server {

/// MIME type by file extension (`.js` → `text/javascript; charset=utf-8`).
std::string mime_type(const std::filesystem::path& path);

/// Percent-decodes a URL path. nullopt for malformed escapes, NUL bytes or
/// backslashes (never valid in a file path we serve).
std::optional<std::string> decode_path(std::string_view path);

class StaticFiles {
 public:
  /// `root` must be a directory; throws curator::Error(invalid_input) otherwise.
  explicit StaticFiles(const std::filesystem::path& root);

  /// The file under the root that `url_path` names, or nullopt when it does
  /// not exist or would leave the root (`..`, encoded or not, absolute paths,
  /// symlinks pointing outside).
  std::optional<std::filesystem::path> resolve(std::string_view url_path) const;

  /// GET/HEAD handler: the file, index.html for paths without an extension
  /// (client-side routes), 404 for missing assets, 400 for malformed paths.
  Response serve(const Request& request) const;

 private:
  std::filesystem::path root_;
};

/// The page `/` answers when no frontend is configured.
Response no_frontend_page();

}  // namespace curator::server
