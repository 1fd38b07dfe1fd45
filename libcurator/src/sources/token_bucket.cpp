#include "curator/sources/token_bucket.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "curator/core/error.hpp"

namespace curator::sources {

TokenBucket::TokenBucket(double burst, double per_second, Now now, Sleep sleep)
    : burst_(burst), per_second_(per_second), now_(std::move(now)), sleep_(std::move(sleep)) {
  if (!(burst >= 1) || !(per_second > 0) || !std::isfinite(burst) || !std::isfinite(per_second)) {
    throw Error(ErrorKind::invalid_input, "a token bucket needs burst >= 1 and a positive rate",
                "invalid_rate");
  }
  if (!now_) now_ = [] { return Clock::now(); };
  if (!sleep_) sleep_ = [](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); };
  tokens_ = burst_;
  last_ = now_();
}

std::shared_ptr<TokenBucket> TokenBucket::for_budget(int calls, std::chrono::seconds period,
                                                     int burst) {
  if (calls <= burst || period.count() <= 0) {
    throw Error(ErrorKind::invalid_input, "a call budget must exceed its burst", "invalid_rate");
  }
  const double rate = static_cast<double>(calls - burst) / static_cast<double>(period.count());
  return std::make_shared<TokenBucket>(burst, rate);
}

void TokenBucket::refill_locked(Clock::time_point now) {
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    last_ = now;
  }
}

std::chrono::nanoseconds TokenBucket::try_acquire() {
  std::lock_guard lock(mutex_);
  refill_locked(now_());
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return std::chrono::nanoseconds::zero();
  }
  const double seconds = (1 - tokens_) / per_second_;
  // Round up so that waiting this long is always enough.
  return std::chrono::nanoseconds(static_cast<long long>(std::ceil(seconds * 1e9)));
}

void TokenBucket::acquire(std::chrono::nanoseconds max_wait) {
  for (;;) {
    const auto wait = try_acquire();
    if (wait == std::chrono::nanoseconds::zero()) return;
    if (wait > max_wait) {
      const auto secs = std::chrono::ceil<std::chrono::seconds>(wait);
      throw Error(ErrorKind::rate_limited,
                  fmt::format("call budget exhausted: next call possible in {} s", secs.count()),
                  "budget_exhausted")
          .with_retry_after(secs);
    }
    sleep_(wait);
  }
}

double TokenBucket::available() {
  std::lock_guard lock(mutex_);
  refill_locked(now_());
  return tokens_;
}

std::shared_ptr<TokenBucket> flickr_budget(std::string_view api_key) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<TokenBucket>, std::less<>> buckets;
  std::lock_guard lock(mutex);
  auto it = buckets.find(api_key);
  if (it == buckets.end()) {
    it =
        buckets
            .emplace(std::string(api_key), TokenBucket::for_budget(3600, std::chrono::hours(1), 60))
            .first;
  }
  return it->second;
}

}  // namespace curator::sources
