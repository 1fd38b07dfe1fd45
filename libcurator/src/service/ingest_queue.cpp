#include "curator/service/ingest_queue.hpp"

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
  if (!out.batch_id) out.batch_id = BatchService(db).create_batch(actor).id;
  out.queued = items.size();
  scheduler.schedule(*out.batch_id, actor.userid, to_string(handler), credentials,
                     std::move(items));
  return out;
}

}  // namespace curator::service
