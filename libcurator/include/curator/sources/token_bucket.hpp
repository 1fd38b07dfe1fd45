#pragma once
// TokenBucket: a client-side call budget shared by every thread that holds
// it (Flickr allows 3,600 calls an hour per API key). Tokens refill
// continuously up to a burst; a caller waits for a token, or is told how long
// it would have to wait. The clock and the sleep are injectable for tests.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::sources {

class CURATOR_API TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  using Sleep = std::function<void(std::chrono::nanoseconds)>;

  /// `burst` tokens at most, refilled at `per_second`; starts full. Throws
  /// Error(invalid_input) unless burst >= 1 and per_second > 0.
  TokenBucket(double burst, double per_second, Now now = {}, Sleep sleep = {});

  /// A budget of `calls` per `period` that is never exceeded in any window
  /// of that length: the refill rate leaves room for the burst.
  static std::shared_ptr<TokenBucket> for_budget(int calls, std::chrono::seconds period, int burst);

  /// Takes a token if one is there; otherwise returns how long until one is.
  std::chrono::nanoseconds try_acquire();

  /// Waits for a token. Throws Error(rate_limited) without taking one when
  /// the wait would exceed `max_wait` (its retry_after says how long).
  void acquire(std::chrono::nanoseconds max_wait = std::chrono::minutes(5));

  double available();
  double burst() const { return burst_; }
  double per_second() const { return per_second_; }

 private:
  void refill_locked(Clock::time_point now);

  const double burst_;
  const double per_second_;
  Now now_;
  Sleep sleep_;
  std::mutex mutex_;
  double tokens_;
  Clock::time_point last_;
};

/// The process-wide bucket for a Flickr API key (3,600 calls an hour, burst
/// 60): every FlickrSource with the same key shares it.
CURATOR_API std::shared_ptr<TokenBucket> flickr_budget(std::string_view api_key);

}  // namespace curator::sources
