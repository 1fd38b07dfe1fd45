// Randomized input (fixed seeds, bounded counts): mutations of the production
// fixture, random statement-shaped structures and damaged JSON text. Every
// input must either be refused with Error(invalid_input) or be accepted,
// written back equal in meaning, and survive a merge and a payload.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/sdc/builders.hpp"
#include "curator/sdc/codec.hpp"
#include "curator/sdc/equality.hpp"
#include "curator/sdc/merge.hpp"
#include "curator/sdc/payload.hpp"
#include "sdc/json_meaning.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;

namespace {

const std::vector<std::string> kWords = {"value",
                                         "somevalue",
                                         "novalue",
                                         "bogus",
                                         "string",
                                         "time",
                                         "quantity",
                                         "globecoordinate",
                                         "wikibase-entityid",
                                         "monolingualtext",
                                         "external-id",
                                         "P170",
                                         "P1259",
                                         "P2093",
                                         "+90",
                                         "+90.0",
                                         "+00000002017-06-24T00:00:00Z",
                                         "item",
                                         "Q2",
                                         "",
                                         "é\u2028",
                                         "tab\there \x01 \"q\" \\ \x7f",
                                         "mainsnak",
                                         "snaktype",
                                         "property",
                                         "datavalue",
                                         "type",
                                         "qualifiers",
                                         "qualifiers-order",
                                         "references",
                                         "snaks",
                                         "snaks-order",
                                         "hash",
                                         "rank",
                                         "id",
                                         "latitude",
                                         "longitude",
                                         "precision",
                                         "globe",
                                         "amount",
                                         "unit",
                                         "numeric-id",
                                         "entity-type",
                                         "text",
                                         "language"};

struct Fuzzer {
  std::mt19937 rng;
  explicit Fuzzer(unsigned seed) : rng(seed) {}

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  const std::string& word() { return kWords[below(kWords.size())]; }

  json::value scalar() {
    switch (below(10)) {
      case 0:
        return nullptr;
      case 1:
        return chance(50);
      case 2:
        return static_cast<std::int64_t>(below(2000)) - 1000;
      case 3:
        return std::uint64_t{18446744073709551615ull};
      case 4:
        return std::int64_t{9007199254740993};
      case 5: {
        const double picks[] = {0.0, -0.0, 1e-300, 1e300, 0.1, 50.343546, 1e-06, -179.999999};
        return picks[below(8)];
      }
      case 6:
        return std::uniform_real_distribution<double>(-400, 400)(rng);
      default:
        return json::value(word());
    }
  }

  json::value any(int depth) {
    if (depth <= 0 || chance(40)) return scalar();
    if (chance(50)) {
      json::array a;
      for (std::size_t i = below(4); i > 0; --i)
        a.push_back(any(depth - 1));
      return a;
    }
    json::object o;
    for (std::size_t i = below(4); i > 0; --i)
      o[word()] = any(depth - 1);
    return o;
  }

  json::value datavalue() {
    const std::string types[] = {
        "string",          "time",        "quantity", "globecoordinate", "wikibase-entityid",
        "monolingualtext", "unknown-kind"};
    const auto type = types[below(7)];
    json::value value;
    if (type == "string") value = json::value(word());
    if (type == "time") {
      value = json::object{{"time", word()}, {"timezone", 0},   {"before", 0},
                           {"after", 0},     {"precision", 11}, {"calendarmodel", "c"}};
    }
    if (type == "quantity") value = json::object{{"amount", word()}, {"unit", "1"}};
    if (type == "globecoordinate") {
      value = json::object{{"latitude", scalar()},
                           {"longitude", 2.5},
                           {"globe", "g"},
                           {"precision", scalar()},
                           {"altitude", nullptr}};
    }
    if (type == "wikibase-entityid") {
      value = json::object{{"entity-type", "item"}, {"numeric-id", scalar()}};
    }
    if (type == "monolingualtext") value = json::object{{"text", word()}, {"language", "en"}};
    if (type == "unknown-kind" || chance(15)) value = any(3);
    json::object dv{{"type", type}, {"value", value}};
    if (chance(5)) dv[word()] = scalar();
    return dv;
  }

  json::value snak(const std::string& property) {
    json::object s;
    const std::string kinds[] = {"value", "somevalue", "novalue", "other"};
    s["snaktype"] = kinds[below(4)];
    s["property"] = property;
    if (chance(50)) s["hash"] = "h" + std::to_string(below(5));
    if (chance(30)) s["datatype"] = word();
    if (s["snaktype"] == "value" || chance(10)) s["datavalue"] = datavalue();
    if (chance(5)) s[word()] = any(2);
    return s;
  }

  json::value snak_map() {
    json::object m;
    for (std::size_t i = below(3); i > 0; --i) {
      const std::string p = "P" + std::to_string(below(4));
      json::array a;
      for (std::size_t j = below(3); j > 0; --j)
        a.push_back(snak(p));
      m[p] = std::move(a);
    }
    return m;
  }

  json::value statement(const std::string& property) {
    json::object s{{"mainsnak", snak(property)}, {"type", "statement"}};
    if (chance(60)) s["id"] = "M1$" + std::to_string(below(100));
    if (chance(80)) s["rank"] = chance(80) ? "normal" : "preferred";
    if (chance(50)) s["qualifiers"] = snak_map();
    if (chance(40)) s["qualifiers-order"] = json::array{"P1", "P2"};
    if (chance(40)) {
      json::array refs;
      for (std::size_t i = below(3); i > 0; --i) {
        json::object r{{"snaks", snak_map()}};
        if (chance(50)) r["hash"] = "r";
        if (chance(50)) r["snaks-order"] = json::array{"P1"};
        refs.push_back(std::move(r));
      }
      s["references"] = std::move(refs);
    }
    return s;
  }

  json::value entity() {
    json::object groups;
    for (std::size_t i = below(5); i > 0; --i) {
      const std::string p = "P" + std::to_string(below(6));
      json::array a;
      for (std::size_t j = 1 + below(3); j > 0; --j)
        a.push_back(statement(p));
      groups[p] = std::move(a);
    }
    json::object e{{"type", "mediainfo"}, {"id", "M1"}, {"statements", groups}};
    if (chance(50))
      e["labels"] = json::object{{"en", json::object{{"language", "en"}, {"value", word()}}}};
    return e;
  }

  // Collects every node so that one can be picked uniformly.
  void nodes(json::value& v, std::vector<json::value*>& out) {
    out.push_back(&v);
    if (v.is_array()) {
      for (auto& e : v.get_array())
        nodes(e, out);
    } else if (v.is_object()) {
      for (auto& kv : v.get_object())
        nodes(kv.value(), out);
    }
  }

  void mutate(json::value& root) {
    std::vector<json::value*> all;
    nodes(root, all);
    json::value& v = *all[below(all.size())];
    const json::value graft = *all[below(all.size())];  // a copy, before anything moves
    switch (below(8)) {
      case 0:
        v = scalar();
        break;
      case 1:
        v = any(3);
        break;
      case 2:
        v = graft;
        break;
      case 3:
        if (v.is_object() && !v.get_object().empty()) {
          auto& o = v.get_object();
          o.erase(std::next(o.begin(), static_cast<long>(below(o.size()))));
        }
        break;
      case 4:
        if (v.is_object()) v.get_object()[word()] = scalar();
        break;
      case 5:
        if (v.is_array() && !v.get_array().empty()) {
          auto& a = v.get_array();
          if (chance(50)) {
            a.push_back(json::value(a[below(a.size())]));
          } else {
            a.erase(a.begin() + static_cast<long>(below(a.size())));
          }
        }
        break;
      case 6:
        if (v.is_string()) v = json::value(word());
        break;
      default:
        if (v.is_double() || v.is_int64()) v = scalar();
        break;
    }
  }
};

struct Tally {
  int accepted = 0;
  int refused = 0;
};

const StructuredData& built() {
  static const StructuredData d =
      build_mapillary(test::fixture_image(), MapillaryOptions{false, Label{"en", "x"}});
  return d;
}

void check(const json::value& input, Tally& tally) {
  Entity e;
  try {
    e = parse_entity(input);
  } catch (const Error& err) {
    CHECK(err.kind() == ErrorKind::invalid_input);
    ++tally.refused;
    return;
  }
  ++tally.accepted;
  const auto out = to_json(e);
  if (!same_meaning(out, input)) {
    FAIL_CHECK("round trip changed " << json::serialize(input).substr(0, 1500) << "\ninto "
                                     << json::serialize(out).substr(0, 1500));
    return;
  }
  const auto text = json::serialize(out);
  // The direct text writer gives exactly the same text.
  CHECK(to_text(e) == text);
  CHECK(statements_text(e.statements) == json::serialize(statements_to_json(e.statements)));
  const auto again = parse_entity(json::parse(text));
  CHECK(same_meaning(to_json(again), input));
  CHECK(statement_lists_equal(again.statements, e.statements));
  const auto merged = merge(e, built());
  const auto p = merge_payload(merged);
  const auto p_text = merge_payload_text(merged);
  REQUIRE(p.has_value() == p_text.has_value());
  if (p) {
    CHECK(payload_text(*p) == *p_text);
    const auto claims = parse_statement_list(json::parse(*p_text).at("claims"));
    CHECK(claims.size() == merged.changed.size());
  }
}

}  // namespace

TEST_CASE("fuzz: mutations of the production fixture never crash and round-trip") {
  Fuzzer f(20240517u);
  Tally tally;
  const auto base = test::fixture_entity_json();
  for (int i = 0; i < 3000; ++i) {
    auto v = base;
    for (std::size_t n = 1 + f.below(3); n > 0; --n)
      f.mutate(v);
    check(v, tally);
  }
  MESSAGE("accepted " << tally.accepted << ", refused " << tally.refused);
  CHECK(tally.accepted > 1000);
  CHECK(tally.refused > 100);
}

TEST_CASE("fuzz: random statement-shaped structures never crash and round-trip") {
  Fuzzer f(7u);
  Tally tally;
  for (int i = 0; i < 3000; ++i) {
    auto v = f.entity();
    if (f.chance(30)) f.mutate(v);
    check(v, tally);
  }
  for (int i = 0; i < 500; ++i)
    check(f.any(6), tally);
  MESSAGE("accepted " << tally.accepted << ", refused " << tally.refused);
  CHECK(tally.accepted > 300);
}

TEST_CASE("fuzz: damaged JSON text is refused cleanly or read as a response") {
  Fuzzer f(99u);
  const auto base = test::fixture_text();
  const std::string alphabet = "{}[]\",:0123456789.eE-+ abcnulltrue\\";
  int parsed = 0;
  for (int i = 0; i < 1500; ++i) {
    auto text = base;
    for (std::size_t n = 1 + f.below(4); n > 0; --n) {
      const auto at = f.below(text.size());
      switch (f.below(3)) {
        case 0:
          text[at] = alphabet[f.below(alphabet.size())];
          break;
        case 1:
          text.erase(at, 1 + f.below(8));
          break;
        default:
          text.insert(at, 1, alphabet[f.below(alphabet.size())]);
          break;
      }
    }
    json::value v;
    try {
      v = json::parse(text, "response");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      continue;
    }
    ++parsed;
    try {
      const auto lookup = parse_entities_response(v);
      if (lookup.entity) {
        const auto& entities = v.at("entities").get_object();
        CHECK(same_meaning(to_json(*lookup.entity), entities.begin()->value()));
      }
    } catch (const Error& e) {
      CHECK((e.kind() == ErrorKind::invalid_input || e.kind() == ErrorKind::permanent));
    }
  }
  MESSAGE("parsed " << parsed);
  CHECK(parsed > 50);
}
