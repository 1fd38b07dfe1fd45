#pragma once
// UploadJob: one upload's state machine, run by a worker for one task.
//
//   claim (queued → in_progress under a lease, renewed by a heartbeat)
//   → credentials → title checks and blacklist → fresh source metadata
//   → SDC built → download to a temp file with SHA-1 → duplicate check by
//   SHA-1 → hash lock → duplicate check again → chunked upload and publish
//   → SDC applied → null edit → completed (the Commons URL)
//
// A duplicate found by SHA-1, in the chunk warnings or at publish merges
// its SDC into the existing file and ends as duplicate,
// duplicated_sdc_updated or duplicated_sdc_not_updated. A file that an
// earlier, interrupted run of the same upload already published (same
// bytes, same title) is not uploaded again: the SDC step is finished and the
// upload completes. Failures are classified by kind: retryable ones go back
// to the queue with a delay from their reason's own budget, the rest fail
// with a message the user can act on. Between steps the job stops when the
// upload was cancelled or its lease lost, and releases the upload when the
// worker stops; once the file is published it always finishes. See
// docs/pipeline.md.

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "curator/core/upload_status.hpp"
#include "curator/export.hpp"
#include "curator/pipeline/environment.hpp"
#include "curator/store/records.hpp"

namespace curator::pipeline {

enum class JobResult {
  not_claimed,  // not queued, not due, gone, or another worker won the claim
  finished,     // a terminal status was written (see JobReport::status)
  requeued,     // back to queued with a delay (a retryable failure)
  released,     // the worker is stopping: back to queued at once
  cancelled,    // the row was cancelled (or taken away) while the job ran
};

CURATOR_API std::string_view to_string(JobResult result) noexcept;

struct JobReport {
  JobResult result = JobResult::not_claimed;
  std::optional<UploadStatus> status;        // finished: the terminal status
  std::optional<store::RetryReason> reason;  // requeued: why
  std::string detail;                        // one line for logs
};

class CURATOR_API UploadJob {
 public:
  /// `owner` names the worker in leases and hash locks (unique per worker).
  UploadJob(const JobEnvironment& environment, std::string owner);

  /// Runs upload `id` to a report. `stop` (the pool's flag) asks the job to
  /// release the upload at the next step boundary; `touch` is called with
  /// every heartbeat (the worker keeps its queue delivery alive with it).
  /// Never throws for the upload's own failures; throws only when the
  /// database cannot record an outcome (the lease then expires and the
  /// sweeper requeues the upload).
  JobReport run(store::Id id, const std::atomic<bool>* stop = nullptr,
                const std::function<void()>& touch = {});

 private:
  const JobEnvironment& env_;
  std::string owner_;
};

}  // namespace curator::pipeline
