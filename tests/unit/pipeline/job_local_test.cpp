// UploadJob paths that end before Commons is reached: rows that are not
// claimable, missing or unreadable logins, unknown sources, too many
// interruptions, and a source that stays unreachable (requeue, then fail
// when its own budget is used up).
#include <doctest/doctest.h>

#include <mutex>

#include "curator/pipeline/events.hpp"
#include "curator/pipeline/job.hpp"
#include "local_env.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace std::chrono_literals;

namespace {

struct Events {
  std::mutex m;
  std::vector<StatusEvent> seen;
  queue::Subscription sub;
  explicit Events(queue::EventBus& bus)
      : sub(bus.subscribe(kStatusChannel, [this](auto, std::string_view p) {
          std::lock_guard lock(m);
          seen.push_back(parse_status_event(p));
        })) {}
  std::vector<UploadStatus> statuses(std::size_t n) {
    curator::test::wait_until([&] {
      std::lock_guard lock(m);
      return seen.size() >= n;
    });
    std::lock_guard lock(m);
    std::vector<UploadStatus> out;
    for (const auto& e : seen)
      out.push_back(e.status);
    return out;
  }
};

}  // namespace

TEST_CASE("a cancelled, finished or missing upload is never started") {
  local::LocalEnv e;
  const auto ids = e.add(2);
  store::UploadRepository(e.db).cancel_batch(e.batch.id, std::string("1001"));
  UploadJob job(e.env, "w1");
  CHECK(job.run(ids[0]).result == JobResult::not_claimed);
  CHECK(job.run(999999).result == JobResult::not_claimed);
  CHECK(job.run(-1).result == JobResult::not_claimed);
  CHECK(e.row(ids[0]).status == UploadStatus::cancelled);
}

TEST_CASE("a stopping worker starts nothing") {
  local::LocalEnv e;
  const auto ids = e.add(1);
  std::atomic<bool> stop{true};
  CHECK(UploadJob(e.env, "w1").run(ids[0], &stop).result == JobResult::not_claimed);
  CHECK(e.row(ids[0]).status == UploadStatus::queued);
}

TEST_CASE("a missing or unreadable login fails with advice, and the token is erased") {
  local::LocalEnv e;
  Events events(*e.coordination.events);
  const auto none = store::UploadRepository(e.db).create(e.batch.id, "1001", "mapillary",
                                                         std::nullopt, {local::item("a")});
  const auto garbage = e.add(1, std::string("gAAAAABnot-really"));
  UploadJob job(e.env, "w1");
  auto r = job.run(none[0]);
  CHECK(r.result == JobResult::finished);
  CHECK(r.status == UploadStatus::failed);
  auto row = e.row(none[0]);
  REQUIRE(row.error.has_value());
  CHECK(row.error->type == StructuredErrorType::error);
  CHECK(row.error->message.find("Missing access token") != std::string::npos);
  CHECK(events.statuses(2) == std::vector{UploadStatus::in_progress, UploadStatus::failed});

  r = job.run(garbage[0]);
  CHECK(r.status == UploadStatus::failed);
  row = e.row(garbage[0]);
  CHECK(row.error->message.find("Log in again") != std::string::npos);
  CHECK_FALSE(row.access_token.has_value());
  CHECK_FALSE(row.lease_owner.has_value());
}

TEST_CASE("an unknown source fails naming the known ones") {
  local::LocalEnv e;
  const auto ids = e.add(1, std::nullopt, "zooniverse");
  const auto r = UploadJob(e.env, "w1").run(ids[0]);
  CHECK(r.status == UploadStatus::failed);
  const auto row = e.row(ids[0]);
  CHECK(row.error->message.find("mapillary") != std::string::npos);
}

TEST_CASE("an upload interrupted too often fails instead of running again") {
  local::LocalEnv e;
  e.env.options.retry.interruptions = 2;
  const auto ids = e.add(1);
  store::UploadRepository uploads(e.db);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(uploads.claim(ids[0], "crashed-worker", 1s));
    e.skew->fetch_add(5);  // the lease runs out
    REQUIRE(uploads.release_expired_leases(10) == std::vector<store::Id>{ids[0]});
  }
  CHECK(e.row(ids[0]).attempts[store::RetryReason::lease_expired] == 3);
  const auto r = UploadJob(e.env, "w1").run(ids[0]);
  CHECK(r.status == UploadStatus::failed);
  CHECK(e.row(ids[0]).error->message.find("interrupted too often") != std::string::npos);
}

TEST_CASE("an unreachable source is retried from its own budget, then fails with the cause") {
  local::LocalEnv e;
  e.env.source_context.config.mapillary_api_url = "http://127.0.0.1:9/mapillary";
  e.env.source_context.config.mapillary_token = "MLY|1|x";
  e.env.options.source_retry = {};
  e.env.options.retry.source = {0ms};
  e.env.options.retry.transient = {0ms, 0ms};
  e.env.user_rates->remember("1001", queue::kNoRateLimit);
  Events events(*e.coordination.events);
  const auto ids = e.add(1);
  UploadJob job(e.env, "w1");
  auto r = job.run(ids[0]);
  CHECK(r.result == JobResult::requeued);
  REQUIRE(r.reason.has_value());
  CHECK(*r.reason == store::RetryReason::source);
  auto row = e.row(ids[0]);
  CHECK(row.status == UploadStatus::queued);
  CHECK(row.attempts[store::RetryReason::source] == 1);
  CHECK(row.attempts[store::RetryReason::transient] == 0);
  CHECK(row.access_token.has_value());  // still needed

  r = job.run(ids[0]);
  CHECK(r.status == UploadStatus::failed);
  row = e.row(ids[0]);
  CHECK(row.error->message.find("image source kept failing") != std::string::npos);
  CHECK_FALSE(row.access_token.has_value());
  CHECK(events.statuses(4) == std::vector{UploadStatus::in_progress, UploadStatus::queued,
                                          UploadStatus::in_progress, UploadStatus::failed});
}
