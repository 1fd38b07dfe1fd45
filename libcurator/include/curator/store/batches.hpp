#pragma once
// BatchRepository: the `batches` table, batch summaries (owner's username and upload
// counts), and the change queries that drive live batch lists. Filters keep the Python
// service's semantics: substring of CAST(batches.id) or of the owner's username.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"

namespace curator::store {

/// Which batches a list or change query covers: one owner's (userid) or everyone's.
struct BatchScope {
  std::optional<std::string> userid;
  std::string filter;
};

/// Batch ids changed at or after a cursor, and where the next query starts.
struct BatchChanges {
  std::vector<Id> batch_ids;  // ascending
  ChangeCursor next;
};

class CURATOR_API BatchRepository {
 public:
  explicit BatchRepository(const Database& db);

  /// New batch for an existing user with a fresh edit group id.
  /// Throws Error(not_found) when the user does not exist.
  Batch create(std::string_view userid);
  std::optional<Batch> find(Id id);
  /// The batch with its owner's username and stats (Python get_batch).
  std::optional<BatchSummary> summary(Id id);

  /// Newest first (created_at DESC, id DESC), with stats in one extra query.
  std::vector<BatchSummary> list(PageRequest page, const BatchScope& scope = {});
  std::int64_t count(const BatchScope& scope = {});
  /// Summaries of the given batches, id DESC, unknown ids skipped (Python
  /// get_batches_minimal). At most kMaxPageLimit ids.
  std::vector<BatchSummary> summaries(const std::vector<Id>& ids);
  /// Stats of many batches in one query; batches without uploads get zeros.
  std::map<Id, BatchStats> stats(const std::vector<Id>& ids);
  std::int64_t count_uploads(Id batch_id);

  /// The newest updated_at among the scope's batches and their uploads (uploads
  /// matched on upload_requests.userid, as upstream), or nullopt when there is none.
  std::optional<TimePoint> latest_update_time(const BatchScope& scope = {});
  /// Batches that have an upload or a batch row with updated_at >= cursor.since
  /// (userid matched on batches.userid). The next cursor re-reads the last
  /// DatabaseOptions::change_overlap seconds, so callers see some batches twice and
  /// none never: see docs/store.md, "Change queries".
  BatchChanges changed_since(ChangeCursor cursor, const BatchScope& scope = {});
  /// A cursor that starts now (minus the overlap).
  ChangeCursor cursor_now();

 private:
  std::shared_ptr<Database::Impl> db_;
};

}  // namespace curator::store
