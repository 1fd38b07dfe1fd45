#pragma once
// What a Database handle holds, shared with the repositories: the backend, the
// session pool, the clock, and run(), which lends a connection to a unit of work.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "curator/store/database.hpp"
#include "store/connection.hpp"
#include "store/session_pool.hpp"

namespace curator::store {

struct Database::Impl {
  Backend backend = Backend::sqlite;
  std::string redacted_url;
  DatabaseOptions options;
  std::unique_ptr<detail::SessionPool> pool;

  /// The clock, truncated to whole seconds (what DATETIME(0) keeps).
  TimePoint now() const;
  /// Lends a pooled connection to `body`; `what` names the work in error messages.
  /// A connection that broke during the work is closed, not returned to the pool.
  void run(std::string_view what, const std::function<void(detail::Connection&)>& body) const;
};

struct DatabaseAccess {
  static std::shared_ptr<Database::Impl> impl(const Database& db) { return db.impl_; }
};

}  // namespace curator::store
