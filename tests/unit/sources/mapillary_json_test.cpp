#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "sources/mapillary_json.hpp"

using namespace curator;
using namespace curator::sources;

namespace {

json::value image(std::string_view extra = "") {
  std::string text = R"({"id":"498763468214164","captured_at":1498299072345,)"
                     R"("compass_angle":90.5,"creator":{"id":"100001","username":"alice"},)"
                     R"("geometry":{"type":"Point","coordinates":[13.405,52.52]},"height":480,)"
                     R"("width":640,"is_pano":false,"make":"Apple","model":"iPhone X",)"
                     R"("thumb_256_url":"https://cdn/256","thumb_1024_url":"https://cdn/1024",)"
                     R"("thumb_original_url":"https://cdn/orig")";
  text += extra;
  text += "}";
  return json::parse(text);
}

json::value with(std::string_view key, std::string_view value_json) {
  auto v = image();
  v.get_object()[key] = json::parse(value_json);
  return v;
}

json::value without(std::string_view key) {
  auto v = image();
  v.get_object().erase(key);
  return v;
}

}  // namespace

TEST_CASE("a Graph image becomes the wire's MediaImage") {
  const auto img = mapillary::image_from_json(image(), "x");
  CHECK(img.id == "498763468214164");
  CHECK(img.title == "Photo from Mapillary 2017-06-24 (498763468214164).jpg");
  CHECK(format_utc_offset(img.taken) == "2017-06-24T10:11:12+00:00");
  CHECK(img.creator.id == "100001");
  CHECK(img.creator.username == "alice");
  CHECK(img.creator.profile_url == "https://www.mapillary.com/app/user/alice");
  REQUIRE(img.location);
  CHECK(img.location->latitude == 52.52);
  CHECK(img.location->longitude == 13.405);
  CHECK(img.location->compass_angle == 90.5);
  CHECK(img.urls.url == "https://www.mapillary.com/app/?pKey=498763468214164&focus=photo");
  CHECK(img.urls.original == "https://cdn/orig");
  CHECK(img.urls.preview == "https://cdn/1024");
  CHECK(img.urls.thumbnail == "https://cdn/256");
  CHECK(img.width == 640);
  CHECK(img.height == 480);
  CHECK(img.camera.make == "Apple");
  CHECK(img.camera.model == "iPhone X");
  CHECK_FALSE(img.camera.is_pano);
  CHECK(img.tags.empty());
  CHECK_FALSE(img.license);
  CHECK_FALSE(img.description);
  const auto wire = json::serialize(to_json(img));
  CHECK(wire.find(R"("dates":{"taken":"2017-06-24T10:11:12+00:00"})") != std::string::npos);
}

TEST_CASE("the title date is the UTC date, even just before midnight") {
  // 2020-12-31T23:59:59.999Z.
  const auto img = mapillary::image_from_json(with("captured_at", "1609459199999"), "x");
  CHECK(img.title == "Photo from Mapillary 2020-12-31 (498763468214164).jpg");
  CHECK(format_utc_offset(img.taken) == "2020-12-31T23:59:59+00:00");
}

TEST_CASE("compass angle only strictly between 0 and 360") {
  CHECK_FALSE(mapillary::image_from_json(with("compass_angle", "0"), "x").location->compass_angle);
  CHECK_FALSE(
      mapillary::image_from_json(with("compass_angle", "360"), "x").location->compass_angle);
  CHECK_FALSE(mapillary::image_from_json(with("compass_angle", "-5"), "x").location->compass_angle);
  CHECK_FALSE(
      mapillary::image_from_json(with("compass_angle", "null"), "x").location->compass_angle);
  CHECK_FALSE(
      mapillary::image_from_json(with("compass_angle", "\"90\""), "x").location->compass_angle);
  CHECK_FALSE(mapillary::image_from_json(without("compass_angle"), "x").location->compass_angle);
  CHECK(mapillary::image_from_json(with("compass_angle", "359.99"), "x").location->compass_angle ==
        359.99);
  CHECK(mapillary::image_from_json(with("compass_angle", "1"), "x").location->compass_angle == 1.0);
}

TEST_CASE("make and model 'none' are dropped; missing values get defaults") {
  auto v = image();
  v.get_object()["make"] = "none";
  v.get_object()["model"] = "none";
  v.get_object().erase("width");
  v.get_object().erase("thumb_original_url");
  v.get_object()["creator"] = json::parse(R"({"id":"7"})");
  v.get_object()["is_pano"] = true;
  const auto img = mapillary::image_from_json(v, "x");
  CHECK_FALSE(img.camera.make);
  CHECK_FALSE(img.camera.model);
  CHECK(img.camera.is_pano);
  CHECK(img.width == 0);
  CHECK(img.urls.original.empty());
  CHECK(img.creator.username == "Unknown");
  CHECK(img.creator.profile_url == "https://www.mapillary.com/app/user/Unknown");
  const auto wire = json::serialize(to_json(img));
  CHECK(wire.find("\"make\"") == std::string::npos);
}

TEST_CASE("numeric ids and a missing id use the text form and the requested id") {
  auto v = image();
  v.get_object()["id"] = 123;
  CHECK(mapillary::image_from_json(v, "x").id == "123");
  CHECK(mapillary::image_from_json(without("id"), "555").id == "555");
}

TEST_CASE("images without the required fields are refused, naming the field") {
  const auto refuse = [](const json::value& v, std::string_view field) {
    try {
      mapillary::image_from_json(v, "x");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::permanent);
      CHECK(std::string(e.what()).find(field) != std::string::npos);
    }
  };
  refuse(without("geometry"), "geometry");
  refuse(with("geometry", R"({"type":"Point","coordinates":[13.4]})"), "geometry");
  refuse(with("geometry", R"({"type":"Point","coordinates":["a","b"]})"), "geometry");
  refuse(with("geometry", R"({"type":"Point","coordinates":[200,95]})"), "coordinates");
  refuse(without("creator"), "creator");
  refuse(with("creator", "\"alice\""), "creator");
  refuse(without("captured_at"), "captured_at");
  refuse(with("captured_at", "\"yesterday\""), "captured_at");
  refuse(with("captured_at", "1e300"), "captured_at");
  refuse(json::parse("[1,2]"), "object");
  refuse(json::parse("null"), "object");
}

TEST_CASE("listing pages: ids, next page, sequence of an image") {
  const auto page = json::parse(
      R"({"data":[{"id":"1"},{"id":2}],"paging":{"cursors":{"after":"x"},"next":"https://g/n"}})");
  CHECK(mapillary::ids_from_listing(page) == std::vector<std::string>{"1", "2"});
  CHECK(mapillary::next_page_url(page) == "https://g/n");
  CHECK(mapillary::next_page_url(json::parse(R"({"data":[]})")).empty());
  CHECK(mapillary::sequence_of(json::parse(R"({"sequence":"seq-1","id":"1"})")) == "seq-1");
  CHECK(mapillary::sequence_of(json::parse(R"({"id":"1"})")).empty());
  CHECK_THROWS_AS(mapillary::ids_from_listing(json::parse(R"({"data":{}})")), Error);
  CHECK_THROWS_AS(mapillary::ids_from_listing(json::parse(R"({"data":[{"x":1}]})")), Error);
  CHECK_THROWS_AS(mapillary::ids_from_listing(json::parse(R"([])")), Error);
}
