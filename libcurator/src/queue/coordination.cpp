#include "curator/queue/coordination.hpp"

namespace curator::queue {

Coordination make_coordination(const CoordinationOptions& options) {
  Coordination c;
  if (!options.redis_url) {
    c.tasks = make_in_process_task_queue(options.tasks);
    c.rates = make_in_process_rate_limiter();
    c.hash_locks = make_in_process_hash_lock();
    c.leases = make_in_process_leader_lease();
    c.events = make_in_process_event_bus(options.events);
    return c;
  }
  RedisOptions redis;
  redis.url = *options.redis_url;
  c.redis = std::make_shared<RedisPool>(std::move(redis), options.pool);
  c.tasks = make_redis_task_queue(c.redis, options.name, options.tasks);
  c.rates = make_redis_rate_limiter(c.redis, options.name);
  c.hash_locks = make_redis_hash_lock(c.redis, options.name);
  c.leases = make_redis_leader_lease(c.redis, options.name);
  c.events = make_redis_event_bus(c.redis, options.name, options.events);
  return c;
}

}  // namespace curator::queue
