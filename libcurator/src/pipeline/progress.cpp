#include "curator/pipeline/progress.hpp"

#include "curator/core/log.hpp"

namespace curator::pipeline {

std::string_view to_string(TransferPhase phase) noexcept {
  return phase == TransferPhase::download ? "download" : "upload";
}

json::value to_json(const ProgressEvent& event) {
  return json::object{{"batch_id", event.batch_id},
                      {"upload_id", event.upload_id},
                      {"phase", to_string(event.phase)},
                      {"bytes", event.bytes},
                      {"total", event.total},
                      {"title", event.title}};
}

ProgressThrottle::ProgressThrottle(const ProgressSink* sink, ProgressEvent base)
    : sink_(sink && *sink ? sink : nullptr), last_(std::move(base)) {}

void ProgressThrottle::report(TransferPhase phase, std::uint64_t bytes, std::uint64_t total) {
  if (sink_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  const bool edge = !any_ || phase != last_.phase || bytes < last_.bytes ||
                    (total > 0 && bytes >= total && last_.bytes < total);
  if (!edge && (bytes == last_.bytes || now - at_ < kProgressInterval)) return;
  if (any_ && phase == last_.phase && bytes == last_.bytes && total == last_.total) return;
  any_ = true;
  at_ = now;
  last_.phase = phase;
  last_.bytes = bytes;
  last_.total = total;
  try {
    (*sink_)(last_);
  } catch (const std::exception& e) {
    log::warning("pipeline", std::string("progress sink failed: ") + e.what());
  }
}

}  // namespace curator::pipeline
