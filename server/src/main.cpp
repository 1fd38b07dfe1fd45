// curator-server: the HTTP (and later WebSocket) front end over libcurator.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "app.hpp"
#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/store/database.hpp"
#include "curator/version.hpp"

int main(int argc, char** argv) {
  using namespace curator;
  CLI::App cli{"curator-server: upload Mapillary and Flickr photos to Wikimedia Commons"};
  cli.set_version_flag("--version", std::string("curator-server ") + kVersion);
  std::string listen, database, redis, frontend, log_level, log_format, data_dir;
  bool print_config = false;
  cli.add_option("--listen", listen, "host:port to listen on (CURATOR_LISTEN)");
  cli.add_option("--database", database, "database URL (CURATOR_DATABASE_URL)");
  cli.add_option("--redis", redis, "Redis URL; unset = embedded mode (CURATOR_REDIS_URL)");
  cli.add_option("--frontend-dir", frontend, "built frontend dist/ (CURATOR_FRONTEND_DIR)");
  cli.add_option("--data-dir", data_dir, "data directory (CURATOR_DATA_DIR)");
  cli.add_option("--log-level", log_level, "debug|info|warning|error (CURATOR_LOG_LEVEL)");
  cli.add_option("--log-format", log_format, "text|json (CURATOR_LOG_FORMAT)");
  cli.add_flag("--print-config", print_config,
               "print the configuration (secrets redacted) and exit");
  CLI11_PARSE(cli, argc, argv);

  try {
    auto env = Environment::from_process();
    const std::pair<const char*, const std::string*> flags[] = {
        {"CURATOR_LISTEN", &listen},         {"CURATOR_DATABASE_URL", &database},
        {"CURATOR_REDIS_URL", &redis},       {"CURATOR_FRONTEND_DIR", &frontend},
        {"CURATOR_DATA_DIR", &data_dir},     {"CURATOR_LOG_LEVEL", &log_level},
        {"CURATOR_LOG_FORMAT", &log_format},
    };
    for (const auto& [name, value] : flags) {
      if (!value->empty()) env.set(name, *value);
    }
    const auto config = Config::load(env);
    if (print_config) {
      for (const auto& [name, value] : config.dump())
        std::cout << name << '=' << value << '\n';
      return 0;
    }
    log::configure(*log::parse_level(config.log_level),
                   config.log_format == "json" ? log::Format::json : log::Format::text);

    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
      throw Error(ErrorKind::invalid_input, fmt::format("CURATOR_DATA_DIR: cannot create '{}': {}",
                                                        config.data_dir, ec.message()));
    }
    log::info("server", fmt::format("curator-server {} starting ({} mode, database {})", kVersion,
                                    config.embedded() ? "embedded" : "distributed",
                                    log::redact_url(config.database_url)));
    auto db = store::Database::open(config.database_url);
    const auto report = db.migrate();
    log::info("server",
              fmt::format("database schema at version {}{}{}", report.current_version,
                          report.applied.empty()
                              ? ""
                              : fmt::format(" ({} migration(s) applied)", report.applied.size()),
                          report.adopted_upstream ? ", adopted from the Python service" : ""));
    server::Server srv(server::make_options(config), server::make_router(config));
    srv.start();
    srv.run(true);
    return 0;
  } catch (const Error& e) {
    std::cerr << "curator-server: " << e.what() << '\n';
    return e.kind() == ErrorKind::invalid_input ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "curator-server: " << e.what() << '\n';
    return 1;
  }
}
