// Hostile input on both backends: SQL-looking filters, oversize strings, invalid UTF-8,
// NUL bytes, bad pages and ids. Each gets a clear Error(invalid_input) (or simply no
// match) and nothing is written.
#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/presets.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;

namespace {

const std::string kInvalidUtf8[] = {
    std::string("caf\xC3", 4),           // truncated sequence
    std::string("\xC0\xAF", 2),          // overlong '/'
    std::string("\xED\xA0\x80", 3),      // UTF-16 surrogate
    std::string("\xF4\x90\x80\x80", 4),  // above U+10FFFF
    std::string("ok\xFF", 3),            // never valid
};

void expect_invalid(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    FAIL("accepted hostile input (expected: " << needle << ")");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos, e.what());
  }
}

struct Counts {
  std::int64_t users, batches, uploads, presets;
  bool operator==(const Counts&) const = default;
};

Counts counts(const Database& db) {
  return {count_rows(db, "users"), count_rows(db, "batches"), count_rows(db, "upload_requests"),
          count_rows(db, "presets")};
}

}  // namespace

TEST_CASE_TEMPLATE("hostile input: SQL-looking filters are plain text", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);
  users.ensure("1", "Robert'); DROP TABLE users; --");
  users.ensure("2", "100% legit_user!");
  const auto before = counts(db);
  for (const std::string filter :
       {"'; DROP TABLE users; --", "' OR '1'='1", "\" OR 1=1 --", "%' OR 1=1 #", "\\", "\\'", ":p1",
        "?", "`users`", "/* */", "1; DELETE FROM batches"}) {
    CAPTURE(filter);
    CHECK_NOTHROW(users.count(filter));
    CHECK_NOTHROW(BatchRepository(db).count({std::nullopt, filter}));
    CHECK_NOTHROW(UploadRepository(db).count_all({filter, {}, {}, {}}));
    CHECK_NOTHROW(PresetRepository(db).count_all(filter));
    CHECK_NOTHROW(
        UploadRepository(db).count_failed_batches({FailedUploadsSort::recent, {}, {}, filter}));
  }
  CHECK(users.count("'); DROP TABLE users; --") == 1);  // a literal substring
  CHECK(users.count("' OR '1'='1") == 0);
  CHECK(users.count("%") == 1);
  CHECK(users.count("_user!") == 1);
  CHECK(users.count("!") == 1);
  CHECK(counts(db) == before);
}

TEST_CASE_TEMPLATE("hostile input: oversize, invalid UTF-8 and NUL are refused, nothing written", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);
  BatchRepository batches(db);
  UploadRepository uploads(db);
  PresetRepository presets(db);
  users.ensure("1", "Alice");
  const auto batch = batches.create("1");
  const auto queued = uploads.create(batch.id, "1", "mapillary", "t", {new_upload("q")});
  const auto before = counts(db);

  // At the limits: accepted (255 characters of two bytes each; 64 KiB - 1 of wikitext;
  // four-byte characters).
  auto edge = new_upload("edge");
  edge.filename = std::string(253, 'x') + "ü🚋";
  edge.wikitext = std::string(65535, 'w');
  edge.labels = Label{"en", "🚋 Tram"};
  const auto edge_ids = uploads.create(batch.id, "1", "mapillary", std::nullopt, {edge});
  CHECK(uploads.find(edge_ids[0])->filename == edge.filename);
  CHECK(uploads.find(edge_ids[0])->wikitext.size() == 65535);
  const auto with_edge = counts(db);

  // One bad item in a slice: nothing of the slice is written.
  auto slice = std::vector<NewUpload>{new_upload("a"), new_upload("b"), new_upload("c")};
  slice[1].filename = std::string(256, 'x');
  expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                 "item 1: filename is too long (256 characters, at most 255)");
  slice[1] = new_upload("b");
  slice[2].wikitext = std::string(65536, 'w');
  expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                 "item 2: wikitext is too long (65536 bytes");
  for (const auto& bad : kInvalidUtf8) {
    slice = {new_upload("a"), new_upload("b")};
    slice[1].filename = bad;
    expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                   "item 1: filename is not valid UTF-8");
    slice[1] = new_upload("b");
    slice[1].labels = Label{"en", bad};
    expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                   "labels value is not valid UTF-8");
    expect_invalid([&] { users.ensure("9", bad); }, "username is not valid UTF-8");
    expect_invalid([&] { users.count(bad); }, "filter is not valid UTF-8");
    expect_invalid([&] { uploads.count_all({bad, {}, {}, {}}); }, "filter is not valid UTF-8");
  }
  slice = {new_upload("a")};
  slice[0].key = std::string(
      "12\0"
      "34",
      5);
  expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                 "contains a NUL character");
  slice[0] = new_upload("a");
  slice[0].key.clear();
  expect_invalid([&] { uploads.create(batch.id, "1", "mapillary", std::nullopt, slice); },
                 "item 0: key must not be empty");
  expect_invalid([&] { uploads.create(batch.id, "1", std::string(256, 'h'), std::nullopt, {}); },
                 "handler is too long");
  expect_invalid([&] { users.ensure(std::string(256, '1'), "x"); }, "userid is too long");
  expect_invalid([&] { users.count(std::string(256, 'f')); }, "filter is too long");
  expect_invalid(
      [&] {
        uploads.finish(queued[0], "w", UploadStatus::failed,
                       StructuredError::generic(std::string(70000, 'm')));
      },
      "error message is too long");
  PresetDraft d;
  d.handler = "mapillary";
  d.title = "t";
  d.title_template = std::string(501, 't');
  expect_invalid([&] { presets.create("1", d); }, "title_template is too long");
  d.title_template = "t";
  d.categories = std::string("\xFF", 1);
  expect_invalid([&] { presets.create("1", d); }, "categories is not valid UTF-8");
  UploadPatch patch;
  patch.filename = std::string(300, 'p');
  expect_invalid([&] { uploads.patch(queued[0], patch); }, "filename is too long");
  expect_invalid([&] { uploads.cancel_many(std::vector<Id>(10001, 1)); }, "too many ids");

  CHECK(counts(db) == with_edge);
  CHECK(with_edge.uploads == before.uploads + 1);
  const auto row = uploads.find(queued[0]).value();
  CHECK(row.status == UploadStatus::queued);
  CHECK(row.filename == new_upload("q").filename);
}

TEST_CASE_TEMPLATE("hostile input: pages and ids out of range", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  UserRepository users(db);
  BatchRepository batches(db);
  UploadRepository uploads(db);
  PresetRepository presets(db);
  users.ensure("1", "Alice");
  for (const PageRequest page : {PageRequest{0, 10}, PageRequest{-1, 10},
                                 PageRequest{std::numeric_limits<std::int64_t>::min(), 10}}) {
    expect_invalid([&] { users.list(page); }, "page must be 1 or more");
    expect_invalid([&] { batches.list(page); }, "page must be 1 or more");
  }
  for (const PageRequest page : {PageRequest{1, 0}, PageRequest{1, -5}, PageRequest{1, 1001},
                                 PageRequest{1, std::numeric_limits<std::int64_t>::max()}}) {
    expect_invalid([&] { uploads.list_all(page); }, "limit must be between 1 and 1000");
  }
  for (const PageRequest page : {PageRequest{std::numeric_limits<std::int64_t>::max(), 100},
                                 PageRequest{21474838, 100}, PageRequest{1LL << 40, 1000}}) {
    expect_invalid([&] { presets.list_all(page); }, "is beyond any possible row");
    expect_invalid([&] { uploads.failed_batches(page); }, "is beyond any possible row");
  }
  CHECK(users.list({21474836, 100}).empty());  // the last reachable page is fine
  CHECK(users.list({1, 1000}).size() == 1);

  for (const Id id : {Id{0}, Id{-1}, std::numeric_limits<Id>::min(), Id{1} << 40,
                      std::numeric_limits<Id>::max()}) {
    CHECK_FALSE(uploads.find(id).has_value());
    CHECK_FALSE(batches.summary(id).has_value());
    CHECK_FALSE(presets.find(id).has_value());
    CHECK_FALSE(uploads.claim(id, "w", std::chrono::seconds(5)).has_value());
    CHECK(uploads.list_for_batch(id).empty());
    CHECK_THROWS_WITH_AS(uploads.cancel_batch(id, std::nullopt), doctest::Contains("not found"),
                         Error);
  }
  CHECK(count_rows(db, "upload_requests") == 0);
}
