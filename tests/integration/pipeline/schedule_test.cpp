// Scheduling: a rate-limited user's uploads are paced by the limiter (slots
// in the database, claims no earlier than their slot); fairness between
// users over MariaDB and Redis; start-up recovery and a Redis wipe.
#include <doctest/doctest.h>

#include "curator/pipeline/dispatcher.hpp"
#include "world.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

TEST_CASE("a rate-limited user's uploads start one spacing apart") {
  World w(Mode::embedded);
  // The test wiki gives plain users 10 uploads and 20 edits a minute:
  // edits halved → 10 per 60 s → a slot every 9 s.
  const auto ids = w.schedule({{w.new_image(), unique_title("paced")},
                               {w.new_image(), unique_title("paced")},
                               {w.new_image(), unique_title("paced")}},
                              paced_login());
  std::vector<TimePoint> slots;
  for (auto id : ids)
    slots.push_back(*w.row(id).not_before);
  CHECK(slots[1] - slots[0] >= std::chrono::seconds(9));
  CHECK(slots[2] - slots[1] >= std::chrono::seconds(9));
  // Event times are steady_clock; slots are wall-clock times.
  const auto steady_origin = std::chrono::steady_clock::now();
  const auto wall_origin = now_utc();
  w.pipeline().start();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto row = w.wait_terminal(ids[i], 120s);
    CHECK(row.status == UploadStatus::completed);
    const auto seen = w.events().of(ids[i]);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.front().event.status == UploadStatus::in_progress);
    // Claimed no earlier than its slot (the event follows the claim). Each
    // start is checked against its own slot, not the previous start: a first
    // upload that starts late (a slow pipeline start on a loaded machine)
    // must not make the next one's correct start look early. The 100 ms
    // cover converting between the two clocks.
    const auto started = wall_origin + std::chrono::duration_cast<std::chrono::microseconds>(
                                           seen.front().at - steady_origin);
    CAPTURE(i);
    CHECK(started + 100ms >= slots[i]);
  }
}

TEST_CASE("fairness over MariaDB and Redis: a first upload is not stuck behind 10,000") {
  World w(Mode::distributed);
  auto big = w.user_of(admin_login());
  store::UserRepository(w.db()).ensure("other-user", "Other");
  const auto big_batch = store::BatchRepository(w.db()).create(big);
  std::vector<store::NewUpload> items(10000);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].key = std::to_string(1000000 + i);
    items[i].filename = "Fair " + std::to_string(i) + ".jpg";
    items[i].wikitext = "x";
  }
  store::UploadRepository uploads(w.db());
  uploads.create(big_batch.id, big, "mapillary", std::string("t"), items);
  auto options = fast_options();
  Dispatcher d(w.db(), w.coordination().tasks, options);
  CHECK(d.pass() == options.dispatch_per_user);
  const auto small_batch = store::BatchRepository(w.db()).create("other-user");
  const auto first =
      uploads.create(small_batch.id, "other-user", "mapillary", std::string("t"), {items[0]});
  CHECK(d.pass() == 1);
  // Two workers fetch: the newcomer's task is handed out by the second fetch at the latest.
  std::vector<store::Id> fetched;
  for (int i = 0; i < 2; ++i) {
    auto delivery = w.coordination().tasks->fetch("w" + std::to_string(i), 1s);
    REQUIRE(delivery);
    fetched.push_back(delivery->task.upload_id);
  }
  CHECK(std::find(fetched.begin(), fetched.end(), first[0]) != fetched.end());
}

TEST_CASE("start-up recovery fails refused logins in one go and runs the rest") {
  World w(Mode::distributed);
  const auto good = w.schedule({{w.new_image(), unique_title("recovered")}});
  // A second user whose stored login the wiki refuses.
  const auto userid = w.user_of(uploader_login());
  const auto batch = store::BatchRepository(w.db()).create(userid);
  store::NewUpload n;
  n.key = w.new_image();
  n.filename = unique_title("expired");
  n.wikitext = "x";
  const auto bad = w.pipeline().scheduler().schedule_at_rate(
      batch.id, userid, "mapillary",
      BotPassword{test::require_env("CURATOR_TEST_MW_USER_BOT_USER"), "wrong-password-0000"}, {n},
      queue::kNoRateLimit);
  w.pipeline().start();
  const auto report = w.pipeline().last_recovery();
  CHECK(report.ran);
  CHECK(report.expired == bad);
  CHECK(report.accepted == good);
  auto row = w.row(bad[0]);
  CHECK(row.status == UploadStatus::failed);
  CHECK(row.error->message == store::kSessionExpiredMessage);
  CHECK_FALSE(row.access_token.has_value());
  CHECK(w.wait_terminal(good[0]).status == UploadStatus::completed);

  // Another process starting now finds the sentinel: no second recovery.
  auto config = w.config();
  config.workers = 0;
  const auto other = queue::make_coordination(w.coordination_options());
  auto second = Pipeline::from_config(config, w.db(), other, fast_options());
  second->start();
  CHECK_FALSE(second->last_recovery().ran);
  second->stop();
  w.pipeline().stop();
}

TEST_CASE("Redis wiped while running: recovery runs again and the lost task is republished") {
  World w(Mode::distributed);
  // Both workers are kept busy by slow chunks while a third upload waits.
  // Busy long enough that scheduling the third upload (two wiki calls) and
  // its dispatch happen before a worker is free, even on a loaded machine.
  w.proxy().fault(R"({"action":"upload","params":{"offset":"65536"},"delay_ms":8000,"count":2})");
  const auto busy = w.schedule({{w.new_image(300 * 1024), unique_title("busy")},
                                {w.new_image(300 * 1024), unique_title("busy")}});
  w.pipeline().start();
  REQUIRE(test::wait_until([&] { return w.pipeline().busy_workers() == 2; }, 60s, 20ms));
  const auto waiting = w.schedule({{w.new_image(), unique_title("waiting")}});
  w.pipeline().wake();
  REQUIRE(test::wait_until([&] { return w.coordination().tasks->stats().waiting == 1; }, 60s));
  queue::test_redis::delete_namespace(w.coordination_options().name);  // the wipe
  CHECK(w.coordination().tasks->stats().waiting == 0);
  REQUIRE(test::wait_until([&] { return w.pipeline().last_recovery().accepted == waiting; }, 60s));
  for (auto id : busy)
    CHECK(w.wait_terminal(id).status == UploadStatus::completed);
  CHECK(w.wait_terminal(waiting[0]).status == UploadStatus::completed);
  w.pipeline().stop();
}
