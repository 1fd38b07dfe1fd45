#pragma once
// Parts of the queue module on the test Redis (CURATOR_TEST_REDIS_URL), each
// test under its own random namespace so tests may run in parallel; the
// namespace's keys are deleted afterwards. Every call makes a new pool, so
// parts behave like separate processes sharing one Redis.

#include <memory>
#include <string>

#include "curator/core/ids.hpp"
#include "curator/queue/event_bus.hpp"
#include "curator/queue/hash_lock.hpp"
#include "curator/queue/leader_lease.hpp"
#include "curator/queue/rate_limiter.hpp"
#include "curator/queue/redis_client.hpp"
#include "curator/queue/task_queue.hpp"
#include "test_support.hpp"

namespace curator::queue::test_redis {

inline RedisOptions options() {
  RedisOptions o;
  o.url = curator::test::require_env("CURATOR_TEST_REDIS_URL");
  return o;
}

/// Deletes every key of `{name}:*`.
inline void delete_namespace(const std::string& name) {
  RedisClient client(options());
  std::string cursor = "0";
  const auto pattern = "{" + name + "}:*";
  do {
    const auto reply = client.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    cursor = reply.array().at(0).text();
    for (const auto& key : reply.array().at(1).array())
      client.command({"DEL", key.text()});
  } while (cursor != "0");
}

class RedisBackend {
 public:
  RedisBackend() : name_("curator-test-" + random_hex(12)) {}
  ~RedisBackend() {
    try {
      delete_namespace(name_);
    } catch (...) {  // a cleanup failure must not hide the test's own result
    }
  }
  RedisBackend(const RedisBackend&) = delete;
  RedisBackend& operator=(const RedisBackend&) = delete;

  const std::string& name() const { return name_; }
  std::shared_ptr<RedisPool> pool() { return std::make_shared<RedisPool>(options()); }

  std::shared_ptr<TaskQueue> task_queue(TaskQueueOptions o) {
    return make_redis_task_queue(pool(), name_, o);
  }
  std::shared_ptr<RateLimiter> rate_limiter() { return make_redis_rate_limiter(pool(), name_); }
  std::shared_ptr<HashLock> hash_lock() { return make_redis_hash_lock(pool(), name_); }
  std::shared_ptr<LeaderLease> leader_lease() { return make_redis_leader_lease(pool(), name_); }
  std::shared_ptr<EventBus> event_bus(EventBusOptions o) {
    return make_redis_event_bus(pool(), name_, o);
  }

 private:
  std::string name_;
};

}  // namespace curator::queue::test_redis
