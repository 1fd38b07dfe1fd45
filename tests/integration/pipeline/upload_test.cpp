// End to end: Mapillary images through the whole pipeline to the test wiki
// (Wikibase through the proxy), in both modes.
#include <doctest/doctest.h>

#include "curator/mediawiki/titles.hpp"
#include "world.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

namespace {

/// The statements of property `p` on the file's MediaInfo entity.
json::array statements_of(World& w, const std::string& title, const std::string& p) {
  auto client = w.wiki();
  const auto entity = client.entity_by_title("commonswiki", mediawiki::file_title(title));
  if (entity.state != mediawiki::Entity::State::exists) return {};
  const auto* s = entity.statements.if_contains(p);
  return s == nullptr ? json::array() : s->as_array();
}

}  // namespace

TEST_CASE_TEMPLATE("a batch of Mapillary images reaches Commons once each, with SDC", M, Embedded,
                   Distributed) {
  World w(M::kMode);
  std::vector<World::Upload> uploads;
  for (int i = 0; i < 3; ++i)
    uploads.push_back({w.new_image(), unique_title("batch")});
  const auto ids = w.schedule(uploads);
  REQUIRE(ids.size() == 3);
  w.pipeline().start();
  auto client = w.wiki();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(uploads[i].title);
    const auto row = w.wait_terminal(ids[i]);
    CHECK(row.status == UploadStatus::completed);
    CHECK_FALSE(row.error.has_value());
    REQUIRE(row.success.has_value());
    CHECK(row.success->find(mediawiki::title_url_path(mediawiki::file_title(uploads[i].title))) !=
          std::string::npos);
    CHECK_FALSE(row.access_token.has_value());
    CHECK_FALSE(row.lease_owner.has_value());
    CHECK(w.publishes_of(uploads[i].title) == 1);
    const auto info = client.image_info(uploads[i].title);
    REQUIRE(info.has_value());
    // SDC: the Mapillary id, the creator and the caption are on the file.
    const auto p1947 = statements_of(w, uploads[i].title, "P1947");
    REQUIRE(p1947.size() == 1);
    CHECK(p1947[0].at("mainsnak").at("datavalue").at("value").as_string() == uploads[i].image);
    CHECK(statements_of(w, uploads[i].title, "P170").size() == 1);
    const auto entity =
        client.entity_by_title("commonswiki", mediawiki::file_title(uploads[i].title));
    CHECK(entity.labels.at("en") == "Photo from Mapillary");
    // One event per status change: claimed, then the outcome.
    CHECK(test::wait_until([&] { return w.events().statuses(ids[i]).size() >= 2; }));
    CHECK(w.events().statuses(ids[i]) ==
          std::vector{UploadStatus::in_progress, UploadStatus::completed});
    const auto last = w.events().of(ids[i]).back().event;
    CHECK(last.batch_id == w.batch().id);
    CHECK(last.success == row.success);
    CHECK(last.key == uploads[i].image);
  }
  // The summary links the edit group.
  bool linked = false;
  for (const auto& e : w.proxy().requests("upload")) {
    const auto* c = e.as_object().at("params").as_object().if_contains("comment");
    if (c && c->as_string().find("editgroups-commons/b/curator/" + *w.batch().edit_group_id) !=
                 std::string::npos) {
      linked = true;
    }
  }
  CHECK(linked);
  w.pipeline().stop();
}
