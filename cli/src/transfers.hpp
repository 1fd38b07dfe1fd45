#pragma once
// Byte accounting for the progress display: the pipeline's jobs report the
// bytes of the file they download or upload (pipeline::ProgressEvent, on
// worker threads); the display reads, on its own thread, each upload's
// latest transfer, the bytes moved so far, the rate and a byte-based ETA.
// Only uploads this process runs are seen (see docs/cli.md, "Progress").

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "curator/pipeline/progress.hpp"
#include "curator/store/records.hpp"

namespace curator::cli {

class Transfers {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Transfers(store::Id batch_id);

  /// The sink side (any thread); events of other batches are ignored.
  void record(const pipeline::ProgressEvent& event);

  // ---- the display's side ----

  /// The latest event of each (upload, phase) that changed since the last
  /// call, in upload order.
  std::vector<pipeline::ProgressEvent> take_changes();
  /// The upload's latest transfer while it runs.
  std::optional<pipeline::ProgressEvent> current(store::Id upload) const;
  /// The upload no longer runs (ended or back in the queue): its transfer
  /// leaves the ETA's sum.
  void forget(store::Id upload);
  /// Remembers the bytes moved now, for the recent rate.
  void sample(Clock::time_point now);

  /// Bytes downloaded plus bytes uploaded so far; never decreases (a phase
  /// that starts again counts its new bytes on top).
  std::uint64_t moved() const;
  /// Bytes per second over the last few seconds (what the links do now).
  double recent_rate() const;
  /// The time left: per phase, the bytes still to move (for `waiting`
  /// uploads not started yet and the running ones) over that phase's
  /// average rate since the first byte, waits and API calls included; the
  /// slower phase decides (downloads and uploads overlap). nullopt until a
  /// file's size and some rate are known.
  std::optional<std::chrono::seconds> eta(std::size_t waiting, Clock::time_point now) const;

 private:
  struct Entry {
    std::optional<pipeline::ProgressEvent> download, upload;
    bool download_changed = false, upload_changed = false;
  };

  store::Id batch_id_;
  mutable std::mutex mutex_;
  std::map<store::Id, Entry> running_;
  // Every phase's last count, kept after forget() so a rerun counts from 0.
  std::map<std::pair<store::Id, int>, std::uint64_t> last_bytes_;
  std::array<std::uint64_t, 2> moved_{};             // by phase: download, upload
  std::uint64_t sized_files_ = 0, sized_bytes_ = 0;  // for the mean file size
  std::optional<Clock::time_point> first_byte_;
  std::deque<std::pair<Clock::time_point, std::uint64_t>> samples_;
};

/// "1.5 MB", "312 kB", "20 B" (decimal units).
std::string format_bytes(double bytes);

}  // namespace curator::cli
