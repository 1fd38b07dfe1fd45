#include "curator/pipeline/dispatcher.hpp"

#include <fmt/format.h>

#include <unordered_set>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/store/uploads.hpp"

namespace curator::pipeline {

namespace {
constexpr std::string_view kLog = "pipeline";
}

Dispatcher::Dispatcher(store::Database& database, std::shared_ptr<queue::TaskQueue> tasks,
                       PipelineOptions options)
    : database_(database), tasks_(std::move(tasks)), options_(std::move(options)) {}

std::size_t Dispatcher::pass() {
  const auto due = store::UploadRepository(database_).due_per_user(options_.dispatch_per_user,
                                                                   options_.dispatch_batch);
  const auto now = std::chrono::steady_clock::now();
  std::vector<queue::Task> out;
  std::unordered_set<store::Id> seen;
  {
    std::lock_guard lock(mutex_);
    for (const auto& row : due) {
      seen.insert(row.id);
      const auto it = sent_.find(row.id);
      if (it != sent_.end() && it->second.attempts == row.attempts &&
          now - it->second.at < options_.redispatch_after) {
        continue;  // its task is (believed to be) waiting in the queue
      }
      if (it != sent_.end()) {
        log::info(kLog,
                  fmt::format("upload {} is due and still queued: publishing it again", row.id));
      }
      out.push_back(queue::Task{row.id, row.userid, row.edit_group_id.value_or(""),
                                static_cast<int>(row.attempts)});
    }
    // Rows no longer due and queued were claimed or ended: if one comes back
    // (requeued), it is a new dispatch.
    std::erase_if(sent_, [&](const auto& entry) { return !seen.contains(entry.first); });
  }
  if (out.empty()) return 0;
  std::vector<queue::Task> published;
  try {
    tasks_->publish(std::span<const queue::Task>(out));
    published = std::move(out);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) {
      // Unpublished rows stay due; the next pass tries again.
      log::warning(kLog, std::string("cannot publish tasks: ") + e.what());
      return 0;
    }
    // One bad task refuses the whole batch: publish the good ones alone.
    for (const auto& task : out) {
      try {
        tasks_->publish(task);
        published.push_back(task);
      } catch (const Error& one) {
        log::error(kLog, fmt::format("upload {} cannot be queued: {}", task.upload_id, one.what()));
      }
    }
  }
  std::lock_guard lock(mutex_);
  for (const auto& task : published) {
    sent_[task.upload_id] = Sent{task.attempt, now};
  }
  return published.size();
}

void Dispatcher::forget() {
  std::lock_guard lock(mutex_);
  sent_.clear();
}

void Dispatcher::done(store::Id id) {
  std::lock_guard lock(mutex_);
  sent_.erase(id);
}

std::size_t Dispatcher::in_queue() const {
  std::lock_guard lock(mutex_);
  return sent_.size();
}

}  // namespace curator::pipeline
