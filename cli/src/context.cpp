#include "context.hpp"

#include <fmt/format.h>

#include "curator/auth/fernet.hpp"
#include "curator/core/log.hpp"
#include "curator/service/identity.hpp"
#include "curator/service/token_key.hpp"
#include "exit_codes.hpp"

namespace curator::cli {
namespace {

Config load_config(const GlobalOptions& g) {
  auto env = Environment::from_process();
  const std::pair<const char*, const std::string*> flags[] = {
      {"CURATOR_DATABASE_URL", &g.database},
      {"CURATOR_REDIS_URL", &g.redis},
      {"CURATOR_DATA_DIR", &g.data_dir},
      {"CURATOR_LOG_LEVEL", &g.log_level},
  };
  for (const auto& [name, value] : flags) {
    if (!value->empty()) env.set(name, *value);
  }
  auto config = Config::load(env);
  // Library progress lines would drown the command's own output: curatorctl
  // logs warnings and errors unless a level is asked for.
  const bool level_asked =
      !g.log_level.empty() || env.get("CURATOR_LOG_LEVEL") || env.get("LOG_LEVEL");
  log::configure(level_asked ? *log::parse_level(config.log_level) : log::Level::warning,
                 config.log_format == "json" ? log::Format::json : log::Format::text);
  return config;
}

[[noreturn]] void half_set(std::string_view set, std::string_view missing) {
  throw Error(ErrorKind::invalid_input, fmt::format("{} is set but {} is not", set, missing),
              "incomplete_credentials");
}

/// The credentials the environment names, if any (one kind at most).
std::optional<Credentials> environment_credentials(const Config& c) {
  std::vector<Credentials> found;
  if (!c.bot_user.empty() || !c.bot_password.empty()) {
    if (c.bot_user.empty()) half_set("CURATOR_BOT_PASSWORD", "CURATOR_BOT_USER");
    if (c.bot_password.empty()) half_set("CURATOR_BOT_USER", "CURATOR_BOT_PASSWORD");
    found.emplace_back(BotPassword{c.bot_user, c.bot_password});
  }
  if (!c.oauth2_token.empty()) found.emplace_back(OAuth2Token{c.oauth2_token});
  if (!c.oauth1_access_key.empty() || !c.oauth1_access_secret.empty()) {
    if (c.oauth1_access_key.empty())
      half_set("CURATOR_OAUTH1_ACCESS_SECRET", "CURATOR_OAUTH1_ACCESS_KEY");
    if (c.oauth1_access_secret.empty())
      half_set("CURATOR_OAUTH1_ACCESS_KEY", "CURATOR_OAUTH1_ACCESS_SECRET");
    if (c.oauth1_key.empty()) half_set("CURATOR_OAUTH1_ACCESS_KEY", "CURATOR_OAUTH1_KEY");
    if (c.oauth1_secret.empty()) half_set("CURATOR_OAUTH1_ACCESS_KEY", "CURATOR_OAUTH1_SECRET");
    found.emplace_back(OAuth1Token{c.oauth1_access_key, c.oauth1_access_secret});
  }
  if (found.size() > 1) {
    throw Error(ErrorKind::invalid_input,
                "more than one kind of credentials in the environment: set only one of "
                "CURATOR_BOT_USER/CURATOR_BOT_PASSWORD, CURATOR_OAUTH2_TOKEN, "
                "CURATOR_OAUTH1_ACCESS_KEY/CURATOR_OAUTH1_ACCESS_SECRET",
                "ambiguous_credentials");
  }
  if (found.empty()) return std::nullopt;
  return found.front();
}

}  // namespace

Context::Context(const GlobalOptions& options)
    : config_(load_config(options)),
      out_(options.json),
      profile_path_(options.config_file.empty() ? default_profile_path()
                                                : std::filesystem::path(options.config_file)) {}

store::Database& Context::raw_database() {
  if (!db_) {
    const auto url = parse_database_url(config_.database_url);
    if (url.kind == DatabaseUrl::Kind::sqlite && url.path != ":memory:") {
      const auto parent = std::filesystem::path(url.path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format("cannot create the database directory {}: {}", parent.string(),
                                ec.message()));
      }
    }
    db_.emplace(store::Database::open(config_.database_url));
  }
  return *db_;
}

store::Database& Context::database() {
  auto& db = raw_database();
  if (!migrated_checked_) {
    if (db.backend() == store::Backend::sqlite) {
      // The embedded database is curatorctl's own: keep it current.
      db.migrate();
    } else {
      const auto applied = db.applied_migrations();
      const int current = applied.empty() ? 0 : applied.back().version;
      if (current < db.latest_version()) {
        throw Error(ErrorKind::permanent,
                    fmt::format("the database {} is at schema version {}, this curatorctl needs "
                                "{}: run `curatorctl migrate` first",
                                db.redacted_url(), current, db.latest_version()),
                    "schema_behind");
      }
    }
    migrated_checked_ = true;
  }
  return db;
}

std::optional<OperatorCredentials> Context::credentials() {
  if (auto env = environment_credentials(config_)) {
    return OperatorCredentials{std::move(*env), "environment", std::nullopt};
  }
  auto profile = read_profile(profile_path_);
  if (!profile) return std::nullopt;
  if (profile->consumer && config_.oauth1_key.empty()) {
    config_.oauth1_key = profile->consumer->key;
    config_.oauth1_secret = profile->consumer->secret;
  }
  return OperatorCredentials{profile->credentials, profile_path_.string(), std::move(profile)};
}

OperatorCredentials Context::require_credentials() {
  if (auto c = credentials()) return std::move(*c);
  throw Error(ErrorKind::auth,
              fmt::format("no credentials: run `curatorctl login`, or set CURATOR_BOT_USER and "
                          "CURATOR_BOT_PASSWORD (or CURATOR_OAUTH2_TOKEN) (profile {} not found)",
                          profile_path_.string()),
              "no_credentials");
}

service::Actor Context::actor() {
  if (actor_) return *actor_;
  auto creds = require_credentials();
  const auto& p = creds.profile;
  if (p && p->userid && p->username && p->api_url == config_.commons_api_url) {
    actor_ = service::Actor{*p->userid, *p->username, config_.is_admin(*p->username)};
  } else {
    auto client = wiki(creds.credentials);
    actor_ = service::identify(client, config_).actor;
  }
  return *actor_;
}

mediawiki::MediaWikiClient Context::wiki(const std::optional<Credentials>& credentials) {
  return mediawiki::MediaWikiClient(service::commons_client_options(config_), credentials);
}

std::string Context::sealed(const Credentials& credentials) {
  const auth::Fernet fernet(service::resolve_token_key(config_));
  return auth::encrypt_credentials(fernet, credentials);
}

int exit_code_for(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::invalid_input:
    case ErrorKind::not_found:
    case ErrorKind::conflict:
    case ErrorKind::duplicate:
      return kExitUsage;
    case ErrorKind::auth:
      return kExitAuth;
    case ErrorKind::transient:
    case ErrorKind::rate_limited:
    case ErrorKind::permanent:
      return kExitService;
  }
  return kExitService;
}

int report(Context* ctx, const Error& error) {
  if (ctx != nullptr && ctx->out().json()) {
    ctx->out().object(json::object{{"event", "error"},
                                   {"kind", to_string(error.kind())},
                                   {"code", error.code()},
                                   {"message", error.what()}});
  }
  std::fputs(fmt::format("curatorctl: {}\n", error.what()).c_str(), stderr);
  return exit_code_for(error);
}

}  // namespace curator::cli
