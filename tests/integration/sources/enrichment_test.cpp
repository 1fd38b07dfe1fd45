#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/sources/existing_files.hpp"
#include "curator/sources/geocoder.hpp"
#include "source_fakes.hpp"

using namespace curator;
using namespace curator::sources;
using curator::test::SourceFakes;

namespace {

GeocoderOptions geocoder_for(const SourceFakes& fakes) {
  GeocoderOptions g;
  g.url = fakes.config().geocoder_url;
  g.contact_url = "https://example.org/tests";
  g.retry = test::quick_retries(2);
  return g;
}

ExistingFilesOptions finder_for(const SourceFakes& fakes) {
  ExistingFilesOptions e;
  e.wcqs_url = fakes.config().wcqs_url;
  e.contact_url = "https://example.org/tests";
  e.retry = test::quick_retries(2);
  return e;
}

MediaImage at(double lat, double lon) {
  MediaImage m;
  m.location = GeoLocation{};
  m.location->latitude = lat;
  m.location->longitude = lon;
  return m;
}

}  // namespace

TEST_CASE("lookups are cached, 'unable to geocode' included") {
  SourceFakes fakes;
  ReverseGeocoder geocoder(geocoder_for(fakes));
  const auto berlin = geocoder.lookup(52.52, 13.405);
  REQUIRE(berlin);
  CHECK(berlin->city == "Berlin");
  const auto belzig = geocoder.lookup(52.14, 12.59);
  REQUIRE(belzig);
  CHECK(belzig->city == "Bad Belzig");      // a town
  CHECK_FALSE(geocoder.lookup(54.5, 4.0));  // North Sea
  CHECK(geocoder.lookup(52.52, 13.405) == berlin);
  CHECK_FALSE(geocoder.lookup(54.5, 4.0));
  CHECK(fakes.requests("/geocoder/").size() == 3);
  const auto q = fakes.requests("/geocoder/")[0];
  CHECK(test::logged_param(q, "format") == "jsonv2");
  CHECK(test::logged_param(q, "zoom") == "18");
  CHECK(geocoder.totals().cache_hits == 2);
}

TEST_CASE("enrich keeps to the concurrency limit and survives failures") {
  SourceFakes fakes;
  auto options = geocoder_for(fakes);
  options.concurrency = 3;
  ReverseGeocoder geocoder(options);
  std::vector<MediaImage> images;
  for (int i = 0; i < 40; ++i)
    images.push_back(at(10 + i * 0.5, 20));
  images.push_back(MediaImage{});  // no location
  images.push_back(at(0, 5));      // unknown position
  // The first matching rule wins: the failing point before the general delay.
  fakes.add_fault(R"({"path_prefix":"/geocoder/","query_contains":"lat=12.0000","status":503})");
  fakes.add_fault(R"({"path_prefix":"/geocoder/","delay_ms":50})");
  const auto stats = geocoder.enrich(images);
  CHECK(stats.skipped == 2);
  CHECK(stats.failures == 1);
  CHECK(fakes.max_in_flight("geocoder") == 3);
  std::size_t with_country = 0;
  for (const auto& img : images)
    if (img.location && img.location->country) ++with_country;
  CHECK(with_country == 39);
  CHECK_FALSE(images[4].location->country);  // 12.0, the failing one

  fakes.clear_faults();
  fakes.add_fault(R"({"path_prefix":"/geocoder/","reset":true})");
  auto more = std::vector<MediaImage>{at(30.5, 20.5)};
  CHECK_NOTHROW(geocoder.enrich(more));
  CHECK_FALSE(more[0].location->country);
}

TEST_CASE("WCQS: batches, the session-cookie login dance, rate limits") {
  SourceFakes fakes({"--wcqs-oauth", "good-token"});
  auto options = finder_for(fakes);
  options.oauth_token = "good-token";
  options.ids_per_query = 2;
  options.concurrency = 1;  // one login dance, then the session cookie
  ExistingFileFinder finder(options);
  const auto found = finder.by_source_ids(
      kMapillaryPhotoId,
      {"1000000000000001", "1000000000000002", "1000000000000003", "3000000000000004"});
  CHECK(found.size() == 3);
  CHECK(found.at("1000000000000002").size() == 2);
  CHECK(found.at("3000000000000004")[0].url == "https://commons.wikimedia.org/entity/M300004");
  // First query: 307 to the login check, which sets wcqsSession and sends it
  // back; later queries carry the session and go straight through.
  const auto log = fakes.requests("/wcqs/");
  REQUIRE(log.size() == 4);
  CHECK(test::logged_status(log[0]) == 307);
  CHECK(log[1].as_object().at("path").as_string() == "/wcqs/oauth/check_login");
  CHECK(test::logged_status(log[2]) == 200);
  CHECK(test::logged_status(log[3]) == 200);
  CHECK(log[3].as_object().at("headers").as_object().at("Cookie").as_string() ==
        "wcqsOauth=***; wcqsSession=***");

  options.oauth_token = "wrong";
  ExistingFileFinder refused(options);
  try {
    refused.by_source_ids(kFlickrPhotoId, {"51000000005"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::auth);
  }

  fakes.add_fault(R"({"path_prefix":"/wcqs/sparql","rate_limit":true,"retry_after":30})");
  try {
    finder.by_source_ids(kFlickrPhotoId, {"51000000005"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::rate_limited);
    CHECK(e.retry_after() == std::chrono::seconds(30));
  }
  // Until the wait is over, calls fail at once without a request.
  fakes.clear_faults();
  fakes.reset_log();
  CHECK_THROWS_AS(finder.by_source_ids(kFlickrPhotoId, {"51000000005"}), Error);
  CHECK(fakes.requests("/wcqs/").empty());
}

TEST_CASE("WCQS answers that are not SPARQL JSON are refused") {
  SourceFakes fakes;
  ExistingFileFinder finder(finder_for(fakes));
  CHECK(finder.by_source_ids(kFlickrPhotoId, {"51000000005", "52000000010", "1"}).size() == 2);
  CHECK(finder.by_source_ids(kFlickrPhotoId, {}).empty());
  fakes.add_fault(
      R"({"path_prefix":"/wcqs/","body":"{\"x\":1}","content_type":"application/json"})");
  try {
    finder.by_source_ids(kFlickrPhotoId, {"51000000005"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::permanent);
  }
}

TEST_CASE("the SHA-1 fallback goes through the injected lookup") {
  SourceFakes fakes;
  auto options = finder_for(fakes);
  std::vector<std::string> asked;
  options.sha1_lookup = [&](std::string_view sha1) {
    asked.emplace_back(sha1);
    return std::vector<std::string>{"File:A b.jpg", "C (d).jpg", "A b.jpg"};
  };
  ExistingFileFinder finder(options);
  const auto files = finder.by_sha1("0123456789ABCDEF0123456789abcdef01234567");
  REQUIRE(files.size() == 2);
  CHECK(files[0].url == "https://commons.wikimedia.org/wiki/File:A_b.jpg");
  CHECK(files[1].url == "https://commons.wikimedia.org/wiki/File:C_(d).jpg");
  REQUIRE(asked.size() == 1);
  CHECK(asked[0] == "0123456789abcdef0123456789abcdef01234567");
  CHECK_THROWS_AS(finder.by_sha1("xyz"), Error);
  CHECK_THROWS_AS(finder.by_sha1(std::string(40, 'g')), Error);
  ExistingFileFinder without(finder_for(fakes));
  CHECK_THROWS_AS(without.by_sha1(std::string(40, 'a')), Error);
  CHECK(fakes.requests("/wcqs/").empty());
}
