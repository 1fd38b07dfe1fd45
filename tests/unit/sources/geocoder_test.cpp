#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/sources/geocoder.hpp"
#include "sources/geocode_cache.hpp"

using namespace curator;
using namespace curator::sources;

TEST_CASE("a Nominatim jsonv2 answer gives the address fields") {
  const auto a = parse_reverse_geocode(json::parse(R"({"place_id":1,"address":{
    "city":"Berlin","county":"Mitte","state":"Berlin","country":"Deutschland",
    "country_code":"de","postcode":"10178","road":"Unter den Linden"}})"));
  REQUIRE(a);
  CHECK(a->city == "Berlin");
  CHECK(a->county == "Mitte");
  CHECK(a->state == "Berlin");
  CHECK(a->country == "Deutschland");
  CHECK(a->country_code == "de");
  CHECK(a->postcode == "10178");
}

TEST_CASE("town stands in for a missing city; absent and odd fields stay empty") {
  const auto a = parse_reverse_geocode(
      json::parse(R"({"address":{"town":"Zossen","postcode":15806,"country":""}})"));
  REQUIRE(a);
  CHECK(a->city == "Zossen");
  CHECK_FALSE(a->postcode);
  CHECK_FALSE(a->country);
  CHECK_FALSE(parse_reverse_geocode(json::parse(R"({"error":"Unable to geocode"})")));
  CHECK_FALSE(parse_reverse_geocode(json::parse(R"({"address":"x"})")));
  CHECK_THROWS_AS(parse_reverse_geocode(json::parse("[]")), Error);
}

TEST_CASE("apply_address fills a location") {
  GeoLocation loc;
  loc.latitude = 1;
  apply_address(loc, Address{"C", std::nullopt, "S", "X", "xx", "1"});
  CHECK(loc.city == "C");
  CHECK_FALSE(loc.county);
  CHECK(loc.country_code == "xx");
  CHECK(loc.latitude == 1);
}

TEST_CASE("coordinate keys round to the requested decimals") {
  CHECK(coordinate_key(52.52, 13.405, 6) == "52.520000,13.405000");
  CHECK(coordinate_key(52.52004, 13.40496, 4) == "52.5200,13.4050");
  CHECK(coordinate_key(48.85661, 2.35224, 4) == coordinate_key(48.85659, 2.35216, 4));
  CHECK(coordinate_key(1.5, 2.5, 99) == "1.5000000,2.5000000");
  CHECK(coordinate_key(1.5, 2.5, -3) == "2,2");
}

TEST_CASE("the cache keeps answers and 'no address', and evicts the least recently used") {
  GeocodeCache cache(2);
  CHECK_FALSE(cache.get("a"));
  cache.put("a", Address{"A", {}, {}, {}, {}, {}});
  cache.put("b", std::nullopt);
  REQUIRE(cache.get("b"));
  CHECK_FALSE(*cache.get("b"));
  CHECK(cache.get("a")->value().city == "A");  // a is now the most recent
  cache.put("c", std::nullopt);
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.get("b"));
  CHECK(cache.get("a"));
  CHECK(cache.get("c"));
  GeocodeCache none(0);
  none.put("a", std::nullopt);
  CHECK_FALSE(none.get("a"));
}
