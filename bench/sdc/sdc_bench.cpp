// SDC throughput on one core: the duplicate-upload path for the production
// fixture (M176058819). One operation = parse the wbgetentities response
// text, merge the freshly built statements for the same photo into it, and
// serialize the merged statements (and the wbeditentity payload when the
// merge changed something). Prints operations per second.
//
// Usage: sdc_bench [path/to/production_sdc.json] [rounds per case]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/time.hpp"
#include "curator/sdc/builders.hpp"
#include "curator/sdc/codec.hpp"
#include "curator/sdc/merge.hpp"
#include "curator/sdc/payload.hpp"

namespace {

using namespace curator;

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

MediaImage fixture_image(const char* username) {
  MediaImage m;
  m.id = "168951548443095";
  m.taken = parse_utc("2017-06-24T10:11:12Z");
  m.creator.username = username;
  GeoLocation loc;
  loc.latitude = 50.343546;
  loc.longitude = 11.876726;
  loc.compass_angle = 109.45;
  m.location = loc;
  m.width = 5312;
  m.height = 2988;
  return m;
}

// Keeps the optimizer from dropping the work.
std::size_t g_sink = 0;

std::size_t one_operation(const std::string& text, const sdc::StructuredData& fresh) {
  auto lookup = sdc::parse_entities_response(json::parse(text, "wbgetentities response"));
  const auto merged = sdc::merge(std::move(lookup.entity), fresh);
  std::size_t bytes = sdc::statements_text(merged.statements).size();
  if (const auto payload = sdc::merge_payload_text(merged)) bytes += payload->size();
  return bytes + (merged.changed_anything() ? 1 : 0);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Rounds of ~0.25 s; the machine may be shared, so each round is timed by
// this thread's CPU time (time spent descheduled does not count) and the
// best and median rounds are reported, with the wall-clock rate beside them.
void run(const char* name, const std::string& text, const sdc::StructuredData& fresh, int rounds) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 200; ++i)
    g_sink += one_operation(text, fresh);  // warm up
  std::vector<double> rates;
  long total_ops = 0;
  double total_wall = 0;
  for (int r = 0; r < rounds; ++r) {
    long ops = 0;
    const double cpu_start = thread_cpu_seconds();
    const auto wall_start = Clock::now();
    double cpu = 0;
    do {
      for (int i = 0; i < 100; ++i)
        g_sink += one_operation(text, fresh);
      ops += 100;
      cpu = thread_cpu_seconds() - cpu_start;
    } while (cpu < 0.25);
    total_wall += std::chrono::duration<double>(Clock::now() - wall_start).count();
    total_ops += ops;
    rates.push_back(static_cast<double>(ops) / cpu);
  }
  std::sort(rates.begin(), rates.end());
  const double best = rates.back();
  const double median = rates[rates.size() / 2];
  std::printf("%-32s best %8.0f ops/s  median %8.0f ops/s  (%.1f us/op best; wall %.0f ops/s)\n",
              name, best, median, 1e6 / best, static_cast<double>(total_ops) / total_wall);
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "tests/fixtures/sdc/production_sdc.json";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 12;
  const auto text = read_file(path);
  if (text.empty()) {
    std::fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  std::printf("fixture %s (%zu bytes)\n", path, text.size());
  // Equal merge: the upload is a duplicate of the fixture's file, no edit.
  run("parse+merge+serialize (equal)", text,
      sdc::build_mapillary(fixture_image("b4sti4n"), {false, Label{"en", "Photo from Mapillary"}}),
      rounds);
  // Changing merge: new creator qualifiers and a caption, so a payload is built too.
  run("parse+merge+serialize (changed)", text,
      sdc::build_mapillary(fixture_image("someone-else"), {false, Label{"de", "Foto"}}), rounds);
  return g_sink == 0 ? 1 : 0;
}
