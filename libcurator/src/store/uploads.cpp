// UploadRepository: creating slices and reading rows (transitions live in
// upload_transitions.cpp, admin and retry operations in upload_admin.cpp).
#include "curator/store/uploads.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "curator/core/error.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/upload_sql.hpp"
#include "store/where.hpp"

namespace curator::store {

using detail::Connection;
using detail::Params;

namespace {

// Worst case per row is about 66 KB (TEXT wikitext and token), so 50 rows stay well
// under MySQL's default max_allowed_packet (16 MiB) and SQLite's parameter limit.
constexpr std::size_t kRowsPerInsert = 50;

void check_item(std::size_t index, const NewUpload& item) {
  const auto field = [&](std::string_view name) { return fmt::format("item {}: {}", index, name); };
  detail::check_varchar(field("key"), item.key, 255, false);
  if (item.collection) detail::check_varchar(field("collection"), *item.collection, 255);
  detail::check_varchar(field("filename"), item.filename, 255, false);
  detail::check_text(field("wikitext"), item.wikitext);
  if (item.labels) detail::check_label(field("labels"), *item.labels);
}

detail::Where upload_where(const Connection& c, const UploadQuery& query) {
  detail::Where where;
  detail::add_substring_filter(where, query.filter,
                               {detail::cast_text(c, "r.id"), detail::cast_text(c, "r.batchid"),
                                "r.userid", "r.filename", "r.status"});
  if (!query.statuses.empty()) {
    Params statuses;
    for (const auto s : query.statuses)
      statuses.emplace_back(std::string(to_string(s)));
    auto clause = "r.status IN (" + detail::parameter_list(statuses.size()) + ")";
    where.add(std::move(clause), std::move(statuses));
  }
  if (query.date_from) {
    where.add("r.created_at >= ?", {detail::sql_time(TimePoint(*query.date_from))});
  }
  if (query.date_to) {
    const auto end = TimePoint(*query.date_to + std::chrono::days(1));
    where.add("r.created_at < ?", {detail::sql_time(end)});
  }
  return where;
}

void check_query(const UploadQuery& query) {
  if (query.statuses.size() > 8) {
    throw Error(ErrorKind::invalid_input, "too many statuses in the filter", "invalid_field");
  }
  if (query.date_from && query.date_to && *query.date_from > *query.date_to) {
    throw Error(ErrorKind::invalid_input, "date_from is after date_to", "invalid_field");
  }
  const auto in_range = [](std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    return ymd.year() >= std::chrono::year(1000) && ymd.year() <= std::chrono::year(9998);
  };
  if ((query.date_from && !in_range(*query.date_from)) ||
      (query.date_to && !in_range(*query.date_to))) {
    throw Error(ErrorKind::invalid_input, "dates must be between the years 1000 and 9998",
                "invalid_field");
  }
}

}  // namespace

UploadRepository::UploadRepository(const Database& db) : db_(DatabaseAccess::impl(db)) {}

namespace {

void check_slice(std::string_view userid, std::string_view handler,
                 const std::optional<std::string>& access_token, std::size_t count) {
  detail::check_varchar("userid", userid, 255, false);
  detail::check_varchar("handler", handler, 255, false);
  if (access_token) detail::check_text("access_token", *access_token);
  if (count > detail::kMaxIdsPerCall) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("too many uploads in one slice ({}, at most {})", count,
                            detail::kMaxIdsPerCall),
                "invalid_field");
  }
}

/// The rows of a slice, inside the caller's transaction; ids in item order.
/// `check_as_written` checks each statement's items just before it runs
/// (create_in_new_batch: the transaction undoes the batch as well).
std::vector<Id> insert_rows(Connection& c, Id batch_id, std::string_view userid,
                            std::string_view handler,
                            const std::optional<std::string>& access_token,
                            const std::vector<NewUpload>& items, const std::string& now,
                            bool check_as_written) {
  std::vector<Id> ids;
  ids.reserve(items.size());
  // Several rows per INSERT: ids of one statement are consecutive in SQLite (we hold
  // the write lock) and in InnoDB unless innodb_autoinc_lock_mode is 2 (interleaved),
  // where rows go one per statement and each reports its own id.
  const bool consecutive = !c.mysql() || c.query_int("SELECT @@innodb_autoinc_lock_mode", {}) <= 1;
  const std::size_t per_statement = consecutive ? kRowsPerInsert : 1;
  for (std::size_t first = 0; first < items.size(); first += per_statement) {
    const auto n = std::min(per_statement, items.size() - first);
    std::string sql =
        "INSERT INTO upload_requests (batchid, userid, status, `key`, handler, collection,"
        " access_token, filename, wikitext, copyright_override, labels, created_at, updated_at,"
        " not_before) VALUES ";
    Params params;
    params.reserve(n * 13);
    for (std::size_t i = first; i < first + n; ++i) {
      const auto& item = items[i];
      if (check_as_written) check_item(i, item);
      sql += i == first ? "" : ", ";
      sql += "(?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      for (auto& p :
           Params{batch_id, std::string(userid), item.key, std::string(handler),
                  detail::nullable(item.collection), detail::nullable(access_token), item.filename,
                  item.wikitext, std::int64_t{item.copyright_override ? 1 : 0},
                  detail::optional_label_param(item.labels), now, now,
                  detail::optional_time_param(item.not_before)}) {
        params.push_back(std::move(p));
      }
    }
    c.execute(sql, params);
    // MySQL reports the statement's first id, SQLite its last.
    const auto reported = c.last_insert_id();
    const auto start = c.mysql() ? reported : reported - static_cast<Id>(n) + 1;
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back(start + static_cast<Id>(i));
  }
  return ids;
}

[[noreturn]] void user_not_found(std::string_view userid) {
  throw Error(ErrorKind::not_found, fmt::format("User {} not found", userid), "user_not_found");
}

}  // namespace

std::vector<Id> UploadRepository::create(Id batch_id, std::string_view userid,
                                         std::string_view handler,
                                         const std::optional<std::string>& access_token,
                                         const std::vector<NewUpload>& items) {
  check_slice(userid, handler, access_token, items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    check_item(i, items[i]);
  if (!detail::usable_id(batch_id)) {
    throw Error(ErrorKind::not_found, fmt::format("Batch {} not found", batch_id),
                "batch_not_found");
  }
  const auto now = detail::sql_time(db_->now());
  std::vector<Id> ids;
  db_->run("creating uploads", [&](Connection& c) {
    detail::Transaction tx(c);
    if (c.query_int("SELECT COUNT(*) FROM batches WHERE id = ?", {batch_id}) == 0) {
      throw Error(ErrorKind::not_found, fmt::format("Batch {} not found", batch_id),
                  "batch_not_found");
    }
    if (!detail::user_exists(c, userid)) user_not_found(userid);
    ids = insert_rows(c, batch_id, userid, handler, access_token, items, now, false);
    tx.commit();
  });
  return ids;
}

CreatedRows UploadRepository::create_in_new_batch(std::string_view userid, std::string_view handler,
                                                  const std::optional<std::string>& access_token,
                                                  const std::vector<NewUpload>& items) {
  check_slice(userid, handler, access_token, items.size());
  const auto now = db_->now();
  CreatedRows out;
  db_->run("creating a batch with its uploads", [&](Connection& c) {
    detail::Transaction tx(c);
    if (!detail::user_exists(c, userid)) user_not_found(userid);
    out.batch = detail::insert_batch(c, userid, now);
    out.upload_ids = insert_rows(c, out.batch.id, userid, handler, access_token, items,
                                 detail::sql_time(now), true);
    tx.commit();
  });
  return out;
}

std::optional<UploadRequest> UploadRepository::find(Id id) {
  if (!detail::usable_id(id)) return std::nullopt;
  std::optional<UploadRequest> out;
  db_->run("reading an upload", [&](Connection& c) { out = detail::find_upload(c, id); });
  return out;
}

std::vector<UploadRequest> UploadRepository::list_for_batch(Id batch_id) {
  std::vector<UploadRequest> out;
  if (!detail::usable_id(batch_id)) return out;
  db_->run("listing a batch's uploads", [&](Connection& c) {
    const auto rows = c.query(detail::upload_select() + " WHERE r.batchid = ? ORDER BY r.id",
                              {batch_id}, detail::kUploadColumnCount);
    for (const auto& r : rows)
      out.push_back(detail::upload_of(r));
  });
  return out;
}

std::vector<UploadRequest> UploadRepository::list_all(PageRequest page, const UploadQuery& query) {
  const auto offset = detail::page_offset(page);
  check_query(query);
  std::vector<UploadRequest> out;
  db_->run("listing uploads", [&](Connection& c) {
    const auto where = upload_where(c, query);
    const auto rows =
        c.query(detail::upload_select() + where.sql() + " ORDER BY r.id DESC LIMIT ? OFFSET ?",
                where.params_with({page.limit, offset}), detail::kUploadColumnCount);
    for (const auto& r : rows)
      out.push_back(detail::upload_of(r));
  });
  return out;
}

std::int64_t UploadRepository::count_all(const UploadQuery& query) {
  check_query(query);
  std::int64_t n = 0;
  db_->run("counting uploads", [&](Connection& c) {
    const auto where = upload_where(c, query);
    n = c.query_int("SELECT COUNT(*) FROM upload_requests r" + where.sql(), where.params());
  });
  return n;
}

std::int64_t UploadRepository::count_active_for_user(std::string_view userid) {
  detail::check_varchar("userid", userid, 255);
  std::int64_t n = 0;
  db_->run("counting active uploads", [&](Connection& c) {
    n = c.query_int(
        "SELECT COUNT(*) FROM upload_requests WHERE userid = ? AND status IN ('queued', "
        "'in_progress')",
        {std::string(userid)});
  });
  return n;
}

UploadChanges UploadRepository::changed_since(ChangeCursor cursor, std::optional<Id> batch_id) {
  UploadChanges out;
  out.next = ChangeCursor{std::max(cursor.since, db_->now() - db_->options.change_overlap)};
  if (batch_id && !detail::usable_id(*batch_id)) return out;
  const auto since = detail::sql_time(std::chrono::floor<std::chrono::seconds>(cursor.since));
  db_->run("reading changed uploads", [&](Connection& c) {
    detail::Where where;
    where.add("r.updated_at >= ?", {since});
    if (batch_id) where.add("r.batchid = ?", {*batch_id});
    const auto rows = c.query(detail::upload_select() + where.sql() + " ORDER BY r.id",
                              where.params(), detail::kUploadColumnCount);
    for (const auto& r : rows)
      out.uploads.push_back(detail::upload_of(r));
  });
  return out;
}

}  // namespace curator::store
