// UploadRepository::due_per_user: what the pipeline's dispatcher reads each pass. A
// window function takes the oldest due rows of each user, so a user with thousands
// of due rows cannot push another user's first row out of the result.
#include <algorithm>

#include "curator/store/uploads.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/validate.hpp"

namespace curator::store {

using detail::Connection;

std::vector<DueUpload> UploadRepository::due_per_user(std::size_t per_user, std::size_t limit) {
  std::vector<DueUpload> out;
  if (per_user == 0 || limit == 0) return out;
  const auto now = detail::sql_time(db_->now());
  const auto cap = static_cast<std::int64_t>(std::min<std::size_t>(limit, detail::kMaxIdsPerCall));
  const auto each =
      static_cast<std::int64_t>(std::min<std::size_t>(per_user, detail::kMaxIdsPerCall));
  db_->run("listing due uploads per user", [&](Connection& c) {
    const auto rows = c.query(
        "SELECT id, userid, batchid, edit_group_id, attempts FROM ("
        " SELECT r.id AS id, r.userid AS userid, r.batchid AS batchid,"
        " b.edit_group_id AS edit_group_id, r.not_before AS nb,"
        " r.attempts_source + r.attempts_storage + r.attempts_hash_lock + r.attempts_rate_limited"
        " + r.attempts_transient + r.attempts_lease_expired AS attempts,"
        " ROW_NUMBER() OVER (PARTITION BY r.userid ORDER BY r.not_before, r.id) AS n"
        " FROM upload_requests r LEFT JOIN batches b ON b.id = r.batchid"
        " WHERE r.status = 'queued' AND (r.not_before IS NULL OR r.not_before <= ?)"
        ") due WHERE n <= ? ORDER BY nb, id LIMIT ?",
        {now, each, cap}, 5);
    out.reserve(rows.size());
    for (const auto& r : rows) {
      DueUpload d;
      d.id = detail::int_of(r[0], "id");
      d.userid = detail::text_of(r[1], "userid");
      d.batchid = detail::int_of(r[2], "batchid");
      if (r[3]) d.edit_group_id = *r[3];
      d.attempts = detail::int_of(r[4], "attempts");
      out.push_back(std::move(d));
    }
  });
  return out;
}

}  // namespace curator::store
