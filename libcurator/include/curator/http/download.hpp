#pragma once
// Streaming download of a source file (a Mapillary or Flickr original) into a
// private temporary file, hashing SHA-1 on the fly, with a size limit, a
// content-type check and the retry policy. The file is fsynced and re-read to
// check its size and SHA-1 before it is handed over (upstream hashed bytes
// it had not flushed; see upstream-pipeline.md §2.2). Knows nothing about
// what the file is uploaded to.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/http/client.hpp"
#include "curator/http/retry.hpp"

namespace curator::http {

/// A file that is removed when this object is destroyed, unless released.
class CURATOR_API TempFile {
 public:
  TempFile() = default;
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFile();
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Stops the removal and returns the path (the caller now owns the file).
  std::filesystem::path release();

 private:
  std::filesystem::path path_;
};

struct DownloadOptions {
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  /// Accepted media-type prefixes ("image/", "image/jpeg"), case-insensitive;
  /// empty accepts anything.
  std::vector<std::string> allowed_content_types{"image/"};
  RetryPolicy retry{};
  Headers headers{};
  /// Called after each block is written with the bytes received so far in
  /// this attempt and the Content-Length (0 when absent); a retry starts
  /// again at 0. Runs on the downloading thread: keep it cheap.
  std::function<void(std::uint64_t received, std::uint64_t expected)> on_progress{};
};

struct DownloadedFile {
  TempFile file{};
  std::uint64_t size = 0;
  std::string sha1_hex{};       // lower-case, 40 characters
  std::string content_type{};   // as ResponseHead::content_type()
  std::string effective_url{};  // after redirects
  int attempts = 0;
};

/// GETs `url` into a new 0600 file in `directory`. Retries (per
/// options.retry) network errors, 5xx, 429, a disallowed content type and an
/// empty body; 4xx other than 429 fail at once (404/410 not_found, others
/// permanent); an oversize body fails at once (permanent, "response_too_large").
/// When retries run out the last error propagates: transient for network/5xx,
/// rate_limited for 429, permanent for a content type ("unexpected_content_type")
/// or empty body ("empty_body"). On any failure no file is left behind.
CURATOR_API DownloadedFile download_to_temp_file(Client& client, std::string_view url,
                                                 const std::filesystem::path& directory,
                                                 const DownloadOptions& options = {});

/// SHA-1 (lower-case hex) of a file's bytes [offset, offset + length), read in
/// blocks; length = UINT64_MAX means to the end. Throws Error on I/O failure.
CURATOR_API std::string sha1_file_hex(const std::filesystem::path& path, std::uint64_t offset = 0,
                                      std::uint64_t length = UINT64_MAX);

}  // namespace curator::http
