#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/wikibase.hpp"
#include "fixtures.hpp"

using namespace curator;
using namespace curator::mediawiki;

TEST_CASE("entity ids are checked and upper-cased") {
  CHECK(require_entity_id("M176058819") == "M176058819");
  CHECK(require_entity_id("m5") == "M5");
  CHECK(require_entity_id("Q42") == "Q42");
  CHECK(media_info_id(123) == "M123");
  for (const char* bad : {"", "M", "M0", "M01", "X5", "M12345678901", "M1a", "-1", "M 1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(require_entity_id(bad), Error);
  }
  CHECK_THROWS_AS(media_info_id(0), Error);
}

TEST_CASE("the production MediaInfo answer: statements and labels") {
  const auto e = parse_entity(test::mediawiki_json_file("wikibase/production_sdc.json"));
  CHECK(e.state == Entity::State::exists);
  CHECK(e.id == "M176058819");
  CHECK(e.type == "mediainfo");
  CHECK(e.statements.size() == 13);
  CHECK(e.statements.contains("P170"));
  CHECK(e.labels.at("en") == "Photo from Mapillary");
}

TEST_CASE("missing page, page without MediaInfo, unknown id") {
  auto e = parse_entity(json::parse(
      R"({"entities":{"-1":{"site":"commonswiki","title":"File:X.jpg","missing":""}},"success":1})"));
  CHECK(e.state == Entity::State::no_page);
  CHECK(e.id.empty());
  CHECK(e.title == "File:X.jpg");

  e = parse_entity(json::parse(R"({"entities":{"M5":{"id":"M5","missing":""}},"success":1})"));
  CHECK(e.state == Entity::State::empty);
  CHECK(e.id == "M5");

  e = parse_entity(
      json::parse(R"({"entities":{"Q999":{"id":"Q999","missing":true}},"success":1})"));
  CHECK(e.state == Entity::State::no_page);

  e = parse_entity(json::parse(
      R"({"error":{"code":"no-such-entity","info":"Could not find an entity with the ID \"M99\"."}})"));
  CHECK(e.state == Entity::State::no_page);

  e = parse_entity(json::parse(R"({"entities":{},"success":1})"));
  CHECK(e.state == Entity::State::no_page);

  // Empty maps come as [] from PHP.
  e = parse_entity(json::parse(
      R"({"entities":{"M7":{"type":"mediainfo","id":"M7","labels":[],"statements":[],"lastrevid":9}},"success":1})"));
  CHECK(e.state == Entity::State::exists);
  CHECK(e.statements.empty());
  CHECK(e.last_revision_id == 9u);

  // Items use "claims".
  e = parse_entity(json::parse(
      R"({"entities":{"Q42":{"type":"item","id":"Q42","claims":{"P31":[{"mainsnak":{}}]},"labels":{"en":{"language":"en","value":"Douglas Adams"}}}}})"));
  CHECK(e.statements.contains("P31"));
  CHECK(e.labels.at("en") == "Douglas Adams");
}

TEST_CASE("wbgetentities errors are typed; malformed answers refused") {
  try {
    parse_entity(json::parse(R"({"error":{"code":"param-missing","info":"Either ids or sites"}})"));
    FAIL("expected an error");
  } catch (const ApiException& e) {
    CHECK(e.type() == ApiErrorType::invalid_request);
  }
  CHECK_THROWS_AS(parse_entity(json::parse(R"({"entities":"x"})")), Error);
  CHECK_THROWS_AS(parse_entity(json::parse(R"({"entities":{"M1":5}})")), Error);
  CHECK_THROWS_AS(parse_entity(json::parse(R"({"entities":{"M1":{"id":"M1","statements":"x"}}})")),
                  Error);
}

TEST_CASE("wbeditentity data: claims and labels, checked targets") {
  EntityEdit edit;
  edit.site = "commonswiki";
  edit.title = "File:X.jpg";
  edit.claims.push_back(json::parse(
      R"({"mainsnak":{"snaktype":"value","property":"P1947","datavalue":{"type":"string","value":"1"}},"type":"statement","rank":"normal"})"));
  edit.labels["en"] = "A photo";
  CHECK(
      edit_entity_data(edit) ==
      R"({"claims":[{"mainsnak":{"snaktype":"value","property":"P1947","datavalue":{"type":"string","value":"1"}},"type":"statement","rank":"normal"}],"labels":{"en":{"language":"en","value":"A photo"}}})");

  EntityEdit labels_only;
  labels_only.id = "M5";
  labels_only.labels["de"] = "Ein Foto";
  CHECK(edit_entity_data(labels_only) ==
        R"({"labels":{"de":{"language":"de","value":"Ein Foto"}}})");

  EntityEdit nothing;
  nothing.id = "M5";
  CHECK_THROWS_AS(edit_entity_data(nothing), Error);
  EntityEdit both = labels_only;
  both.site = "commonswiki";
  both.title = "File:X.jpg";
  CHECK_THROWS_AS(edit_entity_data(both), Error);
  EntityEdit no_target;
  no_target.labels["en"] = "x";
  CHECK_THROWS_AS(edit_entity_data(no_target), Error);
  EntityEdit bad_id = labels_only;
  bad_id.id = "M0";
  CHECK_THROWS_AS(edit_entity_data(bad_id), Error);
  EntityEdit bad_claim = labels_only;
  bad_claim.claims.push_back(json::value("P1"));
  CHECK_THROWS_AS(edit_entity_data(bad_claim), Error);
  EntityEdit empty_language = labels_only;
  empty_language.labels[""] = "x";
  CHECK_THROWS_AS(edit_entity_data(empty_language), Error);
}

TEST_CASE("wbeditentity answers: saved, unchanged, typed errors") {
  auto r = parse_entity_edit(json::parse(
      R"({"entity":{"type":"mediainfo","id":"M5","lastrevid":12,"statements":{}},"success":1})"));
  CHECK(r.id == "M5");
  CHECK(r.last_revision_id == 12u);
  CHECK(r.changed);
  r = parse_entity_edit(json::parse(R"({"entity":{"id":"M5","nochange":""},"success":1})"));
  CHECK_FALSE(r.changed);

  for (
      auto [text, type] :
      {std::pair{R"({"error":{"code":"editconflict","info":"Edit conflict."}})",
                 ApiErrorType::edit_conflict},
       std::pair{R"({"error":{"code":"no-such-entity","info":"x"}})", ApiErrorType::no_such_entity},
       std::pair{
           R"({"error":{"code":"modification-failed","info":"x","messages":[{"name":"wikibase-validator-label-too-long"}]}})",
           ApiErrorType::invalid_request},
       std::pair{R"({"error":{"code":"badtoken","info":"Invalid CSRF token."}})",
                 ApiErrorType::bad_token},
       std::pair{R"({"error":{"code":"failed-save","info":"x"}})", ApiErrorType::other}}) {
    CAPTURE(text);
    try {
      parse_entity_edit(json::parse(text));
      FAIL("expected an error");
    } catch (const ApiException& e) {
      CHECK(e.type() == type);
    }
  }
  CHECK_THROWS_AS(parse_entity_edit(json::parse(R"({"entity":{"id":"M5"}})")), Error);
  CHECK_THROWS_AS(parse_entity_edit(json::parse(R"({"success":1})")), Error);
}
