// UploadJob and the skeleton of one run: claim, the steps in order, and how
// every way out (success, duplicate, failure, retry, stop, cancel) is written.
#include "curator/pipeline/job.hpp"

#include <fmt/format.h>

#include <numeric>

#include "curator/core/log.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/store/batches.hpp"
#include "pipeline/failpoint.hpp"
#include "pipeline/job_run.hpp"

namespace curator::pipeline {

std::string_view to_string(JobResult result) noexcept {
  switch (result) {
    case JobResult::not_claimed:
      return "not_claimed";
    case JobResult::finished:
      return "finished";
    case JobResult::requeued:
      return "requeued";
    case JobResult::released:
      return "released";
    case JobResult::cancelled:
      return "cancelled";
  }
  return "unknown";
}

UploadJob::UploadJob(const JobEnvironment& environment, std::string owner)
    : env_(environment), owner_(std::move(owner)) {}

JobReport UploadJob::run(store::Id id, const std::atomic<bool>* stop,
                         const std::function<void()>& touch) {
  log::ContextScope scope("upload-" + std::to_string(id));
  detail::JobRun run(env_, owner_, id, stop, touch);
  auto report = run.run();
  log::info("pipeline", fmt::format("upload {}: {}{}{}", id, to_string(report.result),
                                    report.status ? " " + std::string(to_string(*report.status))
                                                  : std::string(),
                                    report.detail.empty() ? "" : " (" + report.detail + ")"));
  return report;
}

namespace detail {

namespace {
constexpr std::string_view kLog = "pipeline";
}

JobRun::JobRun(const JobEnvironment& env, const std::string& owner, store::Id id,
               const std::atomic<bool>* stop, const std::function<void()>& touch)
    : env_(env), owner_(owner), id_(id), uploads_(*env.database), control_(stop), touch_(touch) {}

JobRun::~JobRun() {
  release_lock();
}

JobReport JobRun::run() {
  // A stopping pool starts nothing new.
  if (control_.stopping()) return {JobResult::not_claimed, {}, {}, "the worker is stopping"};
  auto claimed = uploads_.claim(id_, owner_, env_.options.lease);
  if (!claimed) return {JobResult::not_claimed, {}, {}, "not queued, not due, or taken"};
  row_ = std::move(*claimed);
  source_name_ = source_display_name(row_.handler);
  publish(UploadStatus::in_progress, std::nullopt, std::nullopt);
  progress_.emplace(&env_.on_progress,
                    ProgressEvent{row_.batchid, id_, TransferPhase::download, 0, 0, row_.filename});
  heartbeat_ = std::make_unique<Heartbeat>(
      *env_.database, id_, owner_,
      HeartbeatSettings{env_.options.lease, env_.options.heartbeat, env_.options.hash_lock_ttl},
      control_, touch_);
  failpoint(Failpoint::claim);
  JobReport report;
  try {
    report = work();
  } catch (const Interrupted& i) {
    report = i.why == Interrupted::Why::stopping ? release() : moved_on(i.detail);
  } catch (const std::exception& e) {
    report = on_error(e);
  }
  release_lock();
  heartbeat_.reset();
  return report;
}

JobReport JobRun::work() {
  const auto interruptions = row_.attempts[store::RetryReason::lease_expired];
  if (interruptions > env_.options.retry.interruptions) {
    return fail(exhausted_message(store::RetryReason::lease_expired,
                                  static_cast<std::size_t>(interruptions),
                                  "the last worker holding it stopped answering"));
  }
  if (auto done = open_session()) return std::move(*done);
  control_.checkpoint();
  fetch_metadata();
  control_.checkpoint();
  if (auto done = check_title()) return std::move(*done);
  control_.checkpoint();
  download();
  control_.checkpoint();
  if (auto done = check_duplicates()) return std::move(*done);
  control_.checkpoint();
  if (auto done = lock_file()) return std::move(*done);
  // The bytes may have landed while we waited for the lock.
  if (auto done = check_duplicates()) return std::move(*done);
  control_.checkpoint();
  return upload();
}

JobReport JobRun::on_error(const std::exception& e) {
  auto decision = classify(step_, e, source_name_);
  log::warning(kLog, fmt::format("{} step failed: {}", decision.retry ? "retryable" : "permanent",
                                 e.what()));
  if (decision.retry) return requeue(decision);
  return fail(std::move(decision.message));
}

JobReport JobRun::finish(UploadStatus status, std::optional<StructuredError> error,
                         std::optional<std::string> success) {
  failpoint(Failpoint::status);
  if (uploads_.finish(id_, owner_, status, error, success)) {
    publish(status, error, success);
    return {JobResult::finished, status, {}, error ? error->message : success.value_or("")};
  }
  // Not ours any more. A file that reached Commons is recorded as such even
  // when the upload was cancelled meanwhile: "cancelled" would be untrue.
  if (status == UploadStatus::completed && success) {
    const auto now = uploads_.find(id_);
    if (now && now->status == UploadStatus::cancelled &&
        uploads_.transition(id_, UploadStatus::cancelled, UploadStatus::completed, std::nullopt,
                            success)) {
      log::warning(kLog, "cancelled after its file was published; recorded as completed");
      publish(UploadStatus::completed, std::nullopt, success);
      return {JobResult::finished, UploadStatus::completed, {}, *success};
    }
  }
  return moved_on("the upload was cancelled or taken over before its outcome was written");
}

JobReport JobRun::fail(std::string message, StructuredErrorType type) {
  return finish(UploadStatus::failed, StructuredError{type, std::move(message), {}});
}

JobReport JobRun::requeue(const Decision& decision) {
  const auto& delays = env_.options.retry.delays(decision.reason);
  const auto used = static_cast<std::size_t>(std::max(0, row_.attempts[decision.reason]));
  if (used >= delays.size())
    return fail(exhausted_message(decision.reason, used, decision.message));
  auto wait = delays[used];
  if (decision.at_least && *decision.at_least > wait) wait = *decision.at_least;
  const auto at = paced(env_.database->now() + std::chrono::ceil<std::chrono::seconds>(wait));
  if (!uploads_.requeue(id_, owner_, decision.reason, at)) {
    return moved_on("the upload was cancelled or taken over before it could be requeued");
  }
  publish(UploadStatus::queued, std::nullopt, std::nullopt);
  return {JobResult::requeued,
          {},
          decision.reason,
          fmt::format("{} retry {} of {} at {}: {}", store::to_string(decision.reason), used + 1,
                      delays.size(), format_utc_z(at), decision.message)};
}

JobReport JobRun::release() {
  if (!uploads_.requeue(id_, owner_, store::RetryReason::lease_expired, env_.database->now())) {
    return moved_on("the upload was cancelled or taken over while the worker stopped");
  }
  publish(UploadStatus::queued, std::nullopt, std::nullopt);
  return {JobResult::released, {}, store::RetryReason::lease_expired, "the worker is stopping"};
}

JobReport JobRun::moved_on(std::string why) {
  return {JobResult::cancelled, {}, {}, std::move(why)};
}

void JobRun::publish(UploadStatus status, const std::optional<StructuredError>& error,
                     const std::optional<std::string>& success) {
  StatusEvent e;
  e.batch_id = row_.batchid;
  e.upload_id = id_;
  e.status = status;
  e.error = error;
  e.success = success;
  e.key = row_.key;
  e.handler = row_.handler;
  publish_status(env_.events.get(), e);
}

TimePoint JobRun::paced(TimePoint at) {
  // Requeues are paced like first dispatches (decisions.md): a slot of the
  // user's rate no earlier than `at`.
  if (!env_.rates) return at;
  try {
    auto rate = env_.user_rates ? env_.user_rates->cached(row_.userid) : std::nullopt;
    if (!rate && wiki_ && env_.user_rates) rate = env_.user_rates->rate(row_.userid, *wiki_);
    const auto slot = env_.rates->reserve_at(row_.userid, rate.value_or(queue::kDefaultRate), at);
    return std::chrono::ceil<std::chrono::seconds>(slot);
  } catch (const std::exception& e) {
    log::warning(kLog, std::string("cannot pace the requeue: ") + e.what());
    return at;
  } catch (const Interrupted&) {
    return at;  // the requeue itself still happens
  }
}

void JobRun::release_lock() {
  if (!locked_) return;
  locked_ = false;
  if (heartbeat_) heartbeat_->drop_lock();
  try {
    env_.hash_locks->release(lock_key_, lock_token_);
  } catch (const std::exception& e) {
    // It expires on its own after hash_lock_ttl.
    log::warning(kLog, std::string("cannot release the hash lock: ") + e.what());
  }
}

}  // namespace detail
}  // namespace curator::pipeline
