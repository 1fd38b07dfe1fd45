#pragma once
// A task the queue gives up on ends its upload failed, whichever TaskQueue
// the pipeline runs on: unit_pipeline runs these checks on the in-process
// queue, integration_pipeline on Redis (same SQLite store, same event bus).

#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "curator/pipeline/events.hpp"
#include "curator/pipeline/pipeline.hpp"
#include "local_env.hpp"

namespace curator::pipeline::dead_letter_suite {

using namespace std::chrono_literals;

inline queue::TaskQueueOptions options() {
  queue::TaskQueueOptions o;
  o.visibility_timeout = 150ms;
  o.max_deliveries = 2;
  return o;
}

/// Takes the task twice without acking it (two dying workers), then fetches
/// until the queue reports the dead letter to the pipeline's handler.
inline void exhaust(queue::TaskQueue& tasks, store::Id id) {
  tasks.publish(queue::Task{id, "1001", "", 0});
  for (int n = 1; n <= 2; ++n) {
    auto d = tasks.fetch("dies-" + std::to_string(n), 5s);
    REQUIRE(d);
    CHECK(d->task.upload_id == id);
  }
  CHECK_FALSE(tasks.fetch("survivor", 1500ms));  // the expired delivery is buried, not handed out
}

/// A queued row: failed with a readable reason, token erased, one event.
inline void queued_row_fails(local::LocalEnv& e, std::shared_ptr<queue::TaskQueue> tasks) {
  const auto ids = e.add(2);
  std::mutex mutex;
  std::vector<StatusEvent> events;
  auto subscription = e.env.events->subscribe(kStatusChannel, [&](auto, std::string_view p) {
    std::lock_guard lock(mutex);
    events.push_back(parse_status_event(p));
  });
  PipelineRun run;
  run.workers = 0;
  Pipeline pipeline(e.env, tasks, e.coordination.leases, run);
  exhaust(*tasks, ids[0]);
  const auto row = e.row(ids[0]);
  CHECK(row.status == UploadStatus::failed);
  REQUIRE(row.error.has_value());
  CHECK(row.error->type == StructuredErrorType::error);
  CHECK(row.error->message.find("Curator gave up on this upload: workers took it 2 times") == 0);
  CHECK(row.error->message.find("not acknowledged after 2 deliveries") != std::string::npos);
  CHECK(row.error->message.find("Retry the upload") != std::string::npos);
  CHECK_FALSE(row.access_token.has_value());
  CHECK_FALSE(row.lease_owner.has_value());
  // The other upload of the batch is untouched.
  CHECK(e.row(ids[1]).status == UploadStatus::queued);
  CHECK(e.row(ids[1]).access_token.has_value());
  REQUIRE(test::wait_until(
      [&] {
        std::lock_guard lock(mutex);
        return !events.empty();
      },
      5s));
  std::lock_guard lock(mutex);
  REQUIRE(events.size() == 1);
  CHECK(events[0].upload_id == ids[0]);
  CHECK(events[0].batch_id == e.batch.id);
  CHECK(events[0].status == UploadStatus::failed);
  REQUIRE(events[0].error.has_value());
  CHECK(events[0].error->message == row.error->message);
}

/// A row a worker holds is left to it; a row already ended stays as it ended.
inline void held_or_ended_rows_stay(local::LocalEnv& e, std::shared_ptr<queue::TaskQueue> tasks) {
  const auto ids = e.add(2);
  PipelineRun run;
  run.workers = 0;
  Pipeline pipeline(e.env, tasks, e.coordination.leases, run);
  store::UploadRepository uploads(e.db);
  REQUIRE(uploads.claim(ids[0], "busy-worker", 60s));
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::cancelled));
  exhaust(*tasks, ids[0]);
  exhaust(*tasks, ids[1]);
  const auto held = e.row(ids[0]);
  CHECK(held.status == UploadStatus::in_progress);
  CHECK(held.lease_owner == std::optional<std::string>("busy-worker"));
  CHECK(held.access_token.has_value());
  CHECK(e.row(ids[1]).status == UploadStatus::cancelled);
  CHECK_FALSE(e.row(ids[1]).error.has_value());
  CHECK(tasks->dead_letters(10).size() == 2);
}

}  // namespace curator::pipeline::dead_letter_suite
