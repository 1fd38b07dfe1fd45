#include "curator/http/status.hpp"

#include <curl/curl.h>

#include <algorithm>

#include "curator/core/log.hpp"

namespace curator::http {
namespace {
constexpr long long kMaxRetryAfter = 86400;
}

std::optional<ErrorKind> error_kind_for_status(long status) noexcept {
  if (status >= 100 && status < 400) return std::nullopt;
  if (status == 408) return ErrorKind::transient;
  if (status == 429) return ErrorKind::rate_limited;
  if (status == 404 || status == 410) return ErrorKind::not_found;
  if (status >= 400 && status < 500) return ErrorKind::permanent;
  if (status >= 500 && status < 600) return ErrorKind::transient;
  return ErrorKind::permanent;  // no status, or outside HTTP's range
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, TimePoint now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    for (const char c : value) {
      seconds = std::min(kMaxRetryAfter, seconds * 10 + (c - '0'));
    }
    return std::chrono::seconds(seconds);
  }
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const long long delta = static_cast<long long>(when) - to_unix_seconds(now);
  return std::chrono::seconds(std::clamp(delta, 0LL, kMaxRetryAfter));
}

Error status_error(const ResponseHead& response, std::string_view what) {
  const auto kind = error_kind_for_status(response.status).value_or(ErrorKind::permanent);
  Error error(kind,
              std::string(what) + ": HTTP " + std::to_string(response.status) + " from " +
                  log::redact_url(response.effective_url),
              "http_" + std::to_string(response.status));
  if (const auto header = response.header("Retry-After")) {
    if (const auto delay = parse_retry_after(*header)) error.with_retry_after(*delay);
  }
  return error;
}

void raise_for_status(const ResponseHead& response, std::string_view what) {
  if (!response.ok()) throw status_error(response, what);
}

}  // namespace curator::http
