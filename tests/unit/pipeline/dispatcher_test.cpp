// The dispatcher over a real SQLite store and the in-process queue: only due
// rows go out, once; a lost task is published again; fairness holds for a
// user's first upload behind another user's 10,000.
#include <doctest/doctest.h>

#include "curator/pipeline/dispatcher.hpp"
#include "local_env.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace std::chrono_literals;

namespace {

std::vector<store::Id> add_rows(local::LocalEnv& e, const std::string& userid, int n,
                                std::optional<TimePoint> not_before = std::nullopt) {
  store::UserRepository(e.db).ensure(userid, "user " + userid);
  const auto batch = store::BatchRepository(e.db).create(userid);
  std::vector<store::NewUpload> items;
  for (int i = 0; i < n; ++i) {
    auto it = local::item(userid + "-" + std::to_string(i));
    it.not_before = not_before;
    items.push_back(std::move(it));
  }
  return store::UploadRepository(e.db).create(batch.id, userid, "mapillary", e.token(), items);
}

std::vector<store::Id> drain(queue::TaskQueue& q) {
  std::vector<store::Id> out;
  while (auto d = q.fetch("t", 0ms)) {
    out.push_back(d->task.upload_id);
    q.ack(*d);
  }
  return out;
}

}  // namespace

TEST_CASE("due rows are published once, future rows wait in the database") {
  local::LocalEnv e;
  auto tasks = std::shared_ptr<queue::TaskQueue>(queue::make_in_process_task_queue());
  const auto now_ids = add_rows(e, "2001", 3);
  const auto later = add_rows(e, "2002", 2, e.db.now() + std::chrono::hours(1));
  Dispatcher d(e.db, tasks, e.env.options);
  CHECK(d.pass() == 3);
  CHECK(d.pass() == 0);  // still queued, but its tasks are out
  const auto got = drain(*tasks);
  CHECK(got == now_ids);
  CHECK(d.in_queue() == 3);
  for (auto id : later)
    CHECK(std::find(got.begin(), got.end(), id) == got.end());
}

TEST_CASE("a queued row whose task was lost is published again after redispatch_after") {
  local::LocalEnv e;
  auto tasks = std::shared_ptr<queue::TaskQueue>(queue::make_in_process_task_queue());
  auto options = e.env.options;
  // Long enough that a loaded machine cannot reach the second pass after it.
  options.redispatch_after = 2s;
  const auto ids = add_rows(e, "2001", 1);
  Dispatcher d(e.db, tasks, options);
  const auto first_pass = std::chrono::steady_clock::now();
  CHECK(d.pass() == 1);
  CHECK(drain(*tasks) == ids);  // the task is taken, the row never claimed: lost
  CHECK(d.pass() == 0);
  REQUIRE(curator::test::wait_until([&] { return d.pass() == 1; }, 60s, 50ms));
  CHECK(std::chrono::steady_clock::now() - first_pass >= options.redispatch_after);
  CHECK(drain(*tasks) == ids);
  // forget(): everything due goes out again at once (after a queue wipe).
  d.forget();
  CHECK(d.pass() == 1);
}

TEST_CASE("a row that comes back to the queue is a new dispatch") {
  local::LocalEnv e;
  auto tasks = std::shared_ptr<queue::TaskQueue>(queue::make_in_process_task_queue());
  const auto ids = add_rows(e, "2001", 1);
  Dispatcher d(e.db, tasks, e.env.options);
  CHECK(d.pass() == 1);
  store::UploadRepository uploads(e.db);
  REQUIRE(uploads.claim(ids[0], "w", 60s));
  REQUIRE(uploads.requeue(ids[0], "w", store::RetryReason::transient, e.db.now()));
  CHECK(d.pass() == 1);  // same second, but one more attempt: not the same task
  CHECK(drain(*tasks).size() == 2);
  CHECK(d.pass() == 0);
}

TEST_CASE("per-user cap: another user's first upload goes out with the same pass") {
  local::LocalEnv e;
  auto tasks = std::shared_ptr<queue::TaskQueue>(queue::make_in_process_task_queue());
  auto options = e.env.options;
  options.dispatch_per_user = 4;
  add_rows(e, "3001", 10000);
  Dispatcher d(e.db, tasks, options);
  CHECK(d.pass() == 4);
  const auto b = add_rows(e, "3002", 1);
  CHECK(d.pass() == 1);  // the big user's 4 are still out; B's one joins them
  // The queue takes turns: B's task is among the first two fetched.
  auto first = tasks->fetch("w", 0ms);
  auto second = tasks->fetch("w", 0ms);
  REQUIRE(first);
  REQUIRE(second);
  CHECK((first->task.upload_id == b[0] || second->task.upload_id == b[0]));
}

TEST_CASE("a task the queue refuses is skipped; the others still go out") {
  local::LocalEnv e;
  auto tasks = std::shared_ptr<queue::TaskQueue>(queue::make_in_process_task_queue());
  add_rows(e, "4001", 2);
  std::string huge;  // 200 characters for the database, 400 bytes: over the queue's 256
  for (int i = 0; i < 200; ++i)
    huge += "ü";
  store::UserRepository(e.db).ensure(huge, "big");
  const auto batch = store::BatchRepository(e.db).create(huge);
  store::UploadRepository(e.db).create(batch.id, huge, "mapillary", e.token(), {local::item("x")});
  Dispatcher d(e.db, tasks, e.env.options);
  CHECK(d.pass() == 2);
  CHECK(drain(*tasks).size() == 2);
}
