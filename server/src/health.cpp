#include "health.hpp"

#include <fmt/format.h>

#include "curator/core/json.hpp"
#include "curator/core/log.hpp"
#include "curator/version.hpp"

namespace curator::server {

Response health_response(const std::vector<HealthCheck>& checks) {
  json::object results;
  bool healthy = true;
  for (const auto& check : checks) {
    try {
      check.run();
      results[check.name] = "ok";
    } catch (const std::exception& e) {
      healthy = false;
      results[check.name] = "unavailable";
      log::warning("health", fmt::format("{} check failed: {}", check.name, e.what()));
    }
  }
  json::object body{{"status", healthy ? "ok" : "unavailable"},
                    {"version", kVersion},
                    {"checks", std::move(results)}};
  auto r = Response::json(healthy ? 200 : 503, json::serialize(body));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace curator::server
