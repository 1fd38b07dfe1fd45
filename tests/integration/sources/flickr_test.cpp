#include <doctest/doctest.h>

#include <set>

#include "curator/core/error.hpp"
#include "curator/sources/flickr.hpp"
#include "curator/sources/flickr_license.hpp"
#include "source_fakes.hpp"

using namespace curator;
using namespace curator::sources;
using curator::test::SourceFakes;

namespace {

constexpr const char* kMixedAlbum =
    "https://www.flickr.com/photos/franfree/albums/72157600000000001";

FlickrOptions options_for(const SourceFakes& fakes, bool enrich = false) {
  const auto c = fakes.config();
  FlickrOptions o;
  o.api_url = c.flickr_api_url;
  o.api_key = c.flickr_api_key;
  o.contact_url = c.contact_url;
  o.retry = test::quick_retries();
  // A private budget per test: the process-wide one would carry over.
  o.budget = std::make_shared<TokenBucket>(1000, 1000);
  if (enrich) {
    GeocoderOptions g;
    g.url = c.geocoder_url;
    g.contact_url = c.contact_url;
    o.geocoder = std::make_shared<ReverseGeocoder>(g);
    ExistingFilesOptions e;
    e.wcqs_url = c.wcqs_url;
    e.contact_url = c.contact_url;
    o.existing = std::make_shared<ExistingFileFinder>(e);
  }
  return o;
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error thrown");
  return Error(ErrorKind::permanent, "");
}

}  // namespace

TEST_CASE("an album lists every photo; non-free ones carry a refusal naming the license") {
  SourceFakes fakes;
  FlickrSource source(options_for(fakes, true));
  const auto c = source.list_collection(source.parse_input(kMixedAlbum));
  CHECK(c.id == "72157600000000001");
  REQUIRE(c.images.size() == 18);
  CHECK(c.missing.empty());
  std::size_t refused = 0;
  for (const auto& img : c.images) {
    CAPTURE(img.id);
    const auto license = flickr_license(img.license.value_or(""));
    REQUIRE(license);
    const auto it = c.refusals.find(img.id);
    if (license->free) {
      CHECK(it == c.refusals.end());
      CHECK_NOTHROW(source.ensure_uploadable(img));
    } else {
      ++refused;
      REQUIRE(it != c.refusals.end());
      CHECK(it->second.find("not freely licensed") != std::string::npos);
      CHECK(it->second.find(license->name) != std::string::npos);
      const auto e = error_of([&] { source.ensure_uploadable(img); });
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(e.code() == "not_uploadable");
      CHECK(std::string(e.what()).find(license->name) != std::string::npos);
    }
  }
  CHECK(refused == 9);  // ids 0-3, 6, 13-16

  const auto& first = c.images.front();  // taken first: license 0
  CHECK(first.id == "51000000001");
  CHECK(c.refusals.at(first.id) == "not freely licensed: All Rights Reserved (Flickr license 0)");
  CHECK(first.creator.id == "11111111@N01");
  CHECK(first.creator.username == "Fran Free");
  CHECK(first.creator.profile_url == "https://www.flickr.com/people/franfree/");
  CHECK(first.urls.url == "https://www.flickr.com/photos/franfree/51000000001");
  CHECK(first.urls.original.find("_o.jpg") != std::string::npos);
  CHECK(first.width == 1600);
  CHECK(first.tags == std::vector<std::string>{"street", "berlin"});
  REQUIRE(first.location);
  CHECK(first.location->city == "Berlin");
  CHECK(format_utc_offset(first.taken) == "2019-05-01T12:00:00+00:00");
  CHECK(first.description->find("Description of photo 51000000001.") == 0);
  // Photo 10 (license 9) has an empty title; 12 (license 11) keeps its extension.
  for (const auto& img : c.images) {
    if (img.id == "51000000010")
      CHECK(img.title == "Photo from Flickr 2019-05-01 (51000000010).jpg");
    if (img.id == "51000000012") CHECK(img.title == "IMG_0042.JPG");
    if (img.id == "51000000002") CHECK_FALSE(img.location);
    if (img.id == "51000000005") {
      REQUIRE(img.existing.size() == 1);
      CHECK(img.existing[0].url == "https://commons.wikimedia.org/entity/M400005");
    }
  }
  // One call for one page, and the API key was sent but never logged.
  const auto calls = fakes.requests("/flickr/");
  REQUIRE(calls.size() == 1);
  CHECK(test::logged_param(calls[0], "method") == "flickr.photosets.getPhotos");
  CHECK(test::logged_param(calls[0], "api_key") == "***");
  CHECK(calls[0].as_object().at("auth").as_string() == "ok");
}

TEST_CASE("a big album is read page by page, pages in parallel, within the budget") {
  SourceFakes fakes;
  auto o = options_for(fakes);
  o.budget = std::make_shared<TokenBucket>(100, 0.001);
  FlickrSource source(o);
  // Page 2's answer is slow, so page 3's request overlaps it even when the
  // client starts its second request late (ASan, a loaded machine).
  fakes.add_fault(
      R"({"path_prefix":"/flickr/","query_contains":"page=","delay_ms":1000,"skip":1})");
  const auto c = source.list_collection(parse_flickr_input("72157600000000002"));
  CHECK(c.images.size() == 1234);  // the private photo is not listed
  const auto calls = fakes.requests("/flickr/");
  REQUIRE(calls.size() == 3);
  std::set<std::string> pages;
  for (const auto& r : calls) {
    CHECK(test::logged_param(r, "per_page") == "500");
    pages.insert(test::logged_param(r, "page"));
  }
  CHECK(pages == std::set<std::string>{"1", "2", "3"});
  CHECK(fakes.max_in_flight("flickr") == 2);  // pages 2 and 3 together
  CHECK(source.requests_sent() == 3);
  CHECK(o.budget->available() == doctest::Approx(97).epsilon(0.01));
  // Refusals follow the licenses (one in 13 is All Rights Reserved, …).
  CHECK(c.refusals.size() > 400);
  CHECK(c.refusals.size() < 600);

  o.max_photos = 600;
  FlickrSource capped(o);
  const auto part = capped.list_collection(parse_flickr_input("72157600000000002"));
  CHECK(part.images.size() == 1000);
  REQUIRE(part.warnings.size() == 1);
  CHECK(part.warnings[0].find("only the first 1000 of 1234") != std::string::npos);
}

TEST_CASE("an exhausted budget refuses the call instead of sending it") {
  SourceFakes fakes;
  auto o = options_for(fakes);
  o.budget = std::make_shared<TokenBucket>(1, 0.001);
  o.max_budget_wait = std::chrono::seconds(1);
  FlickrSource source(o);
  CHECK(source.list_ids(parse_flickr_input("72157600000000003")).size() == 3);
  const auto e = error_of([&] { source.list_ids(parse_flickr_input("72157600000000003")); });
  CHECK(e.kind() == ErrorKind::rate_limited);
  REQUIRE(e.retry_after());
  CHECK(e.retry_after()->count() > 60);
  CHECK(fakes.requests("/flickr/").size() == 1);
}

TEST_CASE("photostreams by path alias or NSID, and single photos") {
  SourceFakes fakes;
  FlickrSource source(options_for(fakes));
  const auto by_alias =
      source.list_collection(parse_flickr_input("https://www.flickr.com/photos/franfree/"));
  CHECK(by_alias.id == "11111111@N01");
  CHECK(by_alias.images.size() == 18);
  CHECK(test::logged_param(fakes.requests("/flickr/")[0], "method") == "flickr.urls.lookupUser");
  const auto by_nsid = source.list_ids(parse_flickr_input("11111111@N01"));
  CHECK(by_nsid.size() == 18);

  fakes.reset_log();
  const auto one = source.list_collection(parse_flickr_input(
      "https://www.flickr.com/photos/franfree/51000000005/in/album-72157600000000001/"));
  CHECK(one.id == "51000000005");
  REQUIRE(one.images.size() == 1);
  CHECK(one.images[0].title == "Photo 51000000005.jpg");
  CHECK(one.images[0].license == "4");
  CHECK(one.images[0].urls.original.find("_o.jpg") != std::string::npos);
  CHECK(fakes.requests("/flickr/").size() == 2);  // getInfo + getSizes

  // Without a downloadable original, the largest size stands in.
  const auto fresh = source.fetch_image("51000000018");
  CHECK(fresh.urls.original.find("_o.jpg") == std::string::npos);
  CHECK(fresh.width == 1024);
  const auto e = error_of([&] {
    source.list_collection(parse_flickr_input("https://www.flickr.com/photos/nobody-here/"));
  });
  CHECK(e.kind() == ErrorKind::not_found);
}

TEST_CASE("videos are listed with a refusal and cannot be fetched for upload") {
  SourceFakes fakes;
  FlickrSource source(options_for(fakes));
  const auto c = source.list_collection(parse_flickr_input("72157600000000003"));
  REQUIRE(c.images.size() == 3);
  REQUIRE(c.refusals.count("53000000002") == 1);
  CHECK(c.refusals.at("53000000002").find("video") != std::string::npos);
  const auto e = error_of([&] { source.fetch_image("53000000002"); });
  CHECK(e.kind() == ErrorKind::invalid_input);
  CHECK(source.fetch_batch({"53000000001", "53000000002", "59999999999"})
            .missing.count("59999999999") == 1);
}

TEST_CASE("Flickr errors: bad key, unknown album, 5xx and stat 105 retried") {
  SourceFakes fakes;
  auto o = options_for(fakes);
  o.api_key = "0123456789abcdef0123456789abcdef";
  FlickrSource bad_key(o);
  auto e = error_of([&] { bad_key.list_ids(parse_flickr_input("72157600000000003")); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(std::string(e.what()) == "Flickr API error 100: Invalid API Key (Key not found)");
  CHECK(fakes.requests("/flickr/").size() == 1);

  FlickrSource source(options_for(fakes));
  e = error_of([&] { source.list_collection(parse_flickr_input("72157699999999999")); });
  CHECK(e.kind() == ErrorKind::not_found);
  CHECK(std::string(e.what()).find("Photoset not found") != std::string::npos);

  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/flickr/","status":502,"count":1})");
  fakes.add_fault(
      R"({"path_prefix":"/flickr/","count":1,"body":"{\"stat\":\"fail\",\"code\":105,\"message\":\"Service currently unavailable\"}","content_type":"application/json"})");
  CHECK(source.list_ids(parse_flickr_input("72157600000000003")).size() == 3);
  CHECK(fakes.requests("/flickr/").size() == 3);

  fakes.add_fault(R"({"path_prefix":"/flickr/","status":500})");
  e = error_of([&] { source.fetch_image("51000000005"); });
  CHECK(e.kind() == ErrorKind::transient);
  fakes.clear_faults();
  fakes.add_fault(
      R"({"path_prefix":"/flickr/","body":"<html>oops</html>","content_type":"text/html"})");
  e = error_of([&] { source.fetch_image("51000000005"); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(std::string(e.what()).find("other than JSON") != std::string::npos);
}

TEST_CASE("upstream shapes (nested owner and geo) read the same") {
  SourceFakes fakes({"--flickr-upstream-shapes"});
  fakes.set_config(R"({"flickr_string_numbers":true})");
  FlickrSource source(options_for(fakes));
  const auto c = source.list_collection(parse_flickr_input(kMixedAlbum));
  REQUIRE(c.images.size() == 18);
  CHECK(c.images[0].creator.username == "Fran Free");
  CHECK(c.images[0].location->latitude == doctest::Approx(52.5));
}
