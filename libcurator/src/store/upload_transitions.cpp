// UploadRepository: the worker's conditional transitions. Each one is a single UPDATE
// whose WHERE names the state it expects (and the lease owner), so of two racing
// callers exactly one changes the row; the row count says which.
#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/store/uploads.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/upload_sql.hpp"
#include "store/validate.hpp"

namespace curator::store {

using detail::Connection;
using detail::Params;

namespace detail {

std::string upload_select() {
  return std::string("SELECT ") + std::string(kUploadColumns) + " FROM upload_requests r";
}

std::optional<UploadRequest> find_upload(Connection& c, Id id) {
  const auto row = c.query_one(upload_select() + " WHERE r.id = ?", {id}, kUploadColumnCount);
  if (!row) return std::nullopt;
  return upload_of(*row);
}

bool upload_exists(Connection& c, Id id) {
  return c.query_int("SELECT COUNT(*) FROM upload_requests WHERE id = ?", {id}) > 0;
}

}  // namespace detail

namespace {

constexpr std::chrono::seconds kMaxLease{24 * 3600};

void check_lease(std::string_view owner, std::chrono::seconds lease) {
  detail::check_varchar("lease owner", owner, 255, false);
  if (lease <= std::chrono::seconds(0) || lease > kMaxLease) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("lease must be between 1 s and {} s (got {} s)", kMaxLease.count(),
                            lease.count()),
                "invalid_field");
  }
}

std::string status_text(UploadStatus s) {
  return std::string(to_string(s));
}

}  // namespace

std::vector<Id> UploadRepository::due(std::size_t limit) {
  std::vector<Id> out;
  if (limit == 0) return out;
  const auto now = detail::sql_time(db_->now());
  const auto capped =
      static_cast<std::int64_t>(std::min<std::size_t>(limit, detail::kMaxIdsPerCall));
  db_->run("listing due uploads", [&](Connection& c) {
    const auto rows = c.query(
        "SELECT id FROM upload_requests WHERE status = 'queued'"
        " AND (not_before IS NULL OR not_before <= ?) ORDER BY not_before, id LIMIT ?",
        {now, capped}, 1);
    for (const auto& r : rows)
      out.push_back(detail::int_of(r[0], "id"));
  });
  return out;
}

std::optional<TimePoint> UploadRepository::next_due_time() {
  std::optional<TimePoint> out;
  db_->run("reading the next due upload", [&](Connection& c) {
    const auto row = c.query_one(
        "SELECT MIN(COALESCE(not_before, created_at)) FROM upload_requests WHERE status = "
        "'queued'",
        {}, 1);
    if (row && (*row)[0]) out = detail::time_of((*row)[0], "not_before");
  });
  return out;
}

std::optional<UploadRequest> UploadRepository::claim(Id id, std::string_view owner,
                                                     std::chrono::seconds lease) {
  check_lease(owner, lease);
  if (!detail::usable_id(id)) return std::nullopt;
  const auto now = db_->now();
  std::optional<UploadRequest> out;
  db_->run("claiming an upload", [&](Connection& c) {
    const auto changed = c.execute(
        "UPDATE upload_requests SET status = 'in_progress', lease_owner = ?,"
        " lease_expires_at = ?, error = NULL, success = NULL, updated_at = ?"
        " WHERE id = ? AND status = 'queued' AND (not_before IS NULL OR not_before <= ?)",
        {std::string(owner), detail::sql_time(now + lease), detail::sql_time(now), id,
         detail::sql_time(now)});
    if (changed != 1) return;
    auto row = detail::find_upload(c, id);
    // An admin may cancel an in_progress row right after the claim: then it is not ours.
    if (row && row->status == UploadStatus::in_progress && row->lease_owner == owner) {
      out = std::move(row);
    }
  });
  return out;
}

bool UploadRepository::renew_lease(Id id, std::string_view owner, std::chrono::seconds lease) {
  check_lease(owner, lease);
  if (!detail::usable_id(id)) return false;
  const auto until = detail::sql_time(db_->now() + lease);
  bool held = false;
  db_->run("renewing a lease", [&](Connection& c) {
    const Params params{until, id, std::string(owner)};
    if (c.execute("UPDATE upload_requests SET lease_expires_at = ?"
                  " WHERE id = ? AND status = 'in_progress' AND lease_owner = ?",
                  params) == 1) {
      held = true;
      return;
    }
    // Renewing within the same second changes nothing, and MySQL then counts 0 rows.
    held = c.query_int(
               "SELECT COUNT(*) FROM upload_requests WHERE lease_expires_at = ?"
               " AND id = ? AND status = 'in_progress' AND lease_owner = ?",
               params) == 1;
  });
  return held;
}

bool UploadRepository::finish(Id id, std::string_view owner, UploadStatus status,
                              const std::optional<StructuredError>& error,
                              const std::optional<std::string>& success) {
  detail::check_varchar("lease owner", owner, 255, false);
  if (status != UploadStatus::completed && status != UploadStatus::failed &&
      !is_duplicate(status)) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("finish() takes an outcome (completed, failed, duplicate*), not {}",
                            to_string(status)),
                "invalid_field");
  }
  if (error) detail::check_error("error", *error);
  if (success) detail::check_text("success", *success);
  if (!detail::usable_id(id)) return false;
  const auto now = detail::sql_time(db_->now());
  bool done = false;
  db_->run("finishing an upload", [&](Connection& c) {
    done = c.execute(
               "UPDATE upload_requests SET status = ?, error = ?, success = ?,"
               " access_token = NULL, lease_owner = NULL, lease_expires_at = NULL,"
               " updated_at = ? WHERE id = ? AND status = 'in_progress' AND lease_owner = ?",
               {status_text(status), detail::optional_error_param(error), detail::nullable(success),
                now, id, std::string(owner)}) == 1;
  });
  return done;
}

std::optional<std::int32_t> UploadRepository::requeue(Id id, std::string_view owner,
                                                      RetryReason reason, TimePoint not_before) {
  detail::check_varchar("lease owner", owner, 255, false);
  if (!detail::usable_id(id)) return std::nullopt;
  const auto now = detail::sql_time(db_->now());
  const auto column = std::string(detail::attempts_column(reason));
  std::optional<std::int32_t> out;
  db_->run("requeueing an upload", [&](Connection& c) {
    // One transaction, so the count read back is the one this UPDATE wrote.
    detail::Transaction tx(c);
    const auto changed = c.execute(
        "UPDATE upload_requests SET status = 'queued', not_before = ?, lease_owner = NULL,"
        " lease_expires_at = NULL, " +
            column + " = " + column +
            " + 1, updated_at = ? WHERE id = ? AND status = 'in_progress' AND lease_owner = ?",
        {detail::sql_time(not_before), now, id, std::string(owner)});
    if (changed == 1) {
      out = static_cast<std::int32_t>(
          c.query_int("SELECT " + column + " FROM upload_requests WHERE id = ?", {id}));
    }
    tx.commit();
  });
  return out;
}

std::vector<Id> UploadRepository::release_expired_leases(std::size_t limit) {
  std::vector<Id> released;
  if (limit == 0) return released;
  const auto now = detail::sql_time(db_->now());
  const auto capped =
      static_cast<std::int64_t>(std::min<std::size_t>(limit, detail::kMaxIdsPerCall));
  db_->run("releasing expired leases", [&](Connection& c) {
    const auto rows = c.query(
        "SELECT id FROM upload_requests WHERE status = 'in_progress'"
        " AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY id LIMIT ?",
        {now, capped}, 1);
    for (const auto& r : rows) {
      const auto id = detail::int_of(r[0], "id");
      // The condition is checked again: the owner may have renewed meanwhile.
      const auto changed = c.execute(
          "UPDATE upload_requests SET status = 'queued', lease_owner = NULL,"
          " lease_expires_at = NULL, not_before = NULL,"
          " attempts_lease_expired = attempts_lease_expired + 1, updated_at = ?"
          " WHERE id = ? AND status = 'in_progress'"
          " AND (lease_expires_at IS NULL OR lease_expires_at < ?)",
          {now, id, now});
      if (changed == 1) released.push_back(id);
    }
  });
  return released;
}

bool UploadRepository::transition(Id id, UploadStatus from, UploadStatus to,
                                  const std::optional<StructuredError>& error,
                                  const std::optional<std::string>& success) {
  if (to == UploadStatus::in_progress) {
    throw Error(ErrorKind::invalid_input, "use claim() to move an upload to in_progress",
                "invalid_field");
  }
  if (error) detail::check_error("error", *error);
  if (success) detail::check_text("success", *success);
  if (!detail::usable_id(id)) return false;
  const auto now = detail::sql_time(db_->now());
  const std::string token = is_terminal(to) ? ", access_token = NULL" : "";
  bool done = false;
  db_->run("changing an upload's status", [&](Connection& c) {
    done = c.execute(
               "UPDATE upload_requests SET status = ?, error = ?, success = ?,"
               " lease_owner = NULL, lease_expires_at = NULL, updated_at = ?" +
                   token + " WHERE id = ? AND status = ?",
               {status_text(to), detail::optional_error_param(error), detail::nullable(success),
                now, id, status_text(from)}) == 1;
  });
  return done;
}

bool UploadRepository::clear_access_token(Id id) {
  if (!detail::usable_id(id)) return false;
  bool found = false;
  db_->run("clearing an access token", [&](Connection& c) {
    found = c.execute("UPDATE upload_requests SET access_token = NULL WHERE id = ?", {id}) == 1 ||
            detail::upload_exists(c, id);
  });
  return found;
}

bool UploadRepository::set_task_id(Id id, std::string_view task_id) {
  detail::check_varchar("task id", task_id, 255);
  if (!detail::usable_id(id)) return false;
  bool found = false;
  db_->run("storing a task id", [&](Connection& c) {
    found = c.execute("UPDATE upload_requests SET celery_task_id = ? WHERE id = ?",
                      {std::string(task_id), id}) == 1 ||
            detail::upload_exists(c, id);
  });
  return found;
}

}  // namespace curator::store
