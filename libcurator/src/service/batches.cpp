#include "curator/service/batches.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "curator/core/error.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/queue/event_bus.hpp"
#include "curator/store/users.hpp"
#include "store/validate.hpp"

namespace curator::service {
namespace {

[[noreturn]] void batch_not_found(store::Id id) {
  throw Error(ErrorKind::not_found, fmt::format("Batch {} not found", id), "batch_not_found");
}

[[noreturn]] void permission_denied() {
  throw Error(ErrorKind::auth, std::string(kPermissionDenied), "permission_denied");
}

void check_actor(const Actor& actor) {
  if (actor.userid.empty()) {
    throw Error(ErrorKind::invalid_input, "a user id is required", "invalid_field");
  }
}

}  // namespace

// The store's own helpers, so the rules cannot drift apart.
void validate_uploads(const std::vector<store::NewUpload>& items) {
  if (items.size() > store::detail::kMaxIdsPerCall) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("too many uploads in one batch ({}, at most {})", items.size(),
                            store::detail::kMaxIdsPerCall),
                "invalid_field");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    const auto field = [&](std::string_view name) { return fmt::format("item {}: {}", i, name); };
    store::detail::check_varchar(field("key"), item.key, 255, false);
    if (item.collection) store::detail::check_varchar(field("collection"), *item.collection, 255);
    store::detail::check_varchar(field("filename"), item.filename, 255, false);
    store::detail::check_text(field("wikitext"), item.wikitext);
    if (item.labels) store::detail::check_label(field("labels"), *item.labels);
  }
}

BatchService::BatchService(const store::Database& db, std::shared_ptr<queue::EventBus> events)
    : db_(&db), events_(std::move(events)) {}

void BatchService::publish(const std::vector<store::UploadRequest>& rows,
                           const std::vector<store::Id>& changed) const {
  if (!events_) return;
  // `changed` is ascending (store order); rows are read after the change, so
  // the event carries the row as it now stands (a worker may already have
  // moved a retried upload on: the pipeline publishes that itself).
  for (const auto& row : rows) {
    if (std::binary_search(changed.begin(), changed.end(), row.id)) {
      pipeline::publish_status(events_.get(), pipeline::status_event_of(row));
    }
  }
}

store::Batch BatchService::owned_batch(store::Id batch_id, const Actor& actor, bool admin_allowed) {
  auto batch = store::BatchRepository(*db_).find(batch_id);
  if (!batch) batch_not_found(batch_id);
  if (batch->userid != actor.userid && !(admin_allowed && actor.admin)) permission_denied();
  return *batch;
}

store::Batch BatchService::create_batch(const Actor& actor) {
  check_actor(actor);
  store::UserRepository(*db_).upsert(actor.userid, actor.username);
  return store::BatchRepository(*db_).create(actor.userid);
}

std::vector<store::Id> BatchService::add_uploads(store::Id batch_id, const Actor& actor,
                                                 Handler handler,
                                                 const std::optional<std::string>& access_token,
                                                 const std::vector<store::NewUpload>& items) {
  check_actor(actor);
  const auto batch = owned_batch(batch_id, actor, false);
  if (!batch.edit_group_id) {
    throw Error(ErrorKind::conflict, fmt::format("Batch {} has no edit_group_id", batch_id),
                "no_edit_group_id");
  }
  return store::UploadRepository(*db_).create(batch_id, actor.userid, to_string(handler),
                                              access_token, items);
}

CreatedBatch BatchService::create_batch_with_uploads(const Actor& actor, Handler handler,
                                                     const std::optional<std::string>& access_token,
                                                     const std::vector<store::NewUpload>& items) {
  check_actor(actor);
  if (items.empty()) {
    throw Error(ErrorKind::invalid_input, "a batch needs at least one upload", "empty_batch");
  }
  if (items.size() > store::detail::kMaxIdsPerCall) validate_uploads(items);
  store::UserRepository(*db_).upsert(actor.userid, actor.username);
  // Items are checked as they are written: a refused one rolls the batch back too.
  auto created = store::UploadRepository(*db_).create_in_new_batch(actor.userid, to_string(handler),
                                                                   access_token, items);
  return {std::move(created.batch), std::move(created.upload_ids)};
}

BatchPage BatchService::list(store::PageRequest page, const store::BatchScope& scope) {
  store::BatchRepository batches(*db_);
  BatchPage out;
  out.items = batches.list(page, scope);
  out.total = batches.count(scope);
  return out;
}

BatchDetail BatchService::show(store::Id batch_id) {
  auto summary = store::BatchRepository(*db_).summary(batch_id);
  if (!summary) batch_not_found(batch_id);
  BatchDetail out;
  out.summary = std::move(*summary);
  out.uploads = store::UploadRepository(*db_).list_for_batch(batch_id);
  return out;
}

store::RetryCopy BatchService::retry(store::Id batch_id, const Actor& actor,
                                     const std::optional<std::string>& access_token,
                                     const store::CopySchedule& schedule) {
  check_actor(actor);
  owned_batch(batch_id, actor, true);
  store::UploadRepository uploads(*db_);
  std::vector<store::Id> ids;
  for (const auto& row : uploads.list_for_batch(batch_id)) {
    if (row.status == UploadStatus::failed || row.status == UploadStatus::cancelled)
      ids.push_back(row.id);
  }
  std::optional<store::RetryCopy> copy;
  if (!ids.empty()) {
    store::UserRepository(*db_).upsert(actor.userid, actor.username);
    copy = uploads.copy_to_new_batch(ids, actor.userid, access_token, schedule);
  }
  if (!copy) throw Error(ErrorKind::conflict, std::string(kNoFailedUploads), "nothing_to_retry");
  if (events_) {
    auto changed = copy->upload_ids;
    std::sort(changed.begin(), changed.end());
    publish(uploads.list_for_batch(copy->batch_id), changed);
  }
  return *copy;
}

CancelResult BatchService::cancel(store::Id batch_id, const Actor& actor) {
  check_actor(actor);
  const auto acting = actor.admin ? std::nullopt : std::optional<std::string>(actor.userid);
  const auto cancelled = store::UploadRepository(*db_).cancel_batch(batch_id, acting);
  if (cancelled.empty()) {
    throw Error(ErrorKind::conflict, std::string(kNoQueuedUploads), "nothing_to_cancel");
  }
  CancelResult out;
  for (const auto& [id, task] : cancelled) {
    out.cancelled.push_back(id);
    if (!task.empty()) out.task_ids.push_back(task);
  }
  if (events_) publish(store::UploadRepository(*db_).list_for_batch(batch_id), out.cancelled);
  return out;
}

CancelResult BatchService::cancel_uploads(const std::vector<store::Id>& ids, const Actor& actor) {
  check_actor(actor);
  if (!actor.admin) permission_denied();
  if (ids.size() > store::detail::kMaxIdsPerCall) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("too many uploads in one call ({}, at most {})", ids.size(),
                            store::detail::kMaxIdsPerCall),
                "invalid_field");
  }
  store::UploadRepository uploads(*db_);
  // The store reports a count, so the rows say which ones this call changed:
  // cancellable before, cancelled after.
  std::vector<store::Id> cancellable;
  for (const auto id : ids) {
    const auto row = uploads.find(id);
    if (row && (row->status == UploadStatus::queued || row->status == UploadStatus::in_progress))
      cancellable.push_back(id);
  }
  std::sort(cancellable.begin(), cancellable.end());
  cancellable.erase(std::unique(cancellable.begin(), cancellable.end()), cancellable.end());
  CancelResult out;
  if (cancellable.empty() || uploads.cancel_many(cancellable) == 0) return out;
  std::vector<store::UploadRequest> after;
  for (const auto id : cancellable) {
    auto row = uploads.find(id);
    if (!row || row->status != UploadStatus::cancelled) continue;
    out.cancelled.push_back(id);
    if (row->celery_task_id && !row->celery_task_id->empty())
      out.task_ids.push_back(*row->celery_task_id);
    after.push_back(std::move(*row));
  }
  publish(after, out.cancelled);
  return out;
}

IngestHistory BatchService::history(const Actor& actor, Handler handler,
                                    std::string_view collection) {
  check_actor(actor);
  IngestHistory out;
  store::BatchScope scope;
  scope.userid = actor.userid;
  const auto batches = store::BatchRepository(*db_).list({1, kMaxHistoryBatches}, scope);
  store::UploadRepository uploads(*db_);
  const auto handler_name = to_string(handler);
  // Newest batch first, so each image is described by its latest upload.
  for (const auto& b : batches) {
    for (const auto& row : uploads.list_for_batch(b.batch.id)) {
      if (row.handler != handler_name) continue;
      const bool pending =
          row.status == UploadStatus::queued || row.status == UploadStatus::in_progress;
      if (pending && !out.open_batch && row.collection && *row.collection == collection) {
        out.open_batch = b.batch.id;
      }
      if (pending || row.status == UploadStatus::completed || is_duplicate(row.status)) {
        out.uploaded.emplace(row.key,
                             fmt::format("{} in batch {}", to_string(row.status), b.batch.id));
      }
    }
  }
  return out;
}

}  // namespace curator::service
