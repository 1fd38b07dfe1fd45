#pragma once
// What `curatorctl` shows while a batch uploads. On a terminal: a status
// block redrawn in place (counts per status, bytes moved, byte rate, ETA, and
// each file being worked on with its phase and bytes) with one permanent line
// per finished file above it. Not on a terminal: one line per status change
// and a counts line when the counts change. With --json: one object per
// status change, per byte-progress step ("bytes") and per change of the
// counts ("progress"), and a final summary.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "curator/pipeline/progress.hpp"
#include "curator/store/records.hpp"
#include "output.hpp"
#include "transfers.hpp"

namespace curator::cli {

class BatchProgress {
 public:
  BatchProgress(Output& out, store::Id batch_id);

  /// Where the pipeline's jobs report bytes (Pipeline::set_progress_sink);
  /// valid while this object lives.
  pipeline::ProgressSink sink();

  /// The batch's rows as they stand now; reports what changed since the
  /// last call, and the bytes moved meanwhile.
  void update(const std::vector<store::UploadRequest>& rows);

  /// Clears the live block and prints the summary; returns the exit code
  /// (0 all done, 1 some failed or cancelled, 130 interrupted).
  int finish(bool interrupted);

  /// Nothing is queued or in progress any more.
  bool settled() const;
  const store::BatchStats& stats() const { return stats_; }

 private:
  struct Seen {
    UploadStatus status;
    std::chrono::steady_clock::time_point since;
  };
  void report_change(const store::UploadRequest& row, std::optional<UploadStatus> before);
  void report_bytes(const pipeline::ProgressEvent& event);
  void redraw(const std::vector<store::UploadRequest>& rows);
  std::string transfer_text(store::Id upload) const;
  void clear_block();
  std::string counts_line() const;
  double rate_per_minute() const;
  std::optional<std::chrono::seconds> eta() const;
  std::size_t not_started() const;

  Output& out_;
  store::Id batch_id_;
  std::chrono::steady_clock::time_point started_;
  std::map<store::Id, Seen> seen_;
  Transfers transfers_;
  store::BatchStats stats_;
  std::size_t finished_here_ = 0;  // uploads that ended while we watched
  std::size_t block_lines_ = 0;    // lines of the live block on screen
  std::string last_counts_;        // the counts of the last update
  std::string last_line_;          // the last progress line printed (plain mode)
};

}  // namespace curator::cli
