#pragma once
// What an HTTP status means for a caller deciding whether to retry:
// 5xx, 408 → transient; 429 → rate_limited (with Retry-After); 404, 410 →
// not_found; other 4xx → permanent. Knows nothing about any one API's
// error bodies (MediaWiki answers 200 with errors inside).

#include <chrono>
#include <optional>
#include <string_view>

#include "curator/core/error.hpp"
#include "curator/core/time.hpp"
#include "curator/export.hpp"
#include "curator/http/client.hpp"

namespace curator::http {

/// nullopt for 1xx, 2xx and 3xx.
CURATOR_API std::optional<ErrorKind> error_kind_for_status(long status) noexcept;

/// `Retry-After` as delta-seconds or an HTTP-date (relative to `now`); nullopt
/// when absent or unreadable. Negative values become 0; values are capped at a day.
CURATOR_API std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                                  TimePoint now = now_utc());

/// The Error a non-2xx response stands for: its kind from the status, code
/// "http_<status>", message "<what>: HTTP <status> from <redacted URL>", and
/// the Retry-After delay when the response has one.
CURATOR_API Error status_error(const ResponseHead& response, std::string_view what);

/// Throws status_error() unless the status is 2xx.
CURATOR_API void raise_for_status(const ResponseHead& response, std::string_view what);

}  // namespace curator::http
