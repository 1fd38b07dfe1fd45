#pragma once
// Column lists and decoders shared by the repositories: every SELECT of a table names
// the same columns in the same order, and each row (all columns read as text) turns
// into a record here. Stored JSON is read leniently: a value that is not a Label or a
// StructuredError reads as absent (and is logged), as upstream exposes it as null.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/store/records.hpp"
#include "store/connection.hpp"

namespace curator::store::detail {

// Table aliases used with these lists: users u, batches b, upload_requests r, presets p.
inline constexpr std::string_view kUserColumns = "u.userid, u.username, u.created_at, u.updated_at";
inline constexpr std::size_t kUserColumnCount = 4;
inline constexpr std::string_view kBatchColumns =
    "b.id, b.userid, b.edit_group_id, b.created_at, b.updated_at";
inline constexpr std::size_t kBatchColumnCount = 5;
inline constexpr std::string_view kUploadColumns =
    "r.id, r.batchid, r.userid, r.status, r.`key`, r.handler, r.collection, r.access_token, "
    "r.filename, r.wikitext, r.copyright_override, r.labels, r.result, r.error, r.success, "
    "r.celery_task_id, r.created_at, r.updated_at, r.lease_owner, r.lease_expires_at, "
    "r.not_before, r.attempts_source, r.attempts_storage, r.attempts_hash_lock, "
    "r.attempts_rate_limited, r.attempts_transient, r.attempts_lease_expired";
inline constexpr std::size_t kUploadColumnCount = 27;
inline constexpr std::string_view kPresetColumns =
    "p.id, p.userid, p.handler, p.title, p.title_template, p.labels, p.categories, "
    "p.exclude_from_date_category, p.is_default, p.created_at, p.updated_at";
inline constexpr std::size_t kPresetColumnCount = 11;

std::int64_t int_of(const Cell& cell, std::string_view column);
std::string text_of(const Cell& cell, std::string_view column);
TimePoint time_of(const Cell& cell, std::string_view column);
std::optional<TimePoint> optional_time_of(const Cell& cell, std::string_view column);
bool bool_of(const Cell& cell, std::string_view column);
std::optional<Label> label_of(const Cell& cell);
std::optional<StructuredError> error_of(const Cell& cell);

/// How values are written: DATETIME text, compact JSON.
std::string sql_time(TimePoint t);
std::string label_json(const Label& label);
std::string error_json(const StructuredError& error);
Param optional_label_param(const std::optional<Label>& label);
Param optional_error_param(const std::optional<StructuredError>& error);
Param optional_time_param(const std::optional<TimePoint>& t);

User user_of(const Row& row, std::size_t first = 0);
Batch batch_of(const Row& row, std::size_t first = 0);
UploadRequest upload_of(const Row& row, std::size_t first = 0);
Preset preset_of(const Row& row, std::size_t first = 0);

/// Writes and reads several repositories share.
bool user_exists(Connection& c, std::string_view userid);
/// Inserts a batch with a fresh edit group id.
Batch insert_batch(Connection& c, std::string_view userid, TimePoint now);
/// Upload counts per batch for many batches in one query; missing batches get zeros.
std::map<Id, BatchStats> batch_stats(Connection& c, const std::vector<Id>& ids);

/// The attempts_<reason> column.
std::string_view attempts_column(RetryReason reason) noexcept;

}  // namespace curator::store::detail
