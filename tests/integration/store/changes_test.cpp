// Change queries on both backends: nothing is missed at second boundaries, rows stamped
// shortly before a query but committed after it are still found, and the upstream
// "latest update time" semantics.
#include <doctest/doctest.h>

#include <algorithm>

#include "curator/store/batches.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;
using std::chrono::seconds;

TEST_CASE_TEMPLATE("changes: later updates within the same second are not missed", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  auto& clock = scratch->clock;
  UserRepository(db).ensure("1", "Alice");
  BatchRepository batches(db);
  UploadRepository uploads(db);
  const auto b1 = batches.create("1");
  const auto b2 = batches.create("1");
  clock.advance(seconds(60));
  const auto ids =
      uploads.create(b1.id, "1", "mapillary", std::nullopt, {new_upload("1"), new_upload("2")});
  const auto t = clock.now();

  // A reader at second t sees b1 (its uploads changed at t), not b2.
  auto changes = batches.changed_since(ChangeCursor{t - seconds(5)});
  CHECK(changes.batch_ids == std::vector<Id>{b1.id});
  CHECK(changes.next.since == t - db_overlap(db));

  // Still at second t, another upload of b2 changes: the next query must see it even
  // though its updated_at equals what the reader has already seen.
  const auto late = uploads.create(b2.id, "1", "mapillary", std::nullopt, {new_upload("3")});
  changes = batches.changed_since(changes.next);
  CHECK(changes.batch_ids == std::vector<Id>{b1.id, b2.id});

  // Upload-level changes follow the same cursor.
  auto upload_changes = uploads.changed_since(ChangeCursor{t});
  CHECK(upload_changes.uploads.size() == 3);
  upload_changes = uploads.changed_since(ChangeCursor{t}, b2.id);
  REQUIRE(upload_changes.uploads.size() == 1);
  CHECK(upload_changes.uploads[0].id == late[0]);

  // Time moves on: the first query re-reads the overlap, then old changes drop out.
  clock.advance(seconds(10));
  changes = batches.changed_since(changes.next);
  CHECK(changes.batch_ids == std::vector<Id>{b1.id, b2.id});
  CHECK(changes.next.since == clock.now() - db_overlap(db));
  changes = batches.changed_since(changes.next);
  CHECK(changes.batch_ids.empty());
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::cancelled));
  changes = batches.changed_since(changes.next);
  CHECK(changes.batch_ids == std::vector<Id>{b1.id});

  SUBCASE("a row stamped before the reader's query but committed after it is found") {
    const auto reader = batches.changed_since(ChangeCursor{clock.now() - seconds(1)});
    // A slow writer stamped its row one second before the reader's query.
    clock.advance(seconds(-1));
    const auto slow = uploads.create(b2.id, "1", "mapillary", std::nullopt, {new_upload("4")});
    clock.advance(seconds(1));
    const auto next = batches.changed_since(reader.next);
    CHECK(std::find(next.batch_ids.begin(), next.batch_ids.end(), b2.id) != next.batch_ids.end());
    CHECK(uploads.find(slow[0]).has_value());
  }
  SUBCASE("scopes apply: owner and filter") {
    UserRepository(db).ensure("2", "Bob");
    const auto bob = batches.create("2");
    const auto now = ChangeCursor{clock.now()};
    CHECK(batches.changed_since(now, {"2", ""}).batch_ids == std::vector<Id>{bob.id});
    CHECK(batches.changed_since(now, {std::nullopt, "bob"}).batch_ids == std::vector<Id>{bob.id});
    CHECK(batches.changed_since(now, {"1", ""}).batch_ids == std::vector<Id>{b1.id});
  }
}

TEST_CASE_TEMPLATE("changes: the cursor never moves backwards and starts at now", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchRepository batches(db);
  const auto start = batches.cursor_now();
  CHECK(start.since == scratch->clock.now() - db_overlap(db));
  const auto future = ChangeCursor{scratch->clock.now() + seconds(100)};
  CHECK(batches.changed_since(future).next.since == future.since);
}

TEST_CASE_TEMPLATE("changes: latest update time covers batches and uploads in scope", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  auto& clock = scratch->clock;
  UserRepository(db).ensure("1", "Alice");
  UserRepository(db).ensure("2", "Bob");
  BatchRepository batches(db);
  UploadRepository uploads(db);
  CHECK_FALSE(batches.latest_update_time().has_value());
  const auto a = batches.create("1");
  CHECK(batches.latest_update_time() == clock.now());
  clock.advance(seconds(7));
  uploads.create(a.id, "1", "mapillary", std::nullopt, {new_upload("1")});
  CHECK(batches.latest_update_time() == clock.now());
  CHECK(batches.latest_update_time({"1", ""}) == clock.now());
  CHECK_FALSE(batches.latest_update_time({"2", ""}).has_value());
  CHECK(batches.latest_update_time({std::nullopt, "alice"}) == clock.now());
}
