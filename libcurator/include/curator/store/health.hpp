#pragma once
// Database reachability check for health endpoints: opens a fresh connection
// to the configured database and runs a trivial query.

#include <chrono>
#include <string>

#include "curator/export.hpp"

namespace curator::store {

/// Throws curator::Error(transient) when the database cannot be reached or
/// queried within `timeout`; the message never contains credentials.
CURATOR_API void check_database(const std::string& database_url,
                                std::chrono::seconds timeout = std::chrono::seconds(3));

}  // namespace curator::store
