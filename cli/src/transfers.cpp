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
  const auto phase = static_cast<std::size_t>(event.phase);
  auto& last = last_bytes_[{event.upload_id, static_cast<int>(phase)}];
  moved_[phase] += event.bytes >= last ? event.bytes - last : event.bytes;
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
    entry.download_changed = true;
  } else {
    entry.upload = event;
    entry.upload_changed = true;
  }
}

std::vector<pipeline::ProgressEvent> Transfers::take_changes() {
  std::vector<pipeline::ProgressEvent> out;
  std::lock_guard lock(mutex_);
  for (auto& [id, entry] : running_) {
    if (entry.download_changed) out.push_back(*entry.download);
    if (entry.upload_changed) out.push_back(*entry.upload);
    entry.download_changed = entry.upload_changed = false;
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
  samples_.emplace_back(now, moved_[0] + moved_[1]);
  while (samples_.size() > 2 && now - samples_[1].first >= kRateWindow)
    samples_.pop_front();
}

std::uint64_t Transfers::moved() const {
  std::lock_guard lock(mutex_);
  return moved_[0] + moved_[1];
}

double Transfers::recent_rate() const {
  std::lock_guard lock(mutex_);
  if (samples_.size() < 2) return 0;
  const auto& [t0, b0] = samples_.front();
  const auto& [t1, b1] = samples_.back();
  const auto seconds = std::chrono::duration<double>(t1 - t0).count();
  return seconds < 0.5 ? 0 : static_cast<double>(b1 - b0) / seconds;
}

std::optional<std::chrono::seconds> Transfers::eta(std::size_t waiting,
                                                   Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (sized_files_ == 0 || !first_byte_) return std::nullopt;
  const auto elapsed = std::chrono::duration<double>(now - *first_byte_).count();
  if (elapsed < 1) return std::nullopt;
  const double mean = static_cast<double>(sized_bytes_) / static_cast<double>(sized_files_);
  // Bytes left per phase: waiting files at the mean size, running ones exactly.
  std::array<double, 2> left{static_cast<double>(waiting) * mean,
                             static_cast<double>(waiting) * mean};
  for (const auto& [id, entry] : running_) {
    const auto size_of = [&](const pipeline::ProgressEvent& e) {
      return e.total > 0 ? static_cast<double>(e.total) : mean;
    };
    if (entry.upload) {
      left[1] += std::max(0.0, size_of(*entry.upload) - static_cast<double>(entry.upload->bytes));
    } else if (entry.download) {
      const auto size = size_of(*entry.download);
      left[0] += std::max(0.0, size - static_cast<double>(entry.download->bytes));
      left[1] += size;
    } else {
      left[0] += mean;
      left[1] += mean;
    }
  }
  double seconds = 0;
  bool known = false;
  for (std::size_t phase = 0; phase < 2; ++phase) {
    if (left[phase] <= 0) continue;
    if (moved_[phase] == 0) continue;  // no rate yet: the other phase decides
    const double rate = static_cast<double>(moved_[phase]) / elapsed;
    seconds = std::max(seconds, left[phase] / rate);
    known = true;
  }
  if (!known) return std::nullopt;
  return std::chrono::seconds(static_cast<long long>(seconds + 0.5));
}

}  // namespace curator::cli
