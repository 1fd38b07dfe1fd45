#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/sources/flickr_license.hpp"
#include "sources/flickr_json.hpp"

using namespace curator;
using namespace curator::sources;

namespace {

json::value listing_photo() {
  return json::parse(R"({
    "id":"5100000001","secret":"abc","server":"65535","title":"Sunset over the bay",
    "license":"4","datetaken":"2015-08-01 19:45:12","datetakengranularity":0,
    "dateupload":"1438458312",
    "owner":{"nsid":"12345678@N00","username":"Some One","path_alias":"someone"},
    "description":{"_content":" Evening light. "},
    "latitude":"37.8","longitude":"-122.4","accuracy":"16",
    "tags":"sunset bay  california","media":"photo",
    "url_o":"https://live.staticflickr.com/o.jpg","width_o":"4000","height_o":3000,
    "url_l":"https://live.staticflickr.com/l.jpg","width_l":1024,"height_l":768,
    "url_q":"https://live.staticflickr.com/q.jpg","url_s":"https://live.staticflickr.com/s.jpg"
  })");
}

json::value edited(std::string_view key, std::string_view value_json) {
  auto v = listing_photo();
  if (value_json.empty()) {
    v.get_object().erase(key);
  } else {
    v.get_object()[key] = json::parse(value_json);
  }
  return v;
}

}  // namespace

TEST_CASE("a photoset entry becomes a MediaImage") {
  const auto img = flickr::photo_from_listing(listing_photo(), {});
  CHECK(img.id == "5100000001");
  CHECK(img.title == "Sunset over the bay.jpg");
  CHECK(format_utc_offset(img.taken) == "2015-08-01T19:45:12+00:00");
  CHECK(img.creator.id == "12345678@N00");
  CHECK(img.creator.username == "Some One");
  CHECK(img.creator.profile_url == "https://www.flickr.com/people/someone/");
  CHECK(img.urls.url == "https://www.flickr.com/photos/someone/5100000001");
  CHECK(img.urls.original == "https://live.staticflickr.com/o.jpg");
  CHECK(img.urls.preview == "https://live.staticflickr.com/l.jpg");
  CHECK(img.urls.thumbnail == "https://live.staticflickr.com/q.jpg");
  CHECK(img.width == 4000);
  CHECK(img.height == 3000);
  REQUIRE(img.location);
  CHECK(img.location->latitude == 37.8);
  CHECK(img.location->longitude == -122.4);
  CHECK(img.location->accuracy == 16);
  CHECK_FALSE(img.location->compass_angle);
  CHECK(img.description == "Evening light.");
  CHECK(img.license == "4");
  CHECK(img.tags == std::vector<std::string>{"sunset", "bay", "california"});
  CHECK_FALSE(img.camera.make);
  CHECK_FALSE(img.camera.is_pano);
}

TEST_CASE("titles: a default when empty, .jpg added unless an image extension is there") {
  CHECK(flickr::photo_from_listing(edited("title", "\"\""), {}).title ==
        "Photo from Flickr 2015-08-01 (5100000001).jpg");
  CHECK(flickr::photo_from_listing(edited("title", "\"IMG_1.JPEG\""), {}).title == "IMG_1.JPEG");
  CHECK(flickr::photo_from_listing(edited("title", "\"scan.png\""), {}).title == "scan.png");
  CHECK(flickr::photo_from_listing(edited("title", "\"a.gif\""), {}).title == "a.gif.jpg");
}

TEST_CASE("geo in a nested object, and no geotag at all") {
  auto v = edited("latitude", "");
  v.get_object().erase("longitude");
  CHECK_FALSE(flickr::photo_from_listing(v, {}).location);
  v.get_object()["geo"] = json::parse(R"({"latitude":48.1,"longitude":11.5,"accuracy":11})");
  const auto img = flickr::photo_from_listing(v, {});
  REQUIRE(img.location);
  CHECK(img.location->latitude == 48.1);
  CHECK(img.location->accuracy == 11);
  // Latitude 0 alone is a real place (the equator).
  CHECK(flickr::photo_from_listing(edited("latitude", "0"), {}).location);
  auto zero = edited("latitude", "0");
  zero.get_object()["longitude"] = 0;
  CHECK_FALSE(flickr::photo_from_listing(zero, {}).location);
  CHECK_FALSE(flickr::photo_from_listing(edited("latitude", "\"95\""), {}).location);
}

TEST_CASE("the photoset's owner stands in for photos that carry none") {
  auto v = edited("owner", "");
  v.get_object()["ownername"] = "Listing Name";
  const auto img = flickr::photo_from_listing(v, flickr::Owner{"999@N01", "", "alias9"});
  CHECK(img.creator.id == "999@N01");
  CHECK(img.creator.username == "Listing Name");
  CHECK(img.urls.url == "https://www.flickr.com/photos/alias9/5100000001");
  // A plain owner string (people.getPublicPhotos) with pathalias.
  auto w = edited("owner", "\"555@N02\"");
  w.get_object()["pathalias"] = "five";
  const auto img2 = flickr::photo_from_listing(w, {});
  CHECK(img2.creator.id == "555@N02");
  CHECK(img2.creator.username == "Unknown");
  CHECK(img2.creator.profile_url == "https://www.flickr.com/people/five/");
}

TEST_CASE("an unknown date taken falls back to the upload date; neither is an error") {
  const auto img = flickr::photo_from_listing(edited("datetaken", "\"0000-00-00 00:00:00\""), {});
  CHECK(format_utc_offset(img.taken) == "2015-08-01T19:45:12+00:00");
  auto v = edited("datetaken", "");
  v.get_object().erase("dateupload");
  CHECK_THROWS_AS(flickr::photo_from_listing(v, {}), Error);
}

TEST_CASE("broken photos are refused with a permanent error") {
  CHECK_THROWS_AS(flickr::photo_from_listing(edited("id", ""), {}), Error);
  CHECK_THROWS_AS(flickr::photo_from_listing(edited("id", "\"12ab\""), {}), Error);
  CHECK_THROWS_AS(flickr::photo_from_listing(edited("owner", ""), {}), Error);
  CHECK_THROWS_AS(flickr::photo_from_listing(json::parse("[]"), {}), Error);
  // Wrong types are read as absent, not crashed on.
  const auto img = flickr::photo_from_listing(edited("tags", "[1,2]"), {});
  CHECK(img.tags.empty());
  CHECK(flickr::photo_from_listing(edited("width_o", "\"huge\""), {}).width == 1024);
}

TEST_CASE("getInfo and getSizes together give fresh metadata") {
  const auto info = json::parse(R"({"id":"51","license":"5","media":"photo",
    "owner":{"nsid":"1@N01","username":"u","realname":"R","path_alias":""},
    "title":{"_content":"Bridge"},"description":{"_content":""},
    "dates":{"posted":"1438458312","taken":"2015-08-01 19:45:12"},
    "location":{"latitude":"10.5","longitude":"20.25","accuracy":"14"},
    "tags":{"tag":[{"raw":"Old Bridge","_content":"oldbridge"},{"_content":"river"}]}})");
  auto img = flickr::photo_from_info(info);
  CHECK(img.title == "Bridge.jpg");
  CHECK(img.license == "5");
  CHECK_FALSE(img.description);
  CHECK(img.tags == std::vector<std::string>{"oldbridge", "river"});
  CHECK(img.creator.profile_url == "https://www.flickr.com/people/1@N01/");
  CHECK(img.location->latitude == 10.5);
  const auto sizes = json::parse(R"({"sizes":{"size":[
    {"label":"Square","width":75,"height":75,"source":"https://s/sq.jpg"},
    {"label":"Large Square","width":"150","height":"150","source":"https://s/q.jpg"},
    {"label":"Large","width":"1024","height":"768","source":"https://s/l.jpg"},
    {"label":"Original","width":"4000","height":"3000","source":"https://s/o.jpg"}]},
    "stat":"ok"})");
  flickr::apply_sizes(img, sizes);
  CHECK(img.urls.original == "https://s/o.jpg");
  CHECK(img.urls.preview == "https://s/l.jpg");
  CHECK(img.urls.thumbnail == "https://s/q.jpg");
  CHECK(img.width == 4000);
  CHECK(img.height == 3000);

  // Without an Original size, the widest stands in.
  const auto no_original = json::parse(R"({"sizes":{"size":[
    {"label":"Small","width":240,"height":180,"source":"https://s/s.jpg"},
    {"label":"Large 2048","width":2048,"height":1536,"source":"https://s/k.jpg"}]}})");
  flickr::apply_sizes(img, no_original);
  CHECK(img.urls.original == "https://s/k.jpg");
  CHECK(img.urls.thumbnail == "https://s/s.jpg");
  CHECK_THROWS_AS(flickr::apply_sizes(img, json::parse(R"({"sizes":{}})")), Error);
  CHECK_THROWS_AS(flickr::apply_sizes(img, json::parse(R"({"sizes":{"size":[]}})")), Error);
}

TEST_CASE("stat fail envelopes map to error kinds") {
  const auto kind_of = [](std::string_view body) {
    try {
      flickr::check_stat(json::parse(body));
    } catch (const Error& e) {
      return e.kind();
    }
    FAIL("no error");
    return ErrorKind::permanent;
  };
  CHECK_NOTHROW(flickr::check_stat(json::parse(R"({"stat":"ok"})")));
  CHECK(kind_of(R"({"stat":"fail","code":1,"message":"Photoset not found"})") ==
        ErrorKind::not_found);
  CHECK(kind_of(R"({"stat":"fail","code":100,"message":"Invalid API Key"})") == ErrorKind::auth);
  CHECK(kind_of(R"({"stat":"fail","code":105,"message":"Service currently unavailable"})") ==
        ErrorKind::transient);
  CHECK(kind_of(R"({"stat":"fail","code":112,"message":"Method not found"})") ==
        ErrorKind::permanent);
  CHECK(kind_of(R"({"code":"x"})") == ErrorKind::permanent);
  try {
    flickr::check_stat(json::parse(R"({"stat":"fail","code":1,"message":"Photoset not found"})"));
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "Flickr API error 1: Photoset not found");
    CHECK(e.code() == "flickr_1");
  }
}

TEST_CASE("page counters accept numbers and strings") {
  auto p = flickr::page_of(
      json::parse(R"({"page":"2","pages":11,"perpage":500,"total":"5001"})").get_object());
  CHECK(p.page == 2);
  CHECK(p.pages == 11);
  CHECK(p.total == 5001);
  auto q = flickr::page_of(json::parse(R"({"pages":"x"})").get_object());
  CHECK(q.page == 1);
  CHECK(q.pages == 1);
}

TEST_CASE("Flickr licenses: free ones pass, others are refused by name") {
  for (int id : {4, 5, 7, 8, 9, 10, 11, 12}) {
    CAPTURE(id);
    CHECK(flickr_license(id)->free);
    CHECK_FALSE(flickr_license_refusal(std::to_string(id)));
  }
  for (int id : {0, 1, 2, 3, 6, 13, 14, 15, 16}) {
    CAPTURE(id);
    CHECK_FALSE(flickr_license(id)->free);
    const auto reason = flickr_license_refusal(std::to_string(id));
    REQUIRE(reason);
    CHECK(reason->starts_with("not freely licensed: "));
    CHECK(reason->find(flickr_license(id)->name) != std::string::npos);
  }
  CHECK(*flickr_license_refusal("0") ==
        "not freely licensed: All Rights Reserved (Flickr license 0)");
  CHECK(flickr_license_refusal("17")->find("unknown Flickr license '17'") != std::string::npos);
  CHECK(flickr_license_refusal("")->find("no Flickr license") != std::string::npos);
  CHECK(flickr_license_refusal("4 ")->find("unknown") != std::string::npos);
  CHECK(flickr_license_refusal("\x01\x02")
            ->find("'?"
                   "?'") != std::string::npos);
  CHECK_FALSE(flickr_license(-1));
  CHECK(flickr_license(12)->wikidata_item == "Q18199165");
}
