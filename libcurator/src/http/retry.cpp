#include "curator/http/retry.hpp"

#include <thread>

#include "curator/core/log.hpp"

namespace curator::http {

bool is_retryable_transfer(const Error& error) noexcept {
  return error.kind() == ErrorKind::transient || error.kind() == ErrorKind::rate_limited;
}

void run_with_retries(const RetryPolicy& policy, const std::function<void(int attempt)>& attempt) {
  const int total = policy.attempts();
  for (int n = 1;; ++n) {
    try {
      attempt(n);
      return;
    } catch (const Error& e) {
      if (n >= total || !is_retryable_transfer(e)) throw;
      auto delay = policy.delays[static_cast<std::size_t>(n - 1)];
      if (const auto asked = e.retry_after()) {
        // A server that wants a longer pause than we may take: give up now
        // and let the caller reschedule with the error's retry_after.
        if (*asked > policy.max_retry_after) throw;
        delay = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(*asked));
      }
      log::warning("http", "attempt " + std::to_string(n) + "/" + std::to_string(total) +
                               " failed (" + std::string(to_string(e.kind())) + "): " + e.what() +
                               "; retrying in " + std::to_string(delay.count()) + " ms");
      if (policy.on_retry) policy.on_retry(n, e, delay);
      if (policy.sleep) {
        policy.sleep(delay);
      } else {
        std::this_thread::sleep_for(delay);
      }
    }
  }
}

}  // namespace curator::http
