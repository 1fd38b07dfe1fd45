// UploadRepository: cancel, bulk fail, retry copies, recovery and admin edits.
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

namespace {

[[noreturn]] void batch_not_found(Id id) {
  throw Error(ErrorKind::not_found, fmt::format("Batch {} not found", id), "batch_not_found");
}

[[noreturn]] void permission_denied() {
  throw Error(ErrorKind::auth, "Permission denied", "permission_denied");
}

/// The batch's owner, locking the batch row on MySQL; throws when it does not exist.
std::string batch_owner(Connection& c, Id batch_id) {
  if (!detail::usable_id(batch_id)) batch_not_found(batch_id);
  const auto row = c.query_one(
      std::string("SELECT userid FROM batches WHERE id = ?") + (c.mysql() ? " FOR UPDATE" : ""),
      {batch_id}, 1);
  if (!row) batch_not_found(batch_id);
  return detail::text_of((*row)[0], "batches.userid");
}

/// Copies the rows `selection` picks (a condition on r with `params`) into a new batch of
/// `userid`, queued, with the new token. Labels are copied as stored, byte for byte.
std::optional<RetryCopy> copy_rows(Connection& c, std::string_view userid,
                                   const std::optional<std::string>& token, TimePoint now,
                                   const std::string& selection, const Params& selection_params,
                                   const CopySchedule& schedule) {
  const auto count =
      c.query_int("SELECT COUNT(*) FROM upload_requests r WHERE " + selection, selection_params);
  if (count == 0) return std::nullopt;
  const auto batch = detail::insert_batch(c, userid, now);
  Params params{batch.id, std::string(userid), detail::nullable(token), detail::sql_time(now),
                detail::sql_time(now)};
  for (const auto& p : selection_params)
    params.push_back(p);
  // New ids follow the originals' order (ORDER BY in INSERT ... SELECT).
  c.execute(
      "INSERT INTO upload_requests (batchid, userid, status, `key`, handler, collection,"
      " access_token, filename, wikitext, copyright_override, labels, created_at, updated_at)"
      " SELECT ?, ?, 'queued', r.`key`, r.handler, r.collection, ?, r.filename, r.wikitext,"
      " r.copyright_override, r.labels, ?, ? FROM upload_requests r WHERE " +
          selection + " ORDER BY r.id",
      params);
  RetryCopy copy;
  copy.batch_id = batch.id;
  copy.edit_group_id = *batch.edit_group_id;
  const auto rows =
      c.query("SELECT id FROM upload_requests WHERE batchid = ? ORDER BY id", {batch.id}, 1);
  for (const auto& r : rows)
    copy.upload_ids.push_back(detail::int_of(r[0], "id"));
  if (schedule) {
    // Before the commit: the dispatcher never sees a copy without its slot.
    for (const auto id : copy.upload_ids) {
      c.execute("UPDATE upload_requests SET not_before = ? WHERE id = ?",
                {detail::sql_time(schedule()), id});
    }
  }
  return copy;
}

std::int64_t update_ids(const Database::Impl& db, std::string_view what, const std::vector<Id>& ids,
                        const std::string& set, const Params& set_params,
                        const std::string& condition) {
  const auto usable = detail::usable_ids(ids);
  if (usable.empty()) return 0;
  std::int64_t changed = 0;
  Params params = set_params;
  params.insert(params.end(), usable.begin(), usable.end());
  db.run(what, [&](Connection& c) {
    changed = c.execute("UPDATE upload_requests SET " + set + " WHERE id IN (" +
                            detail::parameter_list(usable.size()) + ") AND " + condition,
                        params);
  });
  return changed;
}

}  // namespace

std::map<Id, std::string> UploadRepository::cancel_batch(
    Id batch_id, const std::optional<std::string>& acting_userid) {
  const auto now = detail::sql_time(db_->now());
  std::map<Id, std::string> cancelled;
  db_->run("cancelling a batch", [&](Connection& c) {
    detail::Transaction tx(c);
    const auto owner = batch_owner(c, batch_id);
    if (acting_userid && *acting_userid != owner) permission_denied();
    // Read the candidates without locks, then lock by primary key in the UPDATE: the
    // same lock order as a worker's claim, so the two never deadlock. A row claimed in
    // between no longer matches `status = 'queued'` and stays with its worker.
    const auto candidates = c.query(
        "SELECT id FROM upload_requests WHERE batchid = ? AND status = 'queued' ORDER BY id",
        {batch_id}, 1);
    if (candidates.empty()) return;
    Params ids;
    for (const auto& r : candidates)
      ids.emplace_back(detail::int_of(r[0], "id"));
    Params params{now};
    params.insert(params.end(), ids.begin(), ids.end());
    const auto in = " WHERE id IN (" + detail::parameter_list(ids.size()) + ")";
    c.execute(
        "UPDATE upload_requests SET status = 'cancelled', access_token = NULL,"
        " updated_at = ?" +
            in + " AND status = 'queued'",
        params);
    // This transaction sees its own changes: the rows it cancelled.
    const auto rows = c.query(
        "SELECT id, celery_task_id FROM upload_requests" + in +
            " AND status = 'cancelled' AND updated_at = ? ORDER BY id",
        [&] {
          Params p = ids;
          p.emplace_back(now);
          return p;
        }(),
        2);
    for (const auto& r : rows)
      cancelled[detail::int_of(r[0], "id")] = r[1].value_or("");
    tx.commit();
  });
  return cancelled;
}

std::int64_t UploadRepository::cancel_many(const std::vector<Id>& ids) {
  return update_ids(*db_, "cancelling uploads", ids,
                    "status = 'cancelled', access_token = NULL, lease_owner = NULL,"
                    " lease_expires_at = NULL, updated_at = ?",
                    {detail::sql_time(db_->now())}, "status IN ('queued', 'in_progress')");
}

std::int64_t UploadRepository::fail_many(const std::vector<Id>& ids, const StructuredError& error) {
  detail::check_error("error", error);
  return update_ids(*db_, "failing uploads", ids,
                    "status = 'failed', error = ?, success = NULL, access_token = NULL,"
                    " lease_owner = NULL, lease_expires_at = NULL, updated_at = ?",
                    {detail::error_json(error), detail::sql_time(db_->now())},
                    "status <> 'failed'");
}

std::int64_t UploadRepository::expire_sessions(const std::vector<Id>& ids) {
  return update_ids(
      *db_, "expiring sessions", ids,
      "status = 'failed', error = ?, success = NULL, access_token = NULL,"
      " updated_at = ?",
      {detail::error_json(StructuredError::generic(std::string(kSessionExpiredMessage))),
       detail::sql_time(db_->now())},
      "status = 'queued'");
}

std::optional<RetryCopy> UploadRepository::copy_failed_to_new_batch(
    Id batch_id, std::string_view userid, const std::optional<std::string>& access_token,
    const CopySchedule& schedule) {
  detail::check_varchar("userid", userid, 255, false);
  if (access_token) detail::check_text("access_token", *access_token);
  const auto now = db_->now();
  std::optional<RetryCopy> out;
  db_->run("retrying failed uploads", [&](Connection& c) {
    detail::Transaction tx(c);
    if (batch_owner(c, batch_id) != userid) permission_denied();
    out = copy_rows(c, userid, access_token, now, "r.batchid = ? AND r.status = 'failed'",
                    {batch_id}, schedule);
    tx.commit();
  });
  return out;
}

std::optional<RetryCopy> UploadRepository::copy_to_new_batch(
    const std::vector<Id>& ids, std::string_view userid,
    const std::optional<std::string>& access_token, const CopySchedule& schedule) {
  detail::check_varchar("userid", userid, 255, false);
  if (access_token) detail::check_text("access_token", *access_token);
  const auto usable = detail::usable_ids(ids);
  if (usable.empty()) return std::nullopt;
  const auto now = db_->now();
  std::optional<RetryCopy> out;
  db_->run("retrying selected uploads", [&](Connection& c) {
    detail::Transaction tx(c);
    if (!detail::user_exists(c, userid)) {
      throw Error(ErrorKind::not_found, fmt::format("User {} not found", userid), "user_not_found");
    }
    out = copy_rows(c, userid, access_token, now,
                    "r.id IN (" + detail::parameter_list(usable.size()) +
                        ") AND r.status IN ('failed', 'cancelled')",
                    Params(usable.begin(), usable.end()), schedule);
    tx.commit();
  });
  return out;
}

std::vector<RecoverableUpload> UploadRepository::recoverable() {
  std::vector<RecoverableUpload> out;
  db_->run("reading recoverable uploads", [&](Connection& c) {
    const auto rows = c.query(
        "SELECT r.id, r.userid, r.access_token, b.edit_group_id FROM upload_requests r"
        " JOIN batches b ON b.id = r.batchid WHERE r.status = 'queued'"
        " AND r.access_token IS NOT NULL AND b.edit_group_id IS NOT NULL ORDER BY r.id",
        {}, 4);
    for (const auto& r : rows) {
      out.push_back({detail::int_of(r[0], "id"), detail::text_of(r[1], "userid"),
                     detail::text_of(r[2], "access_token"),
                     detail::text_of(r[3], "edit_group_id")});
    }
  });
  return out;
}

bool UploadRepository::patch(Id id, const UploadPatch& patch) {
  std::string set;
  Params params;
  const auto add = [&](std::string_view column, detail::Param value) {
    set += fmt::format("{} = ?, ", column);
    params.push_back(std::move(value));
  };
  if (patch.status) {
    add("status", std::string(to_string(*patch.status)));
    // Whoever held the row no longer does; in_progress without a lease is swept back.
    set += "lease_owner = NULL, lease_expires_at = NULL, ";
  }
  if (patch.key) {
    detail::check_varchar("key", *patch.key, 255, false);
    add("`key`", *patch.key);
  }
  if (patch.handler) {
    detail::check_varchar("handler", *patch.handler, 255, false);
    add("handler", *patch.handler);
  }
  if (patch.collection) {
    detail::check_varchar("collection", *patch.collection, 255);
    add("collection", *patch.collection);
  }
  if (patch.filename) {
    detail::check_varchar("filename", *patch.filename, 255, false);
    add("filename", *patch.filename);
  }
  if (patch.wikitext) {
    detail::check_text("wikitext", *patch.wikitext);
    add("wikitext", *patch.wikitext);
  }
  if (patch.success) {
    detail::check_text("success", *patch.success);
    add("success", *patch.success);
  }
  if (patch.copyright_override) add("copyright_override", std::int64_t{*patch.copyright_override});
  if (!detail::usable_id(id)) return false;
  add("updated_at", detail::sql_time(db_->now()));
  set.resize(set.size() - 2);  // the last ", "
  params.emplace_back(id);
  bool found = false;
  db_->run("editing an upload", [&](Connection& c) {
    found = c.execute("UPDATE upload_requests SET " + set + " WHERE id = ?", params) == 1 ||
            detail::upload_exists(c, id);
  });
  return found;
}

}  // namespace curator::store
