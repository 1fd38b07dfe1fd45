#pragma once
// Checked navigation in Action API answers, shared by the parsers: every
// member is looked up and type-checked before use, and a missing or mistyped
// member becomes Error(permanent, code "malformed-answer") naming the path,
// never a crash: a wiki that answers in another shape will not change its mind.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "curator/core/json.hpp"

namespace curator::mediawiki::answer {

/// Throws ApiException when the answer is an error answer.
void throw_if_error(const json::value& response);

/// The answer as an object (after throw_if_error), or Error(invalid_input).
const json::object& top(const json::value& response, std::string_view what);

/// o[key] when it is an object; nullptr when absent or null; Error when
/// present with another type.
const json::object* object_member(const json::object& o, std::string_view key,
                                  std::string_view what);
const json::array* array_member(const json::object& o, std::string_view key, std::string_view what);
const json::object& require_object(const json::object& o, std::string_view key,
                                   std::string_view what);

/// A string member; numbers are accepted and written in decimal (some fields
/// are strings in formatversion 1 and numbers in 2).
std::optional<std::string> string_member(const json::object& o, std::string_view key);
/// A non-negative integer member, given as a number or a decimal string.
std::optional<std::uint64_t> unsigned_member(const json::object& o, std::string_view key);
/// A flag: formatversion 2 sends true/false, formatversion 1 sends "" when set
/// and omits it otherwise.
bool flag_member(const json::object& o, std::string_view key);

[[noreturn]] void malformed(std::string_view what, std::string_view detail);

}  // namespace curator::mediawiki::answer
