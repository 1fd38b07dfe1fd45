#pragma once
// Input checks done before anything reaches SQL, so hostile input gets a clear
// Error(invalid_input) naming the field and nothing is written: valid UTF-8 without
// NUL, lengths within the Python schema's column sizes (characters for VARCHAR, bytes
// for TEXT), sane pages, filters turned into literal LIKE patterns.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/label.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/store/records.hpp"

namespace curator::store::detail {

/// MySQL TEXT holds at most 65535 bytes.
inline constexpr std::size_t kTextBytes = 65535;
/// Our own cap for JSON columns (labels, errors).
inline constexpr std::size_t kJsonBytes = 65535;
/// Ids are INT(11) in the Python schema.
inline constexpr std::int64_t kMaxId = 2147483647;
/// Most ids accepted by one bulk call (bulk cancel/fail, retry, stats).
inline constexpr std::size_t kMaxIdsPerCall = 10000;

/// Number of code points, or nullopt when `text` is not valid UTF-8 (overlong forms,
/// surrogates and values above U+10FFFF are invalid).
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

/// VARCHAR(max_chars) field: valid UTF-8, no NUL, at most max_chars code points,
/// non-empty unless allowed.
void check_varchar(std::string_view field, std::string_view value, std::size_t max_chars,
                   bool allow_empty = true);
/// TEXT field: valid UTF-8, no NUL, at most max_bytes bytes.
void check_text(std::string_view field, std::string_view value, std::size_t max_bytes = kTextBytes);

/// A label: language and value as TEXT, the JSON at most kJsonBytes.
void check_label(std::string_view field, const Label& label);
/// A structured error: message and links as TEXT, the JSON at most kJsonBytes.
void check_error(std::string_view field, const StructuredError& error);

/// The row offset of a page; throws for number < 1, limit outside 1..kMaxPageLimit, or
/// an offset no 32-bit id space can reach.
std::int64_t page_offset(const PageRequest& page);
/// `%filter%` with `!`, `%`, `_` escaped (use with ESCAPE '!'); the filter is checked
/// like a VARCHAR(kMaxFilterChars). nullopt for an empty filter.
std::optional<std::string> like_pattern(std::string_view filter);
/// Ids in range (1..kMaxId), at most kMaxIdsPerCall; out-of-range ids are dropped
/// because no row can have them.
std::vector<std::int64_t> usable_ids(const std::vector<std::int64_t>& ids);
inline bool usable_id(std::int64_t id) noexcept {
  return id > 0 && id <= kMaxId;
}

/// "?, ?, ?" with n parameter markers.
std::string parameter_list(std::size_t n);

}  // namespace curator::store::detail
