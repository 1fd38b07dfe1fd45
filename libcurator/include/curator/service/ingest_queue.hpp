#pragma once
// Turning an ingest plan into queued uploads (curatorctl ingest): the files
// that are not skipped join the collection's open batch when there is one
// (so running the same ingest again resumes it), else a new batch of the
// actor; the pipeline's scheduler gives each its slot under the user's rate
// limit and stores the login encrypted. Knows nothing of terminals.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "curator/core/credentials.hpp"
#include "curator/export.hpp"
#include "curator/pipeline/scheduler.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/ingest.hpp"
#include "curator/store/database.hpp"

namespace curator::service {

struct QueuedIngest {
  std::optional<store::Id> batch_id;  // unset: nothing to upload and no open batch
  std::size_t queued = 0;             // uploads added now
  bool resumed = false;               // batch_id is the open batch from history()
};

/// Validates every item before a batch exists for them (Error(invalid_input)
/// naming the item), then creates the batch if needed and schedules the
/// uploads in one transaction. `open_batch` comes from BatchService::history.
CURATOR_API QueuedIngest queue_planned_files(
    const store::Database& db, pipeline::UploadScheduler& scheduler, const Actor& actor,
    Handler handler, const Credentials& credentials, std::string_view collection,
    const std::vector<PlannedFile>& files, std::optional<store::Id> open_batch);

}  // namespace curator::service
