#pragma once
// Redis reachability check for health endpoints (distributed mode only).

#include <chrono>
#include <string>

#include "curator/export.hpp"

namespace curator::queue {

/// Connects to `redis_url`, authenticates when it has a password, selects
/// its database and sends PING. Throws curator::Error(transient) otherwise.
CURATOR_API void check_redis(const std::string& redis_url,
                             std::chrono::seconds timeout = std::chrono::seconds(3));

}  // namespace curator::queue
