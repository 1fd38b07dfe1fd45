// Users, batches and presets repositories on both backends.
#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/presets.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;
using std::chrono::seconds;

TEST_CASE_TEMPLATE("users: ensure never renames, upsert refreshes, filters match substrings", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);

  const auto alice = users.ensure("123456", "Alice");
  CHECK(alice.userid == "123456");
  CHECK(alice.created_at == scratch->clock.now());
  scratch->clock.advance(seconds(10));
  CHECK(users.ensure("123456", "Alicia").username == "Alice");  // upstream: never updated
  const auto refreshed = users.upsert("123456", "Alicia");
  CHECK(refreshed.username == "Alicia");
  CHECK(refreshed.created_at == alice.created_at);
  CHECK(refreshed.updated_at == scratch->clock.now());
  CHECK(users.upsert("777", "Zoë Kartograf").username == "Zoë Kartograf");
  users.ensure("90417382", "Hiker42");

  CHECK(users.count() == 3);
  CHECK(users.count("ALI") == 1);  // case-insensitive
  CHECK(users.count("7") == 2);    // userid 777 and 90417382
  CHECK(users.count("zoë") == 1);  // non-ASCII, same case
  CHECK(users.count("nobody") == 0);
  const auto page = users.list({1, 2});
  REQUIRE(page.size() == 2);
  CHECK(page[0].userid == "123456");  // ordered by userid
  CHECK(users.list({2, 2}).size() == 1);
  CHECK(users.list({3, 2}).empty());
  CHECK_FALSE(users.find("nope").has_value());
  CHECK(users.find("777")->username == "Zoë Kartograf");
}

TEST_CASE_TEMPLATE("batches: create, summaries with stats, scopes and filters", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);
  BatchRepository batches(db);
  UploadRepository uploads(db);
  users.ensure("1", "Alice");
  users.ensure("2", "Bob");

  CHECK_THROWS_WITH_AS(batches.create("404"), "User 404 not found", Error);
  const auto a1 = batches.create("1");
  CHECK(is_edit_group_id(a1.edit_group_id.value()));
  scratch->clock.advance(seconds(1));
  const auto b1 = batches.create("2");
  scratch->clock.advance(seconds(1));
  const auto a2 = batches.create("1");
  CHECK(batches.find(a2.id) == a2);
  CHECK_FALSE(batches.find(999999).has_value());
  CHECK_FALSE(batches.find(-1).has_value());

  // a1: 2 queued, 1 completed, 1 failed, 1 duplicate-ish, 1 cancelled.
  const auto ids = uploads.create(a1.id, "1", "mapillary", "tok",
                                  {new_upload("a"), new_upload("b"), new_upload("c"),
                                   new_upload("d"), new_upload("e"), new_upload("f")});
  REQUIRE(ids.size() == 6);
  CHECK(uploads.claim(ids[2], "w", seconds(60)));
  CHECK(uploads.finish(ids[2], "w", UploadStatus::completed, std::nullopt, "https://x/File:C"));
  CHECK(uploads.claim(ids[3], "w", seconds(60)));
  CHECK(uploads.finish(ids[3], "w", UploadStatus::failed, StructuredError::generic("boom")));
  CHECK(uploads.claim(ids[4], "w", seconds(60)));
  CHECK(uploads.finish(ids[4], "w", UploadStatus::duplicated_sdc_updated,
                       StructuredError{StructuredErrorType::duplicated_sdc_updated, "dup", {}}));
  CHECK(uploads.transition(ids[5], UploadStatus::queued, UploadStatus::cancelled));

  const auto s = batches.summary(a1.id);
  REQUIRE(s.has_value());
  CHECK(s->username == "Alice");
  CHECK(s->stats == BatchStats{6, 2, 0, 1, 1, 1, 1});
  CHECK(batches.count_uploads(a1.id) == 6);
  CHECK(batches.summary(b1.id)->stats == BatchStats{});

  const auto all = batches.list({1, 10});
  REQUIRE(all.size() == 3);
  CHECK(all[0].batch.id == a2.id);  // newest first
  CHECK(all[2].batch.id == a1.id);
  CHECK(all[2].stats.total == 6);
  CHECK(batches.count() == 3);
  CHECK(batches.count({"1", ""}) == 2);
  CHECK(batches.list({1, 10}, {"2", ""}).at(0).batch.id == b1.id);
  CHECK(batches.count({std::nullopt, "bob"}) == 1);
  CHECK(batches.count({std::nullopt, std::to_string(a2.id)}) >= 1);
  CHECK(batches.count({"1", "bob"}) == 0);
  CHECK(batches.list({2, 2}).size() == 1);

  const auto minimal = batches.summaries({a1.id, b1.id, 424242, -5});
  REQUIRE(minimal.size() == 2);
  CHECK(minimal[0].batch.id == b1.id);  // id DESC
  CHECK(minimal[1].stats.total == 6);
  const auto stats = batches.stats({a1.id, a2.id});
  CHECK(stats.at(a1.id).queued == 2);
  CHECK(stats.at(a2.id) == BatchStats{});
}

TEST_CASE_TEMPLATE("presets: one default per user and handler, ownership enforced", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);
  PresetRepository presets(db);
  users.ensure("1", "Alice");
  users.ensure("2", "Bob");

  PresetDraft d;
  d.handler = "mapillary";
  d.title = "Hikes";
  d.title_template = "Photo {{mapillary.photo.id}}.jpg";
  d.labels = Label{"de", "Straße in Zürich \"quoted\""};
  d.categories = "[[Category:Hikes]]";
  d.is_default = true;
  const auto first = presets.create("1", d);
  CHECK(first.labels == d.labels);
  CHECK(first.is_default);
  scratch->clock.advance(seconds(1));
  d.title = "Trams";
  d.labels.reset();
  d.categories.reset();
  const auto second = presets.create("1", d);
  CHECK_FALSE(second.labels.has_value());
  CHECK_FALSE(presets.find(first.id)->is_default);  // the new default replaced it
  CHECK(presets.default_for("1", "mapillary")->id == second.id);
  d.handler = "flickr";
  const auto other_handler = presets.create("1", d);
  CHECK(presets.find(second.id)->is_default);  // other handlers are separate

  const auto mine = presets.list_for("1", "mapillary");
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].id == second.id);  // newest first

  PresetDraft change = d;
  change.handler = "ignored";
  change.title = "Renamed";
  change.is_default = true;
  CHECK_FALSE(presets.update(first.id, "2", change).has_value());  // Bob may not
  const auto updated = presets.update(first.id, "1", change);
  REQUIRE(updated.has_value());
  CHECK(updated->title == "Renamed");
  CHECK(updated->handler == "mapillary");  // never changed by an update
  CHECK(updated->is_default);
  CHECK_FALSE(presets.find(second.id)->is_default);
  CHECK(presets.find(other_handler.id)->is_default);

  CHECK_FALSE(presets.remove(first.id, "2").has_value());
  CHECK(presets.remove(first.id, "1")->id == first.id);
  CHECK_FALSE(presets.find(first.id).has_value());
  CHECK_FALSE(presets.remove(first.id, "1").has_value());

  CHECK(presets.count_all() == 2);
  CHECK(presets.count_all("tram") == 2);
  CHECK(presets.count_all(std::to_string(other_handler.id)) >= 1);
  CHECK(presets.list_all({1, 1}).size() == 1);
  CHECK_THROWS_WITH_AS(presets.create("404", d), "User 404 not found", Error);
}
