#pragma once
// Upload pacing per user. The rate comes from MediaWiki's
// `action=query&meta=userinfo&uiprop=ratelimits|rights` answer with the Python
// Curator's formula: the most permissive group per action, the edit limit
// halved (each upload costs two edits: SDC and the null edit, at least 1
// hit), the stricter of upload and halved edit, `noratelimit` (or no limits
// at all) exempt as 9999 per 60 s. Uploads of one user are then spaced
// period / hits x 1.5 apart; RateLimiter hands out those slots atomically
// (a Lua script in Redis, a mutex in-process), for every dispatch, requeues
// and admin retries included. It knows nothing of tasks or HTTP.

#include <chrono>
#include <memory>
#include <string_view>

#include "curator/core/json.hpp"
#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator::queue {

class RedisPool;

struct Rate {
  long long hits = 4;
  long long seconds = 60;

  /// seconds / hits x 1.5 (the margin the Python service added in f379e98),
  /// rounded to the microsecond.
  CURATOR_API std::chrono::microseconds spacing() const;
  bool operator==(const Rate&) const = default;
};

/// What `noratelimit` (or an empty `ratelimits`) gives: 9999 per 60 s.
inline constexpr Rate kNoRateLimit{9999, 60};
/// RATE_LIMIT_DEFAULT_NORMAL / RATE_LIMIT_DEFAULT_PERIOD of the Python service.
inline constexpr Rate kDefaultRate{4, 60};

/// The effective rate from a parsed userinfo answer: the whole API response
/// (`{"query":{"userinfo":{...}}}`) or its `userinfo` object. Throws
/// Error(invalid_input) when the answer has the wrong shape (an API error,
/// `ratelimits` not an object, `rights` not a list of strings, a limit whose
/// hits or seconds are not integers from 1 to 10^9, ...).
CURATOR_API Rate effective_rate(const json::value& userinfo);
/// As effective_rate(), but `fallback` (logged) instead of an error, as the
/// Python service falls back to 4/60 when the lookup fails.
CURATOR_API Rate effective_rate_or(const json::value& userinfo, Rate fallback = kDefaultRate);

class CURATOR_API RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  /// Reserves the user's next upload slot and returns it (the task's
  /// not_before): max(now, the user's next free slot); the next free slot
  /// becomes that + rate.spacing(). Atomic: concurrent callers for one user
  /// get slots at least one spacing apart. Throws Error(invalid_input) for an
  /// empty or oversize (> 256 bytes) user id or a rate that is not positive.
  virtual TimePoint reserve_at(std::string_view user_id, const Rate& rate, TimePoint now) = 0;

  TimePoint reserve(std::string_view user_id, const Rate& rate) {
    return reserve_at(user_id, rate, now_utc());
  }
};

CURATOR_API std::unique_ptr<RateLimiter> make_in_process_rate_limiter();
/// One key per user, `{<name>}:rate:<user>`, expiring once its slot has
/// passed (an expired key and a past slot mean the same: no wait). Slots are
/// computed from the callers' clocks, so workers need synchronised clocks.
CURATOR_API std::unique_ptr<RateLimiter> make_redis_rate_limiter(std::shared_ptr<RedisPool> pool,
                                                                 std::string_view name = "curator");

}  // namespace curator::queue
