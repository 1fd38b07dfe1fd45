#pragma once
// The HTTP side every source shares: a pool of http::Clients (one per
// concurrent request, since a Client is single-threaded), the retry loop,
// the error reading hook per API, JSON parsing, and a count of the requests
// actually sent (benchmarks and tests compare it with the fakes' logs).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/http/client.hpp"
#include "curator/http/retry.hpp"

namespace curator::sources {

struct ApiClientOptions {
  std::string service;  // "Mapillary", "Flickr", … for messages and logs
  std::string contact_url;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  http::RetryPolicy retry{};
  int max_redirects = 5;
  std::size_t max_response_bytes = 16u << 20;  // json::parse's default limit
};

/// Throws the Error a non-2xx response stands for.
using ErrorReader = std::function<void(const http::Response&)>;
/// Checks a parsed 2xx body (e.g. Flickr's stat); throws to fail the attempt.
using BodyCheck = std::function<void(const json::value&)>;

class ApiClient {
 public:
  explicit ApiClient(ApiClientOptions options);
  ~ApiClient();

  /// GET `url`, retried per the policy on transient and rate-limited errors.
  /// `before_attempt` runs before every attempt (a call budget). A 2xx body
  /// that is not JSON counts as a transient error.
  json::value get_json(const std::string& url, const http::Headers& headers,
                       const ErrorReader& on_error, const BodyCheck& check = {},
                       const std::function<void()>& before_attempt = {});

  /// One request with no retries and no interpretation (WCQS reads redirects
  /// and cookies itself).
  http::Response send_once(const std::string& method_post_or_get, const std::string& url,
                           const http::Fields& form, const http::Headers& headers);

  const ApiClientOptions& options() const { return options_; }
  /// Requests sent so far (every attempt counts).
  std::size_t requests() const { return requests_.load(); }

 private:
  class Lease;
  std::unique_ptr<http::Client> take();
  void give_back(std::unique_ptr<http::Client> client);

  ApiClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<http::Client>> idle_;
  std::atomic<std::size_t> requests_{0};
};

/// At most `limit` characters of `body`, control characters replaced, for
/// error messages that quote what a service said.
std::string body_excerpt(std::string_view body, std::size_t limit = 300);

}  // namespace curator::sources
