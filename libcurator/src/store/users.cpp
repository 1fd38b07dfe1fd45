#include "curator/store/users.hpp"

#include "curator/core/error.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/where.hpp"

namespace curator::store {

using detail::Connection;

namespace {

void check_user(std::string_view userid, std::string_view username) {
  detail::check_varchar("userid", userid, 255, false);
  detail::check_varchar("username", username, 255, false);
}

std::optional<User> find_user(Connection& c, std::string_view userid) {
  const auto row = c.query_one(std::string("SELECT ") + std::string(detail::kUserColumns) +
                                   " FROM users u WHERE u.userid = ?",
                               {std::string(userid)}, detail::kUserColumnCount);
  if (!row) return std::nullopt;
  return detail::user_of(*row);
}

User store_user(const Database::Impl& db, std::string_view userid, std::string_view username,
                bool refresh) {
  check_user(userid, username);
  const auto now = detail::sql_time(db.now());
  User out;
  db.run(refresh ? "saving a user" : "ensuring a user", [&](Connection& c) {
    std::string sql =
        "INSERT INTO users (userid, username, created_at, updated_at) VALUES (?, ?, ?, ?)";
    if (c.mysql()) {
      sql += refresh ? " ON DUPLICATE KEY UPDATE username = VALUES(username), "
                       "updated_at = VALUES(updated_at)"
                     : " ON DUPLICATE KEY UPDATE userid = userid";
    } else {
      sql += refresh ? " ON CONFLICT (userid) DO UPDATE SET username = excluded.username, "
                       "updated_at = excluded.updated_at"
                     : " ON CONFLICT (userid) DO NOTHING";
    }
    c.execute(sql, {std::string(userid), std::string(username), now, now});
    auto found = find_user(c, userid);
    if (!found) throw Error(ErrorKind::transient, "the user row vanished while being saved");
    out = std::move(*found);
  });
  return out;
}

detail::Where user_filter(std::string_view filter) {
  detail::Where where;
  detail::add_substring_filter(where, filter, {"u.userid", "u.username"});
  return where;
}

}  // namespace

UserRepository::UserRepository(const Database& db) : db_(DatabaseAccess::impl(db)) {}

User UserRepository::ensure(std::string_view userid, std::string_view username) {
  return store_user(*db_, userid, username, false);
}

User UserRepository::upsert(std::string_view userid, std::string_view username) {
  return store_user(*db_, userid, username, true);
}

std::optional<User> UserRepository::find(std::string_view userid) {
  if (!detail::utf8_length(userid)) return std::nullopt;
  std::optional<User> out;
  db_->run("reading a user", [&](Connection& c) { out = find_user(c, userid); });
  return out;
}

std::vector<User> UserRepository::list(PageRequest page, std::string_view filter) {
  const auto offset = detail::page_offset(page);
  const auto where = user_filter(filter);
  std::vector<User> out;
  db_->run("listing users", [&](Connection& c) {
    const auto rows =
        c.query(std::string("SELECT ") + std::string(detail::kUserColumns) + " FROM users u" +
                    where.sql() + " ORDER BY u.userid LIMIT ? OFFSET ?",
                where.params_with({page.limit, offset}), detail::kUserColumnCount);
    for (const auto& r : rows)
      out.push_back(detail::user_of(r));
  });
  return out;
}

std::int64_t UserRepository::count(std::string_view filter) {
  const auto where = user_filter(filter);
  std::int64_t n = 0;
  db_->run("counting users", [&](Connection& c) {
    n = c.query_int("SELECT COUNT(*) FROM users u" + where.sql(), where.params());
  });
  return n;
}

}  // namespace curator::store
