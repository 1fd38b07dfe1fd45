#include "transfers.hpp"

#include <fmt/format.h>

namespace curator::cli {
namespace {

constexpr auto kRateWindow = std::chrono::seconds(5);

}  // namespace

std::string format_bytes(double bytes) {
  if (bytes < 1000) return fmt::format("{:.0f} B", bytes);
  if (bytes < 1e6) return fmt::format("{:.0f} kB", bytes / 1e3);
  if (bytes < 1e9) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.2f} GB", bytes / 1e9);
}

Transfers::Transfers(store::Id batch_id) : batch_id_(batch_id) {}

void Transfers::record(const pipeline::ProgressEvent& event) {
  if (event.batch_id != batch_id_) return;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  auto& last = last_bytes_[{event.upload_id, static_cast<int>(event.phase)}];
  moved_ += event.bytes >= last ? event.bytes - last : event.bytes;
  last = event.bytes;
  if (!first_byte_ && event.bytes > 0) first_byte_ = now;
  auto& entry = running_[event.upload_id];
  if (event.phase == pipeline::TransferPhase::download) {
    // A file's size counts once, when its download completes.
    const bool completes = event.total > 0 && event.bytes == event.total &&
                           (!entry.download || entry.download->bytes != entry.download->total);
    if (completes) {
      ++sized_files_;
      sized_bytes_ += event.total;
    }
    entry.download = event;
  } else {
    entry.upload = event;
  }
  entry.changed = true;
}

std::vector<pipeline::ProgressEvent> Transfers::take_changes() {
  std::vector<pipeline::ProgressEvent> out;
  std::lock_guard lock(mutex_);
  for (auto& [id, entry] : running_) {
    if (!entry.changed) continue;
    entry.changed = false;
    if (entry.download) out.push_back(*entry.download);
    if (entry.upload) out.push_back(*entry.upload);
  }
  return out;
}

std::optional<pipeline::ProgressEvent> Transfers::current(store::Id upload) const {
  std::lock_guard lock(mutex_);
  const auto it = running_.find(upload);
  if (it == running_.end()) return std::nullopt;
  return it->second.upload ? it->second.upload : it->second.download;
}

void Transfers::forget(store::Id upload) {
  std::lock_guard lock(mutex_);
  running_.erase(upload);
}

void Transfers::sample(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  samples_.emplace_back(now, moved_);
  while (samples_.size() > 2 && now - samples_[1].first >= kRateWindow)
    samples_.pop_front();
}

std::uint64_t Transfers::moved() const {
  std::lock_guard lock(mutex_);
  return moved_;
}

double Transfers::recent_rate() const {
  std::lock_guard lock(mutex_);
  if (samples_.size() < 2) return 0;
  const auto& [t0, b0] = samples_.front();
  const auto& [t1, b1] = samples_.back();
  const auto seconds = std::chrono::duration<double>(t1 - t0).count();
  return seconds < 0.5 ? 0 : static_cast<double>(b1 - b0) / seconds;
}

double Transfers::average_rate(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (!first_byte_) return 0;
  const auto seconds = std::chrono::duration<double>(now - *first_byte_).count();
  return seconds < 1 ? 0 : static_cast<double>(moved_) / seconds;
}

std::optional<double> Transfers::remaining(std::size_t waiting) const {
  std::lock_guard lock(mutex_);
  if (sized_files_ == 0) return std::nullopt;
  // Every file moves its size twice: down from the source, up to Commons.
  const double mean = static_cast<double>(sized_bytes_) / static_cast<double>(sized_files_);
  double left = static_cast<double>(waiting) * 2 * mean;
  for (const auto& [id, entry] : running_) {
    if (entry.upload) {
      const auto total = static_cast<double>(entry.upload->total);
      left += std::max(0.0, total - static_cast<double>(entry.upload->bytes));
    } else if (entry.download) {
      const auto total =
          entry.download->total > 0 ? static_cast<double>(entry.download->total) : mean;
      left += std::max(0.0, 2 * total - static_cast<double>(entry.download->bytes));
    } else {
      left += 2 * mean;
    }
  }
  return left;
}

}  // namespace curator::cli
