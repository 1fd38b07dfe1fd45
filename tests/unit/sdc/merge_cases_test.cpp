// One test per merge case of upstream-pipeline.md §3.5 (named by upstream's
// test file), as the rules are ported: never overwrite a value, keep ids and
// hashes, leave coordinates alone, say whether anything changed.

#include <doctest/doctest.h>

#include "curator/sdc/codec.hpp"
#include "curator/sdc/equality.hpp"
#include "curator/sdc/merge.hpp"
#include "sdc/json_meaning.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;
using test::coordinate;
using test::hashed;
using test::reference_of;
using test::statement_of;

namespace {

Statement creator(std::vector<Snak> qualifiers, std::optional<std::string> id = std::nullopt,
                  std::optional<std::string> hash = std::nullopt) {
  auto s = statement_of(Snak::some_value("P170"), std::move(id), std::move(hash));
  for (auto& q : qualifiers)
    s.add_qualifier(std::move(q));
  return s;
}

Statement external(const char* value, std::optional<std::string> id = std::nullopt) {
  return statement_of(Snak::external_id("P1947", value), std::move(id));
}

bool same_json(const Statement& a, const Statement& b) {
  return same_meaning(to_json(a), to_json(b));
}

}  // namespace

// --- test_sdc_statement_new ---

TEST_CASE("merge case: no existing statement for the property: the new one is added") {
  const auto r = merge_statements({external("1", "M1$a")}, {statement_of(Snak::item("P6216", 5))});
  REQUIRE(r.statements.size() == 2);
  CHECK(r.statements[1].property() == "P6216");
  CHECK(r.changed == std::vector<std::size_t>{1});
}

TEST_CASE("merge case: an existing statement with another value: the new one is not added") {
  const auto r = merge_statements({external("1", "M1$a")}, {external("2")});
  REQUIRE(r.statements.size() == 1);
  CHECK(std::get<StringValue>(*r.statements[0].main_snak.value).text == "1");
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_statement_existing ---

TEST_CASE("merge case: same main snak: qualifiers are combined (P2093 + P2699)") {
  const auto r = merge_statements({creator({Snak::string("P2093", "alice")}, "M1$c")},
                                  {creator({Snak::url("P2699", "https://a.example")})});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].qualifiers_of("P2093").size() == 1);
  CHECK(r.statements[0].qualifiers_of("P2699").size() == 1);
  CHECK(r.changed == std::vector<std::size_t>{0});
}

TEST_CASE("merge case: same main snak: references are combined (2 references)") {
  auto old = external("1", "M1$a");
  old.references.push_back(reference_of({Snak::url("P854", "https://a")}));
  auto fresh = external("1");
  fresh.references.push_back(reference_of({Snak::url("P854", "https://b")}));
  const auto r = merge_statements({old}, {fresh});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].references.size() == 2);
  CHECK(r.changed_anything());
}

TEST_CASE("merge case: same main snak: qualifiers and references are both combined") {
  auto old = creator({Snak::string("P2093", "alice")}, "M1$c");
  old.references.push_back(reference_of({Snak::url("P854", "https://a")}));
  auto fresh = creator({Snak::url("P2699", "https://p")});
  fresh.references.push_back(reference_of({Snak::url("P854", "https://b")}));
  const auto r = merge_statements({old}, {fresh});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].qualifiers_order == std::vector<std::string>{"P2093", "P2699"});
  CHECK(r.statements[0].references.size() == 2);
}

TEST_CASE("merge case: two existing statements (123, 456) and a new 123: still 2") {
  const auto r =
      merge_statements({external("123", "M1$a"), external("456", "M1$b")}, {external("123")});
  CHECK(r.statements.size() == 2);
  CHECK_FALSE(r.changed_anything());
}

TEST_CASE("merge case: same qualifier property, another value (alice/bob): 2 snaks under P2093") {
  const auto r = merge_statements({creator({Snak::string("P2093", "alice")}, "M1$c")},
                                  {creator({Snak::string("P2093", "bob")})});
  REQUIRE(r.statements.size() == 1);
  const auto& names = r.statements[0].qualifiers_of("P2093");
  REQUIRE(names.size() == 2);
  CHECK(std::get<StringValue>(*names[1].value).text == "bob");
  CHECK(r.statements[0].qualifiers_order == std::vector<std::string>{"P2093"});
}

// --- test_sdc_merge_statement_id ---

TEST_CASE("merge case: the existing statement id and main-snak hash are kept") {
  const auto r = merge_statements({creator({}, "M1$keep", "mainhash")},
                                  {creator({Snak::string("P2093", "alice")})});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].id == std::optional<std::string>("M1$keep"));
  CHECK(r.statements[0].main_snak.hash == std::optional<std::string>("mainhash"));
  CHECK(r.changed == std::vector<std::size_t>{0});
}

TEST_CASE("merge case: nothing changed: the very same statement comes back, unmarked") {
  auto old = creator({hashed(Snak::string("P2093", "alice"), "qh")}, "M1$c", "mh");
  old.write_empty_references = false;
  const auto r = merge_statements({old}, {creator({Snak::string("P2093", "alice")})});
  REQUIRE(r.statements.size() == 1);
  CHECK(json::serialize(to_json(r.statements[0])) == json::serialize(to_json(old)));
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_merge_qualifier_hashes ---

TEST_CASE("merge case: existing qualifier hashes are kept; new qualifiers have none") {
  const auto r =
      merge_statements({creator({hashed(Snak::string("P2093", "alice"), "qh1")}, "M1$c")},
                       {creator({Snak::url("P2699", "https://p")})});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].qualifiers_of("P2093").at(0).hash == std::optional<std::string>("qh1"));
  CHECK_FALSE(r.statements[0].qualifiers_of("P2699").at(0).hash.has_value());
}

TEST_CASE("merge case: all identifiers kept together; a new P1476 qualifier has no hash") {
  auto old = creator({hashed(Snak::string("P2093", "alice"), "qh1"),
                      hashed(Snak::external_id("P13988", "alice"), "qh2")},
                     "M1$all", "mh");
  auto ref = reference_of({Snak::url("P854", "https://a")});
  ref.hash = "rh";
  old.references.push_back(ref);
  const auto r = merge_statements(
      {old},
      {creator({Snak::string("P2093", "alice"), Snak::monolingual_text("P1476", "T", "en")})});
  REQUIRE(r.statements.size() == 1);
  const auto& s = r.statements[0];
  CHECK(s.id == std::optional<std::string>("M1$all"));
  CHECK(s.main_snak.hash == std::optional<std::string>("mh"));
  CHECK(s.qualifiers_of("P2093").at(0).hash == std::optional<std::string>("qh1"));
  CHECK(s.qualifiers_of("P13988").at(0).hash == std::optional<std::string>("qh2"));
  CHECK(s.references.at(0).hash == std::optional<std::string>("rh"));
  REQUIRE(s.qualifiers_of("P1476").size() == 1);
  CHECK_FALSE(s.qualifiers_of("P1476")[0].hash.has_value());
  CHECK(s.qualifiers_order == std::vector<std::string>{"P2093", "P13988", "P1476"});
}

// --- test_sdc_qualifier_merge ---

TEST_CASE("merge case: no existing qualifiers and one new: the qualifier and its order entry") {
  const auto r = merge_statements({creator({}, "M1$c")}, {creator({Snak::string("P2093", "x")})});
  CHECK(r.statements.at(0).qualifiers_of("P2093").size() == 1);
  CHECK(r.statements.at(0).qualifiers_order == std::vector<std::string>{"P2093"});
}

TEST_CASE("merge case: a new qualifier property is appended to qualifiers-order") {
  const std::vector<Statement> existing{creator({Snak::string("P2093", "x")}, "M1$c")};
  const auto r = merge_statements(existing, {creator({Snak::url("P2699", "https://p")})});
  CHECK(r.statements.at(0).qualifiers_order == std::vector<std::string>{"P2093", "P2699"});
  // The input is not changed in place (upstream mutated the existing order list).
  CHECK(existing[0].qualifiers_order == std::vector<std::string>{"P2093"});
}

TEST_CASE("merge case: an equal qualifier value is not duplicated") {
  const auto r = merge_statements({creator({Snak::string("P2093", "x")}, "M1$c")},
                                  {creator({Snak::string("P2093", "x")})});
  CHECK(r.statements.at(0).qualifiers_of("P2093").size() == 1);
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_reference_merge ---

TEST_CASE("merge case: no existing references: the new one is added") {
  auto fresh = external("1");
  fresh.references.push_back(reference_of({Snak::url("P854", "https://a")}));
  const auto r = merge_statements({external("1", "M1$a")}, {fresh});
  CHECK(r.statements.at(0).references.size() == 1);
  CHECK(r.changed_anything());
}

TEST_CASE("merge case: a different reference is added (2)") {
  auto old = external("1", "M1$a");
  old.references.push_back(reference_of({Snak::url("P854", "https://a")}));
  auto fresh = external("1");
  fresh.references.push_back(
      reference_of({Snak::url("P854", "https://a"), Snak::string("P1", "t")}));
  CHECK(merge_statements({old}, {fresh}).statements.at(0).references.size() == 2);
}

TEST_CASE("merge case: an identical reference is not added") {
  auto old = external("1", "M1$a");
  auto ref = reference_of({Snak::url("P854", "https://a")});
  ref.hash = "rh";
  old.references.push_back(ref);
  auto fresh = external("1");
  fresh.references.push_back(reference_of({Snak::url("P854", "https://a")}));
  const auto r = merge_statements({old}, {fresh});
  CHECK(r.statements.at(0).references.size() == 1);
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_merge_collections ---

TEST_CASE("merge case: collections: a new property is added (2 statements)") {
  const auto r = merge_statements({creator({}, "M1$c")}, {statement_of(Snak::item("P6216", 1))});
  CHECK(r.statements.size() == 2);
}

TEST_CASE("merge case: collections: the same property merges into 1 with both qualifiers") {
  const auto r = merge_statements({creator({Snak::string("P2093", "a")}, "M1$c")},
                                  {creator({Snak::external_id("P13988", "a")})});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].qualifiers.size() == 2);
}

TEST_CASE("merge case: collections: the mixed case gives 3") {
  const auto r =
      merge_statements({creator({Snak::string("P2093", "a")}, "M1$c"), external("1", "M1$e")},
                       {creator({Snak::external_id("P13988", "a")}), external("1"),
                        statement_of(Snak::item("P6216", 1))});
  REQUIRE(r.statements.size() == 3);
  CHECK(r.statements[0].qualifiers.size() == 2);
  CHECK(r.changed == std::vector<std::size_t>{0, 2});
}

TEST_CASE("merge case: collections: a non-overlapping new property gives 3") {
  const auto r = merge_statements({creator({}, "M1$c"), external("1", "M1$e")},
                                  {statement_of(Snak::item("P275", 2))});
  CHECK(r.statements.size() == 3);
  CHECK(r.statements[2].property() == "P275");
}

TEST_CASE("merge case: collections: empty existing gives the new statements") {
  const std::vector<Statement> fresh{creator({}), external("1")};
  const auto r = merge_statements({}, fresh);
  CHECK(statement_lists_equal(r.statements, fresh));
  CHECK(r.changed == std::vector<std::size_t>{0, 1});
}

TEST_CASE("merge case: collections: empty new gives the existing statements, unchanged") {
  const std::vector<Statement> old{creator({}, "M1$c"), external("1", "M1$e")};
  const auto r = merge_statements(old, {});
  REQUIRE(r.statements.size() == 2);
  CHECK(same_json(r.statements[0], old[0]));
  CHECK(same_json(r.statements[1], old[1]));
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_coordinate_preserve / upsert / advanced ---

TEST_CASE("merge case: an equal coordinate with a new qualifier: existing kept as it is") {
  const auto old =
      statement_of(Snak::globe_coordinate("P1259", coordinate(50.1, 11.2, 1e-6)), "M1$g", "gh");
  auto fresh = statement_of(Snak::globe_coordinate("P1259", coordinate(50.1, 11.2, 1e-9)));
  fresh.add_qualifier(Snak::quantity("P7787", "+109.45", "deg"));
  const auto r = merge_statements({old}, {fresh});
  REQUIRE(r.statements.size() == 1);
  CHECK(same_json(r.statements[0], old));
  CHECK(r.statements[0].qualifiers.empty());
  CHECK_FALSE(r.changed_anything());
}

TEST_CASE("merge case: the coordinate property is missing: the new coordinate is added") {
  const auto r = merge_statements(
      {creator({}, "M1$c")},
      {statement_of(Snak::globe_coordinate("P1259", coordinate(50.1, 11.2, 1e-9)))});
  REQUIRE(r.statements.size() == 2);
  CHECK(r.statements[1].property() == "P1259");
  CHECK(r.changed == std::vector<std::size_t>{1});
}

TEST_CASE("merge case: a coordinate with another value: existing kept (id, hash), new dropped") {
  const auto old =
      statement_of(Snak::globe_coordinate("P1259", coordinate(50.1, 11.2, 1e-6)), "M1$g", "gh");
  const auto r = merge_statements(
      {old}, {statement_of(Snak::globe_coordinate("P1259", coordinate(10, 20, 1e-9)))});
  REQUIRE(r.statements.size() == 1);
  CHECK(r.statements[0].id == std::optional<std::string>("M1$g"));
  CHECK(r.statements[0].main_snak.hash == std::optional<std::string>("gh"));
  CHECK_FALSE(r.changed_anything());
}

TEST_CASE("merge case: London kept, Paris dropped, P170 kept, P6216 added: 3 statements") {
  const auto london =
      statement_of(Snak::globe_coordinate("P1259", coordinate(51.5074, -0.1278, 1e-6)), "M1$l");
  const auto r = merge_statements(
      {london, creator({}, "M1$c")},
      {statement_of(Snak::globe_coordinate("P1259", coordinate(48.8566, 2.3522, 1e-6))),
       statement_of(Snak::item("P6216", 50423863))});
  REQUIRE(r.statements.size() == 3);
  CHECK(same_json(r.statements[0], london));
  CHECK(r.statements[1].id == std::optional<std::string>("M1$c"));
  CHECK(r.statements[2].property() == "P6216");
  CHECK(r.changed == std::vector<std::size_t>{2});
}

TEST_CASE("merge case: same latitude and longitude, another precision: existing kept (0.01)") {
  const auto old =
      statement_of(Snak::globe_coordinate("P1259", coordinate(51.5, -0.12, 0.01)), "M1$l");
  const auto r = merge_statements(
      {old}, {statement_of(Snak::globe_coordinate("P1259", coordinate(51.5, -0.12, 1e-9)))});
  REQUIRE(r.statements.size() == 1);
  CHECK(std::get<GlobeCoordinateValue>(*r.statements[0].main_snak.value).precision ==
        std::optional<double>(0.01));
}

TEST_CASE("merge case: the coordinate rule follows the value type, not the property") {
  const auto old = statement_of(Snak::globe_coordinate("P625", coordinate(1, 2, 0.1)), "M1$p");
  auto fresh = statement_of(Snak::globe_coordinate("P625", coordinate(1, 2, 0.1)));
  fresh.add_qualifier(Snak::string("P2093", "x"));
  CHECK_FALSE(merge_statements({old}, {fresh}).changed_anything());
}

// --- test_sdc_merge_optimization ---

TEST_CASE("merge case: an identical set keeps every id and hash, length and order") {
  const auto fixture = test::fixture_entity();
  const auto r = merge_statements(fixture.statements, fixture.statements);
  REQUIRE(r.statements.size() == fixture.statements.size());
  for (std::size_t i = 0; i < r.statements.size(); ++i) {
    CHECK(same_json(r.statements[i], fixture.statements[i]));
  }
  CHECK_FALSE(r.changed_anything());
}

TEST_CASE("merge case: identical content without identifiers keeps the existing identifiers") {
  const auto old = creator({hashed(Snak::string("P2093", "a"), "qh")}, "M1$c", "mh");
  const auto r = merge_statements({old}, {creator({Snak::string("P2093", "a")})});
  CHECK(r.statements.at(0).id == std::optional<std::string>("M1$c"));
  CHECK(r.statements.at(0).main_snak.hash == std::optional<std::string>("mh"));
  CHECK(r.statements.at(0).qualifiers_of("P2093").at(0).hash == std::optional<std::string>("qh"));
  CHECK_FALSE(r.changed_anything());
}

// --- test_sdc_merge_integration ---

TEST_CASE("merge case: P13988 is added to an existing P170; the workflow adds P6216 too") {
  const auto r = merge_statements(
      {creator({Snak::string("P2093", "b4sti4n")}, "M1$c", "mh")},
      {creator({Snak::string("P2093", "b4sti4n"), Snak::external_id("P13988", "b4sti4n")}),
       statement_of(Snak::item("P6216", 50423863))});
  REQUIRE(r.statements.size() == 2);
  CHECK(r.statements[0].qualifiers_order == std::vector<std::string>{"P2093", "P13988"});
  CHECK(r.statements[1].property() == "P6216");
  CHECK(r.changed == std::vector<std::size_t>{0, 1});
}

// --- test_sdc_production_merge ---

TEST_CASE("merge case: the fixture merged with itself keeps every main-snak hash and id") {
  const auto fixture = test::fixture_entity();
  const auto r = merge(fixture, StructuredData{fixture.statements, std::nullopt});
  REQUIRE(r.statements.size() == 13);
  for (std::size_t i = 0; i < 13; ++i) {
    CHECK(r.statements[i].id == fixture.statements[i].id);
    CHECK(r.statements[i].main_snak.hash == fixture.statements[i].main_snak.hash);
  }
  CHECK_FALSE(r.changed_anything());
}

// --- test_label_equality, as the caption rule is ported ---

TEST_CASE("merge case: captions: the same caption is no change, a new language is added") {
  const auto fixture = test::fixture_entity();
  const auto same = merge(fixture, StructuredData{{}, Label{"en", "Photo from Mapillary"}});
  CHECK_FALSE(same.changed_anything());
  const auto other = merge(fixture, StructuredData{{}, Label{"de", "Foto"}});
  CHECK(other.label == std::optional<Label>(Label{"de", "Foto"}));
  const auto none = merge(fixture, StructuredData{});
  CHECK_FALSE(none.label.has_value());
}

TEST_CASE("merge case: captions: an existing caption in the same language is never replaced") {
  const auto fixture = test::fixture_entity();
  const auto r = merge(fixture, StructuredData{{}, Label{"en", "A better caption"}});
  CHECK_FALSE(r.label.has_value());
  CHECK_FALSE(r.changed_anything());
}

TEST_CASE("merge case: a file without structured data gets every statement and the caption") {
  const StructuredData fresh{{creator({}), external("1", "M9$foreign")}, Label{"en", "x"}};
  const auto r = merge(std::nullopt, fresh);
  CHECK(r.statements.size() == 2);
  CHECK(r.changed == std::vector<std::size_t>{0, 1});
  CHECK(r.label == std::optional<Label>(Label{"en", "x"}));
  // An id from elsewhere means nothing for this file.
  CHECK_FALSE(r.statements[1].id.has_value());
}
