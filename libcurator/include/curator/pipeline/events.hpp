#pragma once
// Status events: every status change the pipeline makes to an upload is
// published once on one channel (kStatusChannel) for the server to fan out
// to the sockets watching that batch. The payload is JSON; the event bus
// delivers at most once, so subscribers still reconcile from the database
// now and then. Knows nothing of sockets or the wire protocol.

#include <optional>
#include <string>
#include <string_view>

#include "curator/core/json.hpp"
#include "curator/core/structured_error.hpp"
#include "curator/core/upload_status.hpp"
#include "curator/export.hpp"
#include "curator/store/records.hpp"

namespace curator::queue {
class EventBus;
}

namespace curator::pipeline {

inline constexpr std::string_view kStatusChannel = "upload-status";

struct StatusEvent {
  store::Id batch_id = 0;
  store::Id upload_id = 0;
  UploadStatus status = UploadStatus::queued;
  std::optional<StructuredError> error;
  std::optional<std::string> success;
  std::string key;      // the source image id
  std::string handler;  // "mapillary", "flickr"
  bool operator==(const StatusEvent&) const = default;
};

/// The event for a row as it now stands.
CURATOR_API StatusEvent status_event_of(const store::UploadRequest& row);

/// {"batch_id":…,"upload_id":…,"status":"…","error":{…}|null,"success":"…"|null,
///  "key":"…","handler":"…"}
CURATOR_API json::value to_json(const StatusEvent& event);
/// Throws Error(invalid_input) naming the field for any other shape.
CURATOR_API StatusEvent status_event_from_json(const json::value& v);
CURATOR_API StatusEvent parse_status_event(std::string_view payload);

/// Publishes on kStatusChannel; a bus failure is logged, never thrown (the
/// database already holds the change, and subscribers reconcile).
CURATOR_API void publish_status(queue::EventBus* bus, const StatusEvent& event);

}  // namespace curator::pipeline
