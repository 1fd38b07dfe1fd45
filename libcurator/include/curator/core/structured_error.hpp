#pragma once
// StructuredError: what the user sees when an upload did not end as a new
// file (the wire's five shapes, discriminated by `type`).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator {

enum class StructuredErrorType {
  duplicate,
  duplicated_sdc_updated,
  duplicated_sdc_not_updated,
  error,  // GenericError
  title_blacklisted,
};

CURATOR_API std::string_view to_string(StructuredErrorType type) noexcept;
CURATOR_API std::optional<StructuredErrorType> parse_structured_error_type(
    std::string_view text) noexcept;

struct ErrorLink {
  std::string title;  // e.g. "File:Foo.jpg"
  std::string url;    // the Commons description page
  bool operator==(const ErrorLink&) const = default;
};

struct StructuredError {
  StructuredErrorType type = StructuredErrorType::error;
  std::string message;
  std::vector<ErrorLink> links;  // only for the duplicate types
  bool operator==(const StructuredError&) const = default;

  static StructuredError generic(std::string message) {
    return {StructuredErrorType::error, std::move(message), {}};
  }
};

/// Always writes `type`; `links` only for the duplicate types.
CURATOR_API json::value to_json(const StructuredError& error);
/// Reads a stored error: an object without `type` but with `message` is a
/// generic error; a non-object (or an object without `message`) is nullopt.
CURATOR_API std::optional<StructuredError> structured_error_from_json(const json::value& v);

}  // namespace curator
