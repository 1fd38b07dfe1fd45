#pragma once
// Configuration from the environment (and flags mapped onto the same names).
// Every variable is listed in variables() with its default and whether it is a
// secret; docs/configuration.md documents the same list. The Python service's
// names are read when the CURATOR_ name is unset; none of its defaults apply.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "curator/export.hpp"

namespace curator {

/// A snapshot of environment variables; tests build one by hand.
class CURATOR_API Environment {
 public:
  Environment() = default;
  explicit Environment(const std::map<std::string, std::string>& vars)
      : vars_(vars.begin(), vars.end()) {}
  static Environment from_process();

  /// The value, or nullopt when unset or empty.
  std::optional<std::string> get(std::string_view name) const;
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

struct DatabaseUrl {
  enum class Kind { sqlite, mysql } kind = Kind::sqlite;
  std::string path;  // sqlite: file path (":memory:" allowed)
  std::string user, password, host = "127.0.0.1", database;
  std::uint16_t port = 3306;
  std::optional<std::string> unix_socket;  // mysql: `?unix_socket=/path`
};

/// `sqlite:///abs/path`, `sqlite://relative/path`, `sqlite::memory:`,
/// `mysql://user:pass@host:port/db[?unix_socket=/path]` (also `mysql+pymysql://`);
/// user and password are percent-decoded.
/// Throws Error(invalid_input) that names `variable` and never echoes a password.
CURATOR_API DatabaseUrl parse_database_url(std::string_view url,
                                           std::string_view variable = "CURATOR_DATABASE_URL");

struct RedisUrl {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string username;  // Redis 6 ACL user; empty: the default user
  std::string password;
  int db = 0;
};

/// `redis://[[user]:password@]host[:port][/db]`; user and password are percent-decoded.
CURATOR_API RedisUrl parse_redis_url(std::string_view url,
                                     std::string_view variable = "CURATOR_REDIS_URL");

struct CURATOR_API Config {
  // Storage and mode.
  std::string data_dir;
  std::string database_url;
  std::optional<std::string> redis_url;  // unset: embedded mode
  std::optional<std::string> commons_db_url;

  // Server.
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8000;
  std::optional<std::string> frontend_dir;
  std::vector<std::string> admins;
  std::size_t max_body_bytes = 1u << 20;

  // External services (any MediaWiki or fake may stand in).
  std::string commons_api_url;
  std::string commons_index_url;
  std::string wikidata_api_url;
  std::string mapillary_api_url;
  std::string flickr_api_url;
  std::string geocoder_url;
  std::string wcqs_url;
  std::string contact_url;  // for the User-Agent

  // Secrets.
  std::string oauth1_key;
  std::string oauth1_secret;
  std::string session_secret;
  std::string token_encryption_key;
  std::string mapillary_token;
  std::string flickr_api_key;
  std::string wcqs_oauth_token;
  std::string x_username;
  std::string x_api_key;

  // The operator's own Commons credentials (curatorctl, scripts): a bot
  // password, an OAuth 2 bearer token, or an owner-only OAuth 1.0a access
  // token for the consumer oauth1_key/oauth1_secret.
  std::string bot_user;
  std::string bot_password;
  std::string oauth2_token;
  std::string oauth1_access_key;
  std::string oauth1_access_secret;

  // Workers and limits.
  int workers = 2;
  int geocoding_concurrency = 10;
  std::size_t chunk_size = 5u << 20;
  int rate_limit_default_normal = 4;
  int rate_limit_default_period = 60;

  // Logging.
  std::string log_level = "info";
  std::string log_format = "text";

  bool embedded() const { return !redis_url.has_value(); }
  bool is_admin(std::string_view username) const;

  /// Reads and validates every variable. Throws Error(invalid_input) whose
  /// message names the offending variable (and never quotes a secret).
  static Config load(const Environment& env);

  /// (variable, value) for every variable, secrets as "***" when set.
  std::vector<std::pair<std::string, std::string>> dump() const;
};

struct VariableInfo {
  std::string_view name;
  std::string_view aliases;  // the Python service's names, comma-separated
  std::string_view default_value;
  bool secret;
  std::string_view description;
};

/// Every variable Config::load reads.
CURATOR_API const std::vector<VariableInfo>& variables();

}  // namespace curator
