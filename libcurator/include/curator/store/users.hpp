#pragma once
// UserRepository: the `users` table (Wikimedia central user id → username). Knows
// nothing about sessions or OAuth; callers pass the ids they verified.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"

namespace curator::store {

class CURATOR_API UserRepository {
 public:
  explicit UserRepository(const Database& db);

  /// Inserts the user when no row has this userid; never changes an existing row
  /// (the Python service's ensure_user). Returns the row as stored.
  User ensure(std::string_view userid, std::string_view username);
  /// Inserts the user, or refreshes username and updated_at (done on every login).
  User upsert(std::string_view userid, std::string_view username);
  std::optional<User> find(std::string_view userid);

  /// Admin list: ordered by userid; `filter` matches userid or username (substring).
  std::vector<User> list(PageRequest page, std::string_view filter = {});
  std::int64_t count(std::string_view filter = {});

 private:
  std::shared_ptr<Database::Impl> db_;
};

}  // namespace curator::store
