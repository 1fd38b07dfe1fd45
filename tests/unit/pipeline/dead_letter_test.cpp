// Dead letters on the in-process queue (the Redis run is in
// integration_pipeline), and retried copies paced by the rate limiter.
#include <doctest/doctest.h>

#include "curator/pipeline/dispatcher.hpp"
#include "curator/pipeline/scheduler.hpp"
#include "curator/service/batches.hpp"
#include "dead_letter_suite.hpp"
#include "pipeline/dead_letters.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<queue::TaskQueue> in_process() {
  return queue::make_in_process_task_queue(dead_letter_suite::options());
}

std::vector<queue::Task> drain(queue::TaskQueue& q) {
  std::vector<queue::Task> out;
  while (auto d = q.fetch("t", 0ms)) {
    out.push_back(d->task);
    q.ack(*d);
  }
  return out;
}

}  // namespace

TEST_CASE("in-process queue: a dead letter fails its queued upload with a reason and an event") {
  local::LocalEnv e;
  dead_letter_suite::queued_row_fails(e, in_process());
}

TEST_CASE("in-process queue: a dead letter leaves held and ended uploads alone") {
  local::LocalEnv e;
  dead_letter_suite::held_or_ended_rows_stay(e, in_process());
}

TEST_CASE("a nacked task's dead letter fails its upload too; hostile dead letters change nothing") {
  local::LocalEnv e;
  const auto ids = e.add(1);
  auto tasks = in_process();
  tasks->publish(queue::Task{ids[0], "1001", "", 0});
  auto d = tasks->fetch("w", 1s);
  REQUIRE(d);
  CHECK_FALSE(tasks->nack(*d, "first"));
  d = tasks->fetch("w", 1s);
  REQUIRE(d);
  const auto dead = tasks->nack(*d, "the worker stopped before starting it");
  REQUIRE(dead);
  CHECK(detail::fail_dead_letter(e.env, *dead));
  CHECK(e.row(ids[0]).status == UploadStatus::failed);
  CHECK(e.row(ids[0]).error->message.find("gave up after 2 deliveries: the worker stopped") !=
        std::string::npos);
  // Twice: the row is no longer queued.
  CHECK_FALSE(detail::fail_dead_letter(e.env, *dead));
  // An entry that did not decode, an id that does not exist, a huge reason.
  CHECK_FALSE(detail::fail_dead_letter(e.env, queue::DeadLetter{{}, 3, "undecodable"}));
  CHECK_FALSE(detail::fail_dead_letter(
      e.env, queue::DeadLetter{queue::Task{987654321, "1001", "", 0}, 3, "x"}));
  const auto more = e.add(1);
  CHECK(detail::fail_dead_letter(
      e.env, queue::DeadLetter{queue::Task{more[0], "1001", "", 0}, 5, std::string(100000, 'r')}));
  CHECK(e.row(more[0]).status == UploadStatus::failed);
  CHECK(e.row(more[0]).error->message.size() < 1300);  // the reason is clipped
  // No database: logged, not thrown.
  auto no_db = e.env;
  no_db.database = nullptr;
  CHECK_FALSE(detail::fail_dead_letter(no_db, *dead));
}

TEST_CASE("retried copies get the user's next slots, so the dispatcher paces them") {
  local::LocalEnv e;
  const auto ids = e.add(3);
  store::UploadRepository uploads(e.db);
  for (const auto id : ids)
    REQUIRE(uploads.transition(id, UploadStatus::queued, UploadStatus::failed,
                               StructuredError::generic("boom")));
  UploadScheduler scheduler(e.env);
  const queue::Rate one_per_minute{1, 60};  // 90 s apart
  const auto before = e.db.now();
  service::Actor actor;
  actor.userid = "1001";
  actor.username = "Alice";
  const auto copy = service::BatchService(e.db).retry(
      e.batch.id, actor, e.token(), scheduler.retry_schedule("1001", one_per_minute));
  REQUIRE(copy.upload_ids.size() == 3);
  std::vector<TimePoint> slots;
  for (const auto id : copy.upload_ids) {
    const auto row = e.row(id);
    CHECK(row.status == UploadStatus::queued);
    REQUIRE(row.not_before.has_value());
    slots.push_back(*row.not_before);
  }
  CHECK(slots[0] >= before);
  CHECK(slots[0] <= before + 2s);
  CHECK(slots[1] - slots[0] >= 89s);
  CHECK(slots[2] - slots[1] >= 89s);
  // Only the first copy is due; the others wait in the database.
  auto tasks = in_process();
  Dispatcher dispatcher(e.db, tasks, e.env.options);
  dispatcher.pass();
  const auto out = drain(*tasks);
  REQUIRE(out.size() == 1);
  CHECK(out[0].upload_id == copy.upload_ids[0]);
  // Later slots continue after the copies: a new upload of the user waits behind them.
  const auto next = e.env.rates->reserve_at("1001", one_per_minute, e.db.now());
  CHECK(next >= slots[2] + 89s);
}

TEST_CASE("without a schedule (or a rate limiter) retried copies are due at once") {
  local::LocalEnv e;
  const auto ids = e.add(2);
  store::UploadRepository uploads(e.db);
  for (const auto id : ids)
    REQUIRE(uploads.transition(id, UploadStatus::queued, UploadStatus::failed));
  auto env = e.env;
  env.rates = nullptr;
  CHECK_FALSE(static_cast<bool>(UploadScheduler(env).retry_schedule("1001")));
  const auto copy = uploads.copy_failed_to_new_batch(e.batch.id, "1001", e.token());
  REQUIRE(copy);
  for (const auto id : copy->upload_ids)
    CHECK_FALSE(e.row(id).not_before.has_value());
  // The admin path takes the schedule too.
  const auto admin = uploads.copy_to_new_batch(
      ids, "1001", e.token(), UploadScheduler(e.env).retry_schedule("1001", queue::Rate{2, 60}));
  REQUIRE(admin);
  REQUIRE(e.row(admin->upload_ids[1]).not_before.has_value());
  CHECK(*e.row(admin->upload_ids[1]).not_before - *e.row(admin->upload_ids[0]).not_before >= 44s);
}
