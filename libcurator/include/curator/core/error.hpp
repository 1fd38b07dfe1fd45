#pragma once
// curator::Error: the one exception type of libcurator. Its kind says what a
// caller may do about it (retry, back off, re-authenticate, give up); retry
// decisions read the kind, never the message.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator {

enum class ErrorKind {
  transient,      // network, 5xx, timeouts: retry later
  rate_limited,   // the remote side asked us to slow down
  auth,           // credentials missing, expired or refused
  duplicate,      // the thing already exists (e.g. the file is on Commons)
  not_found,      // the thing does not exist
  invalid_input,  // the caller's input is wrong; retrying will not help
  conflict,       // a concurrent change won (state moved, lock held)
  permanent,      // anything else that retrying will not fix
};

CURATOR_API std::string_view to_string(ErrorKind kind) noexcept;
CURATOR_API std::optional<ErrorKind> parse_error_kind(std::string_view text) noexcept;
/// True for the kinds a caller should retry after a delay.
CURATOR_API bool is_retryable(ErrorKind kind) noexcept;

class CURATOR_API Error : public std::runtime_error {
 public:
  /// `code` is a short machine-readable identifier (e.g. an API error code).
  Error(ErrorKind kind, std::string message, std::string code = {});

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }
  /// How long the remote side asked us to wait, when it said so.
  std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }
  Error& with_retry_after(std::chrono::seconds delay) {
    retry_after_ = delay;
    return *this;
  }

 private:
  ErrorKind kind_;
  std::string code_;
  std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace curator
