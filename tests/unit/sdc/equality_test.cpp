// Equality by value (decisions.md §Pipeline): representation noise is
// ignored, kinds stay distinct. Includes the snak-equality and list-equality
// cases of upstream-pipeline.md §3.5.

#include <doctest/doctest.h>

#include "curator/sdc/equality.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;
using curator::sdc::test::statement_of;

namespace {

Snak with_datatype_removed(Snak s) {
  s.datatype.reset();
  return s;
}

TimeValue time_of(std::string text, long long precision = 11) {
  TimeValue t;
  t.time = std::move(text);
  t.precision = precision;
  t.calendar_model = "http://www.wikidata.org/entity/Q1985727";
  return t;
}

}  // namespace

// --- test_sdc_merge_snak_equality ---

TEST_CASE("merge case: entity-id snaks with the same property and numeric id are equal") {
  auto a = Snak::item("P275", 18199165);
  auto b = Snak::item("P275", 18199165);
  std::get<EntityIdValue>(*b.value).id = "Q18199165";  // Commons adds the id: still equal
  b.hash = "ec6e754c";
  CHECK(snaks_equal(a, b));
  CHECK_FALSE(snaks_equal(a, Snak::item("P275", 18199166)));
}

TEST_CASE("merge case: string snaks with the same value are equal, and external-id ones too") {
  CHECK(snaks_equal(Snak::string("P2093", "alice"), Snak::string("P2093", "alice")));
  CHECK(snaks_equal(Snak::external_id("P1947", "123"), Snak::external_id("P1947", "123")));
  CHECK_FALSE(snaks_equal(Snak::string("P2093", "alice"), Snak::string("P2093", "Alice")));
}

TEST_CASE("merge case: quantity snaks with the same amount and unit are equal") {
  CHECK(snaks_equal(Snak::quantity("P2049", "+5312", "u"), Snak::quantity("P2049", "+5312", "u")));
  CHECK_FALSE(
      snaks_equal(Snak::quantity("P2049", "+5312", "u"), Snak::quantity("P2049", "+5312", "v")));
}

TEST_CASE("merge case: entity vs string (123 vs \"123\") and different properties are not equal") {
  CHECK_FALSE(snaks_equal(Snak::item("P1", 123), Snak::string("P1", "123")));
  CHECK_FALSE(snaks_equal(Snak::string("P1", "x"), Snak::string("P2", "x")));
}

// --- decisions.md: values, not spellings; kinds stay distinct ---

TEST_CASE("quantities compare as numbers: +90 equals +90.0, 90, +9e1; +1e-05 equals 0.00001") {
  const auto q = [](const char* a) { return Snak::quantity("P7787", a, "deg"); };
  CHECK(snaks_equal(q("+90"), q("+90.0")));
  CHECK(snaks_equal(q("+90"), q("90")));
  CHECK(snaks_equal(q("+90"), q("+9e1")));
  CHECK(snaks_equal(q("+0090.500"), q("+90.5")));
  CHECK(snaks_equal(q("+1e-05"), q("+0.00001")));
  CHECK(snaks_equal(q("-0"), q("+0.0")));
  CHECK_FALSE(snaks_equal(q("+90"), q("-90")));
  CHECK_FALSE(snaks_equal(q("+90"), q("+900")));
  CHECK_FALSE(snaks_equal(q("+109.45"), q("+109.4")));
  // Text that is not a number compares as text.
  CHECK(normalize_amount("abc") == "abc");
  CHECK(normalize_amount("1.2.3") == "1.2.3");
  CHECK(normalize_amount("1e999999999") == "1e999999999");
  CHECK(normalize_amount("+90") == normalize_amount("+90.0"));
}

TEST_CASE("times compare without the year's padding; the rest of the text counts") {
  CHECK(normalize_time("+00000002017-06-24T00:00:00Z") == "+2017-06-24T00:00:00Z");
  CHECK(normalize_time("-00000000044-03-15T00:00:00Z") == "-44-03-15T00:00:00Z");
  CHECK(normalize_time("garbage") == "garbage");
  const auto t = [](const char* text) { return Snak::time("P571", time_of(text)); };
  CHECK(snaks_equal(t("+00000002017-06-24T00:00:00Z"), t("+2017-06-24T00:00:00Z")));
  CHECK_FALSE(snaks_equal(t("+2017-06-24T00:00:00Z"), t("+2017-06-25T00:00:00Z")));
  CHECK_FALSE(snaks_equal(t("+2017-06-24T00:00:00Z"), t("-2017-06-24T00:00:00Z")));
}

TEST_CASE("novalue and somevalue stay distinct; each equals itself") {
  CHECK(snaks_equal(Snak::no_value("P170"), Snak::no_value("P170")));
  CHECK(snaks_equal(Snak::some_value("P170"), Snak::some_value("P170")));
  CHECK_FALSE(snaks_equal(Snak::no_value("P170"), Snak::some_value("P170")));
  CHECK_FALSE(snaks_equal(Snak::some_value("P170"), Snak::string("P170", "x")));
}

TEST_CASE("external-id and string stay distinct; a snak without datatype matches either") {
  CHECK_FALSE(
      snaks_equal(Snak::external_id("P13988", "b4sti4n"), Snak::string("P13988", "b4sti4n")));
  CHECK_FALSE(snaks_equal(Snak::url("P973", "https://x"), Snak::string("P973", "https://x")));
  // Commons JSON has no datatype: such a snak is compared by its value.
  const auto from_commons = with_datatype_removed(Snak::string("P13988", "b4sti4n"));
  CHECK(snaks_equal(from_commons, Snak::external_id("P13988", "b4sti4n")));
  CHECK(snaks_equal(from_commons, Snak::string("P13988", "b4sti4n")));
}

TEST_CASE("coordinates compare latitude and longitude only; monolingual text by language too") {
  using test::coordinate;
  CHECK(snaks_equal(Snak::globe_coordinate("P1259", coordinate(51.5, -0.12, 0.01)),
                    Snak::globe_coordinate("P1259", coordinate(51.5, -0.12, 1e-9))));
  CHECK_FALSE(snaks_equal(Snak::globe_coordinate("P1259", coordinate(51.5, -0.12, 0.01)),
                          Snak::globe_coordinate("P1259", coordinate(48.85, 2.35, 0.01))));
  CHECK(snaks_equal(Snak::monolingual_text("P1476", "Brücke", "de"),
                    Snak::monolingual_text("P1476", "Brücke", "de")));
  CHECK_FALSE(snaks_equal(Snak::monolingual_text("P1476", "Brücke", "de"),
                          Snak::monolingual_text("P1476", "Brücke", "de-ch")));
}

TEST_CASE("opaque values compare by JSON meaning") {
  const auto opaque = [](const char* text) {
    return parse_snak(json::parse(
        std::string(R"({"snaktype":"value","property":"P9","datavalue":)") + text + "}"));
  };
  CHECK(snaks_equal(opaque(R"({"type":"x","value":{"a":1,"b":2}})"),
                    opaque(R"({"value":{"b":2.0,"a":1},"type":"x"})")));
  CHECK_FALSE(snaks_equal(opaque(R"({"type":"x","value":{"a":1}})"),
                          opaque(R"({"type":"y","value":{"a":1}})")));
  CHECK_FALSE(snaks_equal(opaque(R"({"type":"x","value":1})"), Snak::string("P9", "1")));
}

// --- test_ingest_sdc_handling: sdc_equal ---

TEST_CASE("merge case: statement lists: [] == [], identical single and pairs, order ignored") {
  const std::vector<Statement> none;
  CHECK(statement_lists_equal(none, none));
  const auto a = statement_of(Snak::item("P6216", 50423863));
  const auto b = statement_of(Snak::item("P275", 18199165));
  // Ids, hashes and datatypes do not count.
  auto a2 = statement_of(with_datatype_removed(Snak::item("P6216", 50423863)), "M1$x", "h");
  CHECK(statement_lists_equal({a}, {a2}));
  CHECK(statement_lists_equal({a, b}, {a, b}));
  CHECK(statement_lists_equal({a, b}, {b, a}));
  CHECK_FALSE(statement_lists_equal({a}, {a, b}));
  CHECK_FALSE(statement_lists_equal({a}, {b}));
  CHECK_FALSE(statement_lists_equal({a, a}, {a, b}));
}

TEST_CASE("statement equality counts rank, qualifiers and references, not their order") {
  auto a = statement_of(Snak::some_value("P170"));
  a.add_qualifier(Snak::string("P2093", "x"));
  a.add_qualifier(Snak::external_id("P13988", "x"));
  auto b = statement_of(Snak::some_value("P170"));
  b.add_qualifier(Snak::external_id("P13988", "x"));
  b.add_qualifier(Snak::string("P2093", "x"));
  CHECK(statements_equal(a, b));
  b.rank = "preferred";
  CHECK_FALSE(statements_equal(a, b));
  b.rank = "normal";
  b.add_qualifier(Snak::string("P2093", "y"));
  CHECK_FALSE(statements_equal(a, b));
  auto c = a;
  c.references.push_back(test::reference_of({Snak::url("P854", "https://x")}));
  CHECK_FALSE(statements_equal(a, c));
  auto d = a;
  d.references.push_back(test::reference_of({Snak::url("P854", "https://x")}));
  CHECK(statements_equal(c, d));
}

TEST_CASE("references compare as sets of snaks, ignoring hashes and order") {
  auto r1 = test::reference_of({Snak::url("P854", "https://a"), Snak::string("P1476", "t")});
  auto r2 = test::reference_of({Snak::string("P1476", "t"), Snak::url("P854", "https://a")});
  r2.hash = "abc";
  r2.snaks_order = std::vector<std::string>{"P1476", "P854"};
  CHECK(references_equal(r1, r2));
  CHECK_FALSE(references_equal(r1, test::reference_of({Snak::url("P854", "https://a")})));
}
