// Start-up recovery over SQLite: the sentinel, grouping by user and edit
// group, one check per group, expiry in one statement, and checks that
// cannot be made leaving rows alone.
#include <doctest/doctest.h>

#include <map>

#include "curator/core/error.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/pipeline/recovery.hpp"
#include "local_env.hpp"

using namespace curator;
using namespace curator::pipeline;

namespace {

struct Batch2 {
  store::Batch batch;
  std::vector<store::Id> ids;
};

Batch2 batch_of(local::LocalEnv& e, const std::string& userid, const Credentials& c, int n) {
  store::UserRepository(e.db).ensure(userid, "user " + userid);
  Batch2 b{store::BatchRepository(e.db).create(userid), {}};
  std::vector<store::NewUpload> items;
  for (int i = 0; i < n; ++i)
    items.push_back(local::item(userid + "-" + std::to_string(i)));
  b.ids = store::UploadRepository(e.db).create(b.batch.id, userid, "mapillary", e.token(c), items);
  return b;
}

}  // namespace

TEST_CASE("recovery checks one login per user and edit group and expires refused ones") {
  local::LocalEnv e;
  const auto good = batch_of(e, "11", BotPassword{"Good@x", "ok"}, 2);
  const auto bad = batch_of(e, "12", BotPassword{"Bad@x", "refused"}, 3);
  const auto flaky = batch_of(e, "13", BotPassword{"Flaky@x", "net"}, 1);
  const auto good2 = batch_of(e, "11", BotPassword{"Good@x", "ok"}, 1);  // second edit group
  // A row whose token is garbage: it expires without a check.
  const auto garbage = store::UploadRepository(e.db).create(
      good.batch.id, "11", "mapillary", std::string("gAAAA-not-a-token"), {local::item("g")});
  std::map<std::string, int> checks;
  const CredentialCheck check = [&](const Credentials& c) {
    const auto& bp = std::get<BotPassword>(c);
    ++checks[bp.username];
    if (bp.password == "refused") throw Error(ErrorKind::auth, "login refused");
    if (bp.password == "net") throw Error(ErrorKind::transient, "timeout");
  };
  std::vector<StatusEvent> events;
  std::mutex m;
  auto sub = e.coordination.events->subscribe(kStatusChannel, [&](auto, std::string_view p) {
    std::lock_guard lock(m);
    events.push_back(parse_status_event(p));
  });

  const auto report = recover_queued_uploads(e.env, *e.coordination.leases, check);
  CHECK(report.ran);
  CHECK(checks["Good@x"] == 2);  // once per edit group, not per row
  CHECK(checks["Bad@x"] == 1);
  CHECK(checks["Flaky@x"] == 1);
  CHECK(report.groups == 4);  // the garbage row shares good's group but its group checks the first
  CHECK(report.expired == bad.ids);
  CHECK(report.unchecked == flaky.ids);
  CHECK(report.accepted.size() == good.ids.size() + good2.ids.size() + garbage.size());
  for (auto id : bad.ids) {
    const auto row = e.row(id);
    CHECK(row.status == UploadStatus::failed);
    REQUIRE(row.error.has_value());
    CHECK(row.error->message == store::kSessionExpiredMessage);
    CHECK_FALSE(row.access_token.has_value());
  }
  CHECK(e.row(flaky.ids[0]).status == UploadStatus::queued);
  CHECK(e.row(good.ids[0]).status == UploadStatus::queued);
  CHECK(curator::test::wait_until([&] {
    std::lock_guard lock(m);
    return events.size() == bad.ids.size();
  }));

  // The sentinel is set: a second start recovers nothing.
  const auto again = recover_queued_uploads(e.env, *e.coordination.leases, check);
  CHECK_FALSE(again.ran);
  CHECK(checks["Good@x"] == 2);
}

TEST_CASE("a group whose first token cannot be decrypted expires") {
  local::LocalEnv e;
  store::UploadRepository(e.db).create(e.batch.id, "1001", "mapillary", std::string("not-fernet"),
                                       {local::item("a")});
  int checks = 0;
  const auto report =
      recover_queued_uploads(e.env, *e.coordination.leases, [&](const Credentials&) { ++checks; });
  CHECK(checks == 0);
  CHECK(report.expired.size() == 1);
}
