// Chunked upload throughput to the test MediaWiki (scripts/test-services.sh)
// and the client's peak memory. Each run uploads a new PNG (different bytes,
// so no duplicate warning) as the admin bot (noratelimit) and reports MB/s
// (MB = 10^6 bytes) from the first chunk to the published file.
//
//   bash scripts/test-services.sh start /tmp/svc && . /tmp/svc/services.env
//   build/bench/chunked_upload_bench [--mb 50] [--chunk-mib 5] [--runs 3] [--sync]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../../tests/integration/mediawiki/test_png.hpp"
#include "curator/core/error.hpp"
#include "curator/mediawiki/chunked_upload.hpp"

using namespace curator;
using namespace curator::mediawiki;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::fprintf(stderr, "%s is unset: start scripts/test-services.sh and source services.env\n",
                 name);
    std::exit(2);
  }
  return v;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  double mb = 50;
  double chunk_mib = 5;
  int runs = 3;
  bool async = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mb" && i + 1 < argc) {
      mb = std::atof(argv[++i]);
    } else if (a == "--chunk-mib" && i + 1 < argc) {
      chunk_mib = std::atof(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (a == "--sync") {
      async = false;
    } else {
      std::fprintf(stderr, "usage: %s [--mb N] [--chunk-mib N] [--runs N] [--sync]\n", argv[0]);
      return 2;
    }
  }
  ClientOptions options;
  options.api_url = env("CURATOR_TEST_MEDIAWIKI_API");
  options.http.user_agent.contact = "https://example.org/curator-bench";
  MediaWikiClient client(options, BotPassword{env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
                                              env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD")});
  client.login();

  const auto dir = std::filesystem::temp_directory_path() /
                   ("curator-bench-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng{std::random_device{}()};
  std::vector<double> rates;
  const long rss_before = peak_rss_kib();
  std::printf("chunked upload: %.0f MB file, %.1f MiB chunks, %s assembly and publish, %d runs\n",
              mb, chunk_mib, async ? "async" : "sync", runs);
  try {
    for (int run = 1; run <= runs; ++run) {
      const auto file = dir / ("bench" + std::to_string(run) + ".png");
      const auto size = test::PngWriter::write(file, static_cast<std::uint64_t>(mb * 1e6), rng());
      ChunkedUploadOptions o;
      o.chunk_size = static_cast<std::size_t>(chunk_mib * (1 << 20));
      o.async = async;
      o.poll_interval = std::chrono::milliseconds(50);
      o.max_poll_interval = std::chrono::milliseconds(500);
      const auto name = "Curator bench " + std::to_string(rng() % 1000000000) + ".png";
      const auto start = std::chrono::steady_clock::now();
      const auto outcome = ChunkedUpload(client, file, name, o).run();
      const auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::filesystem::remove(file);
      if (!outcome.published()) {
        std::fprintf(stderr, "run %d: %s\n", run, outcome.describe().c_str());
        return 1;
      }
      const double rate = static_cast<double>(size) / 1e6 / seconds;
      rates.push_back(rate);
      std::printf("run %d: %llu bytes in %.2f s = %.1f MB/s\n", run,
                  static_cast<unsigned long long>(size), seconds, rate);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "upload failed: %s (%s)\n", e.what(), e.code().c_str());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  std::sort(rates.begin(), rates.end());
  const auto stats = client.stats();
  std::printf("median %.1f MB/s (min %.1f, max %.1f)\n", rates[rates.size() / 2], rates.front(),
              rates.back());
  std::printf("peak RSS %.1f MiB (before the uploads %.1f MiB)\n", peak_rss_kib() / 1024.0,
              rss_before / 1024.0);
  std::printf("requests %ld, retries %ld, chunk bytes sent %llu\n", stats.requests, stats.retries,
              static_cast<unsigned long long>(stats.bytes_uploaded));
  return 0;
}
