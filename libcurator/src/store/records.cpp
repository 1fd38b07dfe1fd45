// Names of the store's enums as the database and the admin API spell them.
#include "curator/store/records.hpp"

#include <array>
#include <utility>

namespace curator::store {
namespace {

constexpr std::array<std::pair<RetryReason, std::string_view>, kRetryReasonCount> kReasons{{
    {RetryReason::source, "source"},
    {RetryReason::storage, "storage"},
    {RetryReason::hash_lock, "hash_lock"},
    {RetryReason::rate_limited, "rate_limited"},
    {RetryReason::transient, "transient"},
    {RetryReason::lease_expired, "lease_expired"},
}};

constexpr std::array<std::pair<ErrorCategory, std::string_view>, 6> kCategories{{
    {ErrorCategory::duplicate, "duplicate"},
    {ErrorCategory::rate_limit, "rate_limit"},
    {ErrorCategory::timeout, "timeout"},
    {ErrorCategory::auth, "auth"},
    {ErrorCategory::network, "network"},
    {ErrorCategory::other, "other"},
}};

template <typename Table, typename Enum>
std::string_view name_of(const Table& table, Enum value) noexcept {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename Enum, typename Table>
std::optional<Enum> value_of(const Table& table, std::string_view text) noexcept {
  for (const auto& [v, name] : table) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(RetryReason reason) noexcept {
  return name_of(kReasons, reason);
}
std::optional<RetryReason> parse_retry_reason(std::string_view text) noexcept {
  return value_of<RetryReason>(kReasons, text);
}
std::string_view to_string(ErrorCategory category) noexcept {
  return name_of(kCategories, category);
}
std::optional<ErrorCategory> parse_error_category(std::string_view text) noexcept {
  return value_of<ErrorCategory>(kCategories, text);
}

}  // namespace curator::store
