#pragma once
// Dispatcher: turns due rows into queue tasks. Uploads are scheduled in the
// database (`not_before`), so nothing waits in memory for hours: each pass
// reads the oldest due rows of every user (at most dispatch_per_user each,
// so one user's huge batch never hides another user's first upload) and
// publishes those it has not published yet. It is also the reconciler: a row
// still queued and due `redispatch_after` after its task went out lost that
// task (a failed publish, a Redis wipe) and is published again. Duplicate
// tasks are harmless: only one claim of a row succeeds. Knows nothing of
// what the tasks do.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "curator/export.hpp"
#include "curator/pipeline/options.hpp"
#include "curator/queue/task_queue.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"

namespace curator::pipeline {

class CURATOR_API Dispatcher {
 public:
  Dispatcher(store::Database& database, std::shared_ptr<queue::TaskQueue> tasks,
             PipelineOptions options);

  /// One pass; returns the tasks published. Throws only when the database
  /// cannot be read (a failed publish is logged and retried next pass).
  std::size_t pass();
  /// Forgets every task published so far: the next pass publishes every due
  /// row again (after start-up recovery found the queue wiped).
  void forget();
  /// A worker finished with the row: if it comes back, publish it at once.
  void done(store::Id id);
  /// Rows whose tasks are believed to be in the queue.
  std::size_t in_queue() const;

 private:
  struct Sent {
    std::int64_t attempts = 0;
    std::chrono::steady_clock::time_point at;
  };
  store::Database& database_;
  std::shared_ptr<queue::TaskQueue> tasks_;
  PipelineOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<store::Id, Sent> sent_;
};

}  // namespace curator::pipeline
