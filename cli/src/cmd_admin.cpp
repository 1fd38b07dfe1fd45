// config show, config describe, migrate.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "context.hpp"
#include "curator/core/log.hpp"
#include "curator/core/time.hpp"
#include "exit_codes.hpp"

namespace curator::cli {

int run_config_show(Context& ctx) {
  const auto dump = ctx.config().dump();
  if (ctx.out().json()) {
    json::object o;
    for (const auto& [name, value] : dump)
      o[name] = value;
    o["profile"] = ctx.profile_path().string();
    ctx.out().object(o);
    return kExitOk;
  }
  for (const auto& [name, value] : dump)
    ctx.out().line(name + "=" + value);
  ctx.out().line(fmt::format("# login profile: {} ({})", ctx.profile_path().string(),
                             std::filesystem::exists(ctx.profile_path()) ? "present" : "absent"));
  return kExitOk;
}

int run_config_describe() {
  std::cout << "| variable | also read | default | secret | meaning |\n|---|---|---|---|---|\n";
  for (const auto& v : variables()) {
    std::cout << "| `" << v.name << "` | "
              << (v.aliases.empty() ? "" : "`" + std::string(v.aliases) + "`") << " | "
              << v.default_value << " | " << (v.secret ? "yes" : "no") << " | " << v.description
              << " |\n";
  }
  return kExitOk;
}

int run_migrate(Context& ctx) {
  auto& db = ctx.raw_database();
  const auto report = db.migrate();
  if (ctx.out().json()) {
    json::array applied;
    for (const auto& m : report.applied) {
      applied.push_back(json::object{{"version", m.version},
                                     {"name", m.name},
                                     {"checksum", m.checksum},
                                     {"origin", m.origin}});
    }
    ctx.out().object(json::object{{"event", "migrated"},
                                  {"database", db.redacted_url()},
                                  {"adopted_upstream", report.adopted_upstream},
                                  {"applied", std::move(applied)},
                                  {"version", report.current_version}});
    return kExitOk;
  }
  if (report.adopted_upstream) {
    ctx.out().line("Adopted the Python Curator schema (alembic 5cc957424c9d) as version 1.");
  }
  for (const auto& m : report.applied)
    ctx.out().line(fmt::format("Applied {:04} {} ({})", m.version, m.name, m.origin));
  ctx.out().line(fmt::format("{}: schema version {}{}", db.redacted_url(), report.current_version,
                             report.applied.empty() ? " (already up to date)" : ""));
  return kExitOk;
}

}  // namespace curator::cli
