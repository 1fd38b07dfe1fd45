// Status events: the payload shape, round trips, and hostile payloads.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "curator/core/error.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/queue/event_bus.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::pipeline;

TEST_CASE("a status event serialises every field and reads back equal") {
  StatusEvent e;
  e.batch_id = 7;
  e.upload_id = 42;
  e.status = UploadStatus::duplicated_sdc_updated;
  e.error = StructuredError{StructuredErrorType::duplicated_sdc_updated,
                            "File X already exists",
                            {{"File:X.jpg", "https://commons.example/wiki/File:X.jpg"}}};
  e.key = "1000000000000001";
  e.handler = "mapillary";
  const auto text = json::serialize(to_json(e));
  CHECK(text.find(R"("status":"duplicated_sdc_updated")") != std::string::npos);
  CHECK(text.find(R"("success":null)") != std::string::npos);
  CHECK(parse_status_event(text) == e);

  StatusEvent done;
  done.batch_id = 1;
  done.upload_id = 2;
  done.status = UploadStatus::completed;
  done.success = "https://commons.example/wiki/File:Y.jpg";
  const auto back = parse_status_event(json::serialize(to_json(done)));
  CHECK(back == done);
  CHECK_FALSE(back.error.has_value());
}

TEST_CASE("malformed, hostile and oversize status payloads are refused with a clear error") {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      "{}",
      R"({"batch_id":"1","upload_id":2,"status":"queued"})",
      R"({"batch_id":1,"upload_id":2,"status":"exploded"})",
      R"({"batch_id":1,"upload_id":2,"status":7})",
      R"({"batch_id":0,"upload_id":2,"status":"queued"})",
      R"({"batch_id":1,"upload_id":-2,"status":"queued"})",
      R"({"batch_id":1,"upload_id":2,"status":"failed","error":"boom"})",
      R"({"batch_id":1,"upload_id":2,"status":"failed","error":{"type":"error"}})",
      R"({"batch_id":1,"upload_id":2,"status":"completed","success":5})",
  };
  for (const auto* text : bad) {
    CAPTURE(text);
    CHECK_THROWS_AS(parse_status_event(text), Error);
  }
  std::string deep(100, '[');
  CHECK_THROWS_AS(parse_status_event(deep), Error);
  std::string huge = R"({"batch_id":1,"upload_id":2,"status":"queued","key":")" +
                     std::string(300 * 1024, 'x') + "\"}";
  CHECK_THROWS_AS(parse_status_event(huge), Error);
}

TEST_CASE("publish_status reaches a subscriber once and never throws") {
  auto bus = queue::make_in_process_event_bus();
  std::atomic<int> seen{0};
  std::string payload;
  std::mutex m;
  auto sub = bus->subscribe(kStatusChannel, [&](std::string_view, std::string_view p) {
    std::lock_guard lock(m);
    payload = std::string(p);
    ++seen;
  });
  StatusEvent e;
  e.batch_id = 3;
  e.upload_id = 4;
  e.status = UploadStatus::in_progress;
  publish_status(bus.get(), e);
  REQUIRE(curator::test::wait_until([&] { return seen.load() == 1; }));
  {
    std::lock_guard lock(m);
    CHECK(parse_status_event(payload) == e);
  }
  CHECK_NOTHROW(publish_status(nullptr, e));
  // An oversize payload is refused by the bus: logged, not thrown.
  auto small = queue::make_in_process_event_bus({.max_payload_bytes = 16});
  CHECK_NOTHROW(publish_status(small.get(), e));
}
