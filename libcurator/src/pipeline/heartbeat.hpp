#pragma once
// Heartbeat: while a job runs, a thread renews its lease on the upload row,
// the hash lock it holds (if any) and, through `touch`, the worker's queue
// delivery. A renewal the database refuses means the row is no longer this
// worker's (cancelled, failed by an admin, or taken over after an expiry):
// the job is cancelled at its next checkpoint.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "curator/queue/hash_lock.hpp"
#include "curator/store/uploads.hpp"
#include "pipeline/control.hpp"

namespace curator::pipeline::detail {

struct HeartbeatSettings {
  std::chrono::seconds lease{120};
  std::chrono::milliseconds interval{30000};
  std::chrono::milliseconds lock_ttl{120000};
};

class Heartbeat {
 public:
  Heartbeat(const store::Database& database, store::Id id, std::string owner,
            HeartbeatSettings settings, JobControl& control, std::function<void()> touch);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  /// Renews this lock with the lease from now on.
  void hold_lock(queue::HashLock* locks, std::string key, std::string token);
  void drop_lock();

 private:
  void run();
  void beat();

  store::UploadRepository uploads_;
  store::Id id_;
  std::string owner_;
  HeartbeatSettings settings_;
  JobControl& control_;
  std::function<void()> touch_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  queue::HashLock* locks_ = nullptr;
  std::string lock_key_;
  std::string lock_token_;
  std::thread thread_;
};

}  // namespace curator::pipeline::detail
