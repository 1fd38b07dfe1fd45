// UploadRepository: failed uploads grouped per batch (the admin failed-uploads view).
// The error category is computed in SQL from the JSON error, as upstream does, so that
// filtering, sorting and paging happen in the database.
#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/store/uploads.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/where.hpp"

namespace curator::store {

using detail::Connection;
using detail::Params;

namespace {

/// CASE expression classifying r.error (see upstream-surface.md §2.4): duplicate
/// types first, then the first keyword group found in the lowercased message.
std::string category_sql(const Connection& c) {
  const std::string type = c.mysql() ? "JSON_UNQUOTE(JSON_EXTRACT(r.error, '$.type'))"
                                     : "json_extract(r.error, '$.type')";
  const std::string message =
      c.mysql() ? "LOWER(COALESCE(JSON_UNQUOTE(JSON_EXTRACT(r.error, '$.message')), ''))"
                : "LOWER(COALESCE(json_extract(r.error, '$.message'), ''))";
  const auto any = [&](std::initializer_list<std::string_view> words) {
    std::string out;
    for (const auto w : words) {
      if (!out.empty()) out += " OR ";
      out += fmt::format("{} LIKE '%{}%'", message, w);
    }
    return out;
  };
  return fmt::format(
      "(CASE WHEN r.error IS NULL OR NOT JSON_VALID(r.error) THEN 'other'"
      " WHEN {} IN ('duplicate', 'duplicated_sdc_updated', 'duplicated_sdc_not_updated')"
      " THEN 'duplicate'"
      " WHEN {} THEN 'rate_limit' WHEN {} THEN 'timeout' WHEN {} THEN 'auth'"
      " WHEN {} THEN 'network' ELSE 'other' END)",
      type, any({"429", "rate limit", "too many requests"}),
      any({"timeout", "timed out", "connection timeout"}),
      any({"401", "403", "unauthorized", "forbidden"}),
      any({"connection error", "network unreachable", "dns"}));
}

struct GroupQuery {
  std::string sql;  // without ORDER BY / LIMIT
  Params params;
};

/// Failed rows (with the handler and category filters) grouped per batch, with the
/// search applied to the groups (HAVING), so counts still cover every failed upload.
GroupQuery group_query(const Connection& c, const FailedUploadsQuery& q) {
  const auto category = category_sql(c);
  detail::Where where;
  where.add("r.status = 'failed'");
  if (q.handler) where.add("r.handler = ?", {*q.handler});
  if (q.error_type) where.add(category + " = ?", {std::string(to_string(*q.error_type))});
  GroupQuery out;
  out.sql =
      "SELECT b.id, b.created_at, b.edit_group_id, b.userid,"
      " COALESCE(u.username, 'Unknown') AS username, COUNT(r.id) AS failed_count,"
      " MAX(r.handler), MIN(" +
      category +
      ") AS min_category"
      " FROM upload_requests r JOIN batches b ON b.id = r.batchid"
      " LEFT JOIN users u ON u.userid = b.userid" +
      where.sql() + " GROUP BY b.id, b.created_at, b.edit_group_id, b.userid, u.username";
  out.params = where.params();
  if (const auto pattern = detail::like_pattern(q.search)) {
    out.sql += " HAVING u.username LIKE ? ESCAPE '!' OR " + detail::cast_text(c, "b.id") +
               " LIKE ? ESCAPE '!' OR SUM(CASE WHEN r.filename LIKE ? ESCAPE '!' THEN 1 ELSE 0 "
               "END) > 0";
    out.params.insert(out.params.end(), 3, *pattern);
  }
  return out;
}

std::string_view order_by(FailedUploadsSort sort) {
  switch (sort) {
    case FailedUploadsSort::batch_size:
      return " ORDER BY failed_count DESC, b.id DESC";
    case FailedUploadsSort::error_type:
      return " ORDER BY min_category ASC, b.id DESC";
    case FailedUploadsSort::user:
      return " ORDER BY username ASC, b.id DESC";
    case FailedUploadsSort::recent:
      break;
  }
  return " ORDER BY b.created_at DESC, b.id DESC";
}

void check(const FailedUploadsQuery& q) {
  if (q.handler) detail::check_varchar("handler", *q.handler, 255);
}

}  // namespace

std::vector<FailedBatch> UploadRepository::failed_batches(PageRequest page,
                                                          const FailedUploadsQuery& query) {
  const auto offset = detail::page_offset(page);
  check(query);
  std::vector<FailedBatch> out;
  db_->run("listing failed uploads", [&](Connection& c) {
    const auto g = group_query(c, query);
    Params params = g.params;
    params.emplace_back(page.limit);
    params.emplace_back(offset);
    const auto groups =
        c.query(g.sql + std::string(order_by(query.sort)) + " LIMIT ? OFFSET ?", params, 8);
    if (groups.empty()) return;
    std::vector<Id> ids;
    std::map<Id, std::size_t> index;
    for (const auto& r : groups) {
      FailedBatch f;
      f.batch_id = detail::int_of(r[0], "batches.id");
      f.created_at = detail::time_of(r[1], "batches.created_at");
      f.edit_group_id = r[2];
      f.userid = detail::text_of(r[3], "batches.userid");
      f.username = detail::text_of(r[4], "users.username");
      f.failed_count = detail::int_of(r[5], "failed_count");
      f.handler = r[6].value_or("");
      index[f.batch_id] = out.size();
      ids.push_back(f.batch_id);
      out.push_back(std::move(f));
    }
    const auto stats = detail::batch_stats(c, ids);
    for (auto& f : out)
      f.total_uploads = stats.at(f.batch_id).total;

    const auto category = category_sql(c);
    detail::Where where;
    where.add("r.batchid IN (" + detail::parameter_list(ids.size()) + ")",
              Params(ids.begin(), ids.end()));
    where.add("r.status = 'failed'");
    if (query.handler) where.add("r.handler = ?", {*query.handler});
    if (query.error_type) where.add(category + " = ?", {std::string(to_string(*query.error_type))});
    const auto rows = c.query(
        "SELECT r.id, r.batchid, r.filename, r.handler, r.error, r.created_at, " + category +
            " FROM upload_requests r" + where.sql() + " ORDER BY r.batchid, r.id",
        where.params(), 7);
    for (const auto& r : rows) {
      FailedUpload u;
      u.id = detail::int_of(r[0], "upload_requests.id");
      u.filename = detail::text_of(r[2], "upload_requests.filename");
      u.handler = detail::text_of(r[3], "upload_requests.handler");
      u.error = detail::error_of(r[4]);
      u.created_at = detail::time_of(r[5], "upload_requests.created_at");
      u.category = parse_error_category(r[6].value_or("other")).value_or(ErrorCategory::other);
      out[index.at(detail::int_of(r[1], "upload_requests.batchid"))].uploads.push_back(
          std::move(u));
    }
  });
  return out;
}

std::int64_t UploadRepository::count_failed_batches(const FailedUploadsQuery& query) {
  check(query);
  std::int64_t n = 0;
  db_->run("counting failed uploads", [&](Connection& c) {
    const auto g = group_query(c, query);
    n = c.query_int("SELECT COUNT(*) FROM (" + g.sql + ") t", g.params);
  });
  return n;
}

}  // namespace curator::store
