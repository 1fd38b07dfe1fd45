#pragma once
// Byte progress of the upload a job is working on: how much of the source
// file is downloaded, then how much of it Commons has acknowledged. The jobs
// of this process call an optional sink (JobEnvironment::on_progress) from
// their worker threads, throttled (at most one call per kProgressInterval per
// job, plus the first and last of each phase) so a sink costs nothing
// measurable. Uploads run by other processes (the distributed mode's
// workers) are not seen here: their front ends get only status events.
// Knows nothing of terminals or the event bus.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/store/records.hpp"

namespace curator::pipeline {

inline constexpr std::chrono::milliseconds kProgressInterval{200};

enum class TransferPhase {
  download,  // from the source into the temporary file; grows per block received
  upload,    // to Commons; grows per chunk the wiki acknowledged (chunk_size)
};
CURATOR_API std::string_view to_string(TransferPhase phase) noexcept;

struct ProgressEvent {
  store::Id batch_id = 0;
  store::Id upload_id = 0;
  TransferPhase phase = TransferPhase::download;
  /// Bytes of this phase done. A download retry or a lost upload stash starts
  /// the phase again, so `bytes` may go back to 0 within one upload.
  std::uint64_t bytes = 0;
  /// The file's size; 0 while unknown (a download without Content-Length).
  std::uint64_t total = 0;
  std::string title;  // the file name, without "File:"
  bool operator==(const ProgressEvent&) const = default;
};

/// Called on a worker thread; must be quick and must not throw (an exception
/// is logged and dropped).
using ProgressSink = std::function<void(const ProgressEvent&)>;

/// {"batch_id":…,"upload_id":…,"phase":"download"|"upload","bytes":…,"total":…,"title":"…"}
CURATOR_API json::value to_json(const ProgressEvent& event);

/// What one job reports: drops calls that come sooner than kProgressInterval
/// after the last one passed on, except a phase's first and last (bytes ==
/// total) and a restart (fewer bytes than before). Not thread-safe: one per job.
class CURATOR_API ProgressThrottle {
 public:
  ProgressThrottle(const ProgressSink* sink, ProgressEvent base);
  void report(TransferPhase phase, std::uint64_t bytes, std::uint64_t total);

 private:
  const ProgressSink* sink_;
  ProgressEvent last_;
  bool any_ = false;
  std::chrono::steady_clock::time_point at_{};
};

}  // namespace curator::pipeline
