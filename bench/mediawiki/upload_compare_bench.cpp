// libcurator's ChunkedUpload next to a minimal raw libcurl client and Debian's
// python3-mwclient 0.10.1, uploading the same workloads to the test MediaWiki
// (scripts/test-services.sh) as the noratelimit admin bot: 40 × 2 MB and
// 3 × 60 MB files by default. Each contender runs in its own process (its CPU
// seconds and peak RSS come from wait4), on fresh random PNGs with unique
// names (no duplicate warnings), contenders interleaved and rotated per run;
// medians of --runs runs. All three use the same chunk size and synchronous
// assembly and commit (mwclient cannot poll async jobs).
//
//   . /tmp/svc/services.env
//   build/release/bench/upload_compare_bench [--runs 5] [--small 40] [--small-mb 2]
//       [--large 3] [--large-mb 60] [--chunk-mib 5] [--only libcurator,raw,mwclient]

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../../tests/integration/mediawiki/test_png.hpp"
#include "contender_process.hpp"
#include "curator/mediawiki/chunked_upload.hpp"
#include "raw_wiki_client.hpp"

using namespace curator;
using namespace curator::bench;

namespace {

constexpr const char* kComment = "curator upload benchmark";
constexpr const char* kText = "== Summary ==\nlibcurator upload benchmark file.";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::fprintf(stderr, "%s is unset: start scripts/test-services.sh and source services.env\n",
                 name);
    std::exit(2);
  }
  return v;
}

/// A script next to this source file (run from the build or the source tree).
std::string find_script(const std::string& name) {
  for (const auto& base :
       {std::filesystem::path(__FILE__).parent_path(), std::filesystem::path("bench/mediawiki")}) {
    if (std::filesystem::exists(base / name)) return std::filesystem::absolute(base / name);
  }
  std::fprintf(stderr, "cannot find %s: run from the source tree\n", name.c_str());
  std::exit(2);
}

struct Entry {
  std::string path;
  std::string name;
};

std::vector<Entry> read_list(const std::string& list_file) {
  std::vector<Entry> out;
  std::ifstream in(list_file);
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

int child_libcurator(const std::string& list_file, std::uint64_t chunk) {
  mediawiki::ClientOptions options;
  options.api_url = env("CURATOR_TEST_MEDIAWIKI_API");
  options.http.user_agent.contact = "https://example.org/curator-bench";
  mediawiki::MediaWikiClient client(options,
                                    BotPassword{env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
                                                env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD")});
  client.login();
  mediawiki::ChunkedUploadOptions o;
  o.chunk_size = chunk;
  o.async = false;
  o.comment = kComment;
  o.text = kText;
  int files = 0;
  for (const auto& e : read_list(list_file)) {
    const auto outcome = mediawiki::ChunkedUpload(client, e.path, e.name, o).run();
    if (!outcome.published()) {
      std::fprintf(stderr, "libcurator: %s\n", outcome.describe().c_str());
      return 3;
    }
    ++files;
  }
  std::printf("files=%d requests=%ld\n", files, client.stats().requests);
  return 0;
}

int child_raw(const std::string& list_file, std::uint64_t chunk) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int files = 0;
  long requests = 0;
  {
    RawWikiClient wiki(env("CURATOR_TEST_MEDIAWIKI_API"));
    wiki.login(env("CURATOR_TEST_MW_ADMIN_BOT_USER"), env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"));
    for (const auto& e : read_list(list_file)) {
      wiki.upload(e.path, e.name, kComment, kText, chunk);
      ++files;
    }
    requests = wiki.requests();
  }
  std::printf("files=%d requests=%ld\n", files, requests);
  return 0;
}

struct Workload {
  std::string label;
  int files;
  double mb;
};

struct Samples {
  std::vector<double> wall, cpu, rss, requests;
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  Workload small{"small", 40, 2}, large{"large", 3, 60};
  double chunk_mib = 5;
  std::vector<std::string> contenders{"libcurator", "raw", "mwclient"};
  std::string python = "/usr/bin/python3";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--child" && i + 3 < argc) {
      const std::string who = argv[i + 1];
      const std::string list = argv[i + 2];
      const auto chunk = std::strtoull(argv[i + 3], nullptr, 10);
      return who == "raw" ? child_raw(list, chunk) : child_libcurator(list, chunk);
    } else if (a == "--runs" && more) {
      runs = std::atoi(argv[++i]);
    } else if (a == "--small" && more) {
      small.files = std::atoi(argv[++i]);
    } else if (a == "--small-mb" && more) {
      small.mb = std::atof(argv[++i]);
    } else if (a == "--large" && more) {
      large.files = std::atoi(argv[++i]);
    } else if (a == "--large-mb" && more) {
      large.mb = std::atof(argv[++i]);
    } else if (a == "--chunk-mib" && more) {
      chunk_mib = std::atof(argv[++i]);
    } else if (a == "--python" && more) {
      python = argv[++i];
    } else if (a == "--only" && more) {
      contenders.clear();
      std::string list = argv[++i];
      for (std::size_t at = 0; at <= list.size();) {
        auto comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        contenders.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: %s [--runs N] [--small N] [--small-mb MB] [--large N] [--large-mb MB]\n"
                   "          [--chunk-mib MiB] [--only libcurator,raw,mwclient] [--python PATH]\n",
                   argv[0]);
      return 2;
    }
  }
  const auto chunk = static_cast<std::uint64_t>(chunk_mib * 1024 * 1024);
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  const std::string script = find_script("mwclient_upload.py");
  const std::string api = env("CURATOR_TEST_MEDIAWIKI_API");
  const std::string user = env("CURATOR_TEST_MW_ADMIN_BOT_USER");
  const std::string password = env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD");
  const auto dir = std::filesystem::temp_directory_path() /
                   ("curator-upload-compare-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng{std::random_device{}()};
  const auto tag = std::to_string(rng() % 100000000);

  std::printf("upload_compare: %d runs, chunks of %.1f MiB, sync assembly; machine shared\n", runs,
              chunk_mib);
  std::map<std::string, std::map<std::string, Samples>> samples;  // workload -> contender
  std::map<std::string, double> megabytes;
  for (int run = 0; run < runs; ++run) {
    for (const auto& w : {small, large}) {
      if (w.files <= 0) continue;
      for (std::size_t k = 0; k < contenders.size(); ++k) {
        const auto& who = contenders[(k + static_cast<std::size_t>(run)) % contenders.size()];
        const auto list = (dir / "list.txt").string();
        std::ofstream out(list);
        std::uint64_t bytes = 0;
        for (int f = 0; f < w.files; ++f) {
          const auto path = dir / ("f" + std::to_string(f) + ".png");
          bytes += test::PngWriter::write(path, static_cast<std::uint64_t>(w.mb * 1e6), rng());
          out << path.string() << "\tCurator bench " << tag << " " << who << " " << w.label << " r"
              << run << " " << f << ".png\n";
        }
        out.close();
        megabytes[w.label] = static_cast<double>(bytes) / 1e6;
        std::vector<std::string> command;
        if (who == "mwclient") {
          command = {python, script,   api,  user, password, std::to_string(chunk),
                     list,   kComment, kText};
        } else {
          command = {self, "--child", who, list, std::to_string(chunk)};
        }
        const auto r = run_process(command);
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
          std::filesystem::remove(e.path());
        }
        if (r.exit_code != 0) {
          std::fprintf(stderr, "%s failed (exit %d)\n", who.c_str(), r.exit_code);
          return 1;
        }
        std::printf("run %d %-5s %-10s wall %7.2f s  %6.1f MB/s  cpu %6.2f s  rss %6.1f MiB  %s",
                    run + 1, w.label.c_str(), who.c_str(), r.wall_s, megabytes[w.label] / r.wall_s,
                    r.cpu_s, r.peak_rss_kib / 1024.0, r.output.c_str());
        std::fflush(stdout);
        auto& s = samples[w.label][who];
        s.wall.push_back(r.wall_s);
        s.cpu.push_back(r.cpu_s);
        s.rss.push_back(r.peak_rss_kib / 1024.0);
        s.requests.push_back(output_value(r.output, "requests"));
      }
    }
  }
  std::filesystem::remove_all(dir);

  std::printf("\nmedians of %d runs (MB = 10^6 bytes)\n", runs);
  std::printf("%-6s %-10s %9s %8s %8s %10s %9s\n", "load", "contender", "wall s", "MB/s", "cpu s",
              "cpu ms/MB", "rss MiB");
  for (const auto& [label, by] : samples) {
    for (const auto& [who, s] : by) {
      const auto wall = median(s.wall);
      const auto cpu = median(s.cpu);
      std::printf("%-6s %-10s %9.2f %8.1f %8.2f %10.2f %9.1f\n", label.c_str(), who.c_str(), wall,
                  megabytes[label] / wall, cpu, cpu * 1000 / megabytes[label], median(s.rss));
    }
    if (by.count("libcurator") != 0 && by.count("raw") != 0) {
      std::printf("%-6s goal: wall within 5%% of raw: %+.1f%%", label.c_str(),
                  (median(by.at("libcurator").wall) / median(by.at("raw").wall) - 1) * 100);
      if (by.count("mwclient") != 0) {
        std::printf("; CPU ≤ 1/3 of mwclient: %.2f×",
                    median(by.at("libcurator").cpu) / median(by.at("mwclient").cpu));
      }
      std::printf("; RSS < 32 MiB: %.1f\n", median(by.at("libcurator").rss));
    }
  }
  return 0;
}
