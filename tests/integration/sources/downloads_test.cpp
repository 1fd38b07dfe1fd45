// The faults issue 6 lists, where the sources module meets them: download
// URLs that expired (the CDN answers 403, the remedy is fresh metadata from
// fetch_image), 5xx, 429 with Retry-After, slow answers and truncated bodies,
// on the CDNs (through http::download_to_temp_file, as the pipeline
// downloads) and on the Flickr API (Mapillary's are in mapillary_test.cpp).
#include <doctest/doctest.h>

#include "curator/core/error.hpp"
#include "curator/http/download.hpp"
#include "curator/sources/flickr.hpp"
#include "curator/sources/mapillary.hpp"
#include "source_fakes.hpp"
#include "test_support.hpp"

using namespace curator;
using namespace curator::sources;
using curator::test::SourceFakes;

namespace {

constexpr const char* kImage = "1000000000000001";
constexpr const char* kPhoto = "51000000005";

MapillarySource mapillary(const SourceFakes& fakes) {
  const auto c = fakes.config();
  MapillaryOptions o;
  o.api_url = c.mapillary_api_url;
  o.token = c.mapillary_token;
  o.contact_url = c.contact_url;
  o.retry = test::quick_retries();
  return MapillarySource(o);
}

FlickrOptions flickr_options(const SourceFakes& fakes) {
  const auto c = fakes.config();
  FlickrOptions o;
  o.api_url = c.flickr_api_url;
  o.api_key = c.flickr_api_key;
  o.contact_url = c.contact_url;
  o.retry = test::quick_retries();
  o.budget = std::make_shared<TokenBucket>(1000, 1000);
  return o;
}

http::Client cdn_client(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  http::ClientOptions o;
  o.user_agent.contact = "https://example.org/curator-tests";
  o.total_timeout = timeout;
  return http::Client(o);
}

http::DownloadOptions download_options(int attempts = 3) {
  http::DownloadOptions o;
  o.retry = test::quick_retries(attempts);
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

std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("an expired CDN URL is a 403, not retried; fresh metadata downloads") {
  SourceFakes fakes;
  test::TempDir dir;
  auto source = mapillary(fakes);
  auto client = cdn_client();

  // A listing made long ago: its signed URLs have expired by download time.
  fakes.set_config(R"({"cdn_url_ttl":-60})");
  const auto listed = source.list_collection(parse_mapillary_input("seq-small"));
  REQUIRE(listed.images.size() == 3);
  const auto stale = listed.images[0].urls.original;
  REQUIRE(stale.find("oe=") != std::string::npos);
  fakes.reset_log();
  const auto e =
      error_of([&] { http::download_to_temp_file(client, stale, dir.path(), download_options()); });
  CHECK(e.kind() == ErrorKind::permanent);
  CHECK(std::string(e.what()).find("403") != std::string::npos);
  const auto cdn = fakes.requests("/mapillary-cdn/");
  REQUIRE(cdn.size() == 1);  // a 4xx is not retried
  CHECK(test::logged_status(cdn[0]) == 403);
  CHECK(files_in(dir.path()) == 0);  // nothing left behind

  // What the pipeline does right before a download: ask for fresh metadata.
  fakes.set_config(R"({"cdn_url_ttl":3600})");
  const auto fresh = source.fetch_image(kImage);
  CHECK(fresh.urls.original != stale);
  const auto file =
      http::download_to_temp_file(client, fresh.urls.original, dir.path(), download_options());
  CHECK(file.size > 0);
  CHECK(file.content_type == "image/jpeg");
  CHECK(file.attempts == 1);
  CHECK(http::sha1_file_hex(file.file.path()) == file.sha1_hex);

  // A URL whose signature was tampered with is refused the same way.
  auto forged = fresh.urls.original;
  forged.insert(forged.find("oh=00_") + 6, "0");
  CHECK(error_of([&] {
          http::download_to_temp_file(client, forged, dir.path(), download_options());
        }).kind() == ErrorKind::permanent);
}

TEST_CASE("CDN downloads: truncated bodies, resets and 5xx are retried to the right bytes") {
  SourceFakes fakes;
  test::TempDir dir;
  FlickrSource source(flickr_options(fakes));
  auto client = cdn_client();
  const auto url = source.fetch_image(kPhoto).urls.original;
  REQUIRE(url.find("/flickr-cdn/") != std::string::npos);
  const auto clean = http::download_to_temp_file(client, url, dir.path(), download_options());

  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/flickr-cdn/","truncate_body":true,"count":1})");
  fakes.add_fault(R"({"path_prefix":"/flickr-cdn/","reset":"mid_body","count":1})");
  fakes.add_fault(R"({"path_prefix":"/flickr-cdn/","status":503,"count":1})");
  const auto file = http::download_to_temp_file(client, url, dir.path(), download_options(4));
  CHECK(file.attempts == 4);
  CHECK(file.sha1_hex == clean.sha1_hex);
  CHECK(file.size == clean.size);
  CHECK(fakes.requests("/flickr-cdn/").size() == 4);

  // Lasting truncation: a typed error once the retries ran out, no file left.
  const auto kept = files_in(dir.path());  // the two good downloads
  fakes.add_fault(R"({"path_prefix":"/flickr-cdn/","truncate_body":true})");
  const auto e =
      error_of([&] { http::download_to_temp_file(client, url, dir.path(), download_options(2)); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(files_in(dir.path()) == kept);
}

TEST_CASE("CDN downloads: a 429 waits for its Retry-After; a slow CDN times out") {
  SourceFakes fakes;
  test::TempDir dir;
  auto source = mapillary(fakes);
  const auto url = source.fetch_image(kImage).urls.original;
  auto client = cdn_client();

  fakes.add_fault(
      R"({"path_prefix":"/mapillary-cdn/","rate_limit":true,"retry_after":1,"count":1})");
  const auto started = std::chrono::steady_clock::now();
  const auto file = http::download_to_temp_file(client, url, dir.path(), download_options());
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
  CHECK(file.attempts == 2);

  fakes.add_fault(R"({"path_prefix":"/mapillary-cdn/","rate_limit":true,"retry_after":1})");
  CHECK(error_of([&] {
          http::download_to_temp_file(client, url, dir.path(), download_options(2));
        }).kind() == ErrorKind::rate_limited);

  fakes.clear_faults();
  fakes.reset_log();
  fakes.add_fault(R"({"path_prefix":"/mapillary-cdn/","delay_ms":1500})");
  const auto kept = files_in(dir.path());
  auto impatient = cdn_client(std::chrono::milliseconds(300));
  const auto e = error_of(
      [&] { http::download_to_temp_file(impatient, url, dir.path(), download_options(2)); });
  CHECK(e.kind() == ErrorKind::transient);
  CHECK(fakes.requests("/mapillary-cdn/").size() == 2);
  CHECK(files_in(dir.path()) == kept);
}

TEST_CASE("Flickr API: 429 with Retry-After, truncated bodies and slow answers") {
  SourceFakes fakes;
  FlickrSource source(flickr_options(fakes));
  fakes.add_fault(R"({"path_prefix":"/flickr/","rate_limit":true,"retry_after":1,"count":1})");
  fakes.add_fault(R"({"path_prefix":"/flickr/","truncate_body":true,"count":1})");
  const auto started = std::chrono::steady_clock::now();
  CHECK(source.fetch_image(kPhoto).id == kPhoto);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
  const auto log = fakes.requests("/flickr/");
  REQUIRE(log.size() == 4);  // getInfo: 429, truncated, 200; getSizes: 200
  CHECK(test::logged_status(log[0]) == 429);
  CHECK(test::logged_param(log[3], "method") == "flickr.photos.getSizes");
  CHECK(source.requests_sent() == 4);

  // A 429 that lasts: rate_limited, with the server's Retry-After.
  fakes.add_fault(R"({"path_prefix":"/flickr/","rate_limit":true,"retry_after":1})");
  auto e = error_of([&] { source.fetch_image(kPhoto); });
  CHECK(e.kind() == ErrorKind::rate_limited);
  REQUIRE(e.retry_after());
  CHECK(e.retry_after()->count() == 1);

  fakes.clear_faults();
  fakes.add_fault(R"({"path_prefix":"/flickr/","delay_ms":1500})");
  auto o = flickr_options(fakes);
  o.timeout = std::chrono::milliseconds(300);
  FlickrSource impatient(o);
  e = error_of([&] { impatient.list_ids(parse_flickr_input("72157600000000003")); });
  CHECK(e.kind() == ErrorKind::transient);
}
