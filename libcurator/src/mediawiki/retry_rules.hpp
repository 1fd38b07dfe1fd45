#pragma once
// When a failed Action API attempt is tried again, after how long, and what
// must be repaired first (a fresh CSRF token, a new login). Pure decisions
// over the failure and the budgets already spent, so they are tested without
// a network; ApiSession applies them.

#include <chrono>
#include <optional>

#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/client.hpp"

namespace curator::mediawiki::detail {

enum class FailureClass {
  connect,        // nothing was sent (connection refused, DNS)
  lost,           // sent, but no answer (timeout, reset): the request may have run
  server_status,  // HTTP 5xx or 408 without an API error inside (maybe after it ran)
  throttled,      // HTTP 429
  bad_answer,     // 2xx whose body is not JSON (a proxy's or PHP's error page)
  api,            // an API error answer
};

struct Failure {
  FailureClass cls = FailureClass::connect;
  std::optional<ApiErrorType> api_type;
  std::optional<std::chrono::seconds> retry_after;  // Retry-After header, when sent
};

/// Failures of one call so far, per budget.
struct Spent {
  int transient = 0;
  int rate_limited = 0;
  int session = 0;
  int nonce = 0;  // fresh signatures after "Nonce already used" (at most one)
};

enum class Remedy { none, refresh_token, relogin };

struct Decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
  Remedy remedy = Remedy::none;
  /// For the error reported when not retrying: how long the caller should wait.
  std::optional<std::chrono::seconds> suggested_wait;
};

struct CallTraits {
  bool idempotent = true;
  bool with_token = false;
  bool can_relogin = false;  // bot passwords: a lost session can be restored
};

/// Decides about one failure and charges it to `spent` when it retries.
Decision decide(const ApiRetryPolicy& policy, const Failure& failure, const CallTraits& call,
                Spent& spent);

}  // namespace curator::mediawiki::detail
