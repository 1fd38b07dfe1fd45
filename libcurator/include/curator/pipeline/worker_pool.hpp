#pragma once
// WorkerPool: N threads, each taking tasks from the queue and running one
// UploadJob at a time (blocking libcurl and database calls). The queue
// decides fairness between users; the job decides what happens to the row.
// Every delivery is acknowledged once its job returns (the database, not
// the queue, remembers what is left to do). stop() is graceful: no new task
// starts, and running jobs release their upload at the next step boundary
// (back to queued at once), or finish it when the file is already on
// Commons; stop() returns when every thread is done.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "curator/export.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/pipeline/job.hpp"
#include "curator/queue/task_queue.hpp"

namespace curator::pipeline {

class CURATOR_API WorkerPool {
 public:
  /// `name` makes the workers' queue consumer and lease owner names
  /// (`<name>-w<i>`): unique per process, e.g. host:pid:random.
  /// `on_job_done` runs on the worker thread after each job.
  WorkerPool(const JobEnvironment& environment, std::shared_ptr<queue::TaskQueue> tasks,
             int threads, std::string name,
             std::function<void(store::Id, const JobReport&)> on_job_done = {});
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  /// Graceful stop (see above); safe to call twice.
  void stop();

  int threads() const { return threads_; }
  /// Jobs running right now.
  int busy() const { return busy_.load(); }
  std::uint64_t jobs_run() const { return jobs_.load(); }

 private:
  void work(int index);

  const JobEnvironment& env_;
  std::shared_ptr<queue::TaskQueue> tasks_;
  int threads_;
  std::string name_;
  std::function<void(store::Id, const JobReport&)> on_job_done_;
  std::atomic<bool> stop_{false};
  std::atomic<int> busy_{0};
  std::atomic<std::uint64_t> jobs_{0};
  std::vector<std::thread> workers_;
};

}  // namespace curator::pipeline
