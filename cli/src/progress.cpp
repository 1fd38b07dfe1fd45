#include "progress.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "curator/core/json.hpp"
#include "exit_codes.hpp"

namespace curator::cli {
namespace {

std::string duration(std::chrono::seconds s) {
  const auto h = s.count() / 3600, m = (s.count() % 3600) / 60, sec = s.count() % 60;
  return h > 0 ? fmt::format("{}h{:02}m", h, m) : fmt::format("{}m{:02}s", m, sec);
}

std::string outcome_text(const store::UploadRequest& row) {
  if (row.success) return *row.success;
  if (row.error) {
    auto text = row.error->message;
    if (!row.error->links.empty()) text += " (" + row.error->links.front().url + ")";
    return text;
  }
  return "";
}

const char* mark(UploadStatus s) {
  switch (s) {
    case UploadStatus::completed:
      return "done";
    case UploadStatus::failed:
      return "FAILED";
    case UploadStatus::cancelled:
      return "cancelled";
    case UploadStatus::in_progress:
      return "uploading";
    case UploadStatus::queued:
      return "queued";
    default:
      return "duplicate";
  }
}

}  // namespace

BatchProgress::BatchProgress(Output& out, store::Id batch_id)
    : out_(out),
      batch_id_(batch_id),
      started_(std::chrono::steady_clock::now()),
      transfers_(batch_id) {}

pipeline::ProgressSink BatchProgress::sink() {
  return [this](const pipeline::ProgressEvent& event) { transfers_.record(event); };
}

bool BatchProgress::settled() const {
  return stats_.total > 0 && stats_.queued == 0 && stats_.in_progress == 0;
}

double BatchProgress::rate_per_minute() const {
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_);
  if (finished_here_ == 0 || elapsed.count() < 1) return 0;
  return static_cast<double>(finished_here_) * 60.0 / elapsed.count();
}

std::size_t BatchProgress::not_started() const {
  std::size_t waiting = static_cast<std::size_t>(stats_.queued);
  for (const auto& [id, seen] : seen_) {
    if (seen.status == UploadStatus::in_progress && !transfers_.current(id)) ++waiting;
  }
  return waiting;
}

std::optional<std::chrono::seconds> BatchProgress::eta() const {
  if (stats_.queued + stats_.in_progress == 0) return std::nullopt;
  // From bytes when they are known (Transfers::eta): the average rates
  // since the first byte already hold the API calls and the rate-limit waits.
  if (const auto left = transfers_.eta(not_started(), std::chrono::steady_clock::now())) {
    return *left;
  }
  const auto rate = rate_per_minute();
  if (rate <= 0) return std::nullopt;
  const auto left = static_cast<double>(stats_.queued + stats_.in_progress);
  if (left == 0) return std::nullopt;
  return std::chrono::seconds(static_cast<long long>(left / rate * 60.0));
}

std::string BatchProgress::counts_line() const {
  const auto& s = stats_;
  const auto done = s.completed + s.duplicate + s.failed + s.cancelled;
  auto line = fmt::format(
      "Batch {}: {}/{} finished · {} uploading · {} queued · {} completed · {} "
      "duplicate · {} failed",
      batch_id_, done, s.total, s.in_progress, s.queued, s.completed, s.duplicate, s.failed);
  if (s.cancelled > 0) line += fmt::format(" · {} cancelled", s.cancelled);
  if (const auto rate = rate_per_minute(); rate > 0) line += fmt::format(" · {:.1f}/min", rate);
  if (const auto moved = transfers_.moved(); moved > 0) {
    line += " · " + format_bytes(static_cast<double>(moved));
    if (const auto rate = transfers_.recent_rate(); rate > 0) {
      line += " at " + format_bytes(rate) + "/s";
    }
  }
  if (const auto left = eta()) line += " · ETA " + duration(*left);
  return line;
}

void BatchProgress::update(const std::vector<store::UploadRequest>& rows) {
  store::BatchStats stats;
  const auto now = std::chrono::steady_clock::now();
  transfers_.sample(now);
  // Bytes first: a file's last bytes come before the line saying it ended.
  for (const auto& event : transfers_.take_changes())
    report_bytes(event);
  for (const auto& row : rows) {
    ++stats.total;
    switch (row.status) {
      case UploadStatus::queued:
        ++stats.queued;
        break;
      case UploadStatus::in_progress:
        ++stats.in_progress;
        break;
      case UploadStatus::completed:
        ++stats.completed;
        break;
      case UploadStatus::failed:
        ++stats.failed;
        break;
      case UploadStatus::cancelled:
        ++stats.cancelled;
        break;
      default:
        ++stats.duplicate;
    }
  }
  stats_ = stats;
  const bool first = seen_.empty();
  for (const auto& row : rows) {
    const auto it = seen_.find(row.id);
    if (it == seen_.end()) {
      seen_[row.id] = {row.status, now};
      // Rows that ended before we started watching are only counted.
      if (!first || !is_terminal(row.status)) report_change(row, std::nullopt);
      continue;
    }
    if (it->second.status == row.status) continue;
    const auto before = it->second.status;
    it->second = {row.status, now};
    if (is_terminal(row.status)) {
      ++finished_here_;
      transfers_.forget(row.id);
    }
    report_change(row, before);
  }
  // Progress is news when the counts change, not when only the rate does.
  const auto counts =
      fmt::format("{} {} {} {} {} {} {}", stats_.total, stats_.queued, stats_.in_progress,
                  stats_.completed, stats_.duplicate, stats_.failed, stats_.cancelled);
  if (out_.json()) {
    if (counts != last_counts_) {
      out_.object(json::object{{"event", "progress"},
                               {"batch", batch_id_},
                               {"total", stats_.total},
                               {"queued", stats_.queued},
                               {"in_progress", stats_.in_progress},
                               {"completed", stats_.completed},
                               {"duplicate", stats_.duplicate},
                               {"failed", stats_.failed},
                               {"cancelled", stats_.cancelled},
                               {"rate_per_minute", rate_per_minute()},
                               {"bytes_moved", transfers_.moved()},
                               {"bytes_per_second", transfers_.recent_rate()},
                               {"eta_seconds", eta() ? json::value(eta()->count()) : nullptr}});
    }
  } else if (out_.live()) {
    redraw(rows);
  } else if (counts != last_counts_ && !first && !settled()) {
    last_line_ = counts_line();
    out_.line(last_line_);
  }
  last_counts_ = counts;
}

void BatchProgress::report_change(const store::UploadRequest& row,
                                  std::optional<UploadStatus> before) {
  if (out_.json()) {
    json::object o{{"event", "upload"}, {"batch", row.batchid},  {"id", row.id},
                   {"key", row.key},    {"title", row.filename}, {"status", to_string(row.status)}};
    if (before) o["previous"] = to_string(*before);
    if (row.error) o["error"] = to_json(*row.error);
    if (row.success) o["success"] = *row.success;
    out_.object(o);
    return;
  }
  // Queued rows are not news; a row going back to the queue is.
  if (row.status == UploadStatus::queued && !before) return;
  const auto text = fmt::format("{:<9} {} File:{}{}", mark(row.status), row.key, row.filename,
                                outcome_text(row).empty() ? "" : " → " + outcome_text(row));
  if (out_.live()) {
    if (row.status == UploadStatus::in_progress) return;  // shown in the block
    clear_block();
  }
  out_.line(text);
}

void BatchProgress::report_bytes(const pipeline::ProgressEvent& event) {
  if (!out_.json()) return;  // the live block and the counts line show bytes
  out_.object(json::object{{"event", "bytes"},
                           {"batch", event.batch_id},
                           {"id", event.upload_id},
                           {"title", event.title},
                           {"phase", to_string(event.phase)},
                           {"bytes", event.bytes},
                           {"total", event.total},
                           {"bytes_moved", transfers_.moved()}});
}

std::string BatchProgress::transfer_text(store::Id upload) const {
  const auto t = transfers_.current(upload);
  if (!t) return "starting";
  const auto verb = t->phase == pipeline::TransferPhase::download ? "↓" : "↑";
  if (t->total == 0) return fmt::format("{} {}", verb, format_bytes(static_cast<double>(t->bytes)));
  if (t->phase == pipeline::TransferPhase::upload && t->bytes >= t->total) {
    return fmt::format("↑ {} sent, publishing", format_bytes(static_cast<double>(t->total)));
  }
  return fmt::format("{} {}/{} {:.0f}%", verb, format_bytes(static_cast<double>(t->bytes)),
                     format_bytes(static_cast<double>(t->total)),
                     100.0 * static_cast<double>(t->bytes) / static_cast<double>(t->total));
}

void BatchProgress::clear_block() {
  for (; block_lines_ > 0; --block_lines_)
    std::fputs("\033[1A\033[2K", stderr);
  std::fflush(stderr);
}

void BatchProgress::redraw(const std::vector<store::UploadRequest>& rows) {
  clear_block();
  std::string block = counts_line() + "\n";
  std::size_t lines = 1;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& row : rows) {
    if (row.status != UploadStatus::in_progress) continue;
    const auto since = seen_[row.id].since;
    block += fmt::format("  {} · {} ({})\n", ellipsize(row.filename, 60), transfer_text(row.id),
                         duration(std::chrono::duration_cast<std::chrono::seconds>(now - since)));
    ++lines;
  }
  std::fputs(block.c_str(), stderr);
  std::fflush(stderr);
  block_lines_ = lines;
}

int BatchProgress::finish(bool interrupted) {
  if (out_.live()) clear_block();
  const int code = interrupted                                   ? kExitInterrupted
                   : (stats_.failed > 0 || stats_.cancelled > 0) ? kExitSomeFailed
                                                                 : kExitOk;
  if (out_.json()) {
    out_.object(json::object{{"event", "summary"},
                             {"batch", batch_id_},
                             {"total", stats_.total},
                             {"queued", stats_.queued},
                             {"in_progress", stats_.in_progress},
                             {"completed", stats_.completed},
                             {"duplicate", stats_.duplicate},
                             {"failed", stats_.failed},
                             {"cancelled", stats_.cancelled},
                             {"bytes_moved", transfers_.moved()},
                             {"interrupted", interrupted},
                             {"exit", code}});
    return code;
  }
  // The final counts, unless the last progress line said the same.
  const auto final_line = counts_line();
  if (final_line != last_line_) out_.line(final_line);
  if (interrupted) {
    out_.note(
        fmt::format("Interrupted. {} uploads are still queued; continue with `curatorctl "
                    "batch resume {}` (or run the same ingest again).",
                    stats_.queued + stats_.in_progress, batch_id_));
  } else if (code == kExitSomeFailed) {
    out_.note(
        fmt::format("Some uploads did not succeed; `curatorctl batch show {}` lists them, "
                    "`curatorctl retry {}` tries them again.",
                    batch_id_, batch_id_));
  }
  return code;
}

}  // namespace curator::cli
