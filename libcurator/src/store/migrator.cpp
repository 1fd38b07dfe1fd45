#include "store/migrator.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "store/connection.hpp"
#include "store/embedded_migrations.hpp"

namespace curator::store::detail {
namespace {

constexpr std::string_view kMysqlBookkeeping =
    "CREATE TABLE IF NOT EXISTS `schema_migrations` ("
    " `version` int(11) NOT NULL,"
    " `name` varchar(255) NOT NULL,"
    " `checksum` char(64) NOT NULL,"
    " `applied_at` datetime NOT NULL,"
    " `origin` varchar(64) NOT NULL,"
    " PRIMARY KEY (`version`)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";

constexpr std::string_view kSqliteBookkeeping =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " origin VARCHAR(64) NOT NULL)";

// The columns the Python schema at 5cc957424c9d has (upstream-surface.md §5.1).
const std::map<std::string, std::vector<std::string>>& upstream_columns() {
  static const std::map<std::string, std::vector<std::string>> columns{
      {"users", {"userid", "username", "created_at", "updated_at"}},
      {"batches", {"id", "userid", "edit_group_id", "created_at", "updated_at"}},
      {"upload_requests",
       {"id", "batchid", "userid", "status", "key", "handler", "collection", "access_token",
        "filename", "wikitext", "copyright_override", "labels", "result", "error", "success",
        "celery_task_id", "created_at", "updated_at"}},
      {"presets",
       {"id", "userid", "handler", "title", "title_template", "labels", "categories",
        "exclude_from_date_category", "is_default", "created_at", "updated_at"}},
  };
  return columns;
}

[[noreturn]] void refuse(std::string message) {
  throw Error(ErrorKind::permanent, std::move(message), "migration_refused");
}

std::string label(int version, std::string_view name) {
  return fmt::format("{:04}_{}", version, name);
}

std::set<std::string> list_tables(Connection& c) {
  const auto rows = c.mysql()
                        ? c.query(
                              "SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = DATABASE()",
                              {}, 1)
                        : c.query("SELECT name FROM sqlite_master WHERE type = 'table'", {}, 1);
  std::set<std::string> tables;
  for (const auto& r : rows) {
    if (r[0]) tables.insert(*r[0]);
  }
  return tables;
}

/// A server-wide named lock on MySQL (per database); SQLite needs none because every
/// migration runs under BEGIN IMMEDIATE and re-reads what is applied.
class MigrationLock {
 public:
  explicit MigrationLock(Connection& c) : c_(c) {
    if (!c_.mysql()) return;
    const auto got =
        c_.query_int("SELECT GET_LOCK(CONCAT('curator_migrate_', SHA1(DATABASE())), 120)", {});
    if (got != 1) {
      throw Error(ErrorKind::transient,
                  "another process has been migrating this database for 120 s; try again",
                  "migration_locked");
    }
    held_ = true;
  }
  ~MigrationLock() {
    if (!held_) return;
    try {
      c_.query_int("SELECT RELEASE_LOCK(CONCAT('curator_migrate_', SHA1(DATABASE())))", {});
    } catch (const std::exception& e) {
      log::warning("store", fmt::format("could not release the migration lock: {}", e.what()));
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& c_;
  bool held_ = false;
};

void check_upstream_tables(Connection& c) {
  const auto rows = c.query(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_schema = DATABASE() "
      "AND table_name IN ('users', 'batches', 'upload_requests', 'presets')",
      {}, 2);
  std::set<std::pair<std::string, std::string>> present;
  for (const auto& r : rows) {
    if (r[0] && r[1]) present.emplace(*r[0], *r[1]);
  }
  std::vector<std::string> missing;
  for (const auto& [table, columns] : upstream_columns()) {
    for (const auto& column : columns) {
      if (!present.contains({table, column})) missing.push_back(table + "." + column);
    }
  }
  if (!missing.empty()) {
    refuse(fmt::format(
        "the database says alembic revision {} but lacks {}; it cannot be adopted as is",
        kUpstreamAlembicRevision, fmt::join(missing, ", ")));
  }
}

void insert_applied(Connection& c, const Migration& m, TimePoint now, std::string_view origin) {
  c.execute(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at, origin) "
      "VALUES (?, ?, ?, ?, ?)",
      {std::int64_t{m.version}, m.name, migration_checksum(m.sql), format_sql(now),
       std::string(origin)});
}

/// Creates schema_migrations, adopting an upstream database when there is one.
/// Returns true when it adopted.
bool prepare_bookkeeping(Connection& c, const std::vector<Migration>& migrations, TimePoint now) {
  const auto tables = list_tables(c);
  if (tables.contains("schema_migrations")) return false;
  if (tables.contains("alembic_version")) {
    if (!c.mysql()) {
      refuse(
          "this SQLite database was made by the Python service's Alembic migrations; "
          "adoption is supported for MySQL/MariaDB databases only");
    }
    const auto rows = c.query("SELECT version_num FROM alembic_version", {}, 1);
    std::vector<std::string> revisions;
    for (const auto& r : rows)
      revisions.push_back(r[0].value_or("NULL"));
    if (revisions.size() != 1 || revisions.front() != kUpstreamAlembicRevision) {
      refuse(fmt::format(
          "the database is at alembic revision [{}], not {}; run the Python service's "
          "migrations to head ({}) first, then migrate again",
          fmt::join(revisions, ", "), kUpstreamAlembicRevision, kUpstreamAlembicRevision));
    }
    check_upstream_tables(c);
    if (migrations.empty() || migrations.front().version != 1) {
      refuse("no baseline migration 0001 to record for the adopted database");
    }
    c.execute_raw(kMysqlBookkeeping);
    Transaction tx(c);
    insert_applied(c, migrations.front(), now,
                   fmt::format("adopted (alembic {})", kUpstreamAlembicRevision));
    tx.commit();
    log::info("store", fmt::format("adopted the Python service's database (alembic {}) as "
                                   "migration {}",
                                   kUpstreamAlembicRevision,
                                   label(migrations.front().version, migrations.front().name)));
    return true;
  }
  for (const auto& [table, columns] : upstream_columns()) {
    if (tables.contains(table)) {
      refuse(fmt::format(
          "the database has a `{}` table but neither schema_migrations nor alembic_version; "
          "refusing to guess its schema",
          table));
    }
  }
  c.execute_raw(c.mysql() ? kMysqlBookkeeping : kSqliteBookkeeping);
  return false;
}

/// Refuses changed, renamed or unknown applied migrations.
void verify(const std::vector<AppliedMigration>& applied,
            const std::vector<Migration>& migrations) {
  std::map<int, const Migration*> known;
  for (const auto& m : migrations)
    known[m.version] = &m;
  for (const auto& a : applied) {
    const auto it = known.find(a.version);
    if (it == known.end()) {
      refuse(fmt::format(
          "the database has migration {} which this build of libcurator does not know "
          "(newest known: {}); use the curator version that applied it, or a newer one",
          label(a.version, a.name),
          migrations.empty() ? std::string("none")
                             : label(migrations.back().version, migrations.back().name)));
    }
    const Migration& m = *it->second;
    if (m.name != a.name) {
      refuse(
          fmt::format("migration {:04} was applied as '{}' but is now named '{}'; "
                      "applied migrations must not be renamed",
                      a.version, a.name, m.name));
    }
    const auto sum = migration_checksum(m.sql);
    if (sum != a.checksum) {
      refuse(fmt::format(
          "migration {} changed after it was applied to this database (recorded sha256 {}, "
          "file now {}); restore the original file and put the change in a new migration",
          label(m.version, m.name), a.checksum, sum));
    }
  }
}

void apply_one(Connection& c, const Migration& m, TimePoint now) {
  const auto statements = split_statements(m.sql, c.backend());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      c.execute_raw(statements[i]);
    } catch (const Error& e) {
      std::string note;
      if (c.mysql() && i > 0) {
        note = fmt::format(
            " (MySQL/MariaDB commit DDL implicitly: statements 1-{} of this migration stay "
            "applied and must be undone by hand before retrying)",
            i);
      }
      throw Error(ErrorKind::permanent,
                  fmt::format("migration {} failed at statement {} of {}: {}{}",
                              label(m.version, m.name), i + 1, statements.size(), e.what(), note),
                  "migration_failed");
    }
  }
  insert_applied(c, m, now, "applied");
}

}  // namespace

std::vector<Migration> embedded_for(Backend backend) {
  std::vector<Migration> out;
  const auto dialect = backend == Backend::mysql ? "mysql" : "sqlite";
  for (const auto& e : embedded_migrations()) {
    if (e.dialect == dialect) out.push_back({e.version, std::string(e.name), e.sql});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

std::string migration_checksum(std::string_view sql) {
  std::string normalized;
  normalized.reserve(sql.size());
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\r' && i + 1 < sql.size() && sql[i + 1] == '\n') continue;
    normalized += sql[i] == '\r' ? '\n' : sql[i];
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(normalized.data(), normalized.size(), digest.data(), &length, EVP_sha256(),
                 nullptr) != 1) {
    throw Error(ErrorKind::permanent, "SHA-256 failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i)
    hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::vector<std::string> split_statements(std::string_view script, Backend backend) {
  const bool mysql = backend == Backend::mysql;
  std::vector<std::string> out;
  std::string current;
  const auto flush = [&] {
    const auto first = current.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
      const auto last = current.find_last_not_of(" \t\r\n");
      out.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
  };
  const auto n = script.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = script[i];
    const char next = i + 1 < n ? script[i + 1] : '\0';
    const bool dash_comment =
        c == '-' && next == '-' &&
        (!mysql || i + 2 >= n || script[i + 2] == ' ' || script[i + 2] == '\t' ||
         script[i + 2] == '\n' || script[i + 2] == '\r');
    if (dash_comment || (mysql && c == '#')) {
      while (i < n && script[i] != '\n')
        ++i;
      current += '\n';
    } else if (c == '/' && next == '*') {
      const auto end = script.find("*/", i + 2);
      const auto stop = end == std::string_view::npos ? n : end + 2;
      current.append(script.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '\'' || c == '"' || c == '`') {
      current += c;
      for (++i; i < n; ++i) {
        current += script[i];
        if (mysql && c != '`' && script[i] == '\\' && i + 1 < n) {
          current += script[++i];
        } else if (script[i] == c) {
          if (i + 1 < n && script[i + 1] == c) {
            current += script[++i];  // doubled quote inside the literal
          } else {
            break;
          }
        }
      }
    } else if (c == ';') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

std::vector<AppliedMigration> applied_migrations(Connection& c) {
  if (!list_tables(c).contains("schema_migrations")) return {};
  const auto rows = c.query(
      "SELECT version, name, checksum, applied_at, origin FROM schema_migrations "
      "ORDER BY version",
      {}, 5);
  std::vector<AppliedMigration> out;
  for (const auto& r : rows) {
    AppliedMigration a;
    a.version = std::stoi(r[0].value_or("0"));
    a.name = r[1].value_or("");
    a.checksum = r[2].value_or("");
    a.applied_at = parse_utc(r[3].value_or("1970-01-01 00:00:00"));
    a.origin = r[4].value_or("");
    out.push_back(std::move(a));
  }
  return out;
}

MigrationReport migrate(Connection& c, const std::vector<Migration>& migrations, TimePoint now) {
  MigrationReport report;
  MigrationLock lock(c);
  report.adopted_upstream = prepare_bookkeeping(c, migrations, now);
  verify(applied_migrations(c), migrations);
  for (const auto& m : migrations) {
    Transaction tx(c);
    // Re-read under the transaction: another process may have applied it meanwhile.
    const auto applied = applied_migrations(c);
    verify(applied, migrations);
    const bool done = std::any_of(applied.begin(), applied.end(), [&](const AppliedMigration& a) {
      return a.version == m.version;
    });
    if (!done) {
      apply_one(c, m, now);
      report.applied.push_back(
          {m.version, m.name, migration_checksum(m.sql), now, std::string("applied")});
    }
    tx.commit();
    if (!done) log::info("store", fmt::format("applied migration {}", label(m.version, m.name)));
  }
  const auto applied = applied_migrations(c);
  report.current_version = applied.empty() ? 0 : applied.back().version;
  return report;
}

void execute_script(Connection& c, std::string_view script) {
  for (const auto& statement : split_statements(script, c.backend()))
    c.execute_raw(statement);
}

}  // namespace curator::store::detail
