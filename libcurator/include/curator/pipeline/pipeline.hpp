#pragma once
// Pipeline: the workers of one process and what keeps them fed, in either
// mode. start() takes the embedded mode's worker lock, runs start-up
// recovery, then starts the coordinator thread and the worker pool. The
// coordinator, while it holds the "dispatch" leader lease (always, in the
// embedded mode; one process at a time with Redis), publishes due rows
// (Dispatcher), puts uploads whose lease expired back in the queue (the
// sweeper), and re-runs recovery whenever the queue's sentinel vanished
// (Redis wiped). The scheduler is how front ends enqueue. See docs/pipeline.md.

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "curator/export.hpp"
#include "curator/pipeline/dispatcher.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/pipeline/recovery.hpp"
#include "curator/pipeline/scheduler.hpp"
#include "curator/pipeline/worker_lock.hpp"
#include "curator/pipeline/worker_pool.hpp"

namespace curator::pipeline {

struct PipelineRun {
  int workers = 2;  // CURATOR_WORKERS; 0 runs no workers (enqueue only)
  /// Names this process in leases and queue consumers; default host:pid:random.
  std::string name;
  /// The embedded mode's lock file (WorkerLock::path_for); none with MySQL.
  std::optional<std::filesystem::path> lock_file;
  /// How recovery checks a stored login; default userinfo_check.
  CredentialCheck check;
};

class CURATOR_API Pipeline {
 public:
  Pipeline(JobEnvironment environment, std::shared_ptr<queue::TaskQueue> tasks,
           std::shared_ptr<queue::LeaderLease> leases, PipelineRun run);
  /// From the configuration and the mode's coordination parts (workers from
  /// CURATOR_WORKERS, the lock file beside an SQLite database).
  static std::unique_ptr<Pipeline> from_config(const Config& config, store::Database& database,
                                               const queue::Coordination& coordination,
                                               PipelineOptions options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Throws Error(conflict) when another process runs workers on this
  /// SQLite database.
  void start();
  /// Graceful: see WorkerPool::stop. Safe to call twice.
  void stop();
  /// Runs a coordinator pass soon (new rows were scheduled).
  void wake();
  /// Byte progress of this process's jobs (progress.hpp). Before start()
  /// only: the workers read the environment unlocked (Error(conflict) after).
  void set_progress_sink(ProgressSink sink);

  const JobEnvironment& environment() const { return env_; }
  UploadScheduler& scheduler() { return scheduler_; }
  Dispatcher& dispatcher() { return dispatcher_; }
  const std::string& name() const { return run_.name; }
  /// The last recovery that ran (ran == false when none has).
  RecoveryReport last_recovery() const;
  int busy_workers() const { return workers_ ? workers_->busy() : 0; }

 private:
  void coordinate();
  void coordinator_pass(bool& leading, std::chrono::steady_clock::time_point& next_sweep);
  void recover();
  void sweep();
  void remove_orphan_downloads();

  JobEnvironment env_;
  std::shared_ptr<queue::TaskQueue> tasks_;
  std::shared_ptr<queue::LeaderLease> leases_;
  PipelineRun run_;
  Dispatcher dispatcher_;
  UploadScheduler scheduler_;
  std::optional<WorkerLock> lock_;
  std::unique_ptr<WorkerPool> workers_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  bool started_ = false;
  RecoveryReport recovery_;
  std::thread coordinator_;
};

}  // namespace curator::pipeline
