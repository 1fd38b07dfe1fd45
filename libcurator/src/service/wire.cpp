#include "curator/service/wire.hpp"

#include "curator/core/time.hpp"

namespace curator::service {

json::object to_json(const store::BatchStats& s) {
  return {{"cancelled", s.cancelled}, {"completed", s.completed},     {"duplicate", s.duplicate},
          {"failed", s.failed},       {"in_progress", s.in_progress}, {"queued", s.queued},
          {"total", s.total}};
}

json::object to_json(const store::BatchSummary& summary) {
  const auto& b = summary.batch;
  json::object o{{"id", b.id},
                 {"created_at", format_utc_z(b.created_at)},
                 {"updated_at", format_utc_z(b.updated_at)}};
  if (b.edit_group_id) o["edit_group_id"] = *b.edit_group_id;
  o["username"] = summary.username;
  o["userid"] = b.userid;
  o["stats"] = to_json(summary.stats);
  return o;
}

json::object batch_upload_item(const store::UploadRequest& u) {
  json::object o{{"id", u.id},
                 {"status", to_string(u.status)},
                 {"filename", u.filename},
                 {"wikitext", u.wikitext},
                 {"batchid", u.batchid},
                 {"userid", u.userid},
                 {"key", u.key},
                 {"handler", u.handler}};
  if (u.labels) o["labels"] = curator::to_json(*u.labels);
  if (u.result) o["result"] = *u.result;
  if (u.error) o["error"] = curator::to_json(*u.error);
  if (u.success) o["success"] = *u.success;
  o["created_at"] = format_utc_z(u.created_at);
  o["updated_at"] = format_utc_z(u.updated_at);
  o["image_id"] = u.key;
  return o;
}

json::object upload_update_item(const store::UploadRequest& u) {
  json::object o{{"id", u.id},
                 {"batchid", u.batchid},
                 {"status", to_string(u.status)},
                 {"key", u.key.empty() ? "unknown" : u.key},
                 {"handler", u.handler.empty() ? "unknown" : u.handler}};
  if (u.error) o["error"] = curator::to_json(*u.error);
  if (u.success) o["success"] = *u.success;
  return o;
}

json::object to_json(const store::Preset& p) {
  json::object o{{"id", p.id}, {"title", p.title}, {"title_template", p.title_template}};
  if (p.labels) o["labels"] = curator::to_json(*p.labels);
  if (p.categories) o["categories"] = *p.categories;
  o["exclude_from_date_category"] = p.exclude_from_date_category;
  o["handler"] = p.handler;
  o["is_default"] = p.is_default;
  o["created_at"] = format_utc_z(p.created_at);
  o["updated_at"] = format_utc_z(p.updated_at);
  return o;
}

}  // namespace curator::service
