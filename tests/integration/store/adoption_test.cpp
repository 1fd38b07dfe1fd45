// Adopting the Python service's MariaDB database (alembic 5cc957424c9d) with rows in it:
// the baseline is recorded, not run; the additive migration runs; every stored byte of
// the upstream columns stays as it was; every row reads back through the repositories
// equal to the fixture's values; and the store keeps working on the adopted data.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/presets.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store_fixture.hpp"
#include "upstream_rows.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;

namespace {

const std::map<std::string, std::string> kUpstreamColumns{
    {"users", "userid, username, created_at, updated_at"},
    {"batches", "id, userid, edit_group_id, created_at, updated_at"},
    {"upload_requests",
     "id, batchid, userid, status, `key`, handler, collection, access_token, filename, wikitext, "
     "copyright_override, labels, result, error, success, celery_task_id, created_at, updated_at"},
    {"presets",
     "id, userid, handler, title, title_template, labels, categories, exclude_from_date_category, "
     "is_default, created_at, updated_at"},
};

/// Every upstream column of every table, as the server returns the stored bytes.
std::map<std::string, std::vector<detail::Row>> snapshot(const Database& db) {
  std::map<std::string, std::vector<detail::Row>> out;
  for (const auto& [table, columns] : kUpstreamColumns) {
    const auto n = static_cast<std::size_t>(std::count(columns.begin(), columns.end(), ',') + 1);
    out[table] = query_sql(db, "SELECT " + columns + " FROM " + table + " ORDER BY 1", n);
  }
  return out;
}

void load_upstream(const Scratch& scratch) {
  DatabaseOptions o;
  o.pool_size = 1;
  auto loader = Database::open(scratch.url, o);
  run_sql(loader, read_fixture("upstream-schema-mysql.sql"));
  run_sql(loader, read_fixture("upstream-sample-rows.sql"));
}

std::string create_table(const Database& db, const std::string& table) {
  const auto rows = query_sql(db, "SHOW CREATE TABLE " + table, 2);
  // The adopted tables' AUTO_INCREMENT counters continue after their rows.
  return std::regex_replace(*rows.at(0).at(1), std::regex(" AUTO_INCREMENT=[0-9]+"), "");
}

std::optional<Label> expected_label(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return label_from_json(json::parse(*text));
}

std::optional<StructuredError> expected_error(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return structured_error_from_json(json::parse(*text));
}

/// The Python service's categorize_error (upstream-surface.md §2.4), written plainly.
ErrorCategory expected_category(const std::optional<std::string>& text) {
  if (!text) return ErrorCategory::other;
  const auto v = json::parse(*text);
  if (!v.is_object()) return ErrorCategory::other;
  const auto& o = v.as_object();
  const auto type = json::get_string(o, "type").value_or("");
  if (type == "duplicate" || type == "duplicated_sdc_updated" ||
      type == "duplicated_sdc_not_updated") {
    return ErrorCategory::duplicate;
  }
  auto message = json::get_string(o, "message").value_or("");
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto any = [&](std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const char* w) { return message.find(w) != std::string::npos; });
  };
  if (any({"429", "rate limit", "too many requests"})) return ErrorCategory::rate_limit;
  if (any({"timeout", "timed out", "connection timeout"})) return ErrorCategory::timeout;
  if (any({"401", "403", "unauthorized", "forbidden"})) return ErrorCategory::auth;
  if (any({"connection error", "network unreachable", "dns"})) return ErrorCategory::network;
  return ErrorCategory::other;
}

std::vector<FixtureRow> rows_of(const std::vector<FixtureRow>& all, const std::string& table) {
  std::vector<FixtureRow> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const FixtureRow& r) { return r.table == table; });
  return out;
}

}  // namespace

TEST_CASE("adoption: an upstream MariaDB database with rows becomes the baseline") {
  auto scratch = OnMysql::make();
  load_upstream(*scratch);
  const auto fixture = parse_fixture_rows(read_fixture("upstream-sample-rows.sql"));
  REQUIRE(rows_of(fixture, "upload_requests").size() == 41);

  auto& db = scratch->fresh();
  const auto before = snapshot(db);
  REQUIRE(before.at("upload_requests").size() == 41);

  const auto report = db.migrate();
  CHECK(report.adopted_upstream);
  REQUIRE(report.applied.size() == static_cast<std::size_t>(db.latest_version() - 1));
  CHECK(report.applied.front().version == 2);
  const auto applied = db.applied_migrations();
  REQUIRE(applied.size() == static_cast<std::size_t>(db.latest_version()));
  CHECK(applied[0].origin == "adopted (alembic 5cc957424c9d)");
  CHECK(applied[1].origin == "applied");
  CHECK(count_rows(db, "alembic_version") == 1);  // left for a way back

  SUBCASE("no stored byte of an upstream column changed") {
    CHECK(snapshot(db) == before);
  }

  SUBCASE("the adopted schema equals a freshly migrated one") {
    auto fresh = OnMysql::make();
    auto& other = fresh->migrated();
    for (const auto* table : {"users", "batches", "upload_requests", "presets"}) {
      CHECK_MESSAGE(create_table(db, table) == create_table(other, table), table);
    }
  }

  SUBCASE("every row reads back through the repositories unchanged") {
    UserRepository users(db);
    for (const auto& r : rows_of(fixture, "users")) {
      const auto u = users.find(*r.at("userid"));
      REQUIRE(u.has_value());
      CHECK(u->username == *r.at("username"));
      CHECK(u->created_at == parse_utc(*r.at("created_at")));
      CHECK(u->updated_at == parse_utc(*r.at("updated_at")));
    }
    CHECK(users.count() == 3);

    BatchRepository batches(db);
    std::map<Id, BatchStats> expected_stats;
    for (const auto& r : rows_of(fixture, "upload_requests")) {
      auto& s = expected_stats[std::stoll(*r.at("batchid"))];
      const auto status = parse_upload_status(*r.at("status")).value();
      ++s.total;
      if (status == UploadStatus::queued) ++s.queued;
      if (status == UploadStatus::in_progress) ++s.in_progress;
      if (status == UploadStatus::completed) ++s.completed;
      if (status == UploadStatus::failed) ++s.failed;
      if (status == UploadStatus::cancelled) ++s.cancelled;
      if (is_duplicate(status)) ++s.duplicate;
    }
    for (const auto& r : rows_of(fixture, "batches")) {
      const auto id = std::stoll(*r.at("id"));
      const auto b = batches.summary(id);
      REQUIRE(b.has_value());
      CHECK(b->batch.userid == *r.at("userid"));
      CHECK(b->batch.edit_group_id == r.at("edit_group_id"));
      CHECK(b->batch.created_at == parse_utc(*r.at("created_at")));
      CHECK(b->batch.updated_at == parse_utc(*r.at("updated_at")));
      CHECK(b->stats == expected_stats[id]);
      CHECK(b->username == users.find(b->batch.userid)->username);
    }

    UploadRepository uploads(db);
    for (const auto& r : rows_of(fixture, "upload_requests")) {
      const auto id = std::stoll(*r.at("id"));
      CAPTURE(id);
      const auto u = uploads.find(id);
      REQUIRE(u.has_value());
      CHECK(u->batchid == std::stoll(*r.at("batchid")));
      CHECK(u->userid == *r.at("userid"));
      CHECK(to_string(u->status) == *r.at("status"));
      CHECK(u->key == *r.at("key"));
      CHECK(u->handler == *r.at("handler"));
      CHECK(u->collection == r.at("collection"));
      CHECK(u->access_token == r.at("access_token"));
      CHECK(u->filename == *r.at("filename"));
      CHECK(u->wikitext == *r.at("wikitext"));
      CHECK(u->copyright_override == (*r.at("copyright_override") == "1"));
      CHECK(u->labels == expected_label(r.at("labels")));
      CHECK(u->result == r.at("result"));
      CHECK(u->error == expected_error(r.at("error")));
      CHECK(u->success == r.at("success"));
      CHECK(u->celery_task_id == r.at("celery_task_id"));
      CHECK(u->created_at == parse_utc(*r.at("created_at")));
      CHECK(u->updated_at == parse_utc(*r.at("updated_at")));
      CHECK_FALSE(u->lease_owner.has_value());
      CHECK_FALSE(u->not_before.has_value());
      CHECK(u->attempts == RetryCounts{});
    }
    // The legacy error without a type reads as a generic error.
    const auto manual = uploads.find(7025);
    REQUIRE(manual->error.has_value());
    CHECK(manual->error->type == StructuredErrorType::error);
    CHECK(manual->error->message == "Manually marked as failed");

    PresetRepository presets(db);
    for (const auto& r : rows_of(fixture, "presets")) {
      const auto p = presets.find(std::stoll(*r.at("id")));
      REQUIRE(p.has_value());
      CHECK(p->userid == *r.at("userid"));
      CHECK(p->handler == *r.at("handler"));
      CHECK(p->title == *r.at("title"));
      CHECK(p->title_template == *r.at("title_template"));
      CHECK(p->labels == expected_label(r.at("labels")));
      CHECK(p->categories == r.at("categories"));
      CHECK(p->exclude_from_date_category == (*r.at("exclude_from_date_category") == "1"));
      CHECK(p->is_default == (*r.at("is_default") == "1"));
      CHECK(p->created_at == parse_utc(*r.at("created_at")));
      CHECK(p->updated_at == parse_utc(*r.at("updated_at")));
    }
    CHECK(presets.default_for("90417382", "mapillary")->id == 21);
  }

  SUBCASE("failed uploads are categorised as the Python service did") {
    UploadRepository uploads(db);
    std::map<Id, ErrorCategory> expected;
    for (const auto& r : rows_of(fixture, "upload_requests")) {
      if (*r.at("status") == "failed") {
        expected[std::stoll(*r.at("id"))] = expected_category(r.at("error"));
      }
    }
    std::map<Id, ErrorCategory> got;
    for (const auto& group : uploads.failed_batches({1, 100})) {
      for (const auto& u : group.uploads)
        got[u.id] = u.category;
    }
    CHECK(got == expected);
    CHECK(got.at(7016) == ErrorCategory::rate_limit);
    CHECK(got.at(7019) == ErrorCategory::auth);
  }

  SUBCASE("the store keeps working on adopted data") {
    UploadRepository uploads(db);
    BatchRepository batches(db);
    const auto claimed = uploads.claim(7036, "worker-a", std::chrono::seconds(60));
    REQUIRE(claimed.has_value());
    for (const auto& r : rows_of(fixture, "upload_requests")) {
      if (*r.at("id") == "7036") CHECK(claimed->key == *r.at("key"));
    }
    CHECK(claimed->status == UploadStatus::in_progress);
    CHECK_FALSE(uploads.claim(7010, "worker-a", std::chrono::seconds(60)));  // cancelled
    const auto batch = batches.create("73150266");
    CHECK(batch.id > 315);
    const auto ids =
        uploads.create(batch.id, "73150266", "mapillary", std::nullopt, {new_upload("k")});
    CHECK(ids.at(0) > 7041);
    // Python's in_progress rows have no lease: the sweeper takes them back.
    const auto released = uploads.release_expired_leases(10);
    CHECK(released == std::vector<Id>{7034, 7035});
    // A retry copies the labels byte for byte, Python spacing included.
    const auto copy = uploads.copy_failed_to_new_batch(312, "73150266", "token");
    REQUIRE(copy.has_value());
    const auto originals =
        query_sql(db,
                  "SELECT labels FROM upload_requests WHERE batchid = 312 AND status = "
                  "'failed' ORDER BY id",
                  1);
    const auto copies = query_sql(db,
                                  "SELECT labels FROM upload_requests WHERE batchid = " +
                                      std::to_string(copy->batch_id) + " ORDER BY id",
                                  1);
    CHECK(copies == originals);
    CHECK(db.migrate().applied.empty());
  }
}

TEST_CASE("adoption: a database at another alembic revision is refused untouched") {
  auto scratch = OnMysql::make();
  load_upstream(*scratch);
  auto& db = scratch->fresh();
  run_sql(db, "UPDATE alembic_version SET version_num = '8b31e3fb791b'");
  const auto before = snapshot(db);
  CHECK_THROWS_WITH_AS(db.migrate(), doctest::Contains("not 5cc957424c9d"), Error);
  CHECK(db.applied_migrations().empty());
  CHECK(snapshot(db) == before);
}

TEST_CASE("adoption: an upstream database missing a column is refused") {
  auto scratch = OnMysql::make();
  load_upstream(*scratch);
  auto& db = scratch->fresh();
  run_sql(db, "ALTER TABLE presets DROP COLUMN categories");
  CHECK_THROWS_WITH_AS(db.migrate(), doctest::Contains("lacks presets.categories"), Error);
  CHECK(db.applied_migrations().empty());
}
