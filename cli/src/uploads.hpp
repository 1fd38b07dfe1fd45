#pragma once
// Running uploads in this process through the pipeline: a batch until every
// upload has ended (`ingest`, `batch resume`), or whatever is queued
// (`worker`). In the embedded mode only one process runs workers on an
// SQLite database; another one only watches the batch progress.

#include <memory>

#include "context.hpp"
#include "curator/pipeline/pipeline.hpp"
#include "curator/queue/coordination.hpp"
#include "curator/store/records.hpp"

namespace curator::cli {

/// The mode's queue parts and this process's pipeline, not started yet (its
/// scheduler already enqueues).
class LocalPipeline {
 public:
  /// `workers` 0: CURATOR_WORKERS.
  explicit LocalPipeline(Context& ctx, int workers = 0);
  ~LocalPipeline();
  LocalPipeline(const LocalPipeline&) = delete;
  LocalPipeline& operator=(const LocalPipeline&) = delete;

  pipeline::Pipeline& get() { return *pipeline_; }
  /// Starts the workers; false (with a note) when another process runs the
  /// embedded mode's workers, which then do the uploads.
  bool start(Output& out);
  void stop();

 private:
  queue::Coordination coordination_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
};

/// The bus the server's sockets listen on when the configuration names
/// Redis (status changes made here reach them); null in the embedded mode,
/// where no other process could hear an in-process bus.
std::shared_ptr<queue::EventBus> shared_event_bus(const Config& config);

/// Uploads the batch's queued uploads and waits for them all, showing
/// progress; Ctrl-C stops cleanly (running uploads go back to the queue).
/// Returns 0 when every upload ended well, 1 when some failed or were
/// cancelled, 130 when interrupted.
int upload_batch(Context& ctx, LocalPipeline& local, store::Id batch_id);

}  // namespace curator::cli
