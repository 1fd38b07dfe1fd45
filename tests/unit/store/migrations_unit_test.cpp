// The embedded migrations and the migration machinery's pure parts, plus SQLite-only
// behaviour (in-memory databases, WAL, an SQLite database made by Alembic).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "curator/core/error.hpp"
#include "curator/store/database.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "store/database_impl.hpp"
#include "store/embedded_migrations.hpp"
#include "store/migrator.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::store;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(std::string_view sql, Backend b = Backend::mysql) {
  return detail::split_statements(sql, b);
}

}  // namespace

TEST_CASE("embedded migrations are the files of migrations/, byte for byte") {
  const fs::path root = fs::path(CURATOR_SOURCE_DIR) / "migrations";
  std::size_t files = 0;
  for (const auto* dialect : {"sqlite", "mysql"}) {
    for (const auto& entry : fs::directory_iterator(root / dialect)) {
      ++files;
      const auto name = entry.path().filename().string();
      const int version = std::stoi(name.substr(0, 4));
      const auto stem = name.substr(5, name.size() - 5 - 4);
      bool found = false;
      for (const auto& m : detail::embedded_migrations()) {
        if (m.dialect == dialect && m.version == version) {
          found = true;
          CHECK(m.name == stem);
          CHECK_MESSAGE(m.sql == read_file(entry.path()), name);
        }
      }
      CHECK_MESSAGE(found, name << " is not embedded");
    }
  }
  CHECK(detail::embedded_migrations().size() == files);
  // Both dialects have the same versions under the same names.
  const auto sqlite = detail::embedded_for(Backend::sqlite);
  const auto mysql = detail::embedded_for(Backend::mysql);
  REQUIRE(sqlite.size() == mysql.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    CHECK(sqlite[i].version == static_cast<int>(i + 1));
    CHECK(sqlite[i].version == mysql[i].version);
    CHECK(sqlite[i].name == mysql[i].name);
  }
}

TEST_CASE("checksums: SHA-256 of the file, line endings read as LF") {
  CHECK(detail::migration_checksum("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(detail::migration_checksum("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(detail::migration_checksum("a;\r\nb;\r\n") == detail::migration_checksum("a;\nb;\n"));
  CHECK(detail::migration_checksum("a;\rb;") == detail::migration_checksum("a;\nb;"));
  CHECK(detail::migration_checksum("a;\n\nb;") != detail::migration_checksum("a;\nb;"));
}

TEST_CASE("statement splitting respects quotes and comments") {
  CHECK(split("CREATE TABLE a (x INT);\n\n  CREATE TABLE b (y INT)  ;;") ==
        std::vector<std::string>{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"});
  CHECK(split("INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);") ==
        std::vector<std::string>{"INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)"});
  // MySQL backslash escapes; SQLite has none but doubles quotes.
  CHECK(split(R"(INSERT INTO t VALUES ('it\'s; fine', 'x\\');SELECT 1)") ==
        std::vector<std::string>{R"(INSERT INTO t VALUES ('it\'s; fine', 'x\\'))", "SELECT 1"});
  CHECK(split("INSERT INTO t VALUES ('it''s; fine');SELECT 1", Backend::sqlite) ==
        std::vector<std::string>{"INSERT INTO t VALUES ('it''s; fine')", "SELECT 1"});
  CHECK(split(R"(SELECT 'a\';SELECT 2)", Backend::sqlite) ==
        std::vector<std::string>{R"(SELECT 'a\')", "SELECT 2"});
  // Comments: `--` lines and `#` (MySQL) dropped, block comments kept (MySQL runs /*! */).
  CHECK(split("-- a comment; with a semicolon\nSELECT 1; # another;\nSELECT 2;") ==
        std::vector<std::string>{"SELECT 1", "SELECT 2"});
  CHECK(split("/*!40101 SET NAMES utf8mb4 */;\nSELECT /* ; */ 1;") ==
        std::vector<std::string>{"/*!40101 SET NAMES utf8mb4 */", "SELECT /* ; */ 1"});
  CHECK(split("SELECT 1--1;", Backend::mysql) == std::vector<std::string>{"SELECT 1--1"});
  CHECK(split("-- only a comment\n").empty());
  // The upstream schema dump splits into its 44 statements.
  const auto dump =
      read_file(fs::path(CURATOR_TEST_FIXTURES) / "store" / "upstream-schema-mysql.sql");
  CHECK(split(dump).size() == 44);
}

TEST_CASE("an in-memory SQLite database works with one shared connection") {
  DatabaseOptions o;
  o.pool_size = 8;
  auto db = Database::open("sqlite::memory:", o);
  CHECK(db.backend() == Backend::sqlite);
  CHECK(DatabaseAccess::impl(db)->pool->size() == 1);
  db.migrate();
  UserRepository(db).ensure("1", "Alice");
  CHECK(UserRepository(db).count() == 1);
}

TEST_CASE("a file database runs in WAL mode with foreign keys on") {
  curator::test::TempDir dir;
  auto db = Database::open("sqlite://" + (dir.path() / "c.db").string());
  db.migrate();
  DatabaseAccess::impl(db)->run("checking pragmas", [](detail::Connection& c) {
    CHECK(c.query_one("PRAGMA journal_mode", {}, 1)->at(0) == "wal");
    CHECK(c.query_int("PRAGMA foreign_keys", {}) == 1);
    CHECK(c.query_int("PRAGMA busy_timeout", {}) == 5000);
  });
  // Foreign keys are enforced: an upload of a missing batch cannot exist.
  CHECK_THROWS_AS(
      DatabaseAccess::impl(db)->run("inserting an orphan",
                                    [](detail::Connection& c) {
                                      c.execute_raw(
                                          "INSERT INTO upload_requests (batchid, userid, status, "
                                          "`key`, handler, filename, wikitext, created_at, "
                                          "updated_at) VALUES (9, 'u', 'queued', 'k', 'h', 'f', "
                                          "'w', 'x', 'x')");
                                    }),
      Error);
}

TEST_CASE("open: bad URLs and unreachable databases give clear errors") {
  CHECK_THROWS_WITH_AS(Database::open("postgres://x/y"), doctest::Contains("sqlite:// or mysql://"),
                       Error);
  try {
    Database::open("sqlite:///nonexistent-dir/deeper/c.db");
    FAIL("opened a database in a missing directory");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("cannot open the database") != std::string::npos);
  }
  try {
    // Nothing listens on port 1; the password must not appear in the message.
    Database::open("mysql://curator:s3cret-pw@127.0.0.1:1/curator_test");
    FAIL("connected to port 1");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::transient);
    CHECK(std::string(e.what()).find("s3cret-pw") == std::string::npos);
  }
}

TEST_CASE("an SQLite database made by the Python service's Alembic is refused") {
  curator::test::TempDir dir;
  auto db = Database::open("sqlite://" + (dir.path() / "py.db").string());
  DatabaseAccess::impl(db)->run("faking alembic", [](detail::Connection& c) {
    c.execute_raw("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)");
    c.execute_raw("INSERT INTO alembic_version VALUES ('5cc957424c9d')");
  });
  CHECK_THROWS_WITH_AS(db.migrate(), doctest::Contains("MySQL/MariaDB databases only"), Error);
}

TEST_CASE("the pool waits for a free connection and then gives up clearly") {
  curator::test::TempDir dir;
  DatabaseOptions o;
  o.pool_size = 1;
  o.acquire_timeout = std::chrono::milliseconds(50);
  auto db = Database::open("sqlite://" + (dir.path() / "p.db").string(), o);
  const auto impl = DatabaseAccess::impl(db);
  impl->run("holding the only connection", [&](detail::Connection&) {
    CHECK_THROWS_WITH_AS(impl->run("waiting", [](detail::Connection&) {}),
                         doctest::Contains("no database connection became free"), Error);
  });
  CHECK_NOTHROW(impl->run("after release", [](detail::Connection&) {}));
}
