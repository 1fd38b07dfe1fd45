#include "curator/core/error.hpp"

#include <array>
#include <utility>

namespace curator {
namespace {
constexpr std::array<std::pair<ErrorKind, std::string_view>, 8> kKindNames{{
    {ErrorKind::transient, "transient"},
    {ErrorKind::rate_limited, "rate_limited"},
    {ErrorKind::auth, "auth"},
    {ErrorKind::duplicate, "duplicate"},
    {ErrorKind::not_found, "not_found"},
    {ErrorKind::invalid_input, "invalid_input"},
    {ErrorKind::conflict, "conflict"},
    {ErrorKind::permanent, "permanent"},
}};
}  // namespace

std::string_view to_string(ErrorKind kind) noexcept {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "permanent";
}

std::optional<ErrorKind> parse_error_kind(std::string_view text) noexcept {
  for (const auto& [k, name] : kKindNames) {
    if (name == text) return k;
  }
  return std::nullopt;
}

bool is_retryable(ErrorKind kind) noexcept {
  return kind == ErrorKind::transient || kind == ErrorKind::rate_limited ||
         kind == ErrorKind::conflict;
}

Error::Error(ErrorKind kind, std::string message, std::string code)
    : std::runtime_error(std::move(message)), kind_(kind), code_(std::move(code)) {}

}  // namespace curator
