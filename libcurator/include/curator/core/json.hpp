#pragma once
// JSON helpers over Boost.JSON: a serializer that writes numbers the way
// Python's json.dumps does (no exponents), size-limited parsing with clear
// errors, and typed field access that never indexes blindly.

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::json {

using boost::json::array;
using boost::json::object;
using boost::json::value;

/// Compact JSON. Doubles are written in plain decimal, shortest round-trip
/// form, with ".0" when integral (as Python writes them); never exponents.
CURATOR_API std::string serialize(const value& v);

/// Parses `text`, refusing more than `max_bytes` or nesting deeper than
/// `max_depth`. Throws curator::Error(invalid_input) saying what was wrong
/// (`what` names the input, e.g. "request body").
CURATOR_API value parse(std::string_view text, std::string_view what = "JSON",
                        std::size_t max_bytes = 16u << 20, std::size_t max_depth = 64);

/// Typed lookups on an object. `require_*` throw Error(invalid_input) naming
/// the field and the type expected; `get_*` return nullopt when absent or null
/// and throw when present with the wrong type.
CURATOR_API const object& as_object(const value& v, std::string_view what);
/// True when `key` holds a string (absent, null or another type: false).
CURATOR_API bool has_string(const object& o, std::string_view key);
CURATOR_API std::string require_string(const object& o, std::string_view key);
CURATOR_API std::optional<std::string> get_string(const object& o, std::string_view key);
CURATOR_API long long require_int(const object& o, std::string_view key);
CURATOR_API std::optional<long long> get_int(const object& o, std::string_view key);
CURATOR_API std::optional<double> get_number(const object& o, std::string_view key);
CURATOR_API std::optional<bool> get_bool(const object& o, std::string_view key);

}  // namespace curator::json
