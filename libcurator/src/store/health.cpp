#include "curator/store/health.hpp"

#include <fmt/format.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/core/log.hpp"

namespace curator::store {

void check_database(const std::string& database_url, std::chrono::seconds timeout) {
  const auto url = parse_database_url(database_url);
  try {
    soci::session sql;
    if (url.kind == DatabaseUrl::Kind::sqlite) {
      sql.open(soci::sqlite3, fmt::format("db=\"{}\" timeout={}", url.path, timeout.count()));
    } else {
      std::string params = fmt::format(
          "db='{}' user='{}' password='{}' connect_timeout={} read_timeout={} write_timeout={}",
          url.database, url.user, url.password, timeout.count(), timeout.count(), timeout.count());
      if (url.unix_socket) {
        params += fmt::format(" unix_socket='{}'", *url.unix_socket);
      } else {
        params += fmt::format(" host='{}' port={}", url.host, url.port);
      }
      sql.open(soci::mysql, params);
    }
    int one = 0;
    sql << "SELECT 1", soci::into(one);
    if (one != 1) throw Error(ErrorKind::transient, "database answered SELECT 1 wrongly");
  } catch (const soci::soci_error& e) {
    log::warning("store", fmt::format("database check failed for {}: {}",
                                      log::redact_url(database_url), e.what()));
    throw Error(ErrorKind::transient, "database unreachable", "database_unreachable");
  }
}

}  // namespace curator::store
