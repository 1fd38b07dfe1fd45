#include "curator/store/batches.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "curator/core/error.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/where.hpp"

namespace curator::store {

using detail::Connection;
using detail::Params;

namespace {

// A batch row plus its owner's username ("Unknown" when the user row is missing).
const std::string kSummarySelect = std::string("SELECT ") + std::string(detail::kBatchColumns) +
                                   ", COALESCE(u.username, 'Unknown')"
                                   " FROM batches b LEFT JOIN users u ON u.userid = b.userid";
constexpr std::size_t kSummaryColumns = detail::kBatchColumnCount + 1;

void check_scope(const BatchScope& scope) {
  if (scope.userid) detail::check_varchar("userid", *scope.userid, 255);
}

/// The scope as conditions on batches b (joined to users u).
detail::Where scope_where(const Connection& c, const BatchScope& scope,
                          std::string_view userid_column = "b.userid") {
  detail::Where where;
  if (scope.userid) where.add(std::string(userid_column) + " = ?", {*scope.userid});
  detail::add_substring_filter(where, scope.filter, {detail::cast_text(c, "b.id"), "u.username"});
  return where;
}

std::vector<BatchSummary> with_stats(Connection& c, const std::vector<detail::Row>& rows) {
  std::vector<BatchSummary> out;
  std::vector<Id> ids;
  for (const auto& r : rows) {
    BatchSummary s;
    s.batch = detail::batch_of(r);
    s.username = detail::text_of(r[detail::kBatchColumnCount], "users.username");
    ids.push_back(s.batch.id);
    out.push_back(std::move(s));
  }
  const auto stats = detail::batch_stats(c, ids);
  for (auto& s : out)
    s.stats = stats.at(s.batch.id);
  return out;
}

std::optional<TimePoint> max_time(Connection& c, const std::string& sql, const Params& params) {
  const auto row = c.query_one(sql, params, 1);
  if (!row || !(*row)[0]) return std::nullopt;
  return detail::time_of((*row)[0], "updated_at");
}

}  // namespace

BatchRepository::BatchRepository(const Database& db) : db_(DatabaseAccess::impl(db)) {}

Batch BatchRepository::create(std::string_view userid) {
  detail::check_varchar("userid", userid, 255, false);
  const auto now = db_->now();
  Batch out;
  db_->run("creating a batch", [&](Connection& c) {
    detail::Transaction tx(c);
    if (!detail::user_exists(c, userid)) {
      throw Error(ErrorKind::not_found, fmt::format("User {} not found", userid), "user_not_found");
    }
    out = detail::insert_batch(c, userid, now);
    tx.commit();
  });
  return out;
}

std::optional<Batch> BatchRepository::find(Id id) {
  if (!detail::usable_id(id)) return std::nullopt;
  std::optional<Batch> out;
  db_->run("reading a batch", [&](Connection& c) {
    const auto row = c.query_one(std::string("SELECT ") + std::string(detail::kBatchColumns) +
                                     " FROM batches b WHERE b.id = ?",
                                 {id}, detail::kBatchColumnCount);
    if (row) out = detail::batch_of(*row);
  });
  return out;
}

std::optional<BatchSummary> BatchRepository::summary(Id id) {
  if (!detail::usable_id(id)) return std::nullopt;
  std::optional<BatchSummary> out;
  db_->run("reading a batch", [&](Connection& c) {
    const auto rows = c.query(kSummarySelect + " WHERE b.id = ?", {id}, kSummaryColumns);
    auto summaries = with_stats(c, rows);
    if (!summaries.empty()) out = std::move(summaries.front());
  });
  return out;
}

std::vector<BatchSummary> BatchRepository::list(PageRequest page, const BatchScope& scope) {
  const auto offset = detail::page_offset(page);
  check_scope(scope);
  std::vector<BatchSummary> out;
  db_->run("listing batches", [&](Connection& c) {
    const auto where = scope_where(c, scope);
    const auto rows = c.query(
        kSummarySelect + where.sql() + " ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?",
        where.params_with({page.limit, offset}), kSummaryColumns);
    out = with_stats(c, rows);
  });
  return out;
}

std::int64_t BatchRepository::count(const BatchScope& scope) {
  check_scope(scope);
  std::int64_t n = 0;
  db_->run("counting batches", [&](Connection& c) {
    const auto where = scope_where(c, scope);
    n = c.query_int(
        "SELECT COUNT(*) FROM batches b LEFT JOIN users u ON u.userid = b.userid" + where.sql(),
        where.params());
  });
  return n;
}

std::vector<BatchSummary> BatchRepository::summaries(const std::vector<Id>& ids) {
  const auto usable = detail::usable_ids(ids);
  std::vector<BatchSummary> out;
  if (usable.empty()) return out;
  db_->run("reading batches", [&](Connection& c) {
    const auto rows = c.query(kSummarySelect + " WHERE b.id IN (" +
                                  detail::parameter_list(usable.size()) + ") ORDER BY b.id DESC",
                              Params(usable.begin(), usable.end()), kSummaryColumns);
    out = with_stats(c, rows);
  });
  return out;
}

std::map<Id, BatchStats> BatchRepository::stats(const std::vector<Id>& ids) {
  const auto usable = detail::usable_ids(ids);
  std::map<Id, BatchStats> out;
  db_->run("counting uploads per batch",
           [&](Connection& c) { out = detail::batch_stats(c, usable); });
  for (const auto id : ids)
    out.try_emplace(id);
  return out;
}

std::int64_t BatchRepository::count_uploads(Id batch_id) {
  if (!detail::usable_id(batch_id)) return 0;
  std::int64_t n = 0;
  db_->run("counting a batch's uploads", [&](Connection& c) {
    n = c.query_int("SELECT COUNT(*) FROM upload_requests WHERE batchid = ?", {batch_id});
  });
  return n;
}

std::optional<TimePoint> BatchRepository::latest_update_time(const BatchScope& scope) {
  check_scope(scope);
  std::optional<TimePoint> out;
  db_->run("reading the latest change", [&](Connection& c) {
    const auto batches = scope_where(c, scope);
    const auto uploads = scope_where(c, scope, "r.userid");
    const auto a = max_time(
        c,
        "SELECT MAX(b.updated_at) FROM batches b LEFT JOIN users u ON u.userid = b.userid" +
            batches.sql(),
        batches.params());
    const auto b = max_time(c,
                            "SELECT MAX(r.updated_at) FROM upload_requests r"
                            " JOIN batches b ON b.id = r.batchid"
                            " LEFT JOIN users u ON u.userid = b.userid" +
                                uploads.sql(),
                            uploads.params());
    if (a && b) {
      out = std::max(*a, *b);
    } else {
      out = a ? a : b;
    }
  });
  return out;
}

BatchChanges BatchRepository::changed_since(ChangeCursor cursor, const BatchScope& scope) {
  check_scope(scope);
  BatchChanges out;
  // The clock is read before the query: anything stamped from now - overlap on is
  // read again next time, whether or not this query saw it.
  out.next = ChangeCursor{std::max(cursor.since, db_->now() - db_->options.change_overlap)};
  const auto since = detail::sql_time(std::chrono::floor<std::chrono::seconds>(cursor.since));
  db_->run("reading changed batches", [&](Connection& c) {
    auto uploads = scope_where(c, scope);
    uploads.add("r.updated_at >= ?", {since});
    auto batches = scope_where(c, scope);
    batches.add("b.updated_at >= ?", {since});
    Params params = uploads.params();
    for (const auto& p : batches.params())
      params.push_back(p);
    const auto rows = c.query(
        "SELECT DISTINCT r.batchid FROM upload_requests r JOIN batches b ON b.id = r.batchid"
        " LEFT JOIN users u ON u.userid = b.userid" +
            uploads.sql() +
            " UNION SELECT b.id FROM batches b LEFT JOIN users u ON u.userid = b.userid" +
            batches.sql() + " ORDER BY 1",
        params, 1);
    for (const auto& r : rows)
      out.batch_ids.push_back(detail::int_of(r[0], "batchid"));
  });
  return out;
}

ChangeCursor BatchRepository::cursor_now() {
  return ChangeCursor{db_->now() - db_->options.change_overlap};
}

}  // namespace curator::store
