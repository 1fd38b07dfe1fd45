// Upload repository on both backends: slices, reads, admin list and filters, cancel,
// bulk fail, retries, recovery, failed-upload groups, admin edits, JSON round trips.
#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;
using std::chrono::seconds;

namespace {

struct World {
  std::unique_ptr<Scratch> scratch;
  Database* db = nullptr;
  Batch alice_batch;
  Batch bob_batch;

  template <typename B>
  static World make() {
    World w;
    w.scratch = B::make();
    w.db = &w.scratch->migrated();
    UserRepository users(*w.db);
    users.ensure("1", "Alice");
    users.ensure("2", "Bob");
    BatchRepository batches(*w.db);
    w.alice_batch = batches.create("1");
    w.bob_batch = batches.create("2");
    return w;
  }
  UploadRepository uploads() const { return UploadRepository(*db); }
};

}  // namespace

TEST_CASE_TEMPLATE("uploads: a slice is stored exactly and read back in order", B, OnSqlite,
                   OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  auto a = new_upload("498765432109876");
  a.labels = Label{"de", "Straße \"am\" Paradeplatz \\ 🚋 {{x}}"};
  a.copyright_override = true;
  a.wikitext = "== {{int:filedesc}} ==\n{{Information|date={{Taken on|2025-09-27}}}}\n'quotes' ;";
  auto b = new_upload("2");
  b.collection.reset();
  b.not_before = w.scratch->clock.now() + seconds(30);
  const auto ids = uploads.create(w.alice_batch.id, "1", "mapillary", "gAAAAB-token", {a, b});
  REQUIRE(ids.size() == 2);
  CHECK(ids[1] > ids[0]);

  const auto row = uploads.find(ids[0]);
  REQUIRE(row.has_value());
  CHECK(row->batchid == w.alice_batch.id);
  CHECK(row->userid == "1");
  CHECK(row->status == UploadStatus::queued);
  CHECK(row->key == a.key);
  CHECK(row->handler == "mapillary");
  CHECK(row->collection == a.collection);
  CHECK(row->access_token == "gAAAAB-token");
  CHECK(row->filename == a.filename);
  CHECK(row->wikitext == a.wikitext);
  CHECK(row->copyright_override);
  CHECK(row->labels == a.labels);
  CHECK_FALSE(row->error.has_value());
  CHECK(row->created_at == w.scratch->clock.now());
  CHECK(row->updated_at == w.scratch->clock.now());
  CHECK_FALSE(row->not_before.has_value());
  CHECK(uploads.find(ids[1])->not_before == b.not_before);
  CHECK_FALSE(uploads.find(ids[1])->collection.has_value());

  const auto list = uploads.list_for_batch(w.alice_batch.id);
  REQUIRE(list.size() == 2);
  CHECK(list[0] == *row);
  CHECK(uploads.list_for_batch(w.bob_batch.id).empty());
  CHECK(uploads.count_active_for_user("1") == 2);
  CHECK(uploads.count_active_for_user("2") == 0);

  CHECK_THROWS_WITH_AS(uploads.create(424242, "1", "mapillary", std::nullopt, {a}),
                       "Batch 424242 not found", Error);
  CHECK_THROWS_WITH_AS(uploads.create(w.alice_batch.id, "404", "mapillary", std::nullopt, {a}),
                       "User 404 not found", Error);
  CHECK(uploads.create(w.alice_batch.id, "1", "mapillary", std::nullopt, {}).empty());
}

TEST_CASE_TEMPLATE("uploads: structured errors round-trip; a stored error without type is generic",
                   B, OnSqlite, OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  const auto ids = uploads.create(w.alice_batch.id, "1", "mapillary", std::nullopt,
                                  {new_upload("1"), new_upload("2"), new_upload("3")});
  const StructuredError dup{StructuredErrorType::duplicated_sdc_not_updated,
                            "File X already exists on Commons — “ü”",
                            {{"File:Y.jpg", "https://commons.wikimedia.org/wiki/File:Y.jpg"},
                             {"File:Z 2.jpg", "https://commons.wikimedia.org/wiki/File:Z_2.jpg"}}};
  REQUIRE(uploads.claim(ids[0], "w", seconds(60)));
  REQUIRE(uploads.finish(ids[0], "w", UploadStatus::duplicated_sdc_not_updated, dup));
  CHECK(uploads.find(ids[0])->error == dup);
  const StructuredError blacklisted{
      StructuredErrorType::title_blacklisted, "<p>blacklisted</p>", {}};
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::failed, blacklisted));
  CHECK(uploads.find(ids[1])->error == blacklisted);

  run_sql(*w.db,
          "UPDATE upload_requests SET error = '{\"message\": \"Manually marked as failed\"}'"
          " WHERE id = " +
              std::to_string(ids[2]));
  CHECK(uploads.find(ids[2])->error == StructuredError::generic("Manually marked as failed"));
  run_sql(*w.db,
          "UPDATE upload_requests SET error = '[1, 2]', labels = '\"just a string\"'"
          " WHERE id = " +
              std::to_string(ids[2]));
  const auto odd = uploads.find(ids[2]);
  CHECK_FALSE(odd->error.has_value());  // non-objects read as no error, as upstream
  CHECK_FALSE(odd->labels.has_value());
}

TEST_CASE_TEMPLATE("uploads: admin list with substring filter, statuses and days", B, OnSqlite,
                   OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  auto& clock = w.scratch->clock;
  clock.set(parse_utc("2026-04-01T23:59:59Z"));
  const auto early = uploads.create(w.alice_batch.id, "1", "mapillary", std::nullopt,
                                    {new_upload("100_percent%"), new_upload("2")});
  clock.set(parse_utc("2026-04-02T00:00:00Z"));
  const auto late = uploads.create(w.bob_batch.id, "2", "mapillary", std::nullopt,
                                   {new_upload("3"), new_upload("4")});
  REQUIRE(uploads.transition(late[1], UploadStatus::queued, UploadStatus::cancelled));

  CHECK(uploads.count_all() == 4);
  const auto all = uploads.list_all({1, 10});
  REQUIRE(all.size() == 4);
  CHECK(all[0].id == late[1]);  // id DESC
  CHECK(uploads.count_all({"PHOTO 100", {}, {}, {}}) == 1);
  CHECK(uploads.count_all({"%", {}, {}, {}}) == 1);  // literal, not a wildcard
  CHECK(uploads.count_all({"_", {}, {}, {}}) == 1);
  CHECK(uploads.count_all({"cancel", {}, {}, {}}) == 1);  // status matches too
  CHECK(uploads.count_all({std::to_string(late[0]), {}, {}, {}}) >= 1);
  CHECK(uploads.count_all({"", {UploadStatus::cancelled, UploadStatus::failed}, {}, {}}) == 1);
  const auto day = std::chrono::sys_days{std::chrono::year{2026} / 4 / 1};
  CHECK(uploads.count_all({"", {}, day, day}) == 2);  // the whole UTC day, inclusive
  CHECK(uploads.count_all({"", {}, day + std::chrono::days(1), {}}) == 2);
  CHECK(uploads.count_all({"", {}, {}, day - std::chrono::days(1)}) == 0);
  CHECK(uploads.list_all({2, 3}).size() == 1);
  CHECK(uploads.list_all({2, 3}).at(0).id == early[0]);
}

TEST_CASE_TEMPLATE("uploads: cancel a batch, bulk cancel and bulk fail", B, OnSqlite, OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  const auto ids = uploads.create(w.alice_batch.id, "1", "mapillary", "tok",
                                  {new_upload("1"), new_upload("2"), new_upload("3")});
  REQUIRE(uploads.set_task_id(ids[0], "celery-1"));
  REQUIRE(uploads.claim(ids[2], "w", seconds(60)));

  CHECK_THROWS_WITH_AS(uploads.cancel_batch(424242, std::string("1")), "Batch 424242 not found",
                       Error);
  try {
    uploads.cancel_batch(w.alice_batch.id, std::string("2"));
    FAIL("Bob cancelled Alice's batch");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(std::string(e.what()) == "Permission denied");
  }
  CHECK(uploads.find(ids[0])->status == UploadStatus::queued);

  const auto cancelled = uploads.cancel_batch(w.alice_batch.id, std::string("1"));
  CHECK(cancelled == std::map<Id, std::string>{{ids[0], "celery-1"}, {ids[1], ""}});
  CHECK(uploads.find(ids[0])->status == UploadStatus::cancelled);
  CHECK_FALSE(uploads.find(ids[0])->access_token.has_value());
  CHECK(uploads.find(ids[2])->status == UploadStatus::in_progress);     // untouched
  CHECK(uploads.cancel_batch(w.alice_batch.id, std::nullopt).empty());  // admin; nothing left

  // Admin bulk cancel takes in_progress too; the worker's finish then loses.
  CHECK(uploads.cancel_many({ids[2], ids[0], 424242, -1}) == 1);
  CHECK_FALSE(uploads.finish(ids[2], "w", UploadStatus::completed, std::nullopt, "url"));
  CHECK(uploads.find(ids[2])->status == UploadStatus::cancelled);

  CHECK(uploads.fail_many({ids[0], ids[1], ids[2]}) == 3);
  CHECK(uploads.fail_many({ids[0]}) == 0);  // already failed
  CHECK(uploads.find(ids[1])->error == StructuredError::generic("Manually marked as failed"));
  CHECK(uploads.cancel_many({}) == 0);
}

TEST_CASE_TEMPLATE("uploads: user and admin retries copy the right rows into a new batch", B,
                   OnSqlite, OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  auto labelled = new_upload("1");
  labelled.labels = Label{"en", "caption"};
  labelled.copyright_override = true;
  const auto ids = uploads.create(w.alice_batch.id, "1", "mapillary", "old-token",
                                  {labelled, new_upload("2"), new_upload("3"), new_upload("4")});
  REQUIRE(uploads.transition(ids[0], UploadStatus::queued, UploadStatus::failed,
                             StructuredError::generic("x")));
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::cancelled));
  REQUIRE(uploads.claim(ids[2], "w", seconds(60)));
  REQUIRE(uploads.finish(ids[2], "w", UploadStatus::completed, std::nullopt, "url"));

  CHECK_THROWS_WITH_AS(uploads.copy_failed_to_new_batch(w.alice_batch.id, "2", "t"),
                       "Permission denied", Error);
  CHECK_FALSE(uploads.copy_failed_to_new_batch(w.bob_batch.id, "2", "t").has_value());

  const auto copy = uploads.copy_failed_to_new_batch(w.alice_batch.id, "1", "new-token");
  REQUIRE(copy.has_value());
  CHECK(copy->batch_id != w.alice_batch.id);
  REQUIRE(copy->upload_ids.size() == 1);
  const auto c = uploads.find(copy->upload_ids[0]).value();
  const auto original = uploads.find(ids[0]).value();
  CHECK(c.status == UploadStatus::queued);
  CHECK(c.userid == "1");
  CHECK(c.access_token == "new-token");
  CHECK(c.key == original.key);
  CHECK(c.filename == original.filename);
  CHECK(c.wikitext == original.wikitext);
  CHECK(c.labels == original.labels);
  CHECK(c.copyright_override);
  CHECK_FALSE(c.error.has_value());
  CHECK(original.status == UploadStatus::failed);  // originals stay as history
  CHECK(BatchRepository(*w.db).find(copy->batch_id)->edit_group_id == copy->edit_group_id);

  // Admin retry: only failed and cancelled rows, owned by the admin.
  const auto admin = uploads.copy_to_new_batch({ids[0], ids[1], ids[2], ids[3], 424242}, "2", "t");
  REQUIRE(admin.has_value());
  CHECK(admin->upload_ids.size() == 2);
  CHECK(uploads.find(admin->upload_ids[1])->key == uploads.find(ids[1])->key);
  CHECK(uploads.find(admin->upload_ids[0])->userid == "2");
  CHECK_FALSE(uploads.copy_to_new_batch({ids[2], ids[3]}, "2", "t").has_value());
  CHECK_THROWS_WITH_AS(uploads.copy_to_new_batch({ids[0]}, "404", "t"), "User 404 not found",
                       Error);
}

TEST_CASE_TEMPLATE("uploads: start-up recovery reads queued rows and expires sessions", B, OnSqlite,
                   OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  const auto ids =
      uploads.create(w.alice_batch.id, "1", "mapillary", "tok", {new_upload("1"), new_upload("2")});
  const auto no_token =
      uploads.create(w.alice_batch.id, "1", "mapillary", std::nullopt, {new_upload("3")});
  const auto rec = uploads.recoverable();
  REQUIRE(rec.size() == 2);
  CHECK(rec[0] == RecoverableUpload{ids[0], "1", "tok", *w.alice_batch.edit_group_id});
  CHECK(uploads.expire_sessions({ids[0], no_token[0]}) == 2);
  const auto expired = uploads.find(ids[0]).value();
  CHECK(expired.status == UploadStatus::failed);
  CHECK(expired.error == StructuredError::generic(std::string(kSessionExpiredMessage)));
  CHECK_FALSE(expired.access_token.has_value());
  CHECK(uploads.recoverable().size() == 1);
}

TEST_CASE_TEMPLATE("uploads: failed uploads grouped per batch, filtered, sorted, paged", B,
                   OnSqlite, OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  auto& clock = w.scratch->clock;
  const auto a = uploads.create(w.alice_batch.id, "1", "mapillary", std::nullopt,
                                {new_upload("a1"), new_upload("a2"), new_upload("a3")});
  clock.advance(seconds(5));
  const auto bob_newer = BatchRepository(*w.db).create("2");
  auto flickr = new_upload("b1");
  const auto b =
      uploads.create(bob_newer.id, "2", "flickr", std::nullopt, {flickr, new_upload("b2")});
  const auto fail = [&](Id id, std::optional<StructuredError> e) {
    REQUIRE(uploads.transition(id, UploadStatus::queued, UploadStatus::failed, e));
  };
  fail(a[0], StructuredError::generic("429 Client Error: Too Many Requests"));
  fail(a[1], StructuredError::generic("Read timed out"));
  fail(b[0], StructuredError{StructuredErrorType::duplicate, "File exists", {}});
  fail(b[1], std::nullopt);

  CHECK(uploads.count_failed_batches() == 2);
  auto groups = uploads.failed_batches({1, 10});
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].batch_id == bob_newer.id);  // recent first
  CHECK(groups[0].username == "Bob");
  CHECK(groups[0].handler == "flickr");
  CHECK(groups[0].failed_count == 2);
  CHECK(groups[0].total_uploads == 2);
  REQUIRE(groups[1].uploads.size() == 2);
  CHECK(groups[1].total_uploads == 3);
  CHECK(groups[1].uploads[0].category == ErrorCategory::rate_limit);
  CHECK(groups[1].uploads[1].category == ErrorCategory::timeout);
  CHECK(groups[0].uploads[0].category == ErrorCategory::duplicate);
  CHECK(groups[0].uploads[1].category == ErrorCategory::other);
  CHECK(groups[0].uploads[0].error->type == StructuredErrorType::duplicate);

  FailedUploadsQuery q;
  q.sort = FailedUploadsSort::user;
  CHECK(uploads.failed_batches({1, 10}, q).at(0).username == "Alice");
  q.sort = FailedUploadsSort::error_type;  // MIN(category): duplicate < rate_limit
  CHECK(uploads.failed_batches({1, 10}, q).at(0).batch_id == bob_newer.id);
  q = {};
  q.error_type = ErrorCategory::timeout;
  groups = uploads.failed_batches({1, 10}, q);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].uploads.size() == 1);  // the category filters the rows too
  q = {};
  q.handler = "mapillary";
  CHECK(uploads.count_failed_batches(q) == 1);
  q = {};
  q.search = "photo a2";  // any failed filename
  groups = uploads.failed_batches({1, 10}, q);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].failed_count == 2);  // counts still cover the whole batch
  q.search = "BOB";
  CHECK(uploads.count_failed_batches(q) == 1);
  CHECK(uploads.failed_batches({2, 1}).size() == 1);
}

TEST_CASE_TEMPLATE("uploads: admin edits touch only allow-listed fields", B, OnSqlite, OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  const auto ids = uploads.create(w.alice_batch.id, "1", "mapillary", "tok", {new_upload("1")});
  w.scratch->clock.advance(seconds(3));
  UploadPatch p;
  p.filename = "Renamed.jpg";
  p.wikitext = "new text";
  CHECK(uploads.patch(ids[0], p));
  const auto row = uploads.find(ids[0]).value();
  CHECK(row.filename == "Renamed.jpg");
  CHECK(row.wikitext == "new text");
  CHECK(row.updated_at == w.scratch->clock.now());
  CHECK(row.access_token == "tok");
  CHECK(uploads.patch(ids[0], p));  // same values again: still found
  CHECK_FALSE(uploads.patch(424242, p));
  UploadPatch status;
  status.status = UploadStatus::failed;
  CHECK(uploads.patch(ids[0], status));
  CHECK(uploads.find(ids[0])->status == UploadStatus::failed);
}

TEST_CASE_TEMPLATE("uploads: a large slice returns each row's own id, in input order", B, OnSqlite,
                   OnMysql) {
  auto w = World::make<B>();
  auto uploads = w.uploads();
  std::vector<NewUpload> items;
  for (int i = 0; i < 123; ++i)
    items.push_back(new_upload("k" + std::to_string(i)));
  // Another slice first, so ids do not start at 1.
  uploads.create(w.bob_batch.id, "2", "mapillary", std::nullopt, {new_upload("x")});
  const auto ids = uploads.create(w.alice_batch.id, "1", "flickr", "tok", items);
  REQUIRE(ids.size() == items.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto row = uploads.find(ids[i]);
    REQUIRE(row.has_value());
    CHECK(row->key == items[i].key);
    CHECK(row->batchid == w.alice_batch.id);
  }
  CHECK(uploads.list_for_batch(w.alice_batch.id).size() == items.size());
}
