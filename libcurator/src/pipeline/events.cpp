#include "curator/pipeline/events.hpp"

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/queue/event_bus.hpp"

namespace curator::pipeline {

namespace {
constexpr std::size_t kMaxEventBytes = 256u << 10;
}

StatusEvent status_event_of(const store::UploadRequest& row) {
  StatusEvent e;
  e.batch_id = row.batchid;
  e.upload_id = row.id;
  e.status = row.status;
  e.error = row.error;
  e.success = row.success;
  e.key = row.key;
  e.handler = row.handler;
  return e;
}

json::value to_json(const StatusEvent& event) {
  json::object o;
  o["batch_id"] = event.batch_id;
  o["upload_id"] = event.upload_id;
  o["status"] = to_string(event.status);
  o["error"] = event.error ? to_json(*event.error) : json::value(nullptr);
  o["success"] = event.success ? json::value(*event.success) : json::value(nullptr);
  o["key"] = event.key;
  o["handler"] = event.handler;
  return o;
}

StatusEvent status_event_from_json(const json::value& v) {
  const auto& o = json::as_object(v, "status event");
  StatusEvent e;
  e.batch_id = json::require_int(o, "batch_id");
  e.upload_id = json::require_int(o, "upload_id");
  if (e.batch_id <= 0 || e.upload_id <= 0) {
    throw Error(ErrorKind::invalid_input, "status event: ids must be positive", "invalid_event");
  }
  const auto status = json::require_string(o, "status");
  const auto parsed = parse_upload_status(status);
  if (!parsed) {
    throw Error(ErrorKind::invalid_input, "status event: unknown status", "invalid_event");
  }
  e.status = *parsed;
  if (const auto* err = o.if_contains("error"); err && !err->is_null()) {
    e.error = structured_error_from_json(*err);
    if (!e.error) {
      throw Error(ErrorKind::invalid_input, "status event: error is not a structured error",
                  "invalid_event");
    }
  }
  e.success = json::get_string(o, "success");
  e.key = json::get_string(o, "key").value_or("");
  e.handler = json::get_string(o, "handler").value_or("");
  return e;
}

StatusEvent parse_status_event(std::string_view payload) {
  return status_event_from_json(json::parse(payload, "status event", kMaxEventBytes, 16));
}

void publish_status(queue::EventBus* bus, const StatusEvent& event) {
  if (bus == nullptr) return;
  try {
    bus->publish(kStatusChannel, json::serialize(to_json(event)));
  } catch (const std::exception& e) {
    log::warning("pipeline", std::string("cannot publish a status event: ") + e.what());
  }
}

}  // namespace curator::pipeline
