#pragma once
// GET /healthz: runs named dependency checks (database, Redis) and answers
// 200 when all pass, 503 naming the ones that failed (no error details: those
// go to the log).

#include <functional>
#include <string>
#include <vector>

#include "http_types.hpp"

namespace curator::server {

struct HealthCheck {
  std::string name;
  std::function<void()> run;  // throws when unhealthy
};

Response health_response(const std::vector<HealthCheck>& checks);

}  // namespace curator::server
