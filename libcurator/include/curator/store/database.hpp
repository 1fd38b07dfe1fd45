#pragma once
// curator::store::Database: one handle on the data layer. Owns the connection pool
// (SQLite file in WAL mode, or MySQL/MariaDB), the clock that stamps rows, and the
// schema migrations compiled into the library. Repositories (users.hpp, batches.hpp,
// uploads.hpp, presets.hpp) borrow it. SOCI and the SQL dialects stay private.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator::store {

enum class Backend { sqlite, mysql };
CURATOR_API std::string_view to_string(Backend backend) noexcept;

struct DatabaseOptions {
  /// Connections kept open; threads wait for a free one. ":memory:" SQLite uses 1.
  std::size_t pool_size = 4;
  /// How long a thread waits for a free connection before Error(transient).
  std::chrono::milliseconds acquire_timeout{10'000};
  /// SQLite: how long a writer waits for the write lock (PRAGMA busy_timeout).
  std::chrono::milliseconds busy_timeout{5'000};
  /// Rows stamped with the last `change_overlap` are returned again by change
  /// queries, so that rows committed late within that window are not missed.
  std::chrono::seconds change_overlap{2};
  /// Stamps created_at/updated_at and decides what is due or expired. Whole seconds
  /// are stored (DATETIME(0)); the default is curator::now_utc_seconds. Called from
  /// many threads at once.
  std::function<TimePoint()> clock;
};

struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;  // SHA-256 hex of the file (line endings read as LF)
  TimePoint applied_at;
  /// "applied", or "adopted (alembic 5cc957424c9d)" for the baseline of a database
  /// that the Python service created.
  std::string origin;
};

struct MigrationReport {
  bool adopted_upstream = false;          // an alembic 5cc957424c9d database became the baseline
  std::vector<AppliedMigration> applied;  // what this call applied, in order
  int current_version = 0;
};

class CURATOR_API Database {
 public:
  /// Opens `sqlite:///abs/path`, `sqlite://rel/path`, `sqlite::memory:` or
  /// `mysql://user:pass@host:port/db[?unix_socket=/path]` (see parse_database_url).
  /// Connects once to fail early; the schema is untouched until migrate().
  /// Throws Error(invalid_input) for a bad URL, Error(transient) when unreachable.
  static Database open(std::string_view url, DatabaseOptions options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  Backend backend() const noexcept;
  /// The URL with any password replaced by "***", for logs.
  const std::string& redacted_url() const noexcept;

  /// Applies every pending embedded migration, each in its own transaction, under a
  /// lock so concurrent callers (server start-up, `curatorctl migrate`) are safe.
  /// A MySQL database at alembic revision 5cc957424c9d is adopted as the baseline
  /// without touching its rows. Refuses (Error(permanent)) when an applied migration's
  /// file has changed, when the database is newer than this library, or when it holds
  /// tables of unknown origin.
  MigrationReport migrate();
  /// The migrations recorded in schema_migrations (empty before the first migrate()).
  std::vector<AppliedMigration> applied_migrations() const;
  /// The highest version embedded in this library for this backend.
  int latest_version() const noexcept;

  /// The clock that stamps rows (DatabaseOptions::clock), truncated to seconds.
  TimePoint now() const;

  struct Impl;

 private:
  explicit Database(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
  friend struct DatabaseAccess;
};

}  // namespace curator::store
