#pragma once
// Batch operations that every front end calls (the WebSocket server and
// curatorctl): create a batch, add uploads to it, list and show batches,
// retry failed uploads into a new batch, cancel queued ones. Checks existence
// and ownership, and keeps the Python service's error texts
// (upstream-surface.md §4.6.L). Status changes it makes (cancel, retry) are
// published on the event bus, as the pipeline publishes its own. Knows the
// store; knows nothing of sockets, task queues or terminals: callers
// dispatch the new upload ids themselves.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/service/file_template.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"
#include "curator/store/uploads.hpp"

namespace curator::queue {
class EventBus;
}

namespace curator::service {

/// Who asks: the Wikimedia central user id, the username, and whether the
/// configuration names them an admin (Config::is_admin).
struct Actor {
  std::string userid;
  std::string username;
  bool admin = false;
};

inline constexpr std::string_view kPermissionDenied = "Permission denied";
inline constexpr std::string_view kNoFailedUploads = "No failed uploads to retry";
inline constexpr std::string_view kNoQueuedUploads = "No queued items to cancel";

struct CreatedBatch {
  store::Batch batch;
  std::vector<store::Id> upload_ids;  // in item order
};

struct BatchPage {
  std::vector<store::BatchSummary> items;  // newest first
  std::int64_t total = 0;                  // batches matching the scope, all pages
};

struct BatchDetail {
  store::BatchSummary summary;
  std::vector<store::UploadRequest> uploads;  // id ascending
};

struct CancelResult {
  std::vector<store::Id> cancelled;   // ascending
  std::vector<std::string> task_ids;  // the non-empty ones, for revocation
};

/// What Curator already holds of a user's images from one source.
struct IngestHistory {
  /// The newest batch with uploads of the collection that are still queued
  /// or in progress: the one `curatorctl ingest` resumes.
  std::optional<store::Id> open_batch;
  /// Image id → where it is already uploaded, queued or in progress, e.g.
  /// "completed in batch 12"; failed and cancelled uploads are not listed.
  std::map<std::string, std::string> uploaded;
};

/// The checks UploadRepository::create makes on a slice (lengths, UTF-8, at
/// most 10,000 items), for callers that must not create a batch for items
/// that would then be refused. Throws Error(invalid_input) naming the item.
CURATOR_API void validate_uploads(const std::vector<store::NewUpload>& items);

class CURATOR_API BatchService {
 public:
  /// `events`: where status changes are published (pipeline::kStatusChannel,
  /// pipeline::StatusEvent payloads); null publishes nothing.
  explicit BatchService(const store::Database& db,
                        std::shared_ptr<queue::EventBus> events = nullptr);

  /// CREATE_BATCH: records (or refreshes) the actor's user row, then a new
  /// batch with a fresh edit group id.
  store::Batch create_batch(const Actor& actor);

  /// UPLOAD_SLICE: queued rows in one transaction, ids in item order. Throws
  /// Error(not_found) "Batch <id> not found", Error(conflict) "Batch <id> has
  /// no edit_group_id", Error(auth) "Permission denied" for another user's
  /// batch (admins included: a batch holds one user's credentials), and
  /// Error(invalid_input) naming the item and field.
  std::vector<store::Id> add_uploads(store::Id batch_id, const Actor& actor, Handler handler,
                                     const std::optional<std::string>& access_token,
                                     const std::vector<store::NewUpload>& items);

  /// A batch and its uploads at once, in ONE transaction: a refused item
  /// (Error(invalid_input) naming it) or any other failure leaves neither the
  /// batch nor any upload. At least one item.
  CreatedBatch create_batch_with_uploads(const Actor& actor, Handler handler,
                                         const std::optional<std::string>& access_token,
                                         const std::vector<store::NewUpload>& items);

  /// FETCH_BATCHES: one page, newest first, and the total for the scope.
  BatchPage list(store::PageRequest page, const store::BatchScope& scope = {});

  /// FETCH_BATCH_UPLOADS: the batch with stats and every upload. Viewing is
  /// public. Throws Error(not_found) "Batch <id> not found".
  BatchDetail show(store::Id batch_id);

  /// RETRY_UPLOADS: copies the batch's failed and cancelled uploads into a
  /// new queued batch of the actor, with the actor's `access_token`; the
  /// originals stay as they are. Owner or admin only. Throws
  /// Error(not_found), Error(auth) "Permission denied", Error(conflict) "No
  /// failed uploads to retry". `schedule` paces the copies (the pipeline's
  /// UploadScheduler::retry_schedule); without one they are due at once.
  /// Publishes a queued event per new upload.
  store::RetryCopy retry(store::Id batch_id, const Actor& actor,
                         const std::optional<std::string>& access_token,
                         const store::CopySchedule& schedule = {});

  /// CANCEL_BATCH: the batch's queued uploads become cancelled (in_progress
  /// ones finish). Owner or admin only. Throws Error(not_found),
  /// Error(auth) "Permission denied", Error(conflict) "No queued items to
  /// cancel". Publishes a cancelled event per upload.
  CancelResult cancel(store::Id batch_id, const Actor& actor);

  /// Admin bulk cancel of uploads by id: queued or in_progress ones become
  /// cancelled (a running job stops at its next step), others are left
  /// alone. Admins only (Error(auth) "Permission denied"); at most 10,000
  /// ids (Error(invalid_input)). Publishes a cancelled event per upload.
  CancelResult cancel_uploads(const std::vector<store::Id>& ids, const Actor& actor);

  /// The actor's uploads from `handler` in their newest kMaxHistoryBatches
  /// batches; `open_batch` only among uploads of `collection`.
  IngestHistory history(const Actor& actor, Handler handler, std::string_view collection);
  static constexpr std::int64_t kMaxHistoryBatches = 1000;

 private:
  store::Batch owned_batch(store::Id batch_id, const Actor& actor, bool admin_allowed);

  void publish(const std::vector<store::UploadRequest>& rows,
               const std::vector<store::Id>& changed) const;

  const store::Database* db_;
  std::shared_ptr<queue::EventBus> events_;
};

}  // namespace curator::service
