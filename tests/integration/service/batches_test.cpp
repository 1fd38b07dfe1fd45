// BatchService and PresetService over a real database (SQLite file and a
// throwaway MariaDB database): ownership, the upstream error texts, retry
// and cancel semantics, one default preset per (user, handler).
#include "curator/service/batches.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "../store/store_fixture.hpp"
#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/service/presets.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"

using namespace curator;
using namespace curator::service;
using curator::store::test::new_upload;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;

namespace {

const Actor kAlice{"1", "Alice", false};
const Actor kBob{"2", "Bob", false};
const Actor kAdmin{"3", "Root", true};

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

std::vector<store::NewUpload> items(std::initializer_list<const char*> keys) {
  std::vector<store::NewUpload> out;
  for (const auto* k : keys)
    out.push_back(new_upload(k));
  return out;
}

}  // namespace

TEST_CASE_TEMPLATE("batches: create with uploads, list, show", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);

  const auto created =
      batches.create_batch_with_uploads(kAlice, Handler::mapillary, "tok", items({"a", "b", "c"}));
  CHECK(created.upload_ids.size() == 3);
  CHECK(created.batch.userid == "1");
  REQUIRE(created.batch.edit_group_id.has_value());
  CHECK(is_edit_group_id(*created.batch.edit_group_id));
  CHECK(store::UserRepository(db).find("1")->username == "Alice");

  const auto detail = batches.show(created.batch.id);
  CHECK(detail.summary.username == "Alice");
  CHECK(detail.summary.stats.total == 3);
  CHECK(detail.summary.stats.queued == 3);
  REQUIRE(detail.uploads.size() == 3);
  CHECK(detail.uploads[0].key == "a");
  CHECK(detail.uploads[2].key == "c");
  CHECK(detail.uploads[0].handler == "mapillary");
  CHECK(detail.uploads[0].access_token == "tok");

  batches.create_batch_with_uploads(kBob, Handler::flickr, std::nullopt, items({"x"}));
  const auto all = batches.list({1, 100});
  CHECK(all.total == 2);
  REQUIRE(all.items.size() == 2);
  store::BatchScope mine;
  mine.userid = "1";
  const auto alice = batches.list({1, 100}, mine);
  CHECK(alice.total == 1);
  CHECK(alice.items.at(0).batch.id == created.batch.id);

  const auto missing = error_of([&] { batches.show(987654); });
  CHECK(missing.kind() == ErrorKind::not_found);
  CHECK(std::string(missing.what()) == "Batch 987654 not found");
}

TEST_CASE_TEMPLATE("batches: a bad item leaves nothing behind", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  auto bad = items({"a", "b"});
  bad[1].filename = std::string(300, 'x');
  const auto e =
      error_of([&] { batches.create_batch_with_uploads(kAlice, Handler::mapillary, "tok", bad); });
  CHECK(e.kind() == ErrorKind::invalid_input);
  CHECK(std::string(e.what()).find("item 1: filename") != std::string::npos);
  CHECK(batches.list({1, 100}).total == 0);

  bad[1].filename = "ok.jpg";
  bad[0].wikitext = std::string("a\0b", 3);
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(kAlice, Handler::mapillary, "tok", bad);
        }).kind() == ErrorKind::invalid_input);
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(kAlice, Handler::mapillary, "tok", {});
        }).kind() == ErrorKind::invalid_input);
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(Actor{}, Handler::mapillary, "tok", items({"a"}));
        }).kind() == ErrorKind::invalid_input);
  CHECK(batches.list({1, 100}).total == 0);
}

TEST_CASE_TEMPLATE("batches: slices go only into one's own batch", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  const auto batch = batches.create_batch(kAlice);
  const auto ids = batches.add_uploads(batch.id, kAlice, Handler::mapillary, "t", items({"a"}));
  CHECK(ids.size() == 1);

  const auto other =
      error_of([&] { batches.add_uploads(batch.id, kBob, Handler::mapillary, "t", items({"b"})); });
  CHECK(other.kind() == ErrorKind::auth);
  CHECK(std::string(other.what()) == "Permission denied");
  // An admin cannot slip their credentials into someone else's batch either.
  CHECK(error_of([&] {
          batches.add_uploads(batch.id, kAdmin, Handler::mapillary, "t", items({"b"}));
        }).kind() == ErrorKind::auth);
  const auto missing =
      error_of([&] { batches.add_uploads(424242, kAlice, Handler::mapillary, "t", items({"b"})); });
  CHECK(std::string(missing.what()) == "Batch 424242 not found");
  CHECK(batches.show(batch.id).uploads.size() == 1);
}

TEST_CASE_TEMPLATE("batches: retry copies failed and cancelled uploads", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  store::UploadRepository uploads(db);
  const auto created = batches.create_batch_with_uploads(kAlice, Handler::mapillary, "old",
                                                         items({"a", "b", "c", "d"}));
  const auto& ids = created.upload_ids;

  const auto nothing = error_of([&] { batches.retry(created.batch.id, kAlice, "new"); });
  CHECK(nothing.kind() == ErrorKind::conflict);
  CHECK(std::string(nothing.what()) == "No failed uploads to retry");

  REQUIRE(uploads.transition(ids[0], UploadStatus::queued, UploadStatus::failed,
                             StructuredError::generic("boom")));
  REQUIRE(uploads.transition(ids[1], UploadStatus::queued, UploadStatus::completed, std::nullopt,
                             "https://commons.example/wiki/File:B.jpg"));
  REQUIRE(uploads.transition(ids[2], UploadStatus::queued, UploadStatus::cancelled));

  const auto denied = error_of([&] { batches.retry(created.batch.id, kBob, "new"); });
  CHECK(denied.kind() == ErrorKind::auth);
  CHECK(std::string(denied.what()) == "Permission denied");

  const auto copy = batches.retry(created.batch.id, kAlice, "new");
  CHECK(copy.batch_id != created.batch.id);
  CHECK(copy.upload_ids.size() == 2);
  const auto fresh = batches.show(copy.batch_id);
  REQUIRE(fresh.uploads.size() == 2);
  CHECK(fresh.uploads[0].key == "a");
  CHECK(fresh.uploads[1].key == "c");
  for (const auto& u : fresh.uploads) {
    CHECK(u.status == UploadStatus::queued);
    CHECK(u.access_token == "new");
    CHECK(!u.error.has_value());
  }
  // The originals are untouched.
  const auto old = batches.show(created.batch.id);
  CHECK(old.uploads[0].status == UploadStatus::failed);
  CHECK(old.uploads[2].status == UploadStatus::cancelled);

  // An admin may retry someone else's batch; the copy is the admin's.
  const auto admin_copy = batches.retry(created.batch.id, kAdmin, "admin-token");
  CHECK(batches.show(admin_copy.batch_id).summary.batch.userid == "3");
  CHECK(std::string(error_of([&] { batches.retry(5555, kAlice, "x"); }).what()) ==
        "Batch 5555 not found");
}

TEST_CASE_TEMPLATE("batches: cancel needs the owner or an admin", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  store::UploadRepository uploads(db);
  const auto created =
      batches.create_batch_with_uploads(kAlice, Handler::mapillary, "t", items({"a", "b", "c"}));
  REQUIRE(uploads.claim(created.upload_ids[0], "worker-1", std::chrono::seconds(60)));

  const auto denied = error_of([&] { batches.cancel(created.batch.id, kBob); });
  CHECK(denied.kind() == ErrorKind::auth);
  CHECK(std::string(denied.what()) == "Permission denied");

  const auto result = batches.cancel(created.batch.id, kAlice);
  CHECK(result.cancelled == std::vector<store::Id>{created.upload_ids[1], created.upload_ids[2]});
  const auto after = batches.show(created.batch.id);
  CHECK(after.uploads[0].status == UploadStatus::in_progress);
  CHECK(after.uploads[1].status == UploadStatus::cancelled);

  const auto again = error_of([&] { batches.cancel(created.batch.id, kAdmin); });
  CHECK(again.kind() == ErrorKind::conflict);
  CHECK(std::string(again.what()) == "No queued items to cancel");

  const auto other = batches.create_batch_with_uploads(kBob, Handler::mapillary, "t", items({"z"}));
  CHECK(batches.cancel(other.batch.id, kAdmin).cancelled.size() == 1);
  CHECK(std::string(error_of([&] { batches.cancel(99999, kAlice); }).what()) ==
        "Batch 99999 not found");
}

TEST_CASE_TEMPLATE("batches: history finds the open batch and what is done", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  store::UploadRepository uploads(db);
  auto first = items({"a", "b"});
  for (auto& i : first)
    i.collection = "seq-1";
  const auto one = batches.create_batch_with_uploads(kAlice, Handler::mapillary, "t", first);
  REQUIRE(uploads.transition(one.upload_ids[0], UploadStatus::queued, UploadStatus::completed));
  REQUIRE(uploads.transition(one.upload_ids[1], UploadStatus::queued, UploadStatus::failed));

  auto h = batches.history(kAlice, Handler::mapillary, "seq-1");
  CHECK(!h.open_batch.has_value());
  CHECK(h.uploaded.size() == 1);
  CHECK(h.uploaded.at("a") == fmt::format("completed in batch {}", one.batch.id));

  auto second = items({"b", "c"});
  for (auto& i : second)
    i.collection = "seq-1";
  const auto two = batches.create_batch_with_uploads(kAlice, Handler::mapillary, "t", second);
  h = batches.history(kAlice, Handler::mapillary, "seq-1");
  CHECK(h.open_batch == two.batch.id);
  CHECK(h.uploaded.at("b") == fmt::format("queued in batch {}", two.batch.id));
  CHECK(h.uploaded.count("c") == 1);

  // Another collection, another source, another user: nothing open.
  CHECK(!batches.history(kAlice, Handler::mapillary, "seq-2").open_batch);
  CHECK(batches.history(kAlice, Handler::flickr, "seq-1").uploaded.empty());
  CHECK(batches.history(kBob, Handler::mapillary, "seq-1").uploaded.empty());
}

TEST_CASE_TEMPLATE("presets: save, update, one default, ownership", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  PresetService presets(db);

  PresetInput in;
  in.title = "Streets";
  in.title_template = "{{location.city}} {{captured.date}} ({{mapillary.photo.id}}).jpg";
  in.labels = Label{"en", "A street in {{location.city}}"};
  in.categories = "Streets\n[[Category:Roads]]";
  in.is_default = true;
  const auto first = presets.save(kAlice, Handler::mapillary, in);
  CHECK(first.is_default);
  CHECK(first.handler == "mapillary");

  in.title = "Parks";
  const auto second = presets.save(kAlice, Handler::mapillary, in);
  auto list = presets.list(kAlice, Handler::mapillary);
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == second.id);  // newest first
  CHECK(list[0].is_default);
  CHECK(!list[1].is_default);
  CHECK(presets.default_for(kAlice, Handler::mapillary)->id == second.id);
  CHECK(presets.list(kAlice, Handler::flickr).empty());

  CHECK(presets.find(kAlice, Handler::mapillary, "Streets")->id == first.id);
  CHECK(presets.find(kAlice, Handler::mapillary, std::to_string(first.id))->id == first.id);
  CHECK(!presets.find(kAlice, Handler::flickr, "Streets"));
  CHECK(!presets.find(kBob, Handler::mapillary, std::to_string(first.id)));

  in.title = "Streets 2";
  in.is_default = false;
  const auto updated = presets.save(kAlice, Handler::flickr, in, first.id);
  CHECK(updated.title == "Streets 2");
  CHECK(updated.handler == "mapillary");  // never changed by an update

  const auto stolen = error_of([&] { presets.save(kBob, Handler::mapillary, in, first.id); });
  CHECK(stolen.kind() == ErrorKind::not_found);
  CHECK(std::string(stolen.what()) == "Preset not found or permission denied");
  CHECK(std::string(error_of([&] { presets.remove(kBob, first.id); }).what()) ==
        "Preset not found or permission denied");

  const auto removed = presets.remove(kAlice, first.id);
  CHECK(removed.title == "Streets 2");
  CHECK(presets.list(kAlice, Handler::mapillary).size() == 1);
  CHECK(error_of([&] { presets.remove(kAlice, first.id); }).kind() == ErrorKind::not_found);

  in.title_template = std::string(501, 'x');
  CHECK(error_of([&] { presets.save(kAlice, Handler::mapillary, in); }).kind() ==
        ErrorKind::invalid_input);
  in.title_template = "ok";
  in.labels = Label{"en", std::string("\xff\xfe", 2)};
  CHECK(error_of([&] { presets.save(kAlice, Handler::mapillary, in); }).kind() ==
        ErrorKind::invalid_input);
}
