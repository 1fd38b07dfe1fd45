#include "queue/redis_keys.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"

namespace curator::queue::detail {

void validate_namespace(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.find_first_of("{}") != std::string_view::npos) {
    throw Error(ErrorKind::invalid_input,
                "a redis namespace must be 1 to 128 bytes without '{' or '}'");
  }
}

std::string key_prefix(std::string_view name, std::string_view part) {
  validate_namespace(name);
  return fmt::format("{{{}}}:{}:", name, part);
}

void validate_key_part(std::string_view what, std::string_view value, std::size_t max_bytes) {
  if (value.empty()) throw Error(ErrorKind::invalid_input, fmt::format("the {} is empty", what));
  if (value.size() > max_bytes) {
    throw Error(ErrorKind::invalid_input, fmt::format("the {} is {} bytes; at most {} are allowed",
                                                      what, value.size(), max_bytes));
  }
}

}  // namespace curator::queue::detail
