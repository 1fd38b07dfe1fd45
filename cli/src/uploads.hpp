#pragma once
// Running uploads in this process: a batch until every upload is done
// (`ingest`, `batch resume`), or whatever is queued (`worker`), with a live
// progress display, plain lines or JSON events.

#include "context.hpp"
#include "curator/store/records.hpp"

namespace curator::cli {

/// Uploads the batch's queued uploads and waits for them; Ctrl-C stops
/// cleanly (the batch resumes later). Returns the exit code: 0 when every
/// upload ended well, 1 when some failed, 130 when interrupted.
int upload_batch(Context& ctx, store::Id batch_id);

}  // namespace curator::cli
