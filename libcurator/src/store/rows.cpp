#include "store/rows.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/core/json.hpp"
#include "curator/core/log.hpp"
#include "store/validate.hpp"

namespace curator::store::detail {
namespace {

[[noreturn]] void corrupt(std::string_view column, std::string_view why) {
  throw Error(ErrorKind::permanent, fmt::format("stored {} {}", column, why), "corrupt_row");
}

std::optional<json::value> stored_json(const Cell& cell, std::string_view what) {
  if (!cell) return std::nullopt;
  try {
    auto v = json::parse(*cell, what);
    if (v.is_null()) return std::nullopt;
    return v;
  } catch (const Error& e) {
    log::warning("store", fmt::format("ignoring unreadable stored {}: {}", what, e.what()));
    return std::nullopt;
  }
}

constexpr std::array<std::string_view, kRetryReasonCount> kAttemptColumns{
    "attempts_source",       "attempts_storage",   "attempts_hash_lock",
    "attempts_rate_limited", "attempts_transient", "attempts_lease_expired"};

}  // namespace

std::int64_t int_of(const Cell& cell, std::string_view column) {
  if (!cell) corrupt(column, "is NULL");
  std::int64_t v = 0;
  const auto& s = *cell;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc{}) corrupt(column, fmt::format("is not a number: '{}'", s));
  return v;
}

std::string text_of(const Cell& cell, std::string_view column) {
  if (!cell) corrupt(column, "is NULL");
  return *cell;
}

TimePoint time_of(const Cell& cell, std::string_view column) {
  if (!cell) corrupt(column, "is NULL");
  try {
    return parse_utc(*cell);
  } catch (const Error&) {
    corrupt(column, fmt::format("is not a date and time: '{}'", *cell));
  }
}

std::optional<TimePoint> optional_time_of(const Cell& cell, std::string_view column) {
  if (!cell) return std::nullopt;
  return time_of(cell, column);
}

bool bool_of(const Cell& cell, std::string_view column) {
  return int_of(cell, column) != 0;
}

std::optional<Label> label_of(const Cell& cell) {
  const auto v = stored_json(cell, "labels");
  if (!v) return std::nullopt;
  try {
    return label_from_json(*v);
  } catch (const Error& e) {
    log::warning("store", fmt::format("ignoring stored labels that are not a label: {}", e.what()));
    return std::nullopt;
  }
}

std::optional<StructuredError> error_of(const Cell& cell) {
  const auto v = stored_json(cell, "error");
  if (!v) return std::nullopt;
  return structured_error_from_json(*v);
}

std::string sql_time(TimePoint t) {
  return format_sql(t);
}
std::string label_json(const Label& label) {
  return json::serialize(to_json(label));
}
std::string error_json(const StructuredError& error) {
  return json::serialize(to_json(error));
}

Param optional_label_param(const std::optional<Label>& label) {
  return label ? Param{label_json(*label)} : Param{Null{}};
}
Param optional_error_param(const std::optional<StructuredError>& error) {
  return error ? Param{error_json(*error)} : Param{Null{}};
}
Param optional_time_param(const std::optional<TimePoint>& t) {
  return t ? Param{sql_time(*t)} : Param{Null{}};
}

User user_of(const Row& row, std::size_t i) {
  return User{text_of(row[i], "users.userid"), text_of(row[i + 1], "users.username"),
              time_of(row[i + 2], "users.created_at"), time_of(row[i + 3], "users.updated_at")};
}

Batch batch_of(const Row& row, std::size_t i) {
  return Batch{int_of(row[i], "batches.id"), text_of(row[i + 1], "batches.userid"), row[i + 2],
               time_of(row[i + 3], "batches.created_at"),
               time_of(row[i + 4], "batches.updated_at")};
}

UploadRequest upload_of(const Row& row, std::size_t i) {
  UploadRequest u;
  u.id = int_of(row[i], "upload_requests.id");
  u.batchid = int_of(row[i + 1], "upload_requests.batchid");
  u.userid = text_of(row[i + 2], "upload_requests.userid");
  const auto status = text_of(row[i + 3], "upload_requests.status");
  const auto parsed = parse_upload_status(status);
  if (!parsed)
    corrupt("upload_requests.status", fmt::format("of upload {} is unknown: '{}'", u.id, status));
  u.status = *parsed;
  u.key = text_of(row[i + 4], "upload_requests.key");
  u.handler = text_of(row[i + 5], "upload_requests.handler");
  u.collection = row[i + 6];
  u.access_token = row[i + 7];
  u.filename = text_of(row[i + 8], "upload_requests.filename");
  u.wikitext = text_of(row[i + 9], "upload_requests.wikitext");
  u.copyright_override = bool_of(row[i + 10], "upload_requests.copyright_override");
  u.labels = label_of(row[i + 11]);
  u.result = row[i + 12];
  u.error = error_of(row[i + 13]);
  u.success = row[i + 14];
  u.celery_task_id = row[i + 15];
  u.created_at = time_of(row[i + 16], "upload_requests.created_at");
  u.updated_at = time_of(row[i + 17], "upload_requests.updated_at");
  u.lease_owner = row[i + 18];
  u.lease_expires_at = optional_time_of(row[i + 19], "upload_requests.lease_expires_at");
  u.not_before = optional_time_of(row[i + 20], "upload_requests.not_before");
  for (std::size_t k = 0; k < kRetryReasonCount; ++k) {
    u.attempts.by_reason[k] =
        static_cast<std::int32_t>(int_of(row[i + 21 + k], kAttemptColumns[k]));
  }
  return u;
}

Preset preset_of(const Row& row, std::size_t i) {
  Preset p;
  p.id = int_of(row[i], "presets.id");
  p.userid = text_of(row[i + 1], "presets.userid");
  p.handler = text_of(row[i + 2], "presets.handler");
  p.title = text_of(row[i + 3], "presets.title");
  p.title_template = text_of(row[i + 4], "presets.title_template");
  p.labels = label_of(row[i + 5]);
  p.categories = row[i + 6];
  p.exclude_from_date_category = bool_of(row[i + 7], "presets.exclude_from_date_category");
  p.is_default = bool_of(row[i + 8], "presets.is_default");
  p.created_at = time_of(row[i + 9], "presets.created_at");
  p.updated_at = time_of(row[i + 10], "presets.updated_at");
  return p;
}

bool user_exists(Connection& c, std::string_view userid) {
  return c.query_int("SELECT COUNT(*) FROM users WHERE userid = ?", {std::string(userid)}) > 0;
}

Batch insert_batch(Connection& c, std::string_view userid, TimePoint now) {
  Batch b;
  b.userid = std::string(userid);
  b.edit_group_id = generate_edit_group_id();
  b.created_at = now;
  b.updated_at = now;
  c.execute(
      "INSERT INTO batches (userid, edit_group_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
      {b.userid, *b.edit_group_id, sql_time(now), sql_time(now)});
  b.id = c.last_insert_id();
  return b;
}

std::map<Id, BatchStats> batch_stats(Connection& c, const std::vector<Id>& ids) {
  std::map<Id, BatchStats> out;
  if (ids.empty()) return out;
  Params params(ids.begin(), ids.end());
  const auto rows = c.query(
      "SELECT batchid, COUNT(*),"
      " SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status IN ('duplicate', 'duplicated_sdc_updated',"
      " 'duplicated_sdc_not_updated') THEN 1 ELSE 0 END)"
      " FROM upload_requests WHERE batchid IN (" +
          parameter_list(ids.size()) + ") GROUP BY batchid",
      params, 8);
  for (const auto id : ids)
    out[id] = BatchStats{};
  for (const auto& r : rows) {
    BatchStats s;
    s.total = int_of(r[1], "total");
    s.queued = int_of(r[2], "queued");
    s.in_progress = int_of(r[3], "in_progress");
    s.completed = int_of(r[4], "completed");
    s.failed = int_of(r[5], "failed");
    s.cancelled = int_of(r[6], "cancelled");
    s.duplicate = int_of(r[7], "duplicate");
    out[int_of(r[0], "batchid")] = s;
  }
  return out;
}

std::string_view attempts_column(RetryReason reason) noexcept {
  return kAttemptColumns[static_cast<std::size_t>(reason)];
}

}  // namespace curator::store::detail
