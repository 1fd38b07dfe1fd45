#include "curator/service/ingest_queue.hpp"

#include "curator/core/error.hpp"
#include "curator/store/users.hpp"

namespace curator::service {

QueuedIngest queue_planned_files(const store::Database& db, pipeline::UploadScheduler& scheduler,
                                 const Actor& actor, Handler handler,
                                 const Credentials& credentials, std::string_view collection,
                                 const std::vector<PlannedFile>& files,
                                 std::optional<store::Id> open_batch) {
  std::vector<store::NewUpload> items;
  for (const auto& f : files) {
    if (!f.skip) items.push_back(to_new_upload(f, collection));
  }
  QueuedIngest out;
  out.batch_id = open_batch;
  out.resumed = open_batch.has_value();
  if (items.empty()) return out;
  validate_uploads(items);
  out.queued = items.size();
  if (out.batch_id) {
    scheduler.schedule(*out.batch_id, actor.userid, to_string(handler), credentials,
                       std::move(items));
    return out;
  }
  // The batch and its rows in one transaction: no empty batch after a crash.
  if (actor.userid.empty()) {
    throw Error(ErrorKind::invalid_input, "a user id is required", "invalid_field");
  }
  store::UserRepository(db).upsert(actor.userid, actor.username);
  out.batch_id =
      scheduler
          .schedule_in_new_batch(actor.userid, to_string(handler), credentials, std::move(items))
          .batch.id;
  return out;
}

}  // namespace curator::service
