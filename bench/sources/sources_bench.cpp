// Listing a 5,000-image Mapillary sequence from the fake Graph API
// (tests/fakes/source_fakes.py): wall time and the requests it took, for
// several concurrency limits, without and with enrichment (geocoder, WCQS),
// and with 50 ms of added latency per Graph request (the fake alone answers
// in about a millisecond, which hides what concurrency buys on a real API).
//
//   sources_bench [path/to/source_fakes.py] [runs]
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

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) ::setenv("CURATOR_SOURCE_FAKES", argv[1], 1);
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  log::configure(log::Level::error, log::Format::text);
  test::SourceFakes fakes;
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
  return 0;
}
