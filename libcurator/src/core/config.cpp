#include "curator/core/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

extern char** environ;  // NOLINT: POSIX

namespace curator {
namespace {

[[noreturn]] void invalid(std::string_view variable, std::string_view why) {
  throw Error(ErrorKind::invalid_input, fmt::format("{}: {}", variable, why), "invalid_config");
}

template <typename Int>
Int parse_int(std::string_view variable, std::string_view text, Int min, Int max) {
  Int v{};
  const auto* end = text.data() + text.size();
  const auto res = std::from_chars(text.data(), end, v);
  if (res.ec != std::errc{} || res.ptr != end) invalid(variable, "must be a whole number");
  if (v < min || v > max) invalid(variable, fmt::format("must be between {} and {}", min, max));
  return v;
}

std::string check_http_url(std::string_view variable, std::string value) {
  if (!(value.starts_with("http://") || value.starts_with("https://")) || value.size() < 9) {
    invalid(variable, "must be an http:// or https:// URL");
  }
  if (value.find_first_of(" \t\r\n") != std::string::npos)
    invalid(variable, "must not contain spaces");
  return value;
}

std::pair<std::string, std::uint16_t> parse_listen(std::string_view variable, std::string_view v) {
  const auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0) invalid(variable, "must be host:port");
  std::string host(v.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parse_int<int>(variable, v.substr(colon + 1), 0, 65535);
  return {host, static_cast<std::uint16_t>(port)};
}

std::string default_data_dir(const Environment& env) {
  if (auto xdg = env.get("XDG_DATA_HOME")) return *xdg + "/curator";
  if (auto home = env.get("HOME")) return *home + "/.local/share/curator";
  return "curator-data";
}

// Looks a variable up by its name, then by each alias; returns the name that
// was set (so that errors name what the operator wrote) and the value.
std::optional<std::pair<std::string, std::string>> lookup(const Environment& env,
                                                          const VariableInfo& info) {
  if (auto v = env.get(info.name)) return std::pair{std::string(info.name), std::move(*v)};
  std::string_view aliases = info.aliases;
  while (!aliases.empty()) {
    const auto comma = aliases.find(',');
    auto alias = aliases.substr(0, comma);
    if (auto v = env.get(alias)) return std::pair{std::string(alias), std::move(*v)};
    if (comma == std::string_view::npos) break;
    aliases.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

using Setter = std::function<void(Config&, std::string_view name, std::string value)>;
using Getter = std::function<std::string(const Config&)>;

struct Variable {
  VariableInfo info;
  Setter set;
  Getter get;
};

Setter url_setter(std::string Config::*field) {
  return [field](Config& c, std::string_view name, std::string v) {
    c.*field = check_http_url(name, std::move(v));
  };
}
Setter string_setter(std::string Config::*field) {
  return [field](Config& c, std::string_view, std::string v) { c.*field = std::move(v); };
}
Getter string_getter(std::string Config::*field) {
  return [field](const Config& c) { return c.*field; };
}
Setter int_setter(int Config::*field, int min, int max) {
  return [=](Config& c, std::string_view name, std::string v) {
    c.*field = parse_int<int>(name, v, min, max);
  };
}
Getter int_getter(int Config::*field) {
  return [field](const Config& c) { return std::to_string(c.*field); };
}

const std::vector<Variable>& table() {
  static const std::vector<Variable> vars = [] {
    std::vector<Variable> v;
    auto add = [&](VariableInfo info, Setter s, Getter g) {
      v.push_back({info, std::move(s), std::move(g)});
    };
    add({"CURATOR_DATA_DIR", "", "$XDG_DATA_HOME/curator or ~/.local/share/curator", false,
         "Directory for the embedded database, the generated token key and temp files."},
        string_setter(&Config::data_dir), string_getter(&Config::data_dir));
    add(
        {"CURATOR_DATABASE_URL", "DB_URL", "sqlite:///<data dir>/curator.sqlite", false,
         "Database: sqlite:///path or mysql://user:pass@host:port/db (password redacted in "
         "dumps)."},
        [](Config& c, std::string_view name, std::string val) {
          parse_database_url(val, name);
          c.database_url = std::move(val);
        },
        [](const Config& c) { return log::redact_url(c.database_url); });
    add(
        {"CURATOR_REDIS_URL", "", "(unset: embedded mode)", false,
         "Redis for the distributed mode: redis://[[user]:password@]host:port/db (user and "
         "password percent-encoded). Also built from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD."},
        [](Config& c, std::string_view name, std::string val) {
          parse_redis_url(val, name);
          c.redis_url = std::move(val);
        },
        [](const Config& c) { return c.redis_url ? log::redact_url(*c.redis_url) : ""; });
    add(
        {"CURATOR_COMMONS_DB_URL", "COMMONS_DB_URL", "(unset)", false,
         "Commons replica database (mysql://…) for the admin category queries."},
        [](Config& c, std::string_view name, std::string val) {
          if (parse_database_url(val, name).kind != DatabaseUrl::Kind::mysql) {
            invalid(name, "must be a mysql:// URL");
          }
          c.commons_db_url = std::move(val);
        },
        [](const Config& c) { return c.commons_db_url ? log::redact_url(*c.commons_db_url) : ""; });
    add(
        {"CURATOR_LISTEN", "", "127.0.0.1:8000", false,
         "Address the server listens on (host:port)."},
        [](Config& c, std::string_view name, std::string val) {
          std::tie(c.listen_host, c.listen_port) = parse_listen(name, val);
        },
        [](const Config& c) { return fmt::format("{}:{}", c.listen_host, c.listen_port); });
    add(
        {"CURATOR_FRONTEND_DIR", "", "(unset)", false,
         "A built frontend dist/ directory served at / (index.html, assets/)."},
        [](Config& c, std::string_view, std::string val) { c.frontend_dir = std::move(val); },
        [](const Config& c) { return c.frontend_dir.value_or(""); });
    add(
        {"CURATOR_ADMINS", "", "(none)", false, "Comma-separated usernames with admin rights."},
        [](Config& c, std::string_view, std::string val) {
          c.admins.clear();
          std::string_view rest = val;
          while (!rest.empty()) {
            const auto comma = rest.find(',');
            auto name = rest.substr(0, comma);
            while (!name.empty() && name.front() == ' ')
              name.remove_prefix(1);
            while (!name.empty() && name.back() == ' ')
              name.remove_suffix(1);
            if (!name.empty()) c.admins.emplace_back(name);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
          }
        },
        [](const Config& c) { return fmt::format("{}", fmt::join(c.admins, ",")); });
    add(
        {"CURATOR_MAX_BODY_BYTES", "", "1048576", false,
         "Largest HTTP request body (and WebSocket message) accepted, in bytes."},
        [](Config& c, std::string_view name, std::string val) {
          c.max_body_bytes = parse_int<std::size_t>(name, val, 1024, std::size_t{1} << 30);
        },
        [](const Config& c) { return std::to_string(c.max_body_bytes); });
    add({"CURATOR_COMMONS_API_URL", "", "https://commons.wikimedia.org/w/api.php", false,
         "MediaWiki Action API of the target wiki."},
        url_setter(&Config::commons_api_url), string_getter(&Config::commons_api_url));
    add({"CURATOR_COMMONS_INDEX_URL", "", "https://commons.wikimedia.org/w/index.php", false,
         "index.php of the target wiki (file page links)."},
        url_setter(&Config::commons_index_url), string_getter(&Config::commons_index_url));
    add({"CURATOR_WIKIDATA_API_URL", "", "https://www.wikidata.org/w/api.php", false,
         "Wikidata Action API (items used in structured data)."},
        url_setter(&Config::wikidata_api_url), string_getter(&Config::wikidata_api_url));
    add({"CURATOR_MAPILLARY_API_URL", "", "https://graph.mapillary.com", false,
         "Mapillary Graph API v4 base URL."},
        url_setter(&Config::mapillary_api_url), string_getter(&Config::mapillary_api_url));
    add({"CURATOR_FLICKR_API_URL", "", "https://api.flickr.com/services/rest", false,
         "Flickr REST API endpoint."},
        url_setter(&Config::flickr_api_url), string_getter(&Config::flickr_api_url));
    add({"CURATOR_GEOCODER_URL", "GEOCODING_API_URL", "https://geocoding.daxserver.com/reverse",
         false, "Nominatim-compatible reverse geocoding endpoint."},
        url_setter(&Config::geocoder_url), string_getter(&Config::geocoder_url));
    add({"CURATOR_WCQS_URL", "", "https://commons-query.wikimedia.org/sparql", false,
         "Wikimedia Commons Query Service SPARQL endpoint."},
        url_setter(&Config::wcqs_url), string_getter(&Config::wcqs_url));
    add({"CURATOR_CONTACT_URL", "", "https://github.com/curator-cpp/libcurator", false,
         "Contact URL or address in the User-Agent (Wikimedia User-Agent policy)."},
        string_setter(&Config::contact_url), string_getter(&Config::contact_url));
    auto secret = [&](VariableInfo info, std::string Config::*field) {
      add(info, string_setter(field), string_getter(field));
    };
    secret({"CURATOR_OAUTH1_KEY", "", "(unset)", true, "OAuth 1.0a consumer key (web login)."},
           &Config::oauth1_key);
    secret({"CURATOR_OAUTH1_SECRET", "", "(unset)", true, "OAuth 1.0a consumer secret."},
           &Config::oauth1_secret);
    add(
        {"CURATOR_SESSION_SECRET", "SESSION_SECRET_KEY", "(generated)", true,
         "Key that seals session cookies (at least 32 characters)."},
        [](Config& c, std::string_view name, std::string val) {
          if (val.size() < 32) invalid(name, "must be at least 32 characters");
          c.session_secret = std::move(val);
        },
        string_getter(&Config::session_secret));
    add(
        {"CURATOR_TOKEN_ENCRYPTION_KEY", "TOKEN_ENCRYPTION_KEY",
         "(embedded: generated into the data dir; distributed: required)", true,
         "Fernet key (44 characters, url-safe base64) encrypting access tokens at rest."},
        [](Config& c, std::string_view name, std::string val) {
          const bool shape =
              val.size() == 44 && val.back() == '=' &&
              std::all_of(val.begin(), val.end() - 1, [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
              });
          if (!shape) invalid(name, "must be a Fernet key (44 characters of url-safe base64)");
          c.token_encryption_key = std::move(val);
        },
        string_getter(&Config::token_encryption_key));
    secret({"CURATOR_MAPILLARY_TOKEN", "MAPILLARY_API_TOKEN", "(unset)", true,
            "Mapillary Graph API access token."},
           &Config::mapillary_token);
    secret({"CURATOR_FLICKR_API_KEY", "FLICKR_API_KEY", "(unset)", true, "Flickr API key."},
           &Config::flickr_api_key);
    secret({"CURATOR_WCQS_OAUTH_TOKEN", "WCQS_OAUTH_TOKEN", "(unset)", true,
            "wcqsOauth cookie value for the Commons Query Service."},
           &Config::wcqs_oauth_token);
    secret({"CURATOR_X_USERNAME", "X_USERNAME", "(unset)", false,
            "Username for the API-key test login (/auth/register)."},
           &Config::x_username);
    secret({"CURATOR_X_API_KEY", "X_API_KEY", "(unset)", true,
            "API key for the test login (/auth/register)."},
           &Config::x_api_key);
    secret({"CURATOR_BOT_USER", "", "(unset)", false,
            "Bot password user name (User@appid) for curatorctl and scripts; with "
            "CURATOR_BOT_PASSWORD."},
           &Config::bot_user);
    secret({"CURATOR_BOT_PASSWORD", "", "(unset)", true, "Bot password for CURATOR_BOT_USER."},
           &Config::bot_password);
    secret({"CURATOR_OAUTH2_TOKEN", "", "(unset)", true,
            "OAuth 2 bearer (owner-only) access token for curatorctl and scripts."},
           &Config::oauth2_token);
    secret({"CURATOR_OAUTH1_ACCESS_KEY", "", "(unset)", true,
            "Owner-only OAuth 1.0a access token for curatorctl and scripts; with "
            "CURATOR_OAUTH1_ACCESS_SECRET and the consumer CURATOR_OAUTH1_KEY/SECRET."},
           &Config::oauth1_access_key);
    secret({"CURATOR_OAUTH1_ACCESS_SECRET", "", "(unset)", true,
            "Owner-only OAuth 1.0a access secret."},
           &Config::oauth1_access_secret);
    add({"CURATOR_WORKERS", "CELERY_CONCURRENCY", "2", false,
         "Concurrent uploads per worker process."},
        int_setter(&Config::workers, 1, 256), int_getter(&Config::workers));
    add({"CURATOR_GEOCODING_CONCURRENCY", "GEOCODING_CONCURRENCY_LIMIT", "10", false,
         "Concurrent reverse-geocoding requests per collection."},
        int_setter(&Config::geocoding_concurrency, 1, 100),
        int_getter(&Config::geocoding_concurrency));
    add(
        {"CURATOR_CHUNK_SIZE", "", "5242880", false,
         "Chunk size of chunked uploads, in bytes (64 KiB to 100 MiB)."},
        [](Config& c, std::string_view name, std::string val) {
          c.chunk_size = parse_int<std::size_t>(name, val, 64u << 10, 100u << 20);
        },
        [](const Config& c) { return std::to_string(c.chunk_size); });
    add({"CURATOR_RATE_LIMIT_DEFAULT_NORMAL", "RATE_LIMIT_DEFAULT_NORMAL", "4", false,
         "Uploads per period when the wiki reports no rate limit."},
        int_setter(&Config::rate_limit_default_normal, 1, 100000),
        int_getter(&Config::rate_limit_default_normal));
    add({"CURATOR_RATE_LIMIT_DEFAULT_PERIOD", "RATE_LIMIT_DEFAULT_PERIOD", "60", false,
         "Period of the fallback rate limit, in seconds."},
        int_setter(&Config::rate_limit_default_period, 1, 86400),
        int_getter(&Config::rate_limit_default_period));
    add(
        {"CURATOR_LOG_LEVEL", "LOG_LEVEL", "info", false, "debug, info, warning or error."},
        [](Config& c, std::string_view name, std::string val) {
          const auto lvl = log::parse_level(val);
          if (!lvl) invalid(name, "must be debug, info, warning or error");
          c.log_level = std::string(log::to_string(*lvl));
        },
        string_getter(&Config::log_level));
    add(
        {"CURATOR_LOG_FORMAT", "", "text", false, "text or json (one JSON object per line)."},
        [](Config& c, std::string_view name, std::string val) {
          if (val != "text" && val != "json") invalid(name, "must be text or json");
          c.log_format = std::move(val);
        },
        string_getter(&Config::log_format));
    return v;
  }();
  return vars;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// URL user info is percent-encoded (SQLAlchemy and redis-py write `p%40ss`
// for `p@ss`). A bad escape is refused without echoing the value.
std::string percent_decoded(std::string_view variable, std::string_view in) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) invalid(variable, "bad %-escape in the user or password");
    const int hi = hex(in[i + 1]);
    const int lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) invalid(variable, "bad %-escape in the user or password");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

Environment Environment::from_process() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.vars_.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
  const auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

DatabaseUrl parse_database_url(std::string_view url, std::string_view variable) {
  DatabaseUrl out;
  if (url == "sqlite::memory:" || url == "sqlite:///:memory:") {
    out.path = ":memory:";
    return out;
  }
  if (url.starts_with("sqlite://")) {
    auto path = url.substr(9);
    if (path.empty() || path == "/") invalid(variable, "sqlite URL needs a file path");
    out.path = std::string(path);
    return out;
  }
  std::string_view rest;
  if (url.starts_with("mysql://")) {
    rest = url.substr(8);
  } else if (url.starts_with("mysql+pymysql://")) {
    rest = url.substr(16);
  } else if (url.starts_with("mariadb://")) {
    rest = url.substr(10);
  } else {
    invalid(variable, "must start with sqlite:// or mysql://");
  }
  out.kind = DatabaseUrl::Kind::mysql;
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const auto userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    out.user = percent_decoded(variable, userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percent_decoded(variable, userinfo.substr(colon + 1));
    }
    rest = rest.substr(at + 1);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) {
    invalid(variable, "mysql URL needs a database name (mysql://user:pass@host:port/db)");
  }
  out.database = std::string(rest.substr(slash + 1));
  auto hostport = rest.substr(0, slash);
  if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    out.port =
        static_cast<std::uint16_t>(parse_int<int>(variable, hostport.substr(colon + 1), 1, 65535));
    hostport = hostport.substr(0, colon);
  }
  if (!hostport.empty()) out.host = std::string(hostport);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.starts_with("unix_socket=")) out.unix_socket = std::string(pair.substr(12));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  const auto bad = [](char c) { return c == ' ' || c == '\'' || c == '"' || c == '\\'; };
  if (std::any_of(out.database.begin(), out.database.end(), bad) ||
      std::any_of(out.host.begin(), out.host.end(), bad) ||
      std::any_of(out.user.begin(), out.user.end(), bad)) {
    invalid(variable, "host, user and database must not contain spaces or quotes");
  }
  return out;
}

RedisUrl parse_redis_url(std::string_view url, std::string_view variable) {
  if (!url.starts_with("redis://")) invalid(variable, "must start with redis://");
  RedisUrl out;
  auto rest = url.substr(8);
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    out.username = percent_decoded(variable, userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percent_decoded(variable, userinfo.substr(colon + 1));
    }
    if (!out.username.empty() && out.password.empty()) {
      invalid(variable, "a Redis user needs a password (redis://user:password@host)");
    }
    rest = rest.substr(at + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const auto db = rest.substr(slash + 1);
    if (!db.empty()) out.db = parse_int<int>(variable, db, 0, 15);
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    out.port =
        static_cast<std::uint16_t>(parse_int<int>(variable, rest.substr(colon + 1), 1, 65535));
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) out.host = std::string(rest);
  return out;
}

bool Config::is_admin(std::string_view username) const {
  return std::find(admins.begin(), admins.end(), username) != admins.end();
}

Config Config::load(const Environment& env) {
  Config c;
  c.data_dir = default_data_dir(env);
  c.commons_api_url = "https://commons.wikimedia.org/w/api.php";
  c.commons_index_url = "https://commons.wikimedia.org/w/index.php";
  c.wikidata_api_url = "https://www.wikidata.org/w/api.php";
  c.mapillary_api_url = "https://graph.mapillary.com";
  c.flickr_api_url = "https://api.flickr.com/services/rest";
  c.geocoder_url = "https://geocoding.daxserver.com/reverse";
  c.wcqs_url = "https://commons-query.wikimedia.org/sparql";
  c.contact_url = "https://github.com/curator-cpp/libcurator";

  Environment effective = env;
  // The Python service's composite settings, when the CURATOR_ ones are unset.
  if (!env.get("CURATOR_DATABASE_URL") && !env.get("DB_URL")) {
    const auto user = env.get("TOOL_TOOLSDB_USER");
    const auto password = env.get("TOOL_TOOLSDB_PASSWORD");
    if (user && password) {
      effective.set("CURATOR_DATABASE_URL",
                    fmt::format("mysql://{}:{}@tools.db.svc.wikimedia.cloud/{}__curator", *user,
                                *password, *user));
    }
  }
  if (!env.get("CURATOR_REDIS_URL")) {
    if (const auto host = env.get("REDIS_HOST")) {
      const auto port = env.get("REDIS_PORT").value_or("6379");
      if (!all_digits(port)) invalid("REDIS_PORT", "must be a whole number");
      const auto password = env.get("REDIS_PASSWORD");
      effective.set("CURATOR_REDIS_URL",
                    password ? fmt::format("redis://:{}@{}:{}/0", *password, *host, port)
                             : fmt::format("redis://{}:{}/0", *host, port));
    }
  }
  for (const auto& var : table()) {
    if (auto found = lookup(effective, var.info))
      var.set(c, found->first, std::move(found->second));
  }
  if (c.database_url.empty()) c.database_url = "sqlite://" + c.data_dir + "/curator.sqlite";
  return c;
}

std::vector<std::pair<std::string, std::string>> Config::dump() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& var : table()) {
    std::string value = var.get(*this);
    if (var.info.secret && !value.empty()) value = "***";
    out.emplace_back(std::string(var.info.name), value.empty() ? "(unset)" : value);
  }
  return out;
}

const std::vector<VariableInfo>& variables() {
  static const std::vector<VariableInfo> infos = [] {
    std::vector<VariableInfo> v;
    for (const auto& var : table())
      v.push_back(var.info);
    return v;
  }();
  return infos;
}

}  // namespace curator
