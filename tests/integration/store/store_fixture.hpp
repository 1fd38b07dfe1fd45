#pragma once
// One suite, two backends: each TEST_CASE_TEMPLATE runs on OnSqlite (a temporary file)
// and OnMysql (a throwaway database curator_test_<random> on the server that
// CURATOR_TEST_MYSQL_URL names, dropped afterwards), so cases can run in parallel.
// The clock is manual: tests move time explicitly.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "curator/core/config.hpp"
#include "curator/core/ids.hpp"
#include "curator/core/log.hpp"
#include "curator/core/time.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"
#include "store/database_impl.hpp"
#include "store/migrator.hpp"
#include "test_support.hpp"

namespace curator::store::test {

/// A clock the test moves by hand; starts at 2026-05-01 12:00:00 UTC.
class ManualClock {
 public:
  ManualClock() : seconds_(to_unix_seconds(parse_utc("2026-05-01T12:00:00Z"))) {}
  TimePoint now() const { return TimePoint(std::chrono::seconds(seconds_.load())); }
  void advance(std::chrono::seconds s) { seconds_ += s.count(); }
  void set(TimePoint t) { seconds_ = to_unix_seconds(t); }
  std::function<TimePoint()> function() {
    return [this] { return now(); };
  }

 private:
  std::atomic<long long> seconds_;
};

/// A slice item with the given key (filename and wikitext derived from it).
inline NewUpload new_upload(const std::string& key) {
  NewUpload n;
  n.key = key;
  n.collection = "seq-" + key;
  n.filename = "Photo " + key + ".jpg";
  n.wikitext = "== {{int:filedesc}} ==\n" + key;
  return n;
}

inline std::chrono::seconds db_overlap(const Database& db) {
  return DatabaseAccess::impl(db)->options.change_overlap;
}

/// Runs raw SQL on a database (fixtures, inspection), outside the repositories.
inline void run_sql(const Database& db, std::string_view script) {
  DatabaseAccess::impl(db)->run("running a test script",
                                [&](detail::Connection& c) { detail::execute_script(c, script); });
}

inline std::vector<detail::Row> query_sql(const Database& db, std::string_view sql,
                                          std::size_t columns) {
  std::vector<detail::Row> rows;
  DatabaseAccess::impl(db)->run("running a test query",
                                [&](detail::Connection& c) { rows = c.query(sql, {}, columns); });
  return rows;
}

inline std::int64_t count_rows(const Database& db, std::string_view table) {
  const auto rows = query_sql(db, "SELECT COUNT(*) FROM " + std::string(table), 1);
  return std::stoll(*rows.at(0).at(0));
}

/// A database that exists for one test case.
struct Scratch {
  std::string url;
  ManualClock clock;
  std::optional<Database> db;
  std::function<void()> drop;

  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    db.reset();
    if (drop) drop();
  }

  DatabaseOptions options() {
    DatabaseOptions o;
    o.clock = clock.function();
    return o;
  }
  /// Opens (another) handle on the same database.
  Database open(std::optional<DatabaseOptions> o = {}) {
    return Database::open(url, o ? *o : options());
  }
  Database& fresh() {
    db.emplace(open());
    return *db;
  }
  Database& migrated() {
    fresh().migrate();
    return *db;
  }
};

/// Migration and adoption log lines are expected here; keep the output readable.
inline void quiet_logs() {
  log::configure(log::Level::warning, log::Format::text);
}

struct OnSqlite {
  static constexpr const char* kName = "sqlite";
  static std::unique_ptr<Scratch> make() {
    quiet_logs();
    auto s = std::make_unique<Scratch>();
    auto dir = std::make_shared<curator::test::TempDir>();
    s->url = "sqlite://" + (dir->path() / "curator.db").string();
    s->drop = [dir] {};  // the directory goes with the last copy of `dir`
    return s;
  }
};

struct OnMysql {
  static constexpr const char* kName = "mysql";
  /// mysql://user:pass@host:port/curator_test_<hex>
  static std::unique_ptr<Scratch> make() {
    quiet_logs();
    const auto base = curator::test::require_env("CURATOR_TEST_MYSQL_URL");
    const auto name = "curator_test_" + random_hex(12);
    const auto slash = base.find('/', base.find("://") + 3);
    REQUIRE(slash != std::string::npos);
    auto query = base.find('?', slash);
    const std::string suffix = query == std::string::npos ? "" : base.substr(query);
    DatabaseOptions admin_options;
    admin_options.pool_size = 1;
    {
      auto admin = Database::open(base, admin_options);
      run_sql(admin,
              "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
    }
    auto s = std::make_unique<Scratch>();
    s->url = base.substr(0, slash + 1) + name + suffix;
    s->drop = [base, name, admin_options] {
      try {
        auto admin = Database::open(base, admin_options);
        run_sql(admin, "DROP DATABASE IF EXISTS `" + name + "`");
      } catch (const std::exception& e) {
        MESSAGE("could not drop " << name << ": " << e.what());
      }
    };
    return s;
  }
};

}  // namespace curator::store::test
