// The statements built for Mapillary images (upstream-pipeline.md §3.1,
// character for character where upstream recorded them) and Flickr photos.

#include <doctest/doctest.h>

#include <string>

#include "curator/core/error.hpp"
#include "curator/sdc/builders.hpp"
#include "curator/sdc/codec.hpp"
#include "sdc_fixture.hpp"

using namespace curator;
using namespace curator::sdc;

namespace {

std::vector<std::string> properties(const StructuredData& d) {
  std::vector<std::string> out;
  for (const auto& s : d.statements)
    out.push_back(s.property());
  return out;
}

const Statement& find(const StructuredData& d, std::string_view property) {
  for (const auto& s : d.statements) {
    if (s.property() == property) return s;
  }
  FAIL("no statement for " << property);
  throw 0;
}

bool has(const StructuredData& d, std::string_view property) {
  for (const auto& s : d.statements) {
    if (s.property() == property) return true;
  }
  return false;
}

long long item_of(const Snak& s) {
  return std::get<EntityIdValue>(*s.value).numeric_id;
}

std::string text(const Statement& s) {
  return json::serialize(to_json(s));
}

MediaImage flickr_photo(const char* license) {
  MediaImage m;
  m.id = "53012345678";
  m.taken = parse_utc("2023-07-01T18:30:00");
  m.creator = Creator{"12345678@N00", "Jane Doe", "https://www.flickr.com/people/janedoe/"};
  m.urls.url = "https://www.flickr.com/photos/janedoe/53012345678";
  m.license = license;
  GeoLocation loc;
  loc.latitude = 48.8566;
  loc.longitude = 2.3522;
  loc.accuracy = 16;
  m.location = loc;
  m.width = 4000;
  m.height = 3000;
  return m;
}

void expect_refused(const char* license, const std::string& fragment) {
  CAPTURE(license);
  try {
    build_flickr(flickr_photo(license));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(e.code() == "license_not_accepted");
    CHECK(std::string(e.what()).find(fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("Mapillary: the statements of §3.1 in upstream's order") {
  const auto d = build_mapillary(test::fixture_image());
  CHECK(properties(d) == std::vector<std::string>{"P170", "P1947", "P1433", "P571", "P7482",
                                                  "P1259", "P6216", "P275", "P2049", "P2048"});
  for (const auto& s : d.statements) {
    CHECK(s.rank == std::optional<std::string>("normal"));
    CHECK(s.references.empty());
    CHECK_FALSE(s.id.has_value());
  }
  CHECK_FALSE(d.label.has_value());
}

TEST_CASE("Mapillary: the serialized form upstream recorded, character for character") {
  const auto d = build_mapillary(test::fixture_image());
  CHECK(
      text(d.statements[0]) ==
      R"({"mainsnak":{"snaktype":"somevalue","property":"P170"},"rank":"normal",)"
      R"("qualifiers":{"P2093":[{"snaktype":"value","property":"P2093","datatype":"string","datavalue":{"type":"string","value":"b4sti4n"}}],)"
      R"("P13988":[{"snaktype":"value","property":"P13988","datatype":"external-id","datavalue":{"type":"string","value":"b4sti4n"}}]},)"
      R"("qualifiers-order":["P2093","P13988"],"references":[],"type":"statement"})");
  CHECK(
      text(d.statements[1]) ==
      R"({"mainsnak":{"snaktype":"value","property":"P1947","datatype":"external-id","datavalue":{"type":"string","value":"168951548443095"}},)"
      R"("rank":"normal","qualifiers":{},"qualifiers-order":[],"references":[],"type":"statement"})");
  CHECK(
      text(d.statements[3]) ==
      R"({"mainsnak":{"snaktype":"value","property":"P571","datatype":"time","datavalue":{"type":"time","value":{"time":"+00000002017-06-24T00:00:00Z","timezone":0,"before":0,"after":0,"precision":11,"calendarmodel":"http://www.wikidata.org/entity/Q1985727"}}},)"
      R"("rank":"normal","qualifiers":{},"qualifiers-order":[],"references":[],"type":"statement"})");
}

TEST_CASE("Mapillary: items, source qualifiers, coordinates, heading and sizes") {
  const auto d = build_mapillary(test::fixture_image());
  CHECK(item_of(find(d, "P1433").main_snak) == 26757498);
  const auto& source = find(d, "P7482");
  CHECK(item_of(source.main_snak) == 74228490);
  CHECK(source.qualifiers_order == std::vector<std::string>{"P137", "P973"});
  CHECK(item_of(source.qualifiers_of("P137").at(0)) == 17985544);
  const auto& url = source.qualifiers_of("P973").at(0);
  CHECK(url.datatype == std::optional<std::string>("string"));  // upstream's choice, kept
  CHECK(std::get<StringValue>(*url.value).text ==
        "https://www.mapillary.com/app/?pKey=168951548443095&focus=photo");
  const auto coord = text(find(d, "P1259"));
  CHECK(coord.find(R"("latitude":50.343546,"longitude":11.876726,"precision":0.000000001,)"
                   R"("globe":"http://www.wikidata.org/entity/Q2")") != std::string::npos);
  CHECK(coord.find("altitude") == std::string::npos);
  CHECK(coord.find(R"("amount":"+109.45","unit":"http://www.wikidata.org/entity/Q28390")") !=
        std::string::npos);
  CHECK(item_of(find(d, "P6216").main_snak) == 50423863);
  CHECK(item_of(find(d, "P275").main_snak) == 18199165);
  CHECK(std::get<QuantityValue>(*find(d, "P2049").main_snak.value).amount == "+5312");
  CHECK(std::get<QuantityValue>(*find(d, "P2048").main_snak.value).unit ==
        "http://www.wikidata.org/entity/Q355198");
}

TEST_CASE("Mapillary: the heading only strictly between 0 and 360, as a decimal") {
  auto image = test::fixture_image();
  for (double angle : {0.0, 360.0, -5.0, 400.0}) {
    image.location->compass_angle = angle;
    CHECK(find(build_mapillary(image), "P1259").qualifiers.empty());
  }
  image.location->compass_angle = 90.0;
  CHECK(std::get<QuantityValue>(
            *find(build_mapillary(image), "P1259").qualifiers_of("P7787").at(0).value)
            .amount == "+90.0");
  image.location->compass_angle = 0.00001;
  CHECK(std::get<QuantityValue>(
            *find(build_mapillary(image), "P1259").qualifiers_of("P7787").at(0).value)
            .amount == "+0.00001");
  image.location->compass_angle.reset();
  CHECK(find(build_mapillary(image), "P1259").qualifiers.empty());
}

TEST_CASE("Mapillary: the copyright override drops P6216 and P275; the caption is kept") {
  const auto d = build_mapillary(test::fixture_image(),
                                 MapillaryOptions{true, Label{"en", "Photo from Mapillary"}});
  CHECK_FALSE(has(d, "P6216"));
  CHECK_FALSE(has(d, "P275"));
  CHECK(d.statements.size() == 8);
  CHECK(d.label == std::optional<Label>(Label{"en", "Photo from Mapillary"}));
}

TEST_CASE("Mapillary: the inception is the UTC day of capture") {
  auto image = test::fixture_image();
  image.taken = parse_utc("2017-06-24T23:59:59+02:00");  // 21:59:59 UTC
  CHECK(std::get<TimeValue>(*find(build_mapillary(image), "P571").main_snak.value).time ==
        "+00000002017-06-24T00:00:00Z");
  image.taken = parse_utc("2017-06-24T23:30:00-02:00");  // next day in UTC
  CHECK(std::get<TimeValue>(*find(build_mapillary(image), "P571").main_snak.value).time ==
        "+00000002017-06-25T00:00:00Z");
}

TEST_CASE("Mapillary: bad input is refused; missing parts are left out") {
  auto image = test::fixture_image();
  image.id.clear();
  CHECK_THROWS_AS(build_mapillary(image), Error);
  image = test::fixture_image();
  image.location->latitude = 91;
  CHECK_THROWS_AS(build_mapillary(image), Error);
  image.location->latitude = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(build_mapillary(image), Error);
  image = test::fixture_image();
  CHECK_THROWS_AS(build_mapillary(image, MapillaryOptions{false, Label{"", "caption"}}), Error);
  CHECK_FALSE(build_mapillary(image, MapillaryOptions{false, Label{"en", ""}}).label.has_value());
  image.location.reset();
  image.width = 0;
  image.height = -1;
  image.creator.username.clear();
  const auto d = build_mapillary(image);
  CHECK_FALSE(has(d, "P1259"));
  CHECK_FALSE(has(d, "P2049"));
  CHECK_FALSE(has(d, "P2048"));
  CHECK(find(d, "P170").qualifiers.empty());
}

TEST_CASE("Flickr: the statements, creator qualifiers and source for CC BY-SA 2.0") {
  const auto d = build_flickr(flickr_photo("5"), FlickrOptions{{}, {}, Label{"en", "Paris"}});
  CHECK(properties(d) ==
        std::vector<std::string>{"P12120", "P170", "P275", "P6216", "P7482", "P571", "P1259"});
  CHECK(find(d, "P12120").main_snak.datatype == std::optional<std::string>("external-id"));
  const auto& creator = find(d, "P170");
  CHECK(creator.main_snak.type == SnakType::some_value);
  CHECK(creator.qualifiers_order == std::vector<std::string>{"P2093", "P2699", "P3267"});
  CHECK(std::get<StringValue>(*creator.qualifiers_of("P2093").at(0).value).text == "Jane Doe");
  CHECK(creator.qualifiers_of("P2699").at(0).datatype == std::optional<std::string>("url"));
  CHECK(std::get<StringValue>(*creator.qualifiers_of("P3267").at(0).value).text == "12345678@N00");
  const auto& license = find(d, "P275");
  CHECK(item_of(license.main_snak) == 19068220);
  CHECK(item_of(license.qualifiers_of("P459").at(0)) == 61045577);
  CHECK(item_of(find(d, "P6216").main_snak) == 50423863);
  const auto& source = find(d, "P7482");
  CHECK(std::get<StringValue>(*source.qualifiers_of("P973").at(0).value).text ==
        "https://www.flickr.com/photos/janedoe/53012345678");
  CHECK(item_of(source.qualifiers_of("P137").at(0)) == 103204);
  CHECK(std::get<TimeValue>(*find(d, "P571").main_snak.value).time == "+2023-07-01T00:00:00Z");
  CHECK(std::get<GlobeCoordinateValue>(*find(d, "P1259").main_snak.value).precision ==
        std::optional<double>(1e-5));
  CHECK(d.label == std::optional<Label>(Label{"en", "Paris"}));
}

TEST_CASE("Flickr: licence items for 4, 5, 9, 11, 12") {
  const std::pair<const char*, long long> cases[] = {
      {"4", 19125117}, {"5", 19068220}, {"9", 6938433}, {"11", 20007257}, {"12", 18199165}};
  for (const auto& [id, item] : cases) {
    CAPTURE(id);
    const auto d = build_flickr(flickr_photo(id));
    CHECK(item_of(find(d, "P275").main_snak) == item);
    CHECK(item_of(find(d, "P6216").main_snak) == (std::string(id) == "9" ? 88088423 : 50423863));
  }
}

TEST_CASE("Flickr: 7, 8 and 10 get a copyright status with its determination method, no P275") {
  const auto nkcr = build_flickr(flickr_photo("7"));
  CHECK_FALSE(has(nkcr, "P275"));
  CHECK(item_of(find(nkcr, "P6216").main_snak) == 99263261);
  CHECK(item_of(find(nkcr, "P6216").qualifiers_of("P459").at(0)) == 61045577);

  const auto usgov = build_flickr(flickr_photo("8"));
  CHECK_FALSE(has(usgov, "P275"));
  const auto& status = find(usgov, "P6216");
  CHECK(item_of(status.main_snak) == 19652);
  CHECK(status.qualifiers_order == std::vector<std::string>{"P1001", "P459"});
  CHECK(item_of(status.qualifiers_of("P1001").at(0)) == 30);
  CHECK(item_of(status.qualifiers_of("P459").at(0)) == 60671452);

  const auto pdm = build_flickr(flickr_photo("10"));
  CHECK_FALSE(has(pdm, "P275"));
  CHECK(item_of(find(pdm, "P6216").main_snak) == 88088423);
  CHECK(item_of(find(pdm, "P6216").qualifiers_of("P459").at(0)) == 61045577);
}

TEST_CASE("Flickr: every other licence is refused with an error naming it") {
  expect_refused("0", "Flickr licence 0 (All Rights Reserved)");
  expect_refused("1", "(CC BY-NC-SA 2.0)");
  expect_refused("2", "(CC BY-NC 2.0)");
  expect_refused("3", "(CC BY-NC-ND 2.0)");
  expect_refused("6", "(CC BY-ND 2.0)");
  for (const char* id : {"13", "14", "15", "16"})
    expect_refused(id, "is not accepted");
  expect_refused("17", "Flickr licence '17' is unknown");
  expect_refused("-1", "is unknown");
  expect_refused("4 ", "is unknown");
  expect_refused("cc-by", "is unknown");
  expect_refused("", "has no licence");
  auto no_license = flickr_photo("4");
  no_license.license.reset();
  CHECK_THROWS_AS(build_flickr(no_license), Error);
  // The option overrides the image's licence, both ways.
  CHECK_THROWS_AS(build_flickr(flickr_photo("4"), FlickrOptions{"3", {}, {}}), Error);
  CHECK(has(build_flickr(flickr_photo("3"), FlickrOptions{"12", {}, {}}), "P275"));
}

TEST_CASE("Flickr: licence lookup table") {
  REQUIRE(find_flickr_license("12") != nullptr);
  CHECK(find_flickr_license("12")->name == "CC BY-SA 4.0");
  int accepted = 0;
  for (int i = 0; i <= 16; ++i) {
    const auto* l = find_flickr_license(std::to_string(i));
    REQUIRE(l != nullptr);
    CHECK(l->id == i);
    accepted += l->accepted ? 1 : 0;
  }
  CHECK(accepted == 8);
  CHECK(find_flickr_license("") == nullptr);
  CHECK(find_flickr_license("99999999999999999999") == nullptr);
}

TEST_CASE("Flickr: not geotagged, unknown date, author name option, accuracy precision") {
  auto photo = flickr_photo("4");
  photo.location.reset();
  CHECK_FALSE(has(build_flickr(photo), "P1259"));
  photo.location = GeoLocation{};  // Flickr's 0, 0 means no location
  CHECK_FALSE(has(build_flickr(photo), "P1259"));
  photo = flickr_photo("4");
  photo.taken = TimePoint{};
  CHECK_FALSE(has(build_flickr(photo), "P571"));
  const auto named = build_flickr(flickr_photo("4"), FlickrOptions{{}, "Jane Q. Doe", {}});
  CHECK(std::get<StringValue>(*find(named, "P170").qualifiers_of("P2093").at(0).value).text ==
        "Jane Q. Doe");
  photo = flickr_photo("4");
  photo.location->accuracy = 6;
  CHECK(std::get<GlobeCoordinateValue>(*find(build_flickr(photo), "P1259").main_snak.value)
            .precision == std::optional<double>(0.01));
  photo.location->accuracy.reset();
  CHECK(std::get<GlobeCoordinateValue>(*find(build_flickr(photo), "P1259").main_snak.value)
            .precision == std::optional<double>(1e-4));
  photo = flickr_photo("4");
  photo.id.clear();
  CHECK_THROWS_AS(build_flickr(photo), Error);
}
