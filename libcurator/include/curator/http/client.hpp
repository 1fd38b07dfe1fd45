#pragma once
// The HTTP client of libcurator, over libcurl (kept out of this header). Owns
// connection reuse, timeouts, TLS verification, proxies from the environment,
// the User-Agent the Wikimedia policy asks for, response size limits, form and
// multipart bodies (a file part is streamed from a byte range of a file).
// It does not interpret statuses or bodies: callers (MediaWiki, sources)
// decide what a response means; status.hpp maps statuses to error kinds.
//
// Thread safety: a Client holds one libcurl easy handle (and its connection
// cache). Use one Client per thread; different Clients may be used
// concurrently. A Client may be moved to another thread between requests.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/http/form.hpp"

namespace curator::http {

struct Header {
  std::string name{};
  std::string value{};
};
using Headers = std::vector<Header>;

/// The first header called `name` (ASCII case-insensitive).
CURATOR_API std::optional<std::string> find_header(const Headers& headers, std::string_view name);

/// https://meta.wikimedia.org/wiki/User-Agent_policy:
/// `<tool>/<version> (<contact>) libcurl/<version>`.
struct UserAgent {
  std::string tool{"curator"};
  std::string version{};  // default: libcurator's version
  std::string contact{};  // URL or e-mail address (Config::contact_url); required
};
/// Throws Error(invalid_input) when the tool or contact is empty or any part
/// holds control characters (or spaces, in the tool name and version).
CURATOR_API std::string format_user_agent(const UserAgent& agent);

struct ClientOptions {
  UserAgent user_agent{};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(300)};  // whole request
  /// Abort a transfer slower than low_speed_bytes per second for low_speed_window.
  long low_speed_bytes = 1;
  std::chrono::seconds low_speed_window{30};
  /// Largest buffered body (get, post_form, post_multipart), after decompression.
  std::size_t max_response_bytes = 32u << 20;
  int max_redirects = 5;  // 0: redirects are returned, not followed
  std::string ca_file{};  // extra CA bundle; empty: the system's
  /// Hosts that bypass the proxy; unset: libcurl reads http_proxy,
  /// https_proxy and no_proxy from the environment. "*" disables proxies.
  std::optional<std::string> no_proxy{};
};

struct ResponseHead {
  long status = 0;
  Headers headers{};            // of the final response (after redirects)
  std::string effective_url{};  // after redirects

  bool ok() const { return status >= 200 && status < 300; }
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
  /// The media type, lower-cased, without parameters ("" when absent).
  std::string content_type() const;
};

struct Response : ResponseHead {
  std::string body{};
};

/// A multipart file part read from `path` at [offset, offset + length):
/// a chunk of a larger file is sent without loading the file into memory.
struct FilePart {
  std::string field_name{"file"};
  std::string filename{};  // Content-Disposition filename
  std::string content_type{"application/octet-stream"};
  std::filesystem::path path{};
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// Per-request choices.
struct RequestOptions {
  /// Send on a new connection. libcurl sends a request again by itself when a
  /// reused connection dies before any byte of the answer arrives, POSTs
  /// included; a request that must not run twice (a non-idempotent write)
  /// asks for a fresh connection, which libcurl never retries that way.
  bool fresh_connection = false;
};

/// Receives the body of a streaming request piece by piece (decompressed).
/// The head's status and headers are final. Throwing aborts the transfer and
/// the exception propagates out of get_streaming.
using BodySink = std::function<void(const ResponseHead& head, std::string_view data)>;

class CURATOR_API Client {
 public:
  /// Throws Error(invalid_input) for a bad User-Agent or negative limits.
  explicit Client(ClientOptions options);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const;

  // Every request returns the response whatever its status, and throws
  // curator::Error for what prevents a response: network failures and
  // timeouts (transient), an oversize body (permanent, "response_too_large"),
  // a bad URL or header (invalid_input), TLS verification failures (permanent).
  // Messages name the URL with credentials redacted.

  Response get(std::string_view url, const Headers& headers = {});
  /// application/x-www-form-urlencoded body; `Expect: 100-continue` is never sent.
  Response post_form(std::string_view url, const Fields& fields, const Headers& headers = {},
                     const RequestOptions& request = {});
  /// multipart/form-data with text fields and an optional file part; throws
  /// Error(invalid_input) when the file range does not exist.
  Response post_multipart(std::string_view url, const Fields& fields,
                          const std::optional<FilePart>& file, const Headers& headers = {},
                          const RequestOptions& request = {});
  /// GET whose body goes to `sink` instead of memory; at most `max_body_bytes`.
  ResponseHead get_streaming(std::string_view url, const BodySink& sink,
                             std::uint64_t max_body_bytes, const Headers& headers = {});

  /// Connections opened by this client so far (reuse shows as a small number).
  long connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::http
