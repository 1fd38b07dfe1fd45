#include "curator/store/database.hpp"

#include <fmt/format.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <mutex>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "store/database_impl.hpp"
#include "store/embedded_migrations.hpp"
#include "store/migrator.hpp"

namespace curator::store {
namespace {

/// A value for SOCI's MySQL connection string: single-quoted, `\` and `'` escaped.
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string mysql_connect_string(const DatabaseUrl& url) {
  auto s = fmt::format("db={} user={} password={} charset=utf8mb4", quoted(url.database),
                       quoted(url.user), quoted(url.password));
  if (url.unix_socket) {
    s += " unix_socket=" + quoted(*url.unix_socket);
  } else {
    s += fmt::format(" host={} port={}", quoted(url.host), url.port);
  }
  return s;
}

void init_mysql(soci::session& session) {
  detail::Connection c(session, Backend::mysql, "setting up a MySQL connection");
  c.execute_raw("SET time_zone = '+00:00'");
  // Strict mode: oversize or invalid values are errors, never silent truncation.
  c.execute_raw(
      "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
  // Comparisons with literals use the columns' collation (case-insensitive, as upstream).
  c.execute_raw("SET NAMES utf8mb4 COLLATE utf8mb4_general_ci");
}

void init_sqlite(soci::session& session, std::chrono::milliseconds busy_timeout, bool file) {
  auto* be = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  sqlite_api::sqlite3_extended_result_codes(be->conn_, 1);
  detail::Connection c(session, Backend::sqlite, "setting up an SQLite connection");
  c.execute_raw(fmt::format("PRAGMA busy_timeout = {}", busy_timeout.count()));
  c.execute_raw("PRAGMA foreign_keys = ON");
  if (file) {
    c.execute_raw("PRAGMA journal_mode = WAL");
    c.execute_raw("PRAGMA synchronous = NORMAL");
  }
}

// The client library initialises itself lazily in mysql_init(); do it once, up front,
// before threads open connections concurrently.
void init_mysql_library() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

bool mysql_alive(soci::session& session) {
  auto* be = static_cast<soci::mysql_session_backend*>(session.get_backend());
  return mysql_ping(be->conn_) == 0;
}

[[noreturn]] void connect_failed(Backend backend, const std::string& redacted,
                                 const std::exception& e) {
  if (const auto* err = dynamic_cast<const Error*>(&e)) throw *err;
  ErrorKind kind = backend == Backend::mysql ? ErrorKind::transient : ErrorKind::permanent;
  if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    if (m->err_num_ == 1044 || m->err_num_ == 1045) kind = ErrorKind::auth;
    if (m->err_num_ == 1049) kind = ErrorKind::not_found;  // unknown database
  }
  throw Error(kind, fmt::format("cannot open the database {}: {}", redacted, e.what()),
              "database_connect");
}

}  // namespace

std::string_view to_string(Backend backend) noexcept {
  return backend == Backend::mysql ? "mysql" : "sqlite";
}

TimePoint Database::Impl::now() const {
  return std::chrono::floor<std::chrono::seconds>(options.clock());
}

void Database::Impl::run(std::string_view what,
                         const std::function<void(detail::Connection&)>& body) const {
  auto lease = pool->acquire();
  detail::Connection connection(lease.session(), backend, what);
  try {
    body(connection);
  } catch (...) {
    if (connection.broken()) lease.discard();
    throw;
  }
}

Database Database::open(std::string_view url, DatabaseOptions options) {
  const auto parsed = parse_database_url(url, "database URL");
  auto impl = std::make_shared<Impl>();
  impl->backend = parsed.kind == DatabaseUrl::Kind::mysql ? Backend::mysql : Backend::sqlite;
  impl->redacted_url = log::redact_url(url);
  if (!options.clock) options.clock = [] { return now_utc_seconds(); };
  if (options.change_overlap < std::chrono::seconds(0)) {
    throw Error(ErrorKind::invalid_input, "change_overlap must not be negative");
  }

  detail::SessionPool::Factory factory;
  detail::SessionPool::Validator validator;
  std::size_t size = options.pool_size;
  const auto redacted = impl->redacted_url;
  if (impl->backend == Backend::sqlite) {
    if (parsed.path.find('"') != std::string::npos) {
      throw Error(ErrorKind::invalid_input, "the SQLite path must not contain '\"'");
    }
    const bool file = parsed.path != ":memory:";
    if (!file) size = 1;  // every connection to :memory: would be a separate database
    const auto connect = fmt::format("db=\"{}\"", parsed.path);
    const auto busy = options.busy_timeout;
    factory = [connect, busy, file, redacted] {
      try {
        auto session = std::make_unique<soci::session>(soci::sqlite3, connect);
        init_sqlite(*session, busy, file);
        return session;
      } catch (const std::exception& e) {
        connect_failed(Backend::sqlite, redacted, e);
      }
    };
  } else {
    init_mysql_library();
    const auto connect = mysql_connect_string(parsed);
    factory = [connect, redacted] {
      try {
        auto session = std::make_unique<soci::session>(soci::mysql, connect);
        init_mysql(*session);
        return session;
      } catch (const std::exception& e) {
        connect_failed(Backend::mysql, redacted, e);
      }
    };
    // The server closes idle connections (wait_timeout); check before reuse.
    validator = mysql_alive;
  }
  impl->pool = std::make_unique<detail::SessionPool>(std::move(factory), size,
                                                     options.acquire_timeout, std::move(validator));
  impl->options = std::move(options);
  impl->run("connecting", [](detail::Connection&) {});
  return Database(std::move(impl));
}

Database::Database(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Backend Database::backend() const noexcept {
  return impl_->backend;
}
const std::string& Database::redacted_url() const noexcept {
  return impl_->redacted_url;
}
TimePoint Database::now() const {
  return impl_->now();
}

MigrationReport Database::migrate() {
  MigrationReport report;
  const auto migrations = detail::embedded_for(impl_->backend);
  const auto now = impl_->now();
  impl_->run("migrating the schema",
             [&](detail::Connection& c) { report = detail::migrate(c, migrations, now); });
  return report;
}

std::vector<AppliedMigration> Database::applied_migrations() const {
  std::vector<AppliedMigration> out;
  impl_->run("reading schema_migrations",
             [&](detail::Connection& c) { out = detail::applied_migrations(c); });
  return out;
}

int Database::latest_version() const noexcept {
  int latest = 0;
  for (const auto& m : detail::embedded_migrations()) {
    if (m.dialect == to_string(impl_->backend)) latest = std::max(latest, m.version);
  }
  return latest;
}

}  // namespace curator::store
