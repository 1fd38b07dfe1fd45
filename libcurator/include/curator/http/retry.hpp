#pragma once
// Retry policy for HTTP work: a fixed list of delays between attempts (the
// upstream pipeline waits 3, 5 and 10 s: four attempts), retrying only what
// may succeed later (ErrorKind transient and rate_limited). A Retry-After
// longer than the policy allows ends the retries at once so the caller can
// reschedule. Sleeping is injectable so tests never wait.

#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/export.hpp"

namespace curator::http {

struct RetryPolicy {
  /// Delay before attempt 2, 3, ...; attempts = delays.size() + 1.
  std::vector<std::chrono::milliseconds> delays{std::chrono::seconds(3), std::chrono::seconds(5),
                                                std::chrono::seconds(10)};
  /// Honour a server's Retry-After up to this; a longer one is not waited for.
  std::chrono::seconds max_retry_after{60};
  /// Default: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep{};
  /// Called before each wait (attempt is the 1-based attempt that failed).
  std::function<void(int attempt, const Error& error, std::chrono::milliseconds delay)> on_retry{};

  int attempts() const { return static_cast<int>(delays.size()) + 1; }
  /// No retries at all.
  static RetryPolicy none() { return RetryPolicy{.delays = {}}; }
};

/// Whether another attempt may succeed: transient and rate_limited errors.
CURATOR_API bool is_retryable_transfer(const Error& error) noexcept;

/// Calls `attempt(n)` for n = 1, 2, ... until it returns, throws something
/// that is not a retryable curator::Error, or the attempts run out; then the
/// last error propagates. Between attempts waits the policy's delay, or the
/// error's retry_after when that is longer (and within max_retry_after).
CURATOR_API void run_with_retries(const RetryPolicy& policy,
                                  const std::function<void(int attempt)>& attempt);

/// run_with_retries for a function that returns a value.
template <class F>
auto with_retries(const RetryPolicy& policy, F&& f) -> decltype(f(1)) {
  std::optional<decltype(f(1))> result;
  run_with_retries(policy, [&](int n) { result.emplace(f(n)); });
  return std::move(*result);
}

}  // namespace curator::http
