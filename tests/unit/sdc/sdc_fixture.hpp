#pragma once
// Shared by the sdc tests: the production fixture (M176058819) and the
// MediaImage of the same Mapillary photo, plus small statement makers.

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "curator/core/json.hpp"
#include "curator/core/media_image.hpp"
#include "curator/core/time.hpp"
#include "curator/sdc/codec.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc::test {

inline std::string fixture_text() {
  std::ifstream in(std::string(CURATOR_TEST_FIXTURES) + "/sdc/production_sdc.json");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline json::value fixture_entity_json() {
  return json::parse(fixture_text()).at("entities").at("M176058819");
}

inline Entity fixture_entity() {
  return parse_entity(fixture_entity_json());
}

/// Mapillary image 168951548443095 by b4sti4n, the photo of the fixture.
inline MediaImage fixture_image() {
  MediaImage m;
  m.id = "168951548443095";
  m.title = "Photo from Mapillary";
  m.taken = parse_utc("2017-06-24T10:11:12Z");
  m.creator = Creator{"mly-user", "b4sti4n", "https://www.mapillary.com/app/user/b4sti4n"};
  GeoLocation loc;
  loc.latitude = 50.343546;
  loc.longitude = 11.876726;
  loc.compass_angle = 109.45;
  m.location = loc;
  m.width = 5312;
  m.height = 2988;
  return m;
}

inline Statement statement_of(Snak main, std::optional<std::string> id = std::nullopt,
                              std::optional<std::string> hash = std::nullopt) {
  auto s = Statement::of(std::move(main));
  s.id = std::move(id);
  s.main_snak.hash = std::move(hash);
  return s;
}

inline Snak hashed(Snak s, std::string hash) {
  s.hash = std::move(hash);
  return s;
}

inline Reference reference_of(std::vector<Snak> snaks) {
  Reference r;
  for (auto& s : snaks) {
    auto it = std::find_if(r.snaks.begin(), r.snaks.end(),
                           [&](const SnakGroup& g) { return g.property == s.property; });
    if (it == r.snaks.end()) {
      r.snaks.push_back(SnakGroup{s.property, {}});
      it = std::prev(r.snaks.end());
    }
    it->snaks.push_back(std::move(s));
  }
  return r;
}

inline GlobeCoordinateValue coordinate(double lat, double lon, double precision) {
  GlobeCoordinateValue g;
  g.latitude = lat;
  g.longitude = lon;
  g.precision = precision;
  g.globe = "http://www.wikidata.org/entity/Q2";
  return g;
}

}  // namespace curator::sdc::test
