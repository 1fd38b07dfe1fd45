// Parsing and writing Wikibase JSON: the production fixture round trip, the
// opaque pass-through of what the model does not understand, and bad input.

#include <doctest/doctest.h>

#include <string>

#include "curator/core/error.hpp"
#include "curator/sdc/codec.hpp"
#include "sdc/json_meaning.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;
using curator::sdc::test::fixture_entity;
using curator::sdc::test::fixture_entity_json;

namespace {

json::value round_trip(const json::value& v) {
  return to_json(parse_entity(v));
}

void expect_invalid(const std::string& text, const std::string& fragment) {
  CAPTURE(text);
  try {
    parse_entity(json::parse(text));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "invalid_sdc");
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("the production fixture parses into 13 typed statements") {
  const auto e = fixture_entity();
  REQUIRE(e.statements.size() == 13);
  CHECK(e.label("en") == std::optional<std::string>("Photo from Mapillary"));
  CHECK_FALSE(e.label("de").has_value());
  const Statement* creator = nullptr;
  for (const auto& s : e.statements) {
    CHECK(s.id.value_or("").rfind("M176058819$", 0) == 0);
    CHECK(s.main_snak.hash.has_value());
    CHECK_FALSE(s.main_snak.datatype.has_value());
    if (s.property() == "P170") creator = &s;
    // Every datavalue of the fixture is of a modelled kind.
    if (s.main_snak.value) CHECK_FALSE(std::holds_alternative<OpaqueValue>(*s.main_snak.value));
  }
  REQUIRE(creator != nullptr);
  CHECK(creator->main_snak.type == SnakType::some_value);
  CHECK(creator->qualifiers_order == std::vector<std::string>{"P2093", "P13988"});
  CHECK(creator->qualifiers_of("P2093").at(0).hash ==
        std::optional<std::string>("daabde25d7fe723d6b69418129b94fa72186ed90"));
  const auto& coord = e.statements.at(8);
  CHECK(coord.property() == "P1259");
  const auto& g = std::get<GlobeCoordinateValue>(*coord.main_snak.value);
  CHECK(g.latitude == 50.343546);
  CHECK(g.precision == std::optional<double>(1e-06));
  CHECK(g.extra.at("altitude").is_null());
  CHECK(std::get<QuantityValue>(*coord.qualifiers_of("P7787").at(0).value).amount == "+109.45");
}

TEST_CASE("the production fixture round-trips value for value, numbers without exponents") {
  const auto original = fixture_entity_json();
  const auto written = round_trip(original);
  CHECK(same_meaning(written, original));
  const auto text = json::serialize(written);
  CHECK(text.find("1e-06") == std::string::npos);
  CHECK(text.find("\"precision\":0.000001") != std::string::npos);
  CHECK(to_text(fixture_entity()) == text);
  // Reading the text back gives the same document again.
  CHECK(same_meaning(json::parse(text), original));
  // The whole response too: statements of every property keep their order.
  const auto& stmts = written.at("statements").get_object();
  std::vector<std::string> order;
  for (const auto& kv : stmts)
    order.emplace_back(kv.key());
  CHECK(order == std::vector<std::string>{"P1947", "P3575", "P2048", "P2049", "P1163", "P4092",
                                          "P6216", "P275", "P1259", "P170", "P1433", "P571",
                                          "P7482"});
}

TEST_CASE("each fixture statement serializes back with its property, rank, id, hash, qualifiers") {
  const auto original = fixture_entity_json().at("statements").get_object();
  for (const auto& s : fixture_entity().statements) {
    CAPTURE(s.property());
    const auto v = to_json(s);
    const auto& in = original.at(s.property()).at(0);
    CHECK(v.at("mainsnak").at("property") == in.at("mainsnak").at("property"));
    CHECK(v.at("rank") == in.at("rank"));
    CHECK(v.at("id") == in.at("id"));
    CHECK(v.at("mainsnak").at("hash") == in.at("mainsnak").at("hash"));
    CHECK(same_meaning(v, in));
  }
}

TEST_CASE("unknown datavalue types, snak types and keys pass through unchanged") {
  const auto text = R"({"type":"mediainfo","id":"M1","pageid":1,"labels":{},"statements":{
    "P9":[{"mainsnak":{"snaktype":"value","property":"P9","hash":"h",
            "datavalue":{"type":"wikibase-lexeme-form","value":{"id":"L1-F2","n":[1,2.5e-7]}}},
           "type":"statement","id":"M1$a","rank":"deprecated","future":{"x":null}},
          {"mainsnak":{"snaktype":"unknownkind","property":"P9","datavalue":{"v":1}},
           "type":"statement","id":"M1$b","rank":"preferred"}],
    "P10":[{"mainsnak":{"snaktype":"somevalue","property":"P10","datavalue":{"type":"string","value":"kept"}},
            "type":"statement","qualifiers":{"P11":[{"snaktype":"value","property":"P11",
              "datavalue":{"type":"monolingualtext","value":{"text":"Brücke","language":"de"}}}]},
            "qualifiers-order":["P11"],
            "references":[{"hash":"r","snaks":{"P12":[{"snaktype":"novalue","property":"P12"}]},
                           "snaks-order":["P12"],"extra":true}]}],
    "P13":[{"mainsnak":{"snaktype":"value","property":"P13","datavalue":{"type":"time","value":
            {"time":"+2017-00-00T00:00:00Z","timezone":0,"before":0,"after":0,"precision":9,
             "calendarmodel":"x","note":"kept"}},"datatype":"time"},"type":"statement"}],
    "P14":[{"mainsnak":{"snaktype":"value","property":"P14","datavalue":{"type":"globecoordinate",
            "value":{"latitude":1,"longitude":2,"precision":null,"globe":"g","altitude":null}}},
            "type":"statement"}],
    "P15":[{"mainsnak":{"snaktype":"value","property":"P15","datavalue":{"type":"quantity",
            "value":{"amount":"+1","unit":"1","upperBound":"+2","lowerBound":null}},"extra":[1]}}]}})";
  const auto original = json::parse(text);
  const auto e = parse_entity(original);
  REQUIRE(e.statements.size() == 6);
  CHECK(std::holds_alternative<OpaqueValue>(*e.statements[0].main_snak.value));
  CHECK(e.statements[0].rank == std::optional<std::string>("deprecated"));
  CHECK(e.statements[1].main_snak.type == SnakType::other);
  CHECK(std::holds_alternative<MonolingualTextValue>(
      *e.statements[2].qualifiers_of("P11").at(0).value));
  CHECK(std::holds_alternative<TimeValue>(*e.statements[3].main_snak.value));
  const auto& g = std::get<GlobeCoordinateValue>(*e.statements[4].main_snak.value);
  CHECK_FALSE(g.precision.has_value());
  CHECK(std::get<QuantityValue>(*e.statements[5].main_snak.value).upper_bound ==
        std::optional<std::string>("+2"));
  const auto written = to_json(e);
  CHECK(same_meaning(written, original));
  // The opaque value's number is written without an exponent and reads back equal.
  const auto out = json::serialize(written);
  CHECK(out.find("e-7") == std::string::npos);
  CHECK(same_meaning(json::parse(out), original));
}

TEST_CASE("a datavalue whose known kind has an unexpected shape is kept opaque") {
  for (
      const char* dv : {
          R"({"type":"time","value":{"time":"+2017","precision":"11"}})",
          R"({"type":"quantity","value":{"amount":90,"unit":"1"}})",
          R"({"type":"wikibase-entityid","value":{"id":"L1-F1","entity-type":"form"}})",
          R"({"type":"wikibase-entityid","value":{"entity-type":"item","numeric-id":18446744073709551615}})",
          R"({"type":"globecoordinate","value":{"latitude":"1","longitude":2,"globe":"g"}})",
          R"({"type":"globecoordinate","value":{"latitude":9007199254740993,"longitude":2,"globe":"g"}})",
          R"({"type":"string","value":{"text":"x"}})",
          R"({"type":"string","value":"x","extra":1})",
          R"({"value":"x"})",
      }) {
    CAPTURE(dv);
    const auto snak =
        json::parse(std::string(R"({"snaktype":"value","property":"P1","datavalue":)") + dv + "}");
    const auto s = parse_snak(snak);
    CHECK(std::holds_alternative<OpaqueValue>(*s.value));
    CHECK(same_meaning(to_json(s), snak));
  }
}

TEST_CASE("Wikidata claims and MediaInfo's empty-statements array are read and written back") {
  const auto item = json::parse(
      R"({"id":"Q1","claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datatype":"wikibase-item","datavalue":{"type":"wikibase-entityid","value":{"entity-type":"item","numeric-id":5,"id":"Q5"}}},"type":"statement","rank":"normal"}]}})");
  const auto e = parse_entity(item);
  CHECK(e.statements_key == "claims");
  CHECK(e.statements.size() == 1);
  CHECK(same_meaning(to_json(e), item));

  const auto empty = json::parse(R"({"id":"M5","labels":[],"statements":[]})");
  const auto m = parse_entity(empty);
  CHECK(m.statements_form == StatementsForm::empty_array);
  CHECK(same_meaning(to_json(m), empty));
  const auto none = json::parse(R"({"id":"M5"})");
  CHECK(same_meaning(to_json(parse_entity(none)), none));
}

TEST_CASE("structurally wrong input is refused with the path of the problem") {
  expect_invalid("[]", "entity must be an object");
  expect_invalid(R"({"statements":5})", "entity.statements must be an object");
  expect_invalid(R"({"statements":{"P1":{}}})", "entity.statements.P1 must be an array");
  expect_invalid(R"({"statements":{"P1":[]}})", "empty statement group");
  expect_invalid(R"({"statements":{"P1":[7]}})", "entity.statements.P1[0] must be an object");
  expect_invalid(R"({"statements":{"P1":[{}]}})", "P1[0] has no mainsnak");
  expect_invalid(R"({"statements":{"P1":[{"mainsnak":{"property":"P1"}}]}})", "has no snaktype");
  expect_invalid(R"({"statements":{"P1":[{"mainsnak":{"snaktype":"value"}}]}})", "has no property");
  expect_invalid(R"({"statements":{"P1":[{"mainsnak":{"snaktype":"value","property":"P1"}}]}})",
                 "value snak without a datavalue");
  expect_invalid(R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":"P2"}}]}})",
                 "main snak property other than its key");
  expect_invalid(R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":1}}]}})",
                 "mainsnak.property must be a string");
  expect_invalid(
      R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":"P1"},"rank":[]}]}})",
      "P1[0].rank must be a string");
  expect_invalid(
      R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":"P1"},"qualifiers":{"P2":[{"snaktype":"novalue","property":"P3"}]}}]}})",
      "qualifiers.P2[0] has a property other than its key");
  expect_invalid(
      R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":"P1"},"references":[{"hash":"x"}]}]}})",
      "references[0] has no snaks");
  expect_invalid(
      R"({"statements":{"P1":[{"mainsnak":{"snaktype":"value","property":"P1","datavalue":"x"}}]}})",
      "mainsnak.datavalue must be an object");
  expect_invalid(
      R"({"statements":{"P1":[{"mainsnak":{"snaktype":"novalue","property":"P1"},"qualifiers-order":[1]}]}})",
      "qualifiers-order[0] must be a string");
}

TEST_CASE("a wbeditentity claims list parses and serializes back") {
  const auto claims = json::parse(
      R"([{"mainsnak":{"snaktype":"somevalue","property":"P170"},"rank":"normal","qualifiers":{},"qualifiers-order":[],"references":[],"type":"statement"}])");
  const auto list = parse_statement_list(claims);
  REQUIRE(list.size() == 1);
  CHECK(json::serialize(to_json(list[0])) == json::serialize(claims.at(0)));
  CHECK_THROWS_AS(parse_statement_list(json::parse("{}")), Error);
}

TEST_CASE("wbgetentities responses: found, no MediaInfo, no page, API error, malformed") {
  const auto found = parse_entities_response(json::parse(test::fixture_text()));
  CHECK(found.state == EntityState::found);
  REQUIRE(found.entity.has_value());
  CHECK(found.entity->statements.size() == 13);

  const auto bare = parse_entities_response(
      json::parse(R"({"entities":{"M5":{"id":"M5","missing":""}},"success":1})"));
  CHECK(bare.state == EntityState::no_media_info);
  CHECK_FALSE(bare.entity.has_value());

  const auto gone = parse_entities_response(json::parse(
      R"({"entities":{"-1":{"site":"commonswiki","title":"File:X","missing":""}},"success":1})"));
  CHECK(gone.state == EntityState::page_missing);

  CHECK(parse_entities_response(json::parse(R"({"entities":{}})")).state ==
        EntityState::no_media_info);

  try {
    parse_entities_response(json::parse(R"({"error":{"code":"no-such-entity","info":"nope"}})"));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::permanent);
    CHECK(e.code() == "no-such-entity");
    CHECK(std::string(e.what()).find("nope") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_entities_response(json::parse(R"({"success":1})")), Error);
  CHECK_THROWS_AS(parse_entities_response(json::parse(R"({"entities":[]})")), Error);
  CHECK_THROWS_AS(parse_entities_response(json::parse(R"({"entities":{"M1":3}})")), Error);
  CHECK_THROWS_AS(parse_entities_response(json::parse("null")), Error);
}
