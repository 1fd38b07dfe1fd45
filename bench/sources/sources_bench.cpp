// Listing a 5,000-image Mapillary sequence from the fake Graph API
// (tests/fakes/source_fakes.py): wall time and the requests it took, for
// several concurrency limits, without and with enrichment (geocoder, WCQS),
// and with 50 ms of added latency per Graph request (the fake alone answers
// in about a millisecond, which hides what concurrency buys on a real API).
// Then the 2,000-photo Flickr album 72157600000000004 the same ways, with
// the calls it took from the Flickr budget (3,600 an hour, burst 60; a
// fresh bucket per run, as after an idle hour).
//
//   sources_bench [path/to/source_fakes.py] [runs] [mapillary|flickr|all]
//
// Prints one line per configuration; the fake runs on this machine, so the
// numbers measure libcurator's own work plus loopback HTTP, not Mapillary.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#ifndef CURATOR_SOURCE_DIR
#define CURATOR_SOURCE_DIR "."
#endif
#include "../../tests/integration/sources/source_fakes.hpp"
#include "curator/core/log.hpp"
#include "curator/sources/flickr.hpp"
#include "curator/sources/mapillary.hpp"

using namespace curator;
using namespace curator::sources;

namespace {

struct Run {
  double seconds = 0;
  std::size_t images = 0;
  std::size_t graph_requests = 0;
  std::size_t geocoder_requests = 0;
  std::size_t wcqs_requests = 0;
  long long max_in_flight = 0;
};

Run list_once(test::SourceFakes& fakes, int concurrency, bool enrich, int latency_ms) {
  const auto c = fakes.config();
  MapillaryOptions o;
  o.api_url = c.mapillary_api_url;
  o.token = c.mapillary_token;
  o.contact_url = c.contact_url;
  o.concurrency = concurrency;
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
  MapillarySource source(o);
  fakes.clear_faults();
  if (latency_ms > 0) {
    fakes.add_fault(R"({"path_prefix":"/mapillary/","delay_ms":)" + std::to_string(latency_ms) +
                    "}");
  }
  fakes.reset_log();
  const auto start = std::chrono::steady_clock::now();
  const auto collection = source.list_collection(parse_mapillary_input("seq-5000"));
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.images = collection.images.size();
  r.graph_requests = fakes.requests("/mapillary/").size();
  r.geocoder_requests = fakes.requests("/geocoder/").size();
  r.wcqs_requests = fakes.requests("/wcqs/").size();
  r.max_in_flight = fakes.max_in_flight("mapillary");
  return r;
}

struct AlbumRun {
  double seconds = 0;
  std::size_t photos = 0;
  std::size_t refused = 0;
  std::size_t flickr_calls = 0;
  std::size_t geocoder_requests = 0;
  std::size_t wcqs_requests = 0;
  double budget_left = 0;
};

AlbumRun list_album_once(test::SourceFakes& fakes, int concurrency, bool enrich, int latency_ms) {
  const auto c = fakes.config();
  FlickrOptions o;
  o.api_url = c.flickr_api_url;
  o.api_key = c.flickr_api_key;
  o.contact_url = c.contact_url;
  o.concurrency = concurrency;
  o.budget = TokenBucket::for_budget(3600, std::chrono::hours(1), 60);
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
  FlickrSource source(o);
  fakes.clear_faults();
  if (latency_ms > 0) {
    fakes.add_fault(R"({"path_prefix":"/flickr/","delay_ms":)" + std::to_string(latency_ms) + "}");
  }
  fakes.reset_log();
  const auto start = std::chrono::steady_clock::now();
  const auto album = source.list_collection(
      parse_flickr_input("https://www.flickr.com/photos/tesstravels/albums/72157600000000004"));
  AlbumRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.photos = album.images.size();
  r.refused = album.refusals.size();
  r.flickr_calls = fakes.requests("/flickr/").size();
  r.geocoder_requests = fakes.requests("/geocoder/").size();
  r.wcqs_requests = fakes.requests("/wcqs/").size();
  r.budget_left = o.budget->available();
  return r;
}

void bench_mapillary(test::SourceFakes& fakes, int runs) {
  std::printf("%-32s %8s %8s %8s %8s %6s %9s\n", "configuration", "median_s", "images", "graph",
              "geocoder", "wcqs", "inflight");
  struct Config {
    bool enrich;
    int latency_ms;
  };
  for (const auto& cfg : {Config{false, 0}, Config{true, 0}, Config{false, 50}}) {
    for (const int concurrency : {1, 4, 8}) {
      const bool enrich = cfg.enrich;
      std::vector<Run> results;
      for (int i = 0; i < runs; ++i)
        results.push_back(list_once(fakes, concurrency, enrich, cfg.latency_ms));
      std::sort(results.begin(), results.end(),
                [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
      const auto& m = results[results.size() / 2];
      const std::string name = std::string(enrich ? "enriched" : "metadata") +
                               (cfg.latency_ms > 0 ? "+50ms" : "") + ", concurrency " +
                               std::to_string(concurrency);
      std::printf("%-32s %8.3f %8zu %8zu %8zu %6zu %9lld\n", name.c_str(), m.seconds, m.images,
                  m.graph_requests, m.geocoder_requests, m.wcqs_requests, m.max_in_flight);
    }
  }
}

void bench_flickr(test::SourceFakes& fakes, int runs) {
  std::printf("%-32s %8s %8s %8s %8s %8s %6s %8s\n", "flickr album (2,000 photos)", "median_s",
              "photos", "refused", "calls", "geocoder", "wcqs", "left");
  struct Config {
    bool enrich;
    int latency_ms;
  };
  for (const auto& cfg : {Config{false, 0}, Config{true, 0}, Config{false, 200}}) {
    for (const int concurrency : {1, 4}) {
      std::vector<AlbumRun> results;
      for (int i = 0; i < runs; ++i)
        results.push_back(list_album_once(fakes, concurrency, cfg.enrich, cfg.latency_ms));
      std::sort(results.begin(), results.end(),
                [](const AlbumRun& a, const AlbumRun& b) { return a.seconds < b.seconds; });
      const auto& m = results[results.size() / 2];
      const std::string name = std::string(cfg.enrich ? "enriched" : "metadata") +
                               (cfg.latency_ms > 0 ? "+200ms" : "") + ", concurrency " +
                               std::to_string(concurrency);
      // "left": tokens still in the bucket at the end (it starts with the
      // burst of 60 and refills about one a second).
      std::printf("%-32s %8.3f %8zu %8zu %8zu %8zu %6zu %5.1f/60\n", name.c_str(), m.seconds,
                  m.photos, m.refused, m.flickr_calls, m.geocoder_requests, m.wcqs_requests,
                  m.budget_left);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && *argv[1] != '\0') ::setenv("CURATOR_SOURCE_FAKES", argv[1], 1);
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const std::string which = argc > 3 ? argv[3] : "all";
  log::configure(log::Level::error, log::Format::text);
  test::SourceFakes fakes;
  if (which == "all" || which == "mapillary") bench_mapillary(fakes, runs);
  if (which == "all" || which == "flickr") bench_flickr(fakes, runs);
  return 0;
}
