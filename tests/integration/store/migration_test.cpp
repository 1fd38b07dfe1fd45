// Migrations on both backends: from an empty database, idempotence, concurrent
// runners, refusal of changed or unknown migrations, and a failing migration.
#include <doctest/doctest.h>

#include <thread>

#include "curator/core/error.hpp"
#include "store/connection.hpp"
#include "store_fixture.hpp"

using namespace curator;
using namespace curator::store;
using namespace curator::store::test;

namespace {

std::vector<detail::Migration> with_changed(std::vector<detail::Migration> m, int version,
                                            std::string sql) {
  for (auto& x : m) {
    if (x.version == version) x.sql = std::move(sql);
  }
  return m;
}

MigrationReport migrate_with(const Database& db, const std::vector<detail::Migration>& migrations,
                             TimePoint now) {
  MigrationReport report;
  DatabaseAccess::impl(db)->run("migrating in a test", [&](detail::Connection& c) {
    report = detail::migrate(c, migrations, now);
  });
  return report;
}

bool has_table(const Database& db, const std::string& table) {
  const auto sql =
      db.backend() == Backend::mysql
          ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
            "DATABASE() AND table_name = '" +
                table + "'"
          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
  return std::stoll(*query_sql(db, sql, 1).at(0).at(0)) > 0;
}

}  // namespace

TEST_CASE_TEMPLATE("migrations: from an empty database to the newest version", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->fresh();
  CHECK(db.applied_migrations().empty());
  CHECK_FALSE(has_table(db, "upload_requests"));

  const auto report = db.migrate();
  CHECK_FALSE(report.adopted_upstream);
  REQUIRE(report.applied.size() == static_cast<std::size_t>(db.latest_version()));
  CHECK(report.applied.front().version == 1);
  CHECK(report.applied.front().name == "baseline");
  CHECK(report.current_version == db.latest_version());
  for (const auto* t : {"users", "batches", "upload_requests", "presets", "schema_migrations"}) {
    CHECK_MESSAGE(has_table(db, t), t);
  }

  const auto applied = db.applied_migrations();
  REQUIRE(applied.size() == report.applied.size());
  for (std::size_t i = 0; i < applied.size(); ++i) {
    CHECK(applied[i].version == static_cast<int>(i + 1));
    CHECK(applied[i].origin == "applied");
    CHECK(applied[i].checksum.size() == 64);
    CHECK(applied[i].checksum == report.applied[i].checksum);
    CHECK(applied[i].applied_at == scratch->clock.now());
  }

  SUBCASE("a second run applies nothing") {
    scratch->clock.advance(std::chrono::seconds(5));
    const auto again = db.migrate();
    CHECK(again.applied.empty());
    CHECK(again.current_version == db.latest_version());
    CHECK(db.applied_migrations().size() == applied.size());
  }
}

TEST_CASE_TEMPLATE("migrations: concurrent runners apply each migration once", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  scratch->fresh();
  std::vector<MigrationReport> reports(3);
  std::vector<std::string> errors(3);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        auto db = scratch->open();
        reports[i] = db.migrate();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  std::size_t applied = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK_MESSAGE(errors[i].empty(), errors[i]);
    applied += reports[i].applied.size();
  }
  CHECK(applied == static_cast<std::size_t>(scratch->db->latest_version()));
  CHECK(scratch->db->applied_migrations().size() == applied);
}

TEST_CASE_TEMPLATE("migrations: a changed applied file is refused, nothing runs", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  auto migrations = detail::embedded_for(db.backend());
  const auto before = db.applied_migrations();

  auto changed = with_changed(migrations, 1, migrations.front().sql + "\n-- edited\n");
  changed.push_back({99, "never_runs", "CREATE TABLE never_created (id INTEGER)"});
  try {
    migrate_with(db, changed, scratch->clock.now());
    FAIL("a changed migration was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::permanent);
    CHECK(std::string(e.what()).find("0001_baseline changed after it was applied") !=
          std::string::npos);
  }
  CHECK_FALSE(has_table(db, "never_created"));
  CHECK(db.applied_migrations().size() == before.size());

  SUBCASE("CRLF line endings are not a change") {
    std::string crlf;
    for (const char c : migrations.front().sql) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    CHECK_NOTHROW(migrate_with(db, with_changed(migrations, 1, crlf), scratch->clock.now()));
  }
  SUBCASE("a renamed migration is refused") {
    auto renamed = migrations;
    renamed.front().name = "renamed";
    CHECK_THROWS_WITH_AS(migrate_with(db, renamed, scratch->clock.now()),
                         doctest::Contains("must not be renamed"), Error);
  }
  SUBCASE("a database newer than the library is refused") {
    auto older = migrations;
    older.pop_back();
    CHECK_THROWS_WITH_AS(migrate_with(db, older, scratch->clock.now()),
                         doctest::Contains("does not know"), Error);
  }
}

TEST_CASE_TEMPLATE("migrations: a failing migration reports the statement and is not recorded", B,
                   OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  auto migrations = detail::embedded_for(db.backend());
  migrations.push_back({3, "broken",
                        "CREATE TABLE half_done (id INTEGER);\n"
                        "INSERT INTO no_such_table VALUES (1);\n"});
  try {
    migrate_with(db, migrations, scratch->clock.now());
    FAIL("the broken migration succeeded");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("migration 0003_broken failed at statement 2 of 2") != std::string::npos);
    if (db.backend() == Backend::mysql) {
      CHECK(what.find("implicitly") != std::string::npos);
    }
  }
  CHECK(db.applied_migrations().back().version == 2);
  if (db.backend() == Backend::sqlite) {
    CHECK_FALSE(has_table(db, "half_done"));  // DDL is transactional in SQLite
  }
}

TEST_CASE_TEMPLATE("migrations: Curator tables of unknown origin are refused", B, OnSqlite,
                   OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->fresh();
  run_sql(db, "CREATE TABLE users (userid VARCHAR(255) PRIMARY KEY)");
  CHECK_THROWS_WITH_AS(db.migrate(), doctest::Contains("neither schema_migrations nor alembic"),
                       Error);
  CHECK_FALSE(has_table(db, "schema_migrations"));
}
