#pragma once
// UploadScheduler: how uploads enter the pipeline. A slice becomes queued
// rows whose `not_before` are the user's next upload slots (the rate comes
// from the wiki's answer about that user; the RateLimiter hands out slots
// atomically), with the user's login stored Fernet-encrypted. The rows are
// the schedule: the dispatcher publishes each one when it is due. Front ends
// (the server's UPLOAD_SLICE, curatorctl ingest) call this; it runs no work.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "curator/core/credentials.hpp"
#include "curator/export.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/store/records.hpp"
#include "curator/store/uploads.hpp"

namespace curator::pipeline {

class CURATOR_API UploadScheduler {
 public:
  /// `on_scheduled` is called after rows were inserted (wakes the dispatcher).
  explicit UploadScheduler(const JobEnvironment& environment,
                           std::function<void()> on_scheduled = {});

  /// Inserts `items` as queued uploads of `userid` in batch `batch_id` (all
  /// or nothing), each due at the user's next slot; returns their ids in
  /// order. The rate is asked of the wiki with `credentials` (cached for a
  /// while; 4 per 60 s when the wiki cannot say). Throws what
  /// UploadRepository::create throws (not_found, invalid_input).
  std::vector<store::Id> schedule(store::Id batch_id, std::string_view userid,
                                  std::string_view handler, const Credentials& credentials,
                                  std::vector<store::NewUpload> items);

  /// The same in a new batch of `userid`, created in the same transaction as
  /// the rows (a failure leaves no batch behind).
  store::CreatedRows schedule_in_new_batch(std::string_view userid, std::string_view handler,
                                           const Credentials& credentials,
                                           std::vector<store::NewUpload> items);

  /// Paces the copies a retry makes (store::CopySchedule for
  /// UploadRepository::copy_* and service::BatchService::retry): each copy
  /// gets the user's next slot from the rate limiter, as a first upload does.
  /// The rate is `rate`, else the one cached for the user, else 4 per 60 s.
  /// Without a rate limiter the copies are due at once.
  store::CopySchedule retry_schedule(std::string_view userid,
                                     std::optional<queue::Rate> rate = std::nullopt) const;

  /// The same with a rate the caller already knows.
  std::vector<store::Id> schedule_at_rate(store::Id batch_id, std::string_view userid,
                                          std::string_view handler, const Credentials& credentials,
                                          std::vector<store::NewUpload> items, queue::Rate rate);

 private:
  queue::Rate rate_of(std::string_view userid, const Credentials& credentials);
  /// Each item's not_before: the user's next slots at `rate`.
  void assign_slots(std::string_view userid, queue::Rate rate,
                    std::vector<store::NewUpload>& items);

  const JobEnvironment& env_;
  std::function<void()> on_scheduled_;
};

}  // namespace curator::pipeline
