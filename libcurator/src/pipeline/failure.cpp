#include "pipeline/failure.hpp"

#include <fmt/format.h>

#include <cctype>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"

namespace curator::pipeline::detail {

namespace {

using store::RetryReason;

Decision retry(RetryReason reason, const Error& e) {
  Decision d;
  d.retry = true;
  d.reason = reason;
  d.message = e.what();
  if (auto after = e.retry_after()) d.at_least = std::chrono::milliseconds(*after);
  return d;
}

Decision fail(std::string message) {
  Decision d;
  d.message = std::move(message);
  return d;
}

Decision classify_source(Step step, const Error& e, std::string_view source) {
  const bool metadata = step == Step::metadata;
  switch (e.kind()) {
    case ErrorKind::transient:
    case ErrorKind::rate_limited:
      return retry(RetryReason::source, e);
    case ErrorKind::not_found:
      return fail(
          fmt::format("The image is no longer available on {} (deleted or made private): {}",
                      source, e.what()));
    case ErrorKind::auth:
      return fail(fmt::format(
          "{} refused the server's credentials ({}). An administrator must fix the server's "
          "{} token; then retry the upload.",
          source, e.what(), source));
    case ErrorKind::invalid_input:
      return fail(metadata ? fmt::format("This image cannot be uploaded: {}", e.what())
                           : fmt::format("The download from {} was refused: {}", source, e.what()));
    default:
      return fail(metadata ? fmt::format("{} did not give usable metadata for this image: {}",
                                         source, e.what())
                           : fmt::format("The image could not be downloaded from {}: {}. Retry "
                                         "later; if it keeps failing, the image may be gone.",
                                         source, e.what()));
  }
}

Decision classify_wiki(Step step, const Error& e) {
  if (const auto* api = dynamic_cast<const mediawiki::ApiException*>(&e)) {
    if (api->type() == mediawiki::ApiErrorType::stash_backend) {
      return retry(RetryReason::storage, e);
    }
    if (api->type() == mediawiki::ApiErrorType::edit_conflict) {
      return retry(RetryReason::transient, e);
    }
  }
  switch (e.kind()) {
    case ErrorKind::rate_limited:
      return retry(RetryReason::rate_limited, e);
    case ErrorKind::transient:
    case ErrorKind::conflict:
      return retry(RetryReason::transient, e);
    case ErrorKind::auth:
      return fail(fmt::format(
          "Commons did not accept your login ({}). Log in again, then retry the upload.",
          e.what()));
    default:
      break;
  }
  if (step == Step::after_publish) {
    return fail(fmt::format(
        "The file is on Commons, but its structured data could not be saved: {}", e.what()));
  }
  return fail(e.what());
}

}  // namespace

std::string source_display_name(std::string_view handler) {
  if (handler == "mapillary") return "Mapillary";
  if (handler == "flickr") return "Flickr";
  std::string name(handler);
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

Decision classify(Step step, const std::exception& error, std::string_view source) {
  const auto* e = dynamic_cast<const Error*>(&error);
  if (e == nullptr) {
    // Not a libcurator error: a malformed answer a parser did not expect, or
    // a bug. Retrying will not change it.
    return fail(fmt::format("Internal error while uploading: {}", error.what()));
  }
  switch (step) {
    case Step::credentials:
      if (e->kind() == ErrorKind::transient) return retry(RetryReason::transient, *e);
      return fail(
          "Your stored login could not be read (it was saved with another key or is damaged). "
          "Log in again, then retry the upload.");
    case Step::metadata:
    case Step::download:
      return classify_source(step, *e, source);
    case Step::hash_lock:
      if (e->kind() == ErrorKind::conflict) return retry(RetryReason::hash_lock, *e);
      return retry(RetryReason::transient, *e);
    case Step::wiki:
    case Step::after_publish:
      return classify_wiki(step, *e);
  }
  return fail(e->what());
}

std::string exhausted_message(RetryReason reason, std::size_t retries, std::string_view cause) {
  std::string_view what;
  switch (reason) {
    case RetryReason::source:
      what = "The image source kept failing";
      break;
    case RetryReason::storage:
      what = "Commons' upload storage kept failing";
      break;
    case RetryReason::hash_lock:
      what = "Another upload of the same file kept it locked";
      break;
    case RetryReason::rate_limited:
      what = "Commons kept refusing uploads because of your rate limit";
      break;
    case RetryReason::transient:
      what = "The connection to Commons kept failing";
      break;
    case RetryReason::lease_expired:
      what = "The upload was interrupted too often (a worker stopped or crashed while on it)";
      break;
  }
  return fmt::format("{} ({} retries): {}. Retry the upload later.", what, retries, cause);
}

}  // namespace curator::pipeline::detail
