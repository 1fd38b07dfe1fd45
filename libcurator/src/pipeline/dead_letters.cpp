#include "pipeline/dead_letters.hpp"

#include <fmt/format.h>

#include "curator/core/log.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/store/uploads.hpp"

namespace curator::pipeline::detail {

namespace {

constexpr std::string_view kLog = "pipeline";
// Reasons come from nack() callers and may be long; the stored error and the
// log line stay readable (and under the store's limit on error messages).
constexpr std::size_t kMaxReasonBytes = 1000;

std::string clipped(std::string_view reason) {
  if (reason.size() <= kMaxReasonBytes) return std::string(reason);
  std::size_t end = kMaxReasonBytes;
  // Never cut a UTF-8 sequence in half: back off over continuation bytes.
  while (end > 0 && (static_cast<unsigned char>(reason[end]) & 0xC0) == 0x80)
    --end;
  return std::string(reason.substr(0, end)) + "…";
}

}  // namespace

std::string dead_letter_message(const queue::DeadLetter& dead) {
  return fmt::format(
      "Curator gave up on this upload: workers took it {} times without finishing it ({}). "
      "Retry the upload; if it fails the same way again, report it to the Curator maintainers.",
      dead.deliveries, clipped(dead.reason));
}

bool fail_dead_letter(const JobEnvironment& env, const queue::DeadLetter& dead) noexcept {
  const auto id = dead.task.upload_id;
  try {
    log::error(kLog, fmt::format("upload {}: the queue gave up on its task: {}", id,
                                 clipped(dead.reason)));
    if (id <= 0 || env.database == nullptr) return false;  // an entry that did not decode
    store::UploadRepository uploads(*env.database);
    const auto error = StructuredError::generic(dead_letter_message(dead));
    if (!uploads.transition(id, UploadStatus::queued, UploadStatus::failed, error)) {
      log::warning(kLog, fmt::format("upload {}: not queued any more; the dead letter changes "
                                     "nothing (its worker or the sweeper decides)",
                                     id));
      return false;
    }
    if (const auto row = uploads.find(id)) publish_status(env.events.get(), status_event_of(*row));
    return true;
  } catch (const std::exception& e) {
    log::error(kLog, fmt::format("upload {}: cannot record its dead letter: {}", id, e.what()));
  } catch (...) {
    log::error(kLog, fmt::format("upload {}: cannot record its dead letter", id));
  }
  return false;
}

}  // namespace curator::pipeline::detail
