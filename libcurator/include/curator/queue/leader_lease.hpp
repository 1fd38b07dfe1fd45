#pragma once
// LeaderLease: a short named lease so that a periodic pass (the dispatcher
// of due rows, the reconciler) runs on one worker at a time across
// processes, and the start-up recovery sentinel (set once with NX, so only
// the first process after a Redis wipe recovers). Same owner-token mechanics
// as HashLock (SET NX PX, Lua compare for renew/release). It knows nothing of
// what the passes do.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::queue {

class RedisPool;

class CURATOR_API LeaderLease {
 public:
  virtual ~LeaderLease() = default;

  /// True when `owner` holds lease `name` afterwards (taken now, or already
  /// its own and extended to `ttl`). Names and owners: 1..256 bytes.
  virtual bool try_acquire(std::string_view name, std::string_view owner,
                           std::chrono::milliseconds ttl) = 0;
  /// Extends to `ttl` from now; false when `owner` no longer holds it.
  virtual bool renew(std::string_view name, std::string_view owner,
                     std::chrono::milliseconds ttl) = 0;
  /// Gives it up early; false when `owner` did not hold it.
  virtual bool release(std::string_view name, std::string_view owner) = 0;
  virtual std::optional<std::string> holder(std::string_view name) = 0;

  /// Sets sentinel `name` unless it exists (SET NX), expiring after `ttl`
  /// when given. True when this call set it: the caller runs start-up
  /// recovery. In-process the sentinel lives as long as the process, which
  /// is right: an empty in-process queue always needs recovering.
  virtual bool claim_sentinel(std::string_view name,
                              std::optional<std::chrono::milliseconds> ttl) = 0;
};

CURATOR_API std::unique_ptr<LeaderLease> make_in_process_leader_lease();
/// Keys `{<name>}:lease:<lease>` and `{<name>}:sentinel:<sentinel>`.
CURATOR_API std::unique_ptr<LeaderLease> make_redis_leader_lease(std::shared_ptr<RedisPool> pool,
                                                                 std::string_view name = "curator");

}  // namespace curator::queue
