#include "store/connection.hpp"

#include <fmt/format.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <charconv>
#include <chrono>
#include <deque>
#include <thread>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::store::detail {
namespace {

// SQLite primary and extended result codes (sqlite3.h), kept here so the mapping
// reads as a table.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteNoMem = 7;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteTooBig = 18;
constexpr int kSqliteConstraint = 19;
constexpr int kSqliteMismatch = 20;
constexpr int kSqliteConstraintPrimaryKey = 1555;
constexpr int kSqliteConstraintUnique = 2067;

Error translate_sqlite(int code, std::string_view what, std::string_view message) {
  const int primary = code & 0xff;
  const auto text = fmt::format("database error while {}: {}", what, message);
  switch (primary) {
    case kSqliteBusy:
    case kSqliteLocked:
      return Error(ErrorKind::transient, text, "database_busy");
    case kSqliteConstraint:
      if (code == kSqliteConstraintUnique || code == kSqliteConstraintPrimaryKey) {
        return Error(ErrorKind::duplicate, text, "duplicate_key");
      }
      return Error(ErrorKind::invalid_input, text, "constraint");
    case kSqliteTooBig:
    case kSqliteMismatch:
      return Error(ErrorKind::invalid_input, text, "bad_value");
    case kSqliteNoMem:
    case kSqliteIoErr:
    case kSqliteFull:
      return Error(ErrorKind::transient, text, "database_io");
    case kSqliteCantOpen:
      return Error(ErrorKind::permanent, text, "database_open");
    default:
      return Error(ErrorKind::permanent, text, "database");
  }
}

Error translate_mysql(unsigned code, std::string_view what, std::string_view message) {
  const auto text = fmt::format("database error while {}: {}", what, message);
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
      return Error(ErrorKind::duplicate, text, "duplicate_key");
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
      return Error(ErrorKind::transient, text, "database_busy");
    case 1048:  // ER_BAD_NULL_ERROR
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1292:  // ER_TRUNCATED_WRONG_VALUE
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. invalid utf8mb4)
    case 1406:  // ER_DATA_TOO_LONG
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 3819:  // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    case 4025:  // ER_CONSTRAINT_FAILED (MariaDB CHECK)
      return Error(ErrorKind::invalid_input, text, "bad_value");
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
      return Error(ErrorKind::auth, text, "database_access");
    default:
      if (code >= 2000 && code < 3000) {  // client errors: connection refused, lost, gone
        return Error(ErrorKind::transient, text, "database_connection");
      }
      return Error(ErrorKind::permanent, text, "database");
  }
}

struct Bindings {
  std::deque<std::string> strings;
  std::deque<long long> ints;
  std::deque<soci::indicator> indicators;
};

void bind_params(soci::statement& st, const Params& params, Bindings& b) {
  for (const auto& p : params) {
    if (const auto* i = std::get_if<std::int64_t>(&p)) {
      b.ints.push_back(*i);
      b.indicators.push_back(soci::i_ok);
      st.exchange(soci::use(b.ints.back(), b.indicators.back()));
    } else if (const auto* s = std::get_if<std::string>(&p)) {
      b.strings.push_back(*s);
      b.indicators.push_back(soci::i_ok);
      st.exchange(soci::use(b.strings.back(), b.indicators.back()));
    } else {
      b.strings.emplace_back();
      b.indicators.push_back(soci::i_null);
      st.exchange(soci::use(b.strings.back(), b.indicators.back()));
    }
  }
}

}  // namespace

std::string number_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      const auto end = sql.find(c, i + 1);
      const auto stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const auto end = sql.find('\n', i);
      const auto stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += fmt::format(":p{}", ++n);
    } else {
      out += c;
    }
  }
  return out;
}

template <typename F>
auto Connection::retrying(F&& attempt) -> decltype(attempt()) {
  constexpr int kAttempts = 4;
  for (int n = 1;; ++n) {
    try {
      return attempt();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e);
      const bool deadlock = m != nullptr && m->err_num_ == 1213;  // ER_LOCK_DEADLOCK
      if (!deadlock || in_transaction_ || n == kAttempts) fail(e);
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * n));
    }
  }
}

void Connection::fail(const std::exception& e) {
  if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    if (m->get_error_category() == soci::soci_error::connection_error ||
        (m->err_num_ >= 2000 && m->err_num_ < 3000)) {
      broken_ = true;
    }
    throw translate_mysql(m->err_num_, what_, m->get_error_message());
  }
  if (const auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    throw translate_sqlite(s->result(), what_, s->get_error_message());
  }
  if (const auto* s = dynamic_cast<const soci::soci_error*>(&e)) {
    if (s->get_error_category() == soci::soci_error::connection_error) broken_ = true;
    throw Error(ErrorKind::permanent,
                fmt::format("database error while {}: {}", what_, s->get_error_message()),
                "database");
  }
  throw Error(ErrorKind::permanent, fmt::format("database error while {}: {}", what_, e.what()),
              "database");
}

std::vector<Row> Connection::query(std::string_view sql, const Params& params,
                                   std::size_t columns) {
  const auto text = number_parameters(sql);
  return retrying([&] {
    std::vector<Row> rows;
    soci::statement st(session_);
    Bindings b;
    bind_params(st, params, b);
    std::vector<std::string> values(columns);
    std::vector<soci::indicator> indicators(columns, soci::i_ok);
    for (std::size_t i = 0; i < columns; ++i)
      st.exchange(soci::into(values[i], indicators[i]));
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
    for (bool more = st.execute(true); more; more = st.fetch()) {
      Row row(columns);
      for (std::size_t i = 0; i < columns; ++i) {
        if (indicators[i] != soci::i_null) row[i] = values[i];
      }
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

std::optional<Row> Connection::query_one(std::string_view sql, const Params& params,
                                         std::size_t columns) {
  auto rows = query(sql, params, columns);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::int64_t Connection::query_int(std::string_view sql, const Params& params) {
  const auto row = query_one(sql, params, 1);
  if (!row || !(*row)[0]) return 0;
  const auto& text = *(*row)[0];
  std::int64_t v = 0;
  // Aggregates may come back as "12" or "12.0" depending on the backend.
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc{}) {
    throw Error(ErrorKind::permanent,
                fmt::format("database error while {}: expected a number, got '{}'", what_, text));
  }
  return v;
}

std::int64_t Connection::execute(std::string_view sql, const Params& params) {
  const auto text = number_parameters(sql);
  return retrying([&]() -> std::int64_t {
    soci::statement st(session_);
    Bindings b;
    bind_params(st, params, b);
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
    st.execute(true);
    return st.get_affected_rows();
  });
}

std::int64_t Connection::last_insert_id() {
  if (backend_ == Backend::sqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
    return sqlite_api::sqlite3_last_insert_rowid(be->conn_);
  }
  auto* be = static_cast<soci::mysql_session_backend*>(session_.get_backend());
  return static_cast<std::int64_t>(mysql_insert_id(be->conn_));
}

void Connection::execute_raw(std::string_view statement) {
  if (backend_ == Backend::sqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(session_.get_backend());
    const std::string text(statement);
    char* message = nullptr;
    const int rc = sqlite_api::sqlite3_exec(be->conn_, text.c_str(), nullptr, nullptr, &message);
    if (rc != 0) {
      const std::string detail = message != nullptr ? message : "unknown error";
      sqlite_api::sqlite3_free(message);
      throw translate_sqlite(sqlite_api::sqlite3_extended_errcode(be->conn_), what_, detail);
    }
    return;
  }
  auto* be = static_cast<soci::mysql_session_backend*>(session_.get_backend());
  if (mysql_real_query(be->conn_, statement.data(), statement.size()) != 0) {
    const unsigned code = mysql_errno(be->conn_);
    if (code >= 2000 && code < 3000) broken_ = true;
    throw translate_mysql(code, what_, mysql_error(be->conn_));
  }
  // Drain every result so the connection is ready for the next statement.
  do {
    if (MYSQL_RES* res = mysql_store_result(be->conn_)) mysql_free_result(res);
  } while (mysql_next_result(be->conn_) == 0);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute_raw(connection_.mysql() ? "START TRANSACTION" : "BEGIN IMMEDIATE");
  connection_.in_transaction_ = true;
}

Transaction::~Transaction() {
  connection_.in_transaction_ = false;
  if (!open_) return;
  try {
    connection_.execute_raw("ROLLBACK");
  } catch (const std::exception& e) {
    // The connection is probably gone; the server rolls back on its own.
    log::warning("store", fmt::format("rollback failed: {}", e.what()));
  }
}

void Transaction::commit() {
  connection_.execute_raw("COMMIT");
  open_ = false;
  connection_.in_transaction_ = false;
}

}  // namespace curator::store::detail
