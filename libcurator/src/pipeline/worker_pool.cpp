#include "curator/pipeline/worker_pool.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "pipeline/dead_letters.hpp"

namespace curator::pipeline {

namespace {
constexpr std::string_view kLog = "pipeline";
}

WorkerPool::WorkerPool(const JobEnvironment& environment, std::shared_ptr<queue::TaskQueue> tasks,
                       int threads, std::string name,
                       std::function<void(store::Id, const JobReport&)> on_job_done)
    : env_(environment),
      tasks_(std::move(tasks)),
      threads_(threads),
      name_(std::move(name)),
      on_job_done_(std::move(on_job_done)) {
  if (threads_ < 1 || threads_ > 256) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("the number of workers must be 1 to 256 (got {})", threads_),
                "invalid_workers");
  }
  if (name_.empty() || name_.size() > 200) {
    throw Error(ErrorKind::invalid_input, "a worker pool needs a name of 1 to 200 bytes",
                "invalid_workers");
  }
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::start() {
  if (!workers_.empty()) return;
  stop_.store(false);
  for (int i = 0; i < threads_; ++i) {
    workers_.emplace_back([this, i] { work(i); });
  }
  log::info(kLog, fmt::format("{} worker(s) started as {}", threads_, name_));
}

void WorkerPool::stop() {
  stop_.store(true);
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  if (!workers_.empty()) log::info(kLog, "workers stopped");
  workers_.clear();
}

void WorkerPool::work(int index) {
  const auto consumer = fmt::format("{}-w{}", name_, index);
  UploadJob job(env_, consumer);
  while (!stop_.load()) {
    std::optional<queue::Delivery> delivery;
    try {
      delivery = tasks_->fetch(consumer, env_.options.fetch_wait);
    } catch (const std::exception& e) {
      log::warning(kLog, std::string("cannot fetch a task: ") + e.what());
      std::this_thread::sleep_for(
          std::min(env_.options.fetch_wait, std::chrono::milliseconds(1000)));
      continue;
    }
    if (!delivery) continue;
    const auto id = delivery->task.upload_id;
    busy_.fetch_add(1);
    JobReport report;
    try {
      report = job.run(id, &stop_, [&] { tasks_->touch(*delivery); });
    } catch (const std::exception& e) {
      // The outcome could not be written: the lease runs out and the sweeper
      // puts the upload back in the queue, where it resumes.
      log::error(kLog, fmt::format("upload {}: {}", id, e.what()));
      report.detail = e.what();
    }
    busy_.fetch_sub(1);
    jobs_.fetch_add(1);
    try {
      if (report.result == JobResult::not_claimed && stop_.load()) {
        // nack() hands back the dead letter it makes instead of reporting it.
        if (auto dead = tasks_->nack(*delivery, "the worker stopped before starting it")) {
          detail::fail_dead_letter(env_, *dead);
        }
      } else {
        tasks_->ack(*delivery);
      }
    } catch (const std::exception& e) {
      log::warning(kLog, std::string("cannot acknowledge a task: ") + e.what());
    }
    if (on_job_done_) on_job_done_(id, report);
  }
}

}  // namespace curator::pipeline
