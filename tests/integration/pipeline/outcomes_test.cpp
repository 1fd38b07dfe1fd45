// End to end: the outcomes other than a plain success — duplicates by SHA-1
// (with and without SDC to merge), a blacklisted title, CDN failures that
// heal within a run or after a requeue.
#include <doctest/doctest.h>

#include "curator/mediawiki/titles.hpp"
#include "world.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

TEST_CASE_TEMPLATE("the same bytes under another title end as a duplicate with SDC merged", M,
                   Embedded, Distributed) {
  World w(M::kMode);
  const auto image = w.new_image();
  const auto first_title = unique_title("original");
  const auto first = w.schedule({{image, first_title}});
  w.pipeline().start();
  REQUIRE(w.wait_terminal(first[0]).status == UploadStatus::completed);

  // Same image, same SDC: nothing to merge.
  const auto again_title = unique_title("again");
  const auto again = w.schedule({{image, again_title}});
  w.pipeline().wake();
  auto row = w.wait_terminal(again[0]);
  CHECK(row.status == UploadStatus::duplicated_sdc_not_updated);
  REQUIRE(row.error.has_value());
  CHECK(row.error->type == StructuredErrorType::duplicated_sdc_not_updated);
  REQUIRE(row.error->links.size() == 1);
  CHECK(row.error->links[0].title == mediawiki::file_title(first_title));
  CHECK_FALSE(row.error->links[0].url.empty());
  CHECK_FALSE(row.access_token.has_value());
  CHECK(w.upload_requests_of(again_title) == 0);  // found by SHA-1 before any byte was sent

  // The existing file loses its SDC: the next duplicate puts it back.
  auto client = w.wiki();
  const auto entity = client.entity_by_title("commonswiki", mediawiki::file_title(first_title));
  REQUIRE(entity.state == mediawiki::Entity::State::exists);
  w.proxy().control("DELETE", "/_control/entities/" + entity.id, "");
  const auto third = w.schedule({{image, unique_title("third")}}, admin_login(),
                                Label{"de", "Foto von Mapillary"});
  w.pipeline().wake();
  row = w.wait_terminal(third[0]);
  CHECK(row.status == UploadStatus::duplicated_sdc_updated);
  CHECK(row.error->type == StructuredErrorType::duplicated_sdc_updated);
  const auto merged = client.entity_by_title("commonswiki", mediawiki::file_title(first_title));
  REQUIRE(merged.state == mediawiki::Entity::State::exists);
  CHECK(merged.statements.contains("P1947"));
  CHECK(merged.labels.at("de") == "Foto von Mapillary");
  // The merge edit says where it came from.
  const auto history = w.proxy().entity(merged.id).at("history").as_array();
  REQUIRE_FALSE(history.empty());
  CHECK(std::string(history.back().at("summary").as_string())
            .starts_with("Merging SDC from Mapillary"));
  w.pipeline().stop();
}

TEST_CASE("a blacklisted title fails with the blacklist's reason and sends no file") {
  World w(Mode::embedded);
  const auto title = "Curator Blacklisted " + run_tag() + " " + random_hex(4) + ".jpg";
  const auto ids = w.schedule({{w.new_image(), title}});
  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::failed);
  REQUIRE(row.error.has_value());
  CHECK(row.error->type == StructuredErrorType::title_blacklisted);
  CHECK_FALSE(row.error->message.empty());
  CHECK(w.upload_requests_of(title) == 0);
  CHECK_FALSE(row.access_token.has_value());
}

TEST_CASE_TEMPLATE("CDN 5xx: retried within the run, then requeued under the source budget", M,
                   Embedded, Distributed) {
  World w(M::kMode);
  // Two failures: the download's own retries (4 attempts) absorb them.
  const auto a = w.new_image();
  w.fakes().add_fault(R"({"path_prefix":"/mapillary-cdn/)" + a + R"(","status":503,"count":2})");
  // Five failures: one run gives up after 4 attempts; the requeued run succeeds.
  const auto b = w.new_image();
  w.fakes().add_fault(R"({"path_prefix":"/mapillary-cdn/)" + b + R"(","status":502,"count":5})");
  const auto ids = w.schedule({{a, unique_title("cdn-a")}, {b, unique_title("cdn-b")}});
  w.pipeline().start();
  auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(row.attempts[store::RetryReason::source] == 0);
  row = w.wait_terminal(ids[1]);
  CHECK(row.status == UploadStatus::completed);
  CHECK(row.attempts[store::RetryReason::source] == 1);
  CHECK(row.attempts[store::RetryReason::transient] == 0);
  CHECK(test::wait_until([&] { return w.events().statuses(ids[1]).size() >= 4; }));
  CHECK(w.events().statuses(ids[1]) == std::vector{UploadStatus::in_progress, UploadStatus::queued,
                                                   UploadStatus::in_progress,
                                                   UploadStatus::completed});
  CHECK(w.fakes().requests("/mapillary-cdn/" + b).size() == 6);
}

TEST_CASE("a CDN that never recovers fails the upload with the cause once the budget is spent") {
  World w(Mode::embedded);
  const auto image = w.new_image();
  w.fakes().add_fault(R"({"path_prefix":"/mapillary-cdn/)" + image + R"(","status":503})");
  const auto ids = w.schedule({{image, unique_title("cdn-dead")}});
  w.pipeline().start();
  const auto row = w.wait_terminal(ids[0]);
  CHECK(row.status == UploadStatus::failed);
  REQUIRE(row.error.has_value());
  CHECK(row.error->message.find("image source kept failing") != std::string::npos);
  CHECK(row.error->message.find("503") != std::string::npos);
  CHECK(row.attempts[store::RetryReason::source] == 1);
  CHECK_FALSE(row.access_token.has_value());
}
