#pragma once
// Upload statuses (`upload_requests.status`) and what each counts as.

#include <optional>
#include <string_view>

#include "curator/export.hpp"

namespace curator {

enum class UploadStatus {
  queued,
  in_progress,
  completed,
  failed,
  duplicate,
  duplicated_sdc_updated,
  duplicated_sdc_not_updated,
  cancelled,
};

CURATOR_API std::string_view to_string(UploadStatus status) noexcept;
CURATOR_API std::optional<UploadStatus> parse_upload_status(std::string_view text) noexcept;
/// Terminal: nothing will happen to the row any more (cancelled included).
CURATOR_API bool is_terminal(UploadStatus status) noexcept;
/// The three duplicate outcomes, counted together in batch stats.
CURATOR_API bool is_duplicate(UploadStatus status) noexcept;

}  // namespace curator
