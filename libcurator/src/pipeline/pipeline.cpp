#include "curator/pipeline/pipeline.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/store/uploads.hpp"
#include "pipeline/dead_letters.hpp"
#include "pipeline/failpoint.hpp"

namespace curator::pipeline {

namespace {

constexpr std::string_view kLog = "pipeline";
constexpr std::string_view kDispatchLease = "dispatch";
constexpr std::size_t kSweepBatch = 1000;
constexpr std::chrono::milliseconds kMinPassGap{20};

std::string default_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:{}", host[0] != '\0' ? host : "localhost", ::getpid(), random_hex(6));
}

}  // namespace

Pipeline::Pipeline(JobEnvironment environment, std::shared_ptr<queue::TaskQueue> tasks,
                   std::shared_ptr<queue::LeaderLease> leases, PipelineRun run)
    : env_(std::move(environment)),
      tasks_(std::move(tasks)),
      leases_(std::move(leases)),
      run_(std::move(run)),
      dispatcher_(*env_.database, tasks_, env_.options),
      scheduler_(env_, [this] { wake(); }) {
  if (run_.name.empty()) run_.name = default_name();
  if (!run_.check) run_.check = userinfo_check(env_);
  tasks_->set_dead_letter_handler([this](const queue::DeadLetter& dead) {
    if (detail::fail_dead_letter(env_, dead)) dispatcher_.done(dead.task.upload_id);
  });
}

std::unique_ptr<Pipeline> Pipeline::from_config(const Config& config, store::Database& database,
                                                const queue::Coordination& coordination,
                                                PipelineOptions options) {
  PipelineRun run;
  run.workers = config.workers;
  run.lock_file = WorkerLock::path_for(config.database_url);
  return std::make_unique<Pipeline>(
      JobEnvironment::from_config(config, database, coordination, std::move(options)),
      coordination.tasks, coordination.leases, std::move(run));
}

void Pipeline::set_progress_sink(ProgressSink sink) {
  std::lock_guard lock(mutex_);
  if (started_) {
    throw Error(ErrorKind::conflict, "the progress sink is set before the pipeline starts",
                "pipeline_started");
  }
  env_.on_progress = std::move(sink);
}

Pipeline::~Pipeline() {
  stop();
}

void Pipeline::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return;
  }
  // A malformed CURATOR_FAILPOINT would never fire: refuse it here, loudly.
  if (const auto& armed = detail::armed_failpoint(); armed && run_.workers > 0) {
    log::warning(
        kLog, fmt::format("{} is set: this process kills itself at its step {} (arrival {})",
                          detail::kFailpointVariable, detail::to_string(armed->point), armed->hit));
  }
  if (run_.workers > 0 && run_.lock_file) {
    lock_.emplace(WorkerLock::acquire(*run_.lock_file));
    remove_orphan_downloads();
  }
  recover();
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    stopping_ = false;
  }
  coordinator_ = std::thread([this] { coordinate(); });
  if (run_.workers > 0) {
    workers_ = std::make_unique<WorkerPool>(env_, tasks_, run_.workers, run_.name,
                                            [this](store::Id id, const JobReport&) {
                                              dispatcher_.done(id);
                                              wake();
                                            });
    workers_->start();
  }
}

void Pipeline::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (workers_) workers_->stop();
  if (coordinator_.joinable()) coordinator_.join();
  try {
    leases_->release(kDispatchLease, run_.name);
  } catch (const std::exception& e) {
    log::warning(kLog, std::string("cannot release the dispatch lease: ") + e.what());
  }
  workers_.reset();
  lock_.reset();
  std::lock_guard lock(mutex_);
  started_ = false;
}

void Pipeline::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

RecoveryReport Pipeline::last_recovery() const {
  std::lock_guard lock(mutex_);
  return recovery_;
}

void Pipeline::recover() {
  bool claimed = false;
  try {
    claimed = leases_->claim_sentinel(kRecoverySentinel, std::nullopt);
  } catch (const std::exception& e) {
    log::warning(kLog, std::string("cannot read the recovery sentinel: ") + e.what());
    return;  // asked again at the next sweep
  }
  if (!claimed) return;
  RecoveryReport report;
  try {
    report = check_queued_uploads(env_, run_.check);
  } catch (const std::exception& e) {
    // The sentinel is set, so this recovery will not run again: republish
    // everything due anyway; the jobs fail uploads whose login is gone.
    log::error(kLog, std::string("start-up recovery failed: ") + e.what());
    dispatcher_.forget();
    return;
  }
  if (!report.ran) return;
  // Whatever the queue held is gone: publish every due row again.
  dispatcher_.forget();
  std::lock_guard lock(mutex_);
  recovery_ = std::move(report);
}

void Pipeline::remove_orphan_downloads() {
  // Holding the worker lock, no other worker uses this directory: downloads
  // left in it belong to a worker that was killed.
  if (env_.options.temp_dir.empty()) return;
  std::error_code ec;
  std::size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(env_.options.temp_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("curator-download-") && entry.is_regular_file(ec) &&
        std::filesystem::remove(entry.path(), ec)) {
      ++removed;
    }
  }
  if (removed > 0) log::info(kLog, fmt::format("removed {} orphaned download(s)", removed));
}

void Pipeline::sweep() {
  store::UploadRepository uploads(*env_.database);
  const auto released = uploads.release_expired_leases(kSweepBatch);
  for (const auto id : released) {
    log::warning(kLog, fmt::format("upload {}: its worker's lease expired; back in the queue", id));
    if (const auto row = uploads.find(id)) publish_status(env_.events.get(), status_event_of(*row));
  }
}

void Pipeline::coordinator_pass(bool& leading, std::chrono::steady_clock::time_point& next_sweep) {
  bool lead = false;
  try {
    lead = leases_->try_acquire(kDispatchLease, run_.name, env_.options.leader_ttl);
  } catch (const std::exception& e) {
    log::warning(kLog, std::string("cannot take the dispatch lease: ") + e.what());
  }
  if (!lead) {
    leading = false;
    return;
  }
  if (!leading) {
    // Whoever led before may have published tasks this process never saw.
    leading = true;
    dispatcher_.forget();
  }
  const auto now = std::chrono::steady_clock::now();
  if (now >= next_sweep) {
    next_sweep = now + env_.options.sweep_interval;
    sweep();
    recover();  // a no-op unless the queue's sentinel vanished
  }
  dispatcher_.pass();
}

void Pipeline::coordinate() {
  log::ContextScope scope("coordinator");
  bool leading = false;
  auto next_sweep = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    try {
      coordinator_pass(leading, next_sweep);
    } catch (const std::exception& e) {
      log::warning(kLog, std::string("coordinator pass failed: ") + e.what());
    }
    // A pass reads every due row; with a huge backlog it is not free. Wakes
    // (a job done, rows scheduled) come often under load, so passes are
    // spaced at least four pass-lengths apart: the coordinator never takes
    // more than a fifth of a core.
    const auto took = std::chrono::steady_clock::now() - started;
    const auto gap = std::min<std::chrono::steady_clock::duration>(
        std::max<std::chrono::steady_clock::duration>(4 * took, kMinPassGap),
        env_.options.dispatch_interval);
    lock.lock();
    wake_.wait_for(lock, gap, [this] { return stopping_; });
    wake_.wait_for(lock, env_.options.dispatch_interval - gap,
                   [this] { return stopping_ || woken_; });
  }
}

}  // namespace curator::pipeline
