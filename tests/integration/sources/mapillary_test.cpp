#include <doctest/doctest.h>

#include <set>

#include "curator/core/error.hpp"
#include "curator/sources/mapillary.hpp"
#include "curator/sources/registry.hpp"
#include "source_fakes.hpp"

using namespace curator;
using namespace curator::sources;
using curator::test::SourceFakes;

namespace {

MapillaryOptions options_for(const SourceFakes& fakes, bool enrich = true) {
  const auto c = fakes.config();
  MapillaryOptions o;
  o.api_url = c.mapillary_api_url;
  o.token = c.mapillary_token;
  o.contact_url = c.contact_url;
  o.retry = test::quick_retries();
  if (enrich) {
    GeocoderOptions g;
    g.url = c.geocoder_url;
    g.contact_url = c.contact_url;
    g.retry = test::quick_retries(2);
    o.geocoder = std::make_shared<ReverseGeocoder>(g);
    ExistingFilesOptions e;
    e.wcqs_url = c.wcqs_url;
    e.contact_url = c.contact_url;
    e.retry = test::quick_retries(2);
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

TEST_CASE("a small sequence is listed in capture order, geocoded, with existing files") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes));
  const auto c = source.list_collection(parse_mapillary_input("seq-small"));
  CHECK(c.id == "seq-small");
  REQUIRE(c.images.size() == 3);
  CHECK(c.images[0].id == "1000000000000001");
  CHECK(c.images[1].id == "1000000000000002");
  CHECK(c.images[2].id == "1000000000000003");
  CHECK(c.images[0].title == "Photo from Mapillary 2017-06-24 (1000000000000001).jpg");
  CHECK(format_utc_offset(c.images[0].taken) == "2017-06-24T10:11:12+00:00");
  CHECK(c.images[0].creator.username == "alice_mly");
  CHECK(c.images[0].location->compass_angle == 10.5);
  CHECK(c.images[0].location->city == "Berlin");
  CHECK(c.images[0].location->postcode == "10117");
  CHECK(c.images[0].location->country_code == "de");
  CHECK(c.images[0].camera.make == "Apple");
  CHECK(c.images[0].urls.original.find("/mapillary-cdn/1000000000000001.jpg") != std::string::npos);
  REQUIRE(c.images[0].existing.size() == 1);
  CHECK(c.images[0].existing[0].url == "https://commons.wikimedia.org/entity/M100001");
  CHECK(c.images[1].existing.size() == 2);
  CHECK(c.images[2].existing.empty());
  CHECK(c.warnings.empty());
  CHECK(c.missing.empty());
  CHECK(c.refusals.empty());

  // Every Graph request carried the token the way the issue asks.
  for (const auto& r : fakes.requests("/mapillary/")) {
    CHECK(r.as_object().at("headers").as_object().at("Authorization").as_string() == "OAuth ***");
    CHECK(r.as_object().at("auth").as_string() == "ok");
  }
  // The WCQS query was a POST with the ids as literals.
  const auto wcqs = fakes.requests("/wcqs/");
  REQUIRE(wcqs.size() == 1);
  CHECK(wcqs[0].as_object().at("method").as_string() == "POST");
}

TEST_CASE("image URLs with pKey and sequence URLs resolve to the sequence") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  const auto ref =
      source.parse_input("https://www.mapillary.com/app/?pKey=1000000000000002&focus=photo");
  const auto c = source.list_collection(ref);
  CHECK(c.id == "seq-small");
  CHECK(c.images.size() == 3);
  CHECK(source.list_ids(source.parse_input("https://www.mapillary.com/app/sequence/seq-small"))
            .size() == 3);
  // Explicit id lists skip the sequence entirely.
  const auto batch = source.fetch_batch({"1000000000000003", "1000000000000001", "999"});
  REQUIRE(batch.images.size() == 2);
  CHECK(batch.images[0].id == "1000000000000003");
  CHECK(batch.missing.count("999") == 1);
}

TEST_CASE("5,000 images: paged ids, batches of 100, bounded concurrency, capture order") {
  SourceFakes fakes;
  auto o = options_for(fakes);
  o.concurrency = 6;
  MapillarySource source(o);
  // The fake answers in about a millisecond under Python's GIL; a delay makes
  // overlapping requests visible in its in-flight count. It is long enough
  // that a slow client (ASan, a loaded machine) still overlaps its requests.
  fakes.add_fault(R"({"path_prefix":"/mapillary/","query_contains":"ids=","delay_ms":100})");
  fakes.add_fault(R"({"path_prefix":"/geocoder/","delay_ms":50})");
  std::size_t progress_calls = 0, last_done = 0;
  ListOptions lo;
  lo.on_progress = [&](std::size_t done, std::size_t total) {
    ++progress_calls;
    CHECK(total == 5000);
    CHECK(done >= last_done);
    last_done = done;
  };
  const auto c = source.list_collection(parse_mapillary_input("seq-5000"), lo);
  REQUIRE(c.images.size() == 5000);
  CHECK(last_done == 5000);
  CHECK(progress_calls == 50);
  for (std::size_t i = 1; i < c.images.size(); ++i) {
    REQUIRE(c.images[i - 1].taken < c.images[i].taken);
  }
  CHECK(c.images.front().id == "2000000000000001");
  CHECK(c.images.back().id == "2000000000005000");
  CHECK(c.images[999].existing.size() == 1);  // 2000000000001000 is on Commons
  CHECK(c.images[0].location->city == "Paris");
  CHECK(c.warnings.empty());

  const auto pages = fakes.requests("/mapillary/image_ids");
  CHECK(pages.size() == 3);  // limit 2000: 2000 + 2000 + 1000
  std::size_t batches = 0, ids = 0;
  for (const auto& r : fakes.requests("/mapillary/")) {
    const auto joined = test::logged_param(r, "ids");
    if (joined.empty()) continue;
    ++batches;
    const auto n = static_cast<std::size_t>(std::count(joined.begin(), joined.end(), ',')) + 1;
    CHECK(n <= 100);
    ids += n;
  }
  CHECK(batches == 50);
  CHECK(ids == 5000);
  CHECK(source.requests_sent() == 53);
  const auto in_flight = fakes.max_in_flight("mapillary");
  CHECK(in_flight <= 6);
  CHECK(in_flight >= 4);  // the batches did overlap
  // Neighbouring photos share a geocoder lookup (rounded to ~11 m).
  CHECK(fakes.requests("/geocoder/").size() < 1000);
  const auto geocoding = fakes.max_in_flight("geocoder");
  CHECK(geocoding <= 10);
  CHECK(geocoding >= 5);
}

TEST_CASE("5xx, 429 and connection resets are retried") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  fakes.add_fault(
      R"({"path_prefix":"/mapillary/","query_contains":"ids=","status":502,"count":1})");
  fakes.add_fault(
      R"({"path_prefix":"/mapillary/image_ids","rate_limit":true,"retry_after":1,"count":1})");
  const auto started = std::chrono::steady_clock::now();
  const auto c = source.list_collection(parse_mapillary_input("seq-small"));
  CHECK(c.images.size() == 3);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
  const auto log = fakes.requests("/mapillary/");
  REQUIRE(log.size() == 4);
  CHECK(test::logged_status(log[0]) == 429);
  CHECK(test::logged_status(log[1]) == 200);
  CHECK(test::logged_status(log[2]) == 502);
  CHECK(test::logged_status(log[3]) == 200);

  fakes.reset_log();
  auto o = options_for(fakes, false);
  o.retry = test::quick_retries(4);
  MapillarySource patient(o);
  fakes.add_fault(R"({"path_prefix":"/mapillary/","reset":"mid_body","count":1})");
  fakes.add_fault(R"({"path_prefix":"/mapillary/","reset":true,"count":1})");
  fakes.add_fault(R"({"path_prefix":"/mapillary/","truncate_body":true,"count":1})");
  CHECK(patient.fetch_image("1000000000000001").id == "1000000000000001");
  CHECK(fakes.requests("/mapillary/").size() == 4);
}

TEST_CASE("lasting 5xx and 429 end in typed transient errors after the retries") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  fakes.add_fault(R"({"path_prefix":"/mapillary/","status":503})");
  auto e = error_of([&] { source.fetch_image("1000000000000001"); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(fakes.requests("/mapillary/").size() == 3);

  fakes.clear_faults();
  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/mapillary/","rate_limit":true,"retry_after":0})");
  e = error_of([&] { source.list_ids(parse_mapillary_input("seq-small")); });
  CHECK(e.kind() == ErrorKind::rate_limited);
  CHECK(std::string(e.what()).find("Application request limit reached") != std::string::npos);
  CHECK(fakes.requests("/mapillary/").size() == 3);

  fakes.clear_faults();
  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/mapillary/","delay_ms":1500})");
  auto o = options_for(fakes, false);
  o.timeout = std::chrono::milliseconds(300);
  MapillarySource impatient(o);
  e = error_of([&] { impatient.fetch_image("1000000000000001"); });
  CHECK(e.kind() == ErrorKind::transient);
}

TEST_CASE("4xx are permanent, not retried, and carry the API's message") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  auto e = error_of([&] { source.fetch_image("9999999"); });
  CHECK(e.kind() == ErrorKind::not_found);
  CHECK(std::string(e.what()).find("Object with ID '9999999' does not exist") != std::string::npos);
  CHECK(fakes.requests("/mapillary/").size() == 1);

  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/mapillary/","status":400})");
  e = error_of([&] { source.list_collection(parse_mapillary_input("seq-small")); });
  CHECK(e.kind() == ErrorKind::permanent);
  CHECK(std::string(e.what()).find("(#400) Scripted error") != std::string::npos);
  CHECK(fakes.requests("/mapillary/").size() == 1);

  fakes.clear_faults();
  e = error_of([&] { source.list_collection(parse_mapillary_input("no-such-sequence")); });
  CHECK(e.kind() == ErrorKind::not_found);
  e = error_of([&] { source.fetch_image("12; DROP"); });
  CHECK(e.kind() == ErrorKind::invalid_input);
}

TEST_CASE("a wrong or missing token is an auth error, and is not retried") {
  SourceFakes fakes;
  auto o = options_for(fakes, false);
  o.token = "MLY|wrong";
  MapillarySource wrong(o);
  auto e = error_of([&] { wrong.list_collection(parse_mapillary_input("seq-small")); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(std::string(e.what()).find("Invalid OAuth access token") != std::string::npos);
  CHECK(fakes.requests("/mapillary/").size() == 1);

  o.token.clear();
  MapillarySource none(o);
  fakes.reset_log();
  e = error_of([&] { none.fetch_image("1000000000000001"); });
  CHECK(e.kind() == ErrorKind::auth);
  CHECK(fakes.requests("/mapillary/").empty());
}

TEST_CASE("geocoder and WCQS failures never fail the listing") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes));
  fakes.add_fault(R"({"path_prefix":"/geocoder/","status":500})");
  fakes.add_fault(R"({"path_prefix":"/wcqs/","status":502})");
  const auto c = source.list_collection(parse_mapillary_input("seq-small"));
  REQUIRE(c.images.size() == 3);
  CHECK_FALSE(c.images[0].location->city);
  CHECK(c.images[0].existing.empty());
  REQUIRE(c.warnings.size() == 2);
  CHECK(c.warnings[0].find("reverse geocoding failed") != std::string::npos);
  CHECK(c.warnings[1].find("existing files on Commons could not be checked") != std::string::npos);

  // A failed lookup is not cached: the next listing gets the address.
  fakes.clear_faults();
  const auto again = source.list_collection(parse_mapillary_input("seq-small"));
  CHECK(again.images[0].location->city == "Berlin");
  CHECK(again.warnings.empty());
}

TEST_CASE("records the mapper cannot read are reported, the others listed") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  const auto c = source.list_collection(parse_mapillary_input("seq-broken"));
  REQUIRE(c.images.size() == 1);
  CHECK(c.images[0].id == "4000000000000001");
  REQUIRE(c.missing.size() == 3);
  CHECK(c.missing.at("4000000000000002").find("geometry") != std::string::npos);
  CHECK(c.missing.at("4000000000000003").find("captured_at") != std::string::npos);
  CHECK(c.missing.at("4000000000000004").find("creator") != std::string::npos);
}

TEST_CASE("edge values: headings 0 and 360 dropped, 'none' cameras dropped, UTC dates") {
  SourceFakes fakes;
  MapillarySource source(options_for(fakes, false));
  const auto c = source.list_collection(parse_mapillary_input("seq-edge"));
  REQUIRE(c.images.size() == 7);
  CHECK(c.images[0].title == "Photo from Mapillary 2020-12-31 (3000000000000001).jpg");
  CHECK(c.images[0].camera.is_pano);
  CHECK(c.images[3].title == "Photo from Mapillary 2021-01-01 (3000000000000004).jpg");
  CHECK_FALSE(c.images[1].location->compass_angle);  // absent
  CHECK_FALSE(c.images[3].location->compass_angle);  // 0
  CHECK_FALSE(c.images[4].location->compass_angle);  // 360
  CHECK_FALSE(c.images[3].camera.make);
  CHECK_FALSE(c.images[3].camera.model);
  CHECK(c.images[2].creator.username == "Unknown");
  // Fresh metadata: a second fetch gives a newly signed download URL.
  const auto fresh = source.fetch_image("3000000000000001");
  CHECK(fresh.urls.original.find("oh=") != std::string::npos);
}

TEST_CASE("the registry builds a working Mapillary source from configuration") {
  SourceFakes fakes;
  auto registry = SourceRegistry::with_builtin_sources();
  auto context = SourceContext::from_config(fakes.config());
  context.retry = test::quick_retries();
  auto source = registry.create("mapillary", context);
  CHECK(source->name() == "mapillary");
  const auto ref = registry.parse("mapillary", "seq-small");
  const auto c = source->list_collection(ref);
  CHECK(c.images.size() == 3);
  CHECK(c.images[0].location->city == "Berlin");
  CHECK(source->find_existing({"1000000000000002", "1000000000000003"}).size() == 1);
  CHECK_NOTHROW(source->ensure_uploadable(c.images[0]));
}
