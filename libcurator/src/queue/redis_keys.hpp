#pragma once
// Key names of the Redis implementations. Every key of one deployment
// starts with `{<name>}:` so that all of them hash to one cluster slot (the
// Lua scripts touch several keys at once) and tests can use a private name.

#include <string>
#include <string_view>

namespace curator::queue::detail {

/// Throws Error(invalid_input) unless `name` is 1..128 bytes without braces.
void validate_namespace(std::string_view name);

/// `{<name>}:<part>:`.
std::string key_prefix(std::string_view name, std::string_view part);

/// Throws Error(invalid_input) naming `what` when `value` is empty or longer
/// than `max_bytes` (any bytes are allowed otherwise: keys are binary-safe).
void validate_key_part(std::string_view what, std::string_view value, std::size_t max_bytes);

}  // namespace curator::queue::detail
