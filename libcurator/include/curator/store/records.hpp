#pragma once
// Rows of the store's tables (users, batches, upload_requests, presets) as plain C++
// values, and the small query types the repositories share (pages, filters). Owns the
// shapes only: how they reach the wire (snake/camel case, omitted nulls, "Z" suffixes)
// belongs to the service layer; nothing here knows SQL.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/label.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/core/time.hpp"
#include "curator/core/upload_status.hpp"
#include "curator/export.hpp"

namespace curator::store {

/// Ids are the Python schema's INT AUTO_INCREMENT columns (32-bit signed in MySQL).
using Id = std::int64_t;

struct User {
  std::string userid;  // Wikimedia central user id, a string
  std::string username;
  TimePoint created_at;
  TimePoint updated_at;
  bool operator==(const User&) const = default;
};

struct Batch {
  Id id = 0;
  std::string userid;
  std::optional<std::string> edit_group_id;
  TimePoint created_at;
  TimePoint updated_at;
  bool operator==(const Batch&) const = default;
};

/// Counts of a batch's uploads by status (the three duplicate outcomes count as one).
struct BatchStats {
  std::int64_t total = 0;
  std::int64_t queued = 0;
  std::int64_t in_progress = 0;
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::int64_t cancelled = 0;
  std::int64_t duplicate = 0;
  bool operator==(const BatchStats&) const = default;
};

/// A batch with its owner's username ("Unknown" when the user row is missing) and stats.
struct BatchSummary {
  Batch batch;
  std::string username;
  BatchStats stats;
  bool operator==(const BatchSummary&) const = default;
};

/// Why an upload went back to the queue; each reason has its own retry budget.
enum class RetryReason {
  source,         // the image source (Mapillary/Flickr API or CDN) failed or throttled
  storage,        // Commons upload stash/storage errors
  hash_lock,      // another upload of the same file held the hash lock
  rate_limited,   // Commons answered "ratelimited"
  transient,      // other network or server errors worth another try
  lease_expired,  // the worker holding the lease vanished (set by the sweeper)
};
inline constexpr std::size_t kRetryReasonCount = 6;

CURATOR_API std::string_view to_string(RetryReason reason) noexcept;
CURATOR_API std::optional<RetryReason> parse_retry_reason(std::string_view text) noexcept;

/// Attempts used per retry reason (`attempts_<reason>` columns).
struct RetryCounts {
  std::array<std::int32_t, kRetryReasonCount> by_reason{};
  std::int32_t operator[](RetryReason r) const { return by_reason[static_cast<std::size_t>(r)]; }
  std::int32_t& operator[](RetryReason r) { return by_reason[static_cast<std::size_t>(r)]; }
  bool operator==(const RetryCounts&) const = default;
};

/// One `upload_requests` row, every column.
struct UploadRequest {
  Id id = 0;
  Id batchid = 0;
  std::string userid;
  UploadStatus status = UploadStatus::queued;
  std::string key;      // source image id
  std::string handler;  // "mapillary", "flickr"
  std::optional<std::string> collection;
  std::optional<std::string> access_token;  // Fernet ciphertext; never leaves the server
  std::string filename;                     // target title without "File:"
  std::string wikitext;
  bool copyright_override = false;
  std::optional<Label> labels;
  std::optional<std::string> result;  // legacy, never written
  std::optional<StructuredError> error;
  std::optional<std::string> success;  // Commons description page URL
  std::optional<std::string> celery_task_id;
  TimePoint created_at;
  TimePoint updated_at;
  // Pipeline columns (migration 0002).
  std::optional<std::string> lease_owner;
  std::optional<TimePoint> lease_expires_at;
  std::optional<TimePoint> not_before;
  RetryCounts attempts;
  bool operator==(const UploadRequest&) const = default;
};

/// One item of an upload slice, before it has an id.
struct NewUpload {
  std::string key;
  std::optional<std::string> collection;
  std::string filename;
  std::string wikitext;
  std::optional<Label> labels;
  bool copyright_override = false;
  std::optional<TimePoint> not_before;  // when the rate limiter allows it to start
};

struct Preset {
  Id id = 0;
  std::string userid;
  std::string handler;
  std::string title;
  std::string title_template;
  std::optional<Label> labels;
  std::optional<std::string> categories;
  bool exclude_from_date_category = false;
  bool is_default = false;
  TimePoint created_at;
  TimePoint updated_at;
  bool operator==(const Preset&) const = default;
};

/// The fields SAVE_PRESET sets (the handler only on creation).
struct PresetDraft {
  std::string handler;
  std::string title;
  std::string title_template;
  std::optional<Label> labels;
  std::optional<std::string> categories;
  bool exclude_from_date_category = false;
  bool is_default = false;
};

/// A 1-based page: offset = (number - 1) * limit. Validated by every list call:
/// number >= 1, 1 <= limit <= kMaxPageLimit, and the offset must fit the 32-bit ids.
struct PageRequest {
  std::int64_t number = 1;
  std::int64_t limit = 100;
};
inline constexpr std::int64_t kMaxPageLimit = 1000;

/// A case-insensitive substring filter (the Python service's ILIKE '%text%'); empty
/// means no filter. At most kMaxFilterChars characters of valid UTF-8; `%`, `_` and `!`
/// match themselves.
inline constexpr std::size_t kMaxFilterChars = 255;

/// Admin upload list: substring filter on id, batchid, userid, filename, status; exact
/// statuses; created_at from the start of `date_from` to the end of `date_to` (UTC days).
struct UploadQuery {
  std::string filter;
  std::vector<UploadStatus> statuses;
  std::optional<std::chrono::sys_days> date_from;
  std::optional<std::chrono::sys_days> date_to;
};

/// How a failed upload's error is classified in the admin failed-uploads view.
enum class ErrorCategory { duplicate, rate_limit, timeout, auth, network, other };
CURATOR_API std::string_view to_string(ErrorCategory category) noexcept;
CURATOR_API std::optional<ErrorCategory> parse_error_category(std::string_view text) noexcept;

enum class FailedUploadsSort { recent, batch_size, error_type, user };

struct FailedUploadsQuery {
  FailedUploadsSort sort = FailedUploadsSort::recent;
  std::optional<ErrorCategory> error_type;
  std::optional<std::string> handler;  // exact
  std::string search;                  // username, batch id, or any failed filename
};

struct FailedUpload {
  Id id = 0;
  std::string filename;
  std::string handler;
  std::optional<StructuredError> error;
  TimePoint created_at;
  ErrorCategory category = ErrorCategory::other;
  bool operator==(const FailedUpload&) const = default;
};

/// One batch's failed uploads (GET /api/admin/failed_uploads item).
struct FailedBatch {
  Id batch_id = 0;
  TimePoint created_at;
  std::optional<std::string> edit_group_id;
  std::string handler;  // MAX(handler) of the failed rows
  std::int64_t failed_count = 0;
  std::int64_t total_uploads = 0;
  std::string username;
  std::string userid;
  std::vector<FailedUpload> uploads;  // id ascending
  bool operator==(const FailedBatch&) const = default;
};

/// Where a change query continues: every row with updated_at >= since is (re)read.
struct ChangeCursor {
  TimePoint since;
};

}  // namespace curator::store
