#pragma once
// UploadRepository: the `upload_requests` table, the truth about every upload. Owns
// the status transitions and their atomicity: a claim moves queued → in_progress under
// a lease only if the row is still queued (the row count decides who won), and every
// later transition names the state it expects. Knows nothing about Commons, queues or
// tokens beyond storing the ciphertext it is given.

#include <chrono>
#include <cstdint>
#include <functional>
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

inline constexpr std::string_view kSessionExpiredMessage =
    "Your session has expired. Please log in and retry.";
inline constexpr std::string_view kManuallyFailedMessage = "Manually marked as failed";

/// Rows changed at or after a cursor, and where the next query starts.
struct UploadChanges {
  std::vector<UploadRequest> uploads;  // id ascending
  ChangeCursor next;
};

/// The not_before of each copy a retry makes, asked once per copy in id order inside
/// the copying transaction (the pipeline reserves the user's rate-limiter slots with
/// it, so retried copies are paced like first uploads). Unset: copies are due at once.
using CopySchedule = std::function<TimePoint()>;

/// Copies made by a retry: a new batch and its new queued uploads.
struct RetryCopy {
  Id batch_id = 0;
  std::string edit_group_id;
  std::vector<Id> upload_ids;
};

/// A batch created together with its uploads (UploadRepository::create_in_new_batch).
struct CreatedRows {
  Batch batch;
  std::vector<Id> upload_ids;  // in item order
};

/// What start-up recovery needs of a queued upload.
struct RecoverableUpload {
  Id id = 0;
  std::string userid;
  std::string access_token;
  std::string edit_group_id;
  bool operator==(const RecoverableUpload&) const = default;
};

/// A due queued upload as the dispatcher hands it to the task queue.
struct DueUpload {
  Id id = 0;
  std::string userid;
  Id batchid = 0;
  std::optional<std::string> edit_group_id;
  /// Sum of the row's retry counters: changes with every requeue, so a row
  /// queued again is told apart from the same row still waiting.
  std::int64_t attempts = 0;
  bool operator==(const DueUpload&) const = default;
};

/// The fields an admin may edit (PUT /api/admin/upload_requests/{id}); unset fields
/// stay as they are.
struct UploadPatch {
  std::optional<UploadStatus> status;
  std::optional<std::string> key;
  std::optional<std::string> handler;
  std::optional<std::string> collection;
  std::optional<std::string> filename;
  std::optional<std::string> wikitext;
  std::optional<std::string> success;
  std::optional<bool> copyright_override;
};

class CURATOR_API UploadRepository {
 public:
  explicit UploadRepository(const Database& db);

  // ---- creation and reads ---------------------------------------------------------

  /// Inserts a slice as queued rows in one transaction (all or nothing) and returns
  /// their ids in input order. Every field is validated before anything is written.
  /// Throws Error(not_found) "Batch <id> not found", Error(invalid_input) naming the
  /// item and field.
  std::vector<Id> create(Id batch_id, std::string_view userid, std::string_view handler,
                         const std::optional<std::string>& access_token,
                         const std::vector<NewUpload>& items);
  /// A new batch of `userid` (fresh edit group id) and its uploads in ONE
  /// transaction: a failure anywhere, including an item refused while the rows
  /// are written, leaves neither the batch nor any row. Same errors as create(),
  /// plus Error(not_found) "User <id> not found".
  CreatedRows create_in_new_batch(std::string_view userid, std::string_view handler,
                                  const std::optional<std::string>& access_token,
                                  const std::vector<NewUpload>& items);
  std::optional<UploadRequest> find(Id id);
  /// Every row of a batch, id ascending.
  std::vector<UploadRequest> list_for_batch(Id batch_id);
  /// Admin list, id DESC.
  std::vector<UploadRequest> list_all(PageRequest page, const UploadQuery& query = {});
  std::int64_t count_all(const UploadQuery& query = {});
  /// Rows of the user that are queued or in_progress.
  std::int64_t count_active_for_user(std::string_view userid);
  /// Rows with updated_at >= cursor.since (optionally of one batch), id ascending;
  /// the next cursor re-reads the overlap window (docs/store.md, "Change queries").
  UploadChanges changed_since(ChangeCursor cursor, std::optional<Id> batch_id = {});

  // ---- the worker's transitions -----------------------------------------------------

  /// Ids of queued rows that are due (not_before unset or reached): rows without
  /// not_before first, then by not_before, then by id (index order, no sort).
  std::vector<Id> due(std::size_t limit);
  /// The oldest `per_user` due queued rows of every user (not_before, then id), at
  /// most `limit` in all, oldest first. Capping per user keeps one user's large
  /// batch from hiding another user's rows from the dispatcher.
  std::vector<DueUpload> due_per_user(std::size_t per_user, std::size_t limit);
  /// When the earliest queued row becomes due (may be in the past); nullopt if none.
  std::optional<TimePoint> next_due_time();
  /// queued → in_progress for `owner` until now + lease, if the row is still queued
  /// and due. Returns the claimed row; nullopt when someone else won, the row is not
  /// queued (cancelled, finished), not due, or absent.
  std::optional<UploadRequest> claim(Id id, std::string_view owner, std::chrono::seconds lease);
  /// Extends the owner's lease; false when the row is no longer in_progress under it.
  bool renew_lease(Id id, std::string_view owner, std::chrono::seconds lease);
  /// in_progress (held by owner) → a terminal outcome; clears the token and the lease.
  /// `status` must be completed, failed or a duplicate status. False when the row moved
  /// on meanwhile (an admin cancelled it, the lease expired and was taken over).
  bool finish(Id id, std::string_view owner, UploadStatus status,
              const std::optional<StructuredError>& error,
              const std::optional<std::string>& success = {});
  /// in_progress (held by owner) → queued, due at `not_before`, one more attempt counted
  /// for `reason`. Returns the attempts now used for that reason; nullopt when the row
  /// moved on meanwhile.
  std::optional<std::int32_t> requeue(Id id, std::string_view owner, RetryReason reason,
                                      TimePoint not_before);
  /// Sweeper: in_progress rows whose lease expired (or that never had one: rows left by
  /// the Python service) go back to queued, counting a lease_expired attempt. Returns
  /// the ids requeued.
  std::vector<Id> release_expired_leases(std::size_t limit);
  /// Any transition, done only if the row is in `from`: sets `to`, error and success
  /// (absent = NULL, as upstream's update_upload_status), bumps updated_at, clears the
  /// lease when leaving in_progress and the token when `to` is terminal.
  bool transition(Id id, UploadStatus from, UploadStatus to,
                  const std::optional<StructuredError>& error = {},
                  const std::optional<std::string>& success = {});
  bool clear_access_token(Id id);
  bool set_task_id(Id id, std::string_view task_id);

  // ---- cancel, fail, retry, recovery --------------------------------------------------

  /// CANCEL_BATCH: queued rows of the batch → cancelled, under row locks. Returns
  /// {upload id: task id or ""}. `acting_userid` unset means an admin. Throws
  /// Error(not_found) "Batch <id> not found", Error(auth) "Permission denied".
  std::map<Id, std::string> cancel_batch(Id batch_id,
                                         const std::optional<std::string>& acting_userid);
  /// Admin bulk-cancel: queued or in_progress → cancelled. Returns rows changed.
  std::int64_t cancel_many(const std::vector<Id>& ids);
  /// Admin bulk-fail: every row not already failed → failed with `error`.
  std::int64_t fail_many(
      const std::vector<Id>& ids,
      const StructuredError& error = StructuredError::generic(std::string(kManuallyFailedMessage)));
  /// User retry: copies the batch's failed rows into a new batch of the same user
  /// (queued, with `access_token`). nullopt when the batch has no failed rows. Throws
  /// Error(not_found) / Error(auth) "Permission denied" when the batch is not userid's.
  std::optional<RetryCopy> copy_failed_to_new_batch(Id batch_id, std::string_view userid,
                                                    const std::optional<std::string>& access_token,
                                                    const CopySchedule& schedule = {});
  /// Admin retry: copies the given rows that are failed or cancelled into a new batch
  /// owned by `userid` (which must exist). nullopt when none qualifies.
  std::optional<RetryCopy> copy_to_new_batch(const std::vector<Id>& ids, std::string_view userid,
                                             const std::optional<std::string>& access_token,
                                             const CopySchedule& schedule = {});
  /// Start-up recovery with a refused token: queued → failed (session expired).
  std::int64_t expire_sessions(const std::vector<Id>& ids);
  /// Queued rows with a token whose batch has an edit group id.
  std::vector<RecoverableUpload> recoverable();

  // ---- admin views ------------------------------------------------------------------

  /// Failed uploads grouped per batch (GET /api/admin/failed_uploads).
  std::vector<FailedBatch> failed_batches(PageRequest page, const FailedUploadsQuery& query = {});
  std::int64_t count_failed_batches(const FailedUploadsQuery& query = {});
  /// Applies the allow-listed fields; false when the row does not exist.
  bool patch(Id id, const UploadPatch& patch);

 private:
  std::shared_ptr<Database::Impl> db_;
};

}  // namespace curator::store
