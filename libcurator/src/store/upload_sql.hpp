#pragma once
// SQL pieces the upload repository's source files share.

#include <optional>
#include <string>

#include "curator/store/records.hpp"
#include "store/connection.hpp"

namespace curator::store::detail {

/// "SELECT <every upload column> FROM upload_requests r".
std::string upload_select();
std::optional<UploadRequest> find_upload(Connection& c, Id id);
/// True when an upload row with this id exists (for MySQL, whose row counts skip
/// rows an UPDATE matched but did not change).
bool upload_exists(Connection& c, Id id);

}  // namespace curator::store::detail
