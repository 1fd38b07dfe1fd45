#pragma once
// The queue module's parts for one mode, built together: in-process for the
// embedded mode (no Redis URL), Redis-backed for the distributed mode (one
// shared pool). Callers (server, curatorctl, pipeline) hold the interfaces
// and never ask which mode they run in.

#include <memory>
#include <optional>
#include <string>

#include "curator/export.hpp"
#include "curator/queue/event_bus.hpp"
#include "curator/queue/hash_lock.hpp"
#include "curator/queue/leader_lease.hpp"
#include "curator/queue/rate_limiter.hpp"
#include "curator/queue/redis_client.hpp"
#include "curator/queue/task_queue.hpp"

namespace curator::queue {

struct CoordinationOptions {
  /// Unset: embedded mode.
  std::optional<std::string> redis_url;
  /// The deployment's key namespace in Redis (`{<name>}:...`).
  std::string name = "curator";
  TaskQueueOptions tasks;
  EventBusOptions events;
  RedisPool::Limits pool;
};

struct Coordination {
  std::shared_ptr<RedisPool> redis;  // null in the embedded mode
  std::shared_ptr<TaskQueue> tasks;
  std::shared_ptr<RateLimiter> rates;
  std::shared_ptr<HashLock> hash_locks;
  std::shared_ptr<LeaderLease> leases;
  std::shared_ptr<EventBus> events;
};

/// Builds every part; with Redis it connects lazily (check_redis() to fail early).
CURATOR_API Coordination make_coordination(const CoordinationOptions& options);

}  // namespace curator::queue
