#pragma once
// Identifiers: the edit group id that links a batch's edits together, and
// short random references for logs and error messages.

#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator {

/// 12 characters drawn uniformly from "0123456789abcdefABCDEF", as the Python
/// service makes them (`toolforge:editgroups-commons/b/curator/<id>`).
CURATOR_API std::string generate_edit_group_id();
/// True when `id` has the shape generate_edit_group_id() makes.
CURATOR_API bool is_edit_group_id(std::string_view id) noexcept;
/// A random lowercase hex string of `length` characters (request ids, error refs).
CURATOR_API std::string random_hex(std::size_t length);

}  // namespace curator
