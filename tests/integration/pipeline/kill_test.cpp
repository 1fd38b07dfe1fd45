// A worker process killed (SIGKILL) in the middle of an upload: its lease
// runs out, the sweeper puts the upload back, and another worker resumes it
// without a second publish of the file.
#include <doctest/doctest.h>

#include "child.hpp"
#include "curator/mediawiki/titles.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

namespace {

bool in_flight(World& w, const std::string& action, const std::string& param = "",
               const std::string& value = "") {
  for (const auto& e : w.proxy().requests(action)) {
    if (param.empty()) return true;
    const auto* v = e.as_object().at("params").as_object().if_contains(param);
    if (v != nullptr && v->as_string() == value) return true;
  }
  return false;
}

}  // namespace

TEST_CASE_TEMPLATE("killed after the publish: the next worker finishes the SDC, no second upload",
                   M, Embedded, Distributed) {
  World w(M::kMode);
  const auto image = w.new_image();
  const auto title = unique_title("killed after publish");
  const auto ids = w.schedule({{image, title}});
  // The first worker hangs in its SDC edit, so it dies after the publish.
  w.proxy().fault(R"({"action":"wbeditentity","delay_ms":30000,"error":"readonly","count":1})");
  {
    ChildWorker child(w);
    REQUIRE(test::wait_until([&] { return in_flight(w, "wbeditentity"); }, 60s, 20ms));
    REQUIRE(child.alive());
    child.kill();
  }
  w.proxy().clear_faults();
  CHECK(w.row(ids[0]).status == UploadStatus::in_progress);  // the dead worker's lease
  CHECK(w.publishes_of(title) == 1);
  const auto seq = w.last_seq();

  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(row.attempts[store::RetryReason::lease_expired] == 1);
  REQUIRE(row.success.has_value());
  CHECK(w.upload_requests_of(title, seq) == 0);  // not one chunk or publish after the kill
  CHECK(w.publishes_of(title) == 1);
  auto client = w.wiki();
  const auto entity = client.entity_by_title("commonswiki", mediawiki::file_title(title));
  REQUIRE(entity.state == mediawiki::Entity::State::exists);
  REQUIRE(entity.statements.contains("P1947"));
  CHECK(entity.statements.at("P1947").as_array().size() == 1);
  CHECK(entity.labels.at("en") == "Photo from Mapillary");
  w.pipeline().stop();
}

TEST_CASE_TEMPLATE("killed between chunks: the upload starts again and is published once", M,
                   Embedded, Distributed) {
  World w(M::kMode);
  const auto image = w.new_image(300 * 1024);  // five 64 KiB chunks
  const auto title = unique_title("killed between chunks");
  const auto ids = w.schedule({{image, title}});
  w.proxy().fault(
      R"({"action":"upload","params":{"offset":"131072"},"delay_ms":30000,"error":"readonly","count":1})");
  {
    ChildWorker child(w);
    REQUIRE(
        test::wait_until([&] { return in_flight(w, "upload", "offset", "131072"); }, 60s, 20ms));
    child.kill();
  }
  w.proxy().clear_faults();
  CHECK(w.publishes_of(title) == 0);

  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(row.attempts[store::RetryReason::lease_expired] == 1);
  CHECK(w.publishes_of(title) == 1);
  auto client = w.wiki();
  const auto info = client.image_info(title);
  REQUIRE(info.has_value());
  CHECK(info->size == 300u * 1024u);
  w.pipeline().stop();
}
