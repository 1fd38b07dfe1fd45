#pragma once
// The SQL migrations compiled into the library (generated from migrations/ by
// cmake/EmbedMigrations.cmake), so the store never reads the source tree at run time.

#include <string>
#include <string_view>
#include <vector>

namespace curator::store::detail {

struct EmbeddedMigration {
  std::string_view dialect;  // "sqlite" or "mysql"
  int version;               // NNNN of NNNN_name.sql
  std::string_view name;     // name of NNNN_name.sql
  std::string sql;           // the file's bytes, line endings as LF
};

/// Every embedded migration, both dialects, in ascending version per dialect.
const std::vector<EmbeddedMigration>& embedded_migrations();

}  // namespace curator::store::detail
