// BatchService beyond the happy path of batches_test.cpp: a batch and its
// uploads are written in one transaction (a refused item after the batch row
// leaves neither), and the status changes the service makes itself (cancel
// of a batch or of uploads, retry) are published on the event bus as the
// pipeline publishes its own.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <mutex>

#include "../store/store_fixture.hpp"
#include "curator/core/error.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/queue/event_bus.hpp"
#include "curator/service/batches.hpp"
#include "curator/store/uploads.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::service;
using curator::store::test::new_upload;
using curator::store::test::OnMysql;
using curator::store::test::OnSqlite;

namespace {

const Actor kAlice{"1", "Alice", false};
const Actor kBob{"2", "Bob", false};
const Actor kAdmin{"3", "Root", true};

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error thrown");
  return Error(ErrorKind::permanent, "unreachable");
}

std::vector<store::NewUpload> many(std::size_t n, std::string_view prefix) {
  std::vector<store::NewUpload> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(new_upload(fmt::format("{}{}", prefix, i)));
  return out;
}

/// Every status event published on the bus, parsed.
class Heard {
 public:
  explicit Heard(queue::EventBus& bus)
      : subscription_(bus.subscribe(pipeline::kStatusChannel,
                                    [this](std::string_view, std::string_view payload) {
                                      auto e = pipeline::parse_status_event(payload);
                                      std::lock_guard lock(mutex_);
                                      events_.push_back(std::move(e));
                                    })) {}
  std::vector<pipeline::StatusEvent> wait_for(std::size_t n) {
    CHECK_MESSAGE(curator::test::wait_until([&] { return size() >= n; }),
                  "only " << size() << " of " << n << " events");
    std::lock_guard lock(mutex_);
    auto out = std::move(events_);
    events_.clear();
    return out;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<pipeline::StatusEvent> events_;
  queue::Subscription subscription_;
};

}  // namespace

TEST_CASE_TEMPLATE("batches: a batch and its uploads are one transaction", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  BatchService batches(db);
  store::UploadRepository uploads(db);
  const auto before =
      batches.create_batch_with_uploads(kAlice, Handler::mapillary, "t", many(2, "k"));

  // Item 120 is refused while its INSERT is built: the batch row and the two
  // statements of rows before it were already written, and are undone.
  auto items = many(130, "x");
  items[120].key = std::string(256, 'k');
  const auto e =
      error_of([&] { batches.create_batch_with_uploads(kAlice, Handler::flickr, "t", items); });
  CHECK(e.kind() == ErrorKind::invalid_input);
  CHECK(std::string(e.what()).find("item 120: key") != std::string::npos);
  CHECK(batches.list({1, 100}).total == 1);
  CHECK(uploads.count_all() == 2);

  // Hostile and malformed items anywhere: nothing written either.
  items[120].key = "ok";
  items[129].wikitext = std::string("a\0b", 3);
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(kAlice, Handler::flickr, "t", items);
        }).kind() == ErrorKind::invalid_input);
  items[129].wikitext = "fine";
  items[0].filename.clear();
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(kAlice, Handler::flickr, "t", items);
        }).kind() == ErrorKind::invalid_input);
  CHECK(error_of([&] {
          batches.create_batch_with_uploads(kAlice, Handler::flickr, "t", many(10001, "o"));
        }).kind() == ErrorKind::invalid_input);
  CHECK(batches.list({1, 100}).total == 1);
  CHECK(uploads.count_all() == 2);

  // The same items, repaired, go in whole with consecutive ids in item order.
  items[0].filename = "Photo 0.jpg";
  const auto made = batches.create_batch_with_uploads(kAlice, Handler::flickr, "t", items);
  REQUIRE(made.upload_ids.size() == 130);
  CHECK(made.batch.id != before.batch.id);
  CHECK(made.batch.edit_group_id.has_value());
  const auto rows = uploads.list_for_batch(made.batch.id);
  REQUIRE(rows.size() == 130);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].id == made.upload_ids[i]);
    CHECK(rows[i].key == items[i].key);
  }
}

TEST_CASE_TEMPLATE("batches: cancel and retry publish status events", B, OnSqlite, OnMysql) {
  auto scratch = B::make();
  auto& db = scratch->migrated();
  std::shared_ptr<queue::EventBus> bus = queue::make_in_process_event_bus();
  Heard heard(*bus);
  BatchService batches(db, bus);
  store::UploadRepository uploads(db);
  const auto created =
      batches.create_batch_with_uploads(kAlice, Handler::mapillary, "t", many(3, "c"));
  const auto& ids = created.upload_ids;
  REQUIRE(uploads.claim(ids[0], "worker-1", std::chrono::seconds(60)));

  // Cancel: one event per cancelled upload, none for the running one.
  batches.cancel(created.batch.id, kAlice);
  auto events = heard.wait_for(2);
  REQUIRE(events.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(events[i].batch_id == created.batch.id);
    CHECK(events[i].upload_id == ids[i + 1]);
    CHECK(events[i].status == UploadStatus::cancelled);
    CHECK(events[i].key == fmt::format("c{}", i + 1));
    CHECK(events[i].handler == "mapillary");
  }
  // A refused cancel publishes nothing.
  CHECK(error_of([&] { batches.cancel(created.batch.id, kBob); }).kind() == ErrorKind::auth);

  // Retry: a queued event per copy, in the new batch.
  const auto copy = batches.retry(created.batch.id, kAlice, "t2");
  REQUIRE(copy.upload_ids.size() == 2);
  events = heard.wait_for(2);
  REQUIRE(events.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(events[i].batch_id == copy.batch_id);
    CHECK(events[i].upload_id == copy.upload_ids[i]);
    CHECK(events[i].status == UploadStatus::queued);
  }

  // Cancel of uploads by id (admins): queued and running ones, once each.
  const auto denied = error_of([&] { batches.cancel_uploads({ids[0]}, kAlice); });
  CHECK(denied.kind() == ErrorKind::auth);
  CHECK(std::string(denied.what()) == "Permission denied");
  const auto cancelled = batches.cancel_uploads(
      {copy.upload_ids[1], ids[0], ids[1], copy.upload_ids[1], 999999, -5}, kAdmin);
  CHECK(cancelled.cancelled == std::vector<store::Id>{ids[0], copy.upload_ids[1]});
  events = heard.wait_for(2);
  REQUIRE(events.size() == 2);
  CHECK(events[0].upload_id == ids[0]);
  CHECK(events[1].upload_id == copy.upload_ids[1]);
  CHECK(events[0].status == UploadStatus::cancelled);
  CHECK(uploads.find(ids[0])->status == UploadStatus::cancelled);
  CHECK(uploads.find(copy.upload_ids[0])->status == UploadStatus::queued);

  // Nothing to cancel, too many ids: no change and no event.
  CHECK(batches.cancel_uploads({ids[1], 424242}, kAdmin).cancelled.empty());
  std::vector<store::Id> flood(10001);
  for (std::size_t i = 0; i < flood.size(); ++i)
    flood[i] = static_cast<store::Id>(i + 1);
  CHECK(error_of([&] { batches.cancel_uploads(flood, kAdmin); }).kind() ==
        ErrorKind::invalid_input);
  // A marker event proves the bus delivered everything published before it.
  pipeline::StatusEvent marker;
  marker.batch_id = 1;
  marker.upload_id = 777777;
  pipeline::publish_status(bus.get(), marker);
  events = heard.wait_for(1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].upload_id == 777777);
  CHECK(uploads.find(copy.upload_ids[0])->status == UploadStatus::queued);
}
