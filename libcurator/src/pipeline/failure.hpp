#pragma once
// What a failed step means for the upload: back to the queue for a reason
// (each reason has its own budget) or a terminal failure with a message the
// user can act on. Decided from the step and the error's kind, never from
// message text. Also the texts of the failures the job itself decides.

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "curator/store/records.hpp"

namespace curator::pipeline::detail {

/// Where in the job an error came from.
enum class Step {
  credentials,    // decrypting the stored token
  metadata,       // fresh metadata from the source's API
  download,       // the source's CDN
  wiki,           // any Commons call before the publish (blacklist, duplicate check, upload)
  hash_lock,      // the hash lock service
  after_publish,  // SDC, null edit, duplicate merge
};

struct Decision {
  bool retry = false;
  store::RetryReason reason = store::RetryReason::transient;
  /// The remote side asked for at least this wait.
  std::optional<std::chrono::milliseconds> at_least;
  /// For a failure: what the user reads. For a retry: the cause, for logs
  /// and for the message when the budget runs out.
  std::string message;
};

/// `source` is the display name of the image source ("Mapillary").
Decision classify(Step step, const std::exception& error, std::string_view source);

/// The failure written when a reason's budget is used up.
std::string exhausted_message(store::RetryReason reason, std::size_t retries,
                              std::string_view cause);

/// "Mapillary" for "mapillary"; the handler itself for unknown ones.
std::string source_display_name(std::string_view handler);

}  // namespace curator::pipeline::detail
