#pragma once
// Schema migrations: numbered SQL files per dialect (embedded at build time), a
// schema_migrations table with each file's SHA-256, one transaction per migration, a
// lock against concurrent runs, refusal when an applied file changed, and adoption of
// a database that the Python service migrated to alembic revision 5cc957424c9d.

#include <string>
#include <string_view>
#include <vector>

#include "curator/store/database.hpp"

namespace curator::store::detail {

class Connection;

inline constexpr std::string_view kUpstreamAlembicRevision = "5cc957424c9d";

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

/// The embedded migrations of one backend, ascending.
std::vector<Migration> embedded_for(Backend backend);
/// SHA-256 (hex) of a migration file, line endings read as LF (as it is embedded).
std::string migration_checksum(std::string_view sql);
/// Splits a script into statements on `;` outside quotes and comments. `--` (and `#`
/// on MySQL) comments are dropped; `/* */` comments are kept (MySQL `/*! */` runs).
std::vector<std::string> split_statements(std::string_view script, Backend backend);

/// Brings the database to the newest of `migrations` (see Database::migrate).
MigrationReport migrate(Connection& connection, const std::vector<Migration>& migrations,
                        TimePoint now);
/// Rows of schema_migrations; empty when the table does not exist.
std::vector<AppliedMigration> applied_migrations(Connection& connection);
/// Runs every statement of a script in order, without parameter markers (fixtures, tools).
void execute_script(Connection& connection, std::string_view script);

}  // namespace curator::store::detail
