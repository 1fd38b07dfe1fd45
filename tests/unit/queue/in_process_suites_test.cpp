// The shared queue suites against the in-process implementations (the
// embedded mode). integration_queue runs the same suites against Redis.

#include <mutex>

#include "curator/queue/event_bus.hpp"
#include "curator/queue/hash_lock.hpp"
#include "curator/queue/leader_lease.hpp"
#include "curator/queue/rate_limiter.hpp"
#include "curator/queue/task_queue.hpp"
#include "suites/coordination_suite.hpp"
#include "suites/task_queue_suite.hpp"

namespace {

using namespace curator::queue;

// In one process every part exists once: the first call creates it, later
// calls share it (as threads of the embedded server do).
class InProcessBackend {
 public:
  std::shared_ptr<TaskQueue> task_queue(TaskQueueOptions options) {
    std::lock_guard lock(mutex_);
    if (!queue_) queue_ = make_in_process_task_queue(options);
    return queue_;
  }
  std::shared_ptr<RateLimiter> rate_limiter() {
    std::lock_guard lock(mutex_);
    if (!limiter_) limiter_ = make_in_process_rate_limiter();
    return limiter_;
  }
  std::shared_ptr<HashLock> hash_lock() {
    std::lock_guard lock(mutex_);
    if (!lock_) lock_ = make_in_process_hash_lock();
    return lock_;
  }
  std::shared_ptr<LeaderLease> leader_lease() {
    std::lock_guard lock(mutex_);
    if (!lease_) lease_ = make_in_process_leader_lease();
    return lease_;
  }
  std::shared_ptr<EventBus> event_bus(EventBusOptions options) {
    std::lock_guard lock(mutex_);
    if (!bus_) bus_ = make_in_process_event_bus(options);
    return bus_;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<TaskQueue> queue_;
  std::shared_ptr<RateLimiter> limiter_;
  std::shared_ptr<HashLock> lock_;
  std::shared_ptr<LeaderLease> lease_;
  std::shared_ptr<EventBus> bus_;
};

}  // namespace

TYPE_TO_STRING(InProcessBackend);
CURATOR_TASK_QUEUE_SUITE(InProcessBackend);
CURATOR_COORDINATION_SUITE(InProcessBackend);
