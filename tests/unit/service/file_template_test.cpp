#include "curator/service/file_template.hpp"

#include <doctest/doctest.h>

#include "curator/core/error.hpp"

using namespace curator;
using namespace curator::service;

namespace {

MediaImage mapillary_image() {
  MediaImage m;
  m.id = "1234567890";
  m.title = "Photo from Mapillary 2023-08-15 (1234567890).jpg";
  m.taken = parse_utc("2023-08-15T02:05:30.030Z");
  m.creator = {"42", "alice", "https://www.mapillary.com/app/user/alice"};
  GeoLocation loc;
  loc.latitude = 51.5;
  loc.longitude = -0.125;
  loc.compass_angle = 90.0;
  loc.city = "London";
  loc.country_code = "gb";
  m.location = loc;
  m.width = 4000;
  m.height = 3000;
  m.camera = {"GoPro", "Max", false};
  return m;
}

}  // namespace

TEST_CASE("variables: ids, sizes, UTC capture time parts, location") {
  const auto v = template_variables(mapillary_image(), Handler::mapillary, "seqABC");
  CHECK(v.at("mapillary.photo.id") == "1234567890");
  CHECK(v.at("mapillary.photo.sequence") == "seqABC");
  CHECK(v.at("mapillary.user.id") == "42");
  CHECK(v.at("mapillary.user.username") == "alice");
  CHECK(v.at("image.width") == "4000");
  CHECK(v.at("captured.date") == "2023-08-15");
  CHECK(v.at("captured.time") == "02H05M30S");
  CHECK(v.at("captured.time_ms") == "02H05M30S030");
  CHECK(v.at("captured.year") == "2023");
  CHECK(v.at("captured.month") == "08");
  CHECK(v.at("captured.day_of_month") == "15");
  CHECK(v.at("captured.milliseconds") == "030");
  CHECK(v.at("captured.raw") == "2023-08-15T02H05M30S030Z");
  CHECK(v.at("camera.make") == "GoPro");
  CHECK(v.at("location.latitude") == "51.5");
  CHECK(v.at("location.longitude") == "-0.125");
  CHECK(v.at("location.compass_angle") == "90");
  CHECK(v.at("location.city") == "London");
  CHECK_FALSE(v.contains("location.county"));
}

TEST_CASE("flickr variables use the flickr namespace") {
  auto m = mapillary_image();
  m.location.reset();
  m.creator.username.clear();
  const auto v = template_variables(m, Handler::flickr, "72157");
  CHECK(v.at("flickr.photo.album") == "72157");
  CHECK(v.at("flickr.user.id") == "42");
  CHECK_FALSE(v.contains("flickr.user.username"));
  CHECK_FALSE(v.contains("location.latitude"));
  CHECK_FALSE(v.contains("mapillary.photo.id"));
}

TEST_CASE("render: known placeholders replaced, unknown and missing kept as written") {
  const auto v = template_variables(mapillary_image(), Handler::mapillary, "seq");
  CHECK(render_template("{{location.city}} {{ captured.date }} ({{mapillary.photo.id}}).jpg", v) ==
        "London 2023-08-15 (1234567890).jpg");
  CHECK(render_template("{{location.county}}-{{nope}}-{{int:filedesc}}", v) ==
        "{{location.county}}-{{nope}}-{{int:filedesc}}");
  CHECK(render_template("<b>{{camera.make}}</b> & {{", v) == "<b>GoPro</b> & {{");
  CHECK(render_template("", v).empty());
  CHECK(render_template("}}{{}}{{ }}", v) == "}}{{}}{{ }}");
}

TEST_CASE("valid extensions") {
  CHECK(has_valid_extension("a.jpg"));
  CHECK(has_valid_extension("a.b.JPEG"));
  CHECK(has_valid_extension("x.webp"));
  CHECK_FALSE(has_valid_extension("a.exe"));
  CHECK_FALSE(has_valid_extension("jpg"));
  CHECK_FALSE(has_valid_extension(".jpg"));
  CHECK_FALSE(has_valid_extension("a.jpg "));
}

TEST_CASE("default Mapillary wikitext matches the frontend's") {
  WikitextOptions o;
  o.categories = {"Streets in London", "Category:Bridges",
                  "[[Category:Images from Mapillary uploaded with Curator]]"};
  const auto text = default_wikitext(mapillary_image(), Handler::mapillary, "seqABC", o);
  CHECK(text ==
        "== {{int:filedesc}} ==\n"
        "{{Information\n"
        " | date        = {{Taken on|2023-08-15T02:05:30Z}}\n"
        " | source      = {{Mapillary-source|key=1234567890}} Sequence ID: seqABC\n"
        "}}\n"
        "{{Location|51.5|-0.125|heading:90}}\n"
        "\n== {{int:license-header}} ==\n"
        "{{cc-by-sa-4.0}}\n\n"
        "[[Category:Streets in London]]\n"
        "[[Category:Bridges]]\n"
        "[[Category:Images from Mapillary uploaded with Curator]]\n");
}

TEST_CASE("wikitext options: no date category, pano, license override, tracking added once") {
  auto m = mapillary_image();
  m.camera.is_pano = true;
  m.location->compass_angle.reset();
  WikitextOptions o;
  o.exclude_date_category = true;
  o.license = "{{self|cc-by-4.0}}";
  const auto text = default_wikitext(m, Handler::mapillary, "s", o);
  CHECK(text.find("{{Taken on|cat=no|2023-08-15T02:05:30Z}}") != std::string::npos);
  CHECK(text.find("{{Location|51.5|-0.125}}\n{{Pano360}}\n") != std::string::npos);
  CHECK(text.find("{{self|cc-by-4.0}}") != std::string::npos);
  CHECK(text.find("cc-by-sa-4.0") == std::string::npos);
  CHECK(text.ends_with("[[Category:Images from Mapillary uploaded with Curator]]\n"));
}

TEST_CASE("Flickr wikitext: license from the photo, refused when not free") {
  auto m = mapillary_image();
  m.license = "5";
  m.urls.url = "https://www.flickr.com/photos/alice/1234567890/";
  m.description = "A bridge";
  const auto text = default_wikitext(m, Handler::flickr, "72157", {});
  CHECK(text.find("{{cc-by-sa-2.0}}\n{{flickrreview}}") != std::string::npos);
  CHECK(text.find(" | source      = https://www.flickr.com/photos/alice/1234567890/") !=
        std::string::npos);
  CHECK(text.find(" | description = A bridge") != std::string::npos);
  CHECK(text.find("[[Category:Images from Flickr uploaded with Curator]]") != std::string::npos);
  for (const char* bad : {"0", "3", "6", "13", "", "x"}) {
    CAPTURE(bad);
    m.license = bad;
    CHECK_THROWS_AS(default_wikitext(m, Handler::flickr, "a", {}), Error);
  }
  m.license.reset();
  CHECK_THROWS_WITH_AS(default_wikitext(m, Handler::flickr, "a", {}),
                       "Flickr photo 1234567890 is not freely licensed (license 'unknown')", Error);
}

TEST_CASE("handler names") {
  CHECK(parse_handler("flickr") == Handler::flickr);
  CHECK(parse_handler("mapillary") == Handler::mapillary);
  CHECK_FALSE(parse_handler("Mapillary").has_value());
  CHECK(to_string(Handler::flickr) == "flickr");
  for (int id : {4, 5, 7, 8, 9, 10, 11, 12})
    CHECK(flickr_license_template(id).has_value());
  for (int id : {0, 1, 2, 3, 6, 13, 14, 15, 16, -1})
    CHECK_FALSE(flickr_license_template(id).has_value());
}
