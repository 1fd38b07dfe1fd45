// The wbeditentity `data` for a new file and for a merge, including the end
// to end duplicate case: the production file merged with freshly built
// statements for the same photo makes no edit.

#include <doctest/doctest.h>

#include <string>

#include "curator/sdc/builders.hpp"
#include "curator/sdc/codec.hpp"
#include "curator/sdc/payload.hpp"
#include "sdc/json_meaning.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;

TEST_CASE("a new file gets every statement, without ids, and the caption as a list") {
  const auto d =
      build_mapillary(test::fixture_image(), MapillaryOptions{false, Label{"en", "Bridge"}});
  const auto p = new_file_payload(d);
  REQUIRE(p.has_value());
  const auto& claims = p->at("claims").get_array();
  CHECK(claims.size() == 10);
  for (const auto& c : claims)
    CHECK_FALSE(c.get_object().contains("id"));
  CHECK(json::serialize(p->at("labels")) == R"([{"language":"en","value":"Bridge"}])");
  const auto text = payload_text(*p);
  CHECK(new_file_payload_text(d) == std::optional<std::string>(text));
  CHECK(text.find("e-0") == std::string::npos);  // 1e-9 is written as a decimal
  CHECK(text.find("0.000000001") != std::string::npos);
  // The text reads back to the same statements.
  const auto again = parse_statement_list(json::parse(text).at("claims"));
  CHECK(again.size() == 10);
  CHECK(same_meaning(to_json(again[5]), to_json(d.statements[5])));
}

TEST_CASE("a new file payload drops ids; nothing to write means no payload") {
  StructuredData d;
  CHECK_FALSE(new_file_payload(d).has_value());
  CHECK_FALSE(new_file_payload_text(d).has_value());
  d.label = Label{"en", ""};
  CHECK_FALSE(new_file_payload(d).has_value());
  d.label = Label{"en", "x"};
  const auto only_label = new_file_payload(d);
  REQUIRE(only_label.has_value());
  CHECK(only_label->at("claims").get_array().empty());
  auto s = Statement::of(Snak::item("P6216", 1));
  s.id = "M1$stale";
  d.statements.push_back(s);
  CHECK_FALSE(new_file_payload(d)->at("claims").at(0).get_object().contains("id"));
  CHECK(new_file_payload_text(d) == std::optional<std::string>(payload_text(*new_file_payload(d))));
}

TEST_CASE("the production file merged with the same photo's statements makes no edit") {
  const auto existing = test::fixture_entity();
  const auto fresh = build_mapillary(test::fixture_image(),
                                     MapillaryOptions{false, Label{"en", "Photo from Mapillary"}});
  const auto r = merge(existing, fresh);
  CHECK(r.statements.size() == 13);
  CHECK_FALSE(r.changed_anything());
  CHECK_FALSE(merge_payload(r).has_value());
  CHECK_FALSE(merge_payload_text(r).has_value());
  // Also with the copyright override, and with a caption in the same language.
  const auto overridden = merge(
      existing, build_mapillary(test::fixture_image(), MapillaryOptions{true, Label{"en", "New"}}));
  CHECK_FALSE(overridden.changed_anything());
}

TEST_CASE("a merge sends only the changed statements, modified ones with their id") {
  auto existing = test::fixture_entity();
  auto image = test::fixture_image();
  image.creator.username = "renamed";  // adds P2093 and P13988 snaks to the existing P170
  image.location->latitude = 1;        // a different coordinate: dropped, never sent
  auto fresh = build_mapillary(image, MapillaryOptions{false, Label{"de", "Brücke"}});
  fresh.statements.push_back(Statement::of(Snak::item("P180", 12280)));  // depicts: new
  const auto r = merge(existing, fresh);
  REQUIRE(r.changed_anything());
  const auto p = merge_payload(r);
  REQUIRE(p.has_value());
  const auto& claims = p->at("claims").get_array();
  REQUIRE(claims.size() == 2);
  const auto creator = parse_statement(claims[0]);
  CHECK(creator.property() == "P170");
  CHECK(creator.id ==
        std::optional<std::string>("M176058819$95119eb3-4923-ca30-b2ec-581e39eb36ae"));
  CHECK(creator.main_snak.hash ==
        std::optional<std::string>("d3550e860f988c6675fff913440993f58f5c40c5"));
  CHECK(creator.qualifiers_of("P2093").size() == 2);
  CHECK(creator.qualifiers_of("P2093").at(0).hash.has_value());
  CHECK_FALSE(creator.qualifiers_of("P2093").at(1).hash.has_value());
  const auto depicts = parse_statement(claims[1]);
  CHECK(depicts.property() == "P180");
  CHECK_FALSE(depicts.id.has_value());
  CHECK(json::serialize(p->at("labels")) == R"([{"language":"de","value":"Brücke"}])");
  CHECK(merge_payload_text(r) == std::optional<std::string>(json::serialize(*p)));
  // Nothing else was touched: the coordinate stays the fixture's.
  for (const auto& s : r.statements) {
    if (s.property() == "P1259") {
      CHECK(std::get<GlobeCoordinateValue>(*s.main_snak.value).latitude == 50.343546);
    }
  }
}

TEST_CASE("a merge that only adds a caption sends no claims") {
  const auto r = merge(test::fixture_entity(), StructuredData{{}, Label{"fr", "Photo"}});
  const auto p = merge_payload(r);
  REQUIRE(p.has_value());
  CHECK(p->at("claims").get_array().empty());
  CHECK(p->at("labels").get_array().size() == 1);
}

TEST_CASE("a file without structured data: the merge payload is the whole new payload") {
  const auto fresh = build_mapillary(test::fixture_image());
  const auto r = merge(std::nullopt, fresh);
  const auto p = merge_payload(r);
  REQUIRE(p.has_value());
  CHECK(same_meaning(*p, *new_file_payload(fresh)));
}
