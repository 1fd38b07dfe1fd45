#include "app.hpp"

#include "curator/queue/health.hpp"
#include "curator/store/health.hpp"
#include "health.hpp"
#include "static_files.hpp"

namespace curator::server {

Router make_router(const Config& config) {
  Router router;
  std::vector<HealthCheck> checks;
  checks.push_back({"database", [url = config.database_url] { store::check_database(url); }});
  if (config.redis_url) {
    checks.push_back({"redis", [url = *config.redis_url] { queue::check_redis(url); }});
  }
  router.add("GET", "/healthz", [checks](const Request&) { return health_response(checks); });

  if (config.frontend_dir) {
    auto files = std::make_shared<StaticFiles>(*config.frontend_dir);
    router.set_fallback([files](const Request& r) { return files->serve(r); });
  } else {
    router.add("GET", "/", [](const Request&) { return no_frontend_page(); });
  }
  return router;
}

ServerOptions make_options(const Config& config) {
  ServerOptions o;
  o.host = config.listen_host;
  o.port = config.listen_port;
  o.max_body_bytes = config.max_body_bytes;
  return o;
}

}  // namespace curator::server
