#pragma once
// One pooled database connection as the repositories see it: `?` parameter markers bound
// from a list of values, every column read as text (the one representation both
// backends share), affected-row counts, raw statements for migrations, and
// transactions that take the write lock up front. SOCI errors never escape: they
// become curator::Error with a kind (busy/deadlock → transient, unique key →
// duplicate, bad value → invalid_input).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "curator/store/database.hpp"

namespace soci {
class session;
}

namespace curator::store::detail {

struct Null {};
using Param = std::variant<Null, std::int64_t, std::string>;
using Params = std::vector<Param>;
using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

/// A string parameter that is NULL when absent.
inline Param nullable(const std::optional<std::string>& v) {
  return v ? Param{*v} : Param{Null{}};
}

class Connection {
 public:
  Connection(soci::session& session, Backend backend, std::string_view what)
      : session_(session), backend_(backend), what_(what) {}

  Backend backend() const noexcept { return backend_; }
  bool mysql() const noexcept { return backend_ == Backend::mysql; }
  /// True once an error showed the connection itself is unusable (server gone).
  bool broken() const noexcept { return broken_; }

  /// Runs a SELECT whose `?` parameter markers take `params` in order; reads `columns`
  /// columns of every row as text (NULL → nullopt).
  std::vector<Row> query(std::string_view sql, const Params& params, std::size_t columns);
  std::optional<Row> query_one(std::string_view sql, const Params& params, std::size_t columns);
  /// The first column of the first row as an integer (COUNT, MAX, ...); 0 when NULL.
  std::int64_t query_int(std::string_view sql, const Params& params);
  /// Runs a statement; returns the rows it changed (MySQL counts changed, not matched).
  std::int64_t execute(std::string_view sql, const Params& params);
  /// The id the last INSERT on this connection generated.
  std::int64_t last_insert_id();
  /// Runs one statement as is, without parameter marker parsing (migrations, set-up).
  void execute_raw(std::string_view statement);

 private:
  friend class Transaction;
  [[noreturn]] void fail(const std::exception& e);
  /// Runs `attempt`, retrying a statement that InnoDB chose as a deadlock victim when it
  /// ran on its own (inside a transaction the whole transaction is gone: rethrown).
  template <typename F>
  auto retrying(F&& attempt) -> decltype(attempt());

  soci::session& session_;
  Backend backend_;
  std::string_view what_;
  bool broken_ = false;
  bool in_transaction_ = false;
};

/// A write transaction: BEGIN IMMEDIATE on SQLite (the write lock now, so no upgrade
/// deadlock later), START TRANSACTION on MySQL. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

/// `?` → `:p1`, `:p2`, ... outside quotes, identifiers and comments (SOCI's syntax).
std::string number_parameters(std::string_view sql);

}  // namespace curator::store::detail
