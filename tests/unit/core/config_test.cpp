#include "curator/core/config.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "curator/core/error.hpp"

using namespace curator;

namespace {
Config load(std::map<std::string, std::string> vars) {
  return Config::load(Environment(std::move(vars)));
}

std::string error_of(std::map<std::string, std::string> vars) {
  try {
    load(std::move(vars));
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("defaults: embedded mode on a SQLite file in the data dir") {
  const auto c = load({{"HOME", "/home/u"}});
  CHECK(c.embedded());
  CHECK(c.data_dir == "/home/u/.local/share/curator");
  CHECK(c.database_url == "sqlite:///home/u/.local/share/curator/curator.sqlite");
  CHECK(c.listen_host == "127.0.0.1");
  CHECK(c.listen_port == 8000);
  CHECK(c.commons_api_url == "https://commons.wikimedia.org/w/api.php");
  CHECK(c.chunk_size == 5u << 20);
  CHECK(load({{"XDG_DATA_HOME", "/x"}, {"HOME", "/h"}}).data_dir == "/x/curator");
}

TEST_CASE("CURATOR_ names win over the Python service's names") {
  const auto c = load({{"CURATOR_DATABASE_URL", "mysql://a:b@db:3307/cur"},
                       {"DB_URL", "mysql+pymysql://curator:curator@localhost/curator"},
                       {"MAPILLARY_API_TOKEN", "mly"},
                       {"GEOCODING_API_URL", "http://127.0.0.1:9/reverse"},
                       {"CURATOR_GEOCODER_URL", "http://127.0.0.1:10/reverse"},
                       {"CELERY_CONCURRENCY", "7"},
                       {"CURATOR_ADMINS", " Alice, Bob ,,"}});
  CHECK(c.database_url == "mysql://a:b@db:3307/cur");
  CHECK(c.mapillary_token == "mly");
  CHECK(c.geocoder_url == "http://127.0.0.1:10/reverse");
  CHECK(c.workers == 7);
  CHECK(c.admins == std::vector<std::string>{"Alice", "Bob"});
  CHECK(c.is_admin("Alice"));
  CHECK_FALSE(c.is_admin("alice"));
}

TEST_CASE("Python composite settings: ToolsDB and REDIS_HOST") {
  const auto c = load({{"TOOL_TOOLSDB_USER", "s5"},
                       {"TOOL_TOOLSDB_PASSWORD", "pw"},
                       {"REDIS_HOST", "redis.local"},
                       {"REDIS_PASSWORD", "rpw"}});
  CHECK(c.database_url == "mysql://s5:pw@tools.db.svc.wikimedia.cloud/s5__curator");
  REQUIRE(c.redis_url.has_value());
  CHECK(*c.redis_url == "redis://:rpw@redis.local:6379/0");
  CHECK_FALSE(c.embedded());
  CHECK(error_of({{"REDIS_HOST", "h"}, {"REDIS_PORT", "x"}}).find("REDIS_PORT") == 0);
}

TEST_CASE("validation names the variable") {
  CHECK(error_of({{"CURATOR_LISTEN", "8000"}}) == "CURATOR_LISTEN: must be host:port");
  CHECK(error_of({{"CURATOR_LISTEN", "127.0.0.1:99999"}}) ==
        "CURATOR_LISTEN: must be between 0 and 65535");
  CHECK(error_of({{"CURATOR_DATABASE_URL", "postgres://x"}}) ==
        "CURATOR_DATABASE_URL: must start with sqlite:// or mysql://");
  CHECK(error_of({{"DB_URL", "mysql://u:p@h"}}).find("DB_URL: mysql URL needs a database") == 0);
  CHECK(error_of({{"CURATOR_REDIS_URL", "http://x"}}) ==
        "CURATOR_REDIS_URL: must start with redis://");
  CHECK(error_of({{"CURATOR_REDIS_URL", "redis://h:1/99"}}) ==
        "CURATOR_REDIS_URL: must be between 0 and 15");
  CHECK(error_of({{"CURATOR_COMMONS_API_URL", "ftp://x"}}) ==
        "CURATOR_COMMONS_API_URL: must be an http:// or https:// URL");
  CHECK(error_of({{"CURATOR_WORKERS", "0"}}) == "CURATOR_WORKERS: must be between 1 and 256");
  CHECK(error_of({{"CURATOR_WORKERS", "2x"}}) == "CURATOR_WORKERS: must be a whole number");
  CHECK(error_of({{"CURATOR_CHUNK_SIZE", "1"}}).find("CURATOR_CHUNK_SIZE") == 0);
  CHECK(error_of({{"CURATOR_LOG_LEVEL", "loud"}}).find("CURATOR_LOG_LEVEL") == 0);
  CHECK(error_of({{"CURATOR_LOG_FORMAT", "xml"}}).find("CURATOR_LOG_FORMAT") == 0);
  CHECK(error_of({{"CURATOR_COMMONS_DB_URL", "sqlite:///x"}}) ==
        "CURATOR_COMMONS_DB_URL: must be a mysql:// URL");
}

TEST_CASE("secrets are checked for shape without being echoed") {
  CHECK(error_of({{"CURATOR_SESSION_SECRET", "short-secret"}}) ==
        "CURATOR_SESSION_SECRET: must be at least 32 characters");
  CHECK(error_of({{"TOKEN_ENCRYPTION_KEY", "not-a-fernet-key"}}) ==
        "TOKEN_ENCRYPTION_KEY: must be a Fernet key (44 characters of url-safe base64)");
  const auto c = load({{"TOKEN_ENCRYPTION_KEY", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="}});
  CHECK(c.token_encryption_key == "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
}

TEST_CASE("a bad URL never echoes its password") {
  const auto msg = error_of({{"CURATOR_DATABASE_URL", "mysql://u:hunter2@h:notaport/db"}});
  CHECK(msg.find("hunter2") == std::string::npos);
  CHECK(msg.find("CURATOR_DATABASE_URL") == 0);
}

TEST_CASE("database and redis URLs parse") {
  const auto db =
      parse_database_url("mysql://curator:pw@127.0.0.1:3310/curator_test?unix_socket=/tmp/s");
  CHECK(db.kind == DatabaseUrl::Kind::mysql);
  CHECK(db.user == "curator");
  CHECK(db.password == "pw");
  CHECK(db.host == "127.0.0.1");
  CHECK(db.port == 3310);
  CHECK(db.database == "curator_test");
  CHECK(db.unix_socket == "/tmp/s");
  CHECK(parse_database_url("sqlite:///var/lib/c.sqlite").path == "/var/lib/c.sqlite");
  CHECK(parse_database_url("sqlite::memory:").path == ":memory:");
  CHECK_THROWS_AS(parse_database_url("mysql://u:p@h/db name"), Error);
  const auto r = parse_redis_url("redis://:pw@10.0.0.1:6380/2");
  CHECK(r.host == "10.0.0.1");
  CHECK(r.port == 6380);
  CHECK(r.password == "pw");
  CHECK(r.db == 2);
  CHECK(parse_redis_url("redis://localhost").port == 6379);
}

TEST_CASE("URL user info is percent-decoded, and a bad escape is refused quietly") {
  const auto db = parse_database_url("mysql+pymysql://cur%40tor:p%40ss%3Aw%2Frd%25@h:3306/d");
  CHECK(db.user == "cur@tor");
  CHECK(db.password == "p@ss:w/rd%");
  const auto r = parse_redis_url("redis://alice:s%40cret@h:6379/1");
  CHECK(r.username == "alice");
  CHECK(r.password == "s@cret");
  CHECK(parse_redis_url("redis://:pw@h").username.empty());
  for (const auto* url :
       {"mysql://u:hunter2%4@h/d", "mysql://u:hunter2%zz@h/d", "mysql://u:hunter2%@h/d"}) {
    CAPTURE(url);
    try {
      parse_database_url(url);
      FAIL("a bad escape parsed");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
      CHECK(std::string(e.what()).find("escape") != std::string::npos);
    }
  }
  CHECK_THROWS_AS(parse_redis_url("redis://alice@h"), Error);  // a user without a password
}

TEST_CASE("dump redacts secrets and URL passwords") {
  const auto c = load({{"CURATOR_OAUTH1_SECRET", "s3cr3t"},
                       {"TOKEN_ENCRYPTION_KEY", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="},
                       {"CURATOR_DATABASE_URL", "mysql://u:dbpass@h:1/d"},
                       {"CURATOR_REDIS_URL", "redis://:redispass@h:1/0"}});
  std::ostringstream all;
  for (const auto& [name, value] : c.dump())
    all << name << '=' << value << '\n';
  const auto text = all.str();
  CHECK(text.find("s3cr3t") == std::string::npos);
  CHECK(text.find("cw_0x689") == std::string::npos);
  CHECK(text.find("dbpass") == std::string::npos);
  CHECK(text.find("redispass") == std::string::npos);
  CHECK(text.find("CURATOR_OAUTH1_SECRET=***") != std::string::npos);
  CHECK(text.find("CURATOR_MAPILLARY_TOKEN=(unset)") != std::string::npos);
  CHECK(text.find("CURATOR_DATABASE_URL=mysql://u:***@h:1/d") != std::string::npos);
}

TEST_CASE("docs/configuration.md documents every variable") {
  std::ifstream in(std::string(CURATOR_SOURCE_DIR) + "/docs/configuration.md");
  REQUIRE(in.good());
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& v : variables()) {
    CAPTURE(v.name);
    CHECK(doc.str().find("`" + std::string(v.name) + "`") != std::string::npos);
  }
}
