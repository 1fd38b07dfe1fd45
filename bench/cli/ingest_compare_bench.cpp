// `curatorctl ingest mapillary <sequence>` of 200 × 2 MB images from the fake
// Mapillary (tests/fakes/source_fakes.py) to the test MediaWiki through the
// Wikibase proxy (tests/fakes/mediawiki_proxy.py), as the noratelimit admin
// bot, at 1 and 4 concurrent uploads, next to two references in their own
// processes: a raw libcurl client making the pipeline's calls per file
// (Mapillary lookup, download with SHA-1, titleblacklist, allimages by SHA-1,
// chunk, commit, wbgetentities + wbeditentity through the proxy, null edit)
// and python3-mwclient 0.10.1 (lookup, download, Site.upload: fewer calls,
// so each contender prints its time per step). Fresh image ids per contender
// and run (new bytes), contenders interleaved; medians of --runs.
//
//   . /tmp/svc/services.env
//   build/release/bench/ingest_compare_bench [--runs 5] [--files 200] [--mb 2]
//       [--concurrency 1,4] [--only curatorctl,raw,mwclient] [--curatorctl PATH]

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../mediawiki/contender_process.hpp"
#include "../mediawiki/raw_wiki_client.hpp"

using namespace curator::bench;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "MLY|4242|fake-mapillary-token";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    std::fprintf(stderr, "%s is unset: start scripts/test-services.sh and source services.env\n",
                 name);
    std::exit(2);
  }
  return v;
}

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= s.size();) {
    auto end = s.find(by, at);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

/// A fake started with --port 0 --exit-on-stdin-close; its port from the first line.
struct Fake {
  pid_t pid = -1;
  int stdin_fd = -1;
  int port = 0;
  explicit Fake(std::vector<std::string> argv) {
    int out[2], in[2];
    if (pipe(out) != 0 || pipe(in) != 0) std::exit(1);
    pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      dup2(in[0], 0);
      close(out[0]);
      close(in[1]);
      std::vector<char*> args;
      for (auto& a : argv)
        args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    close(in[0]);
    stdin_fd = in[1];
    std::string line;
    char c;
    pollfd p{out[0], POLLIN, 0};
    while (poll(&p, 1, 20000) > 0 && read(out[0], &c, 1) == 1 && c != '\n')
      line += c;
    close(out[0]);
    const auto at = line.find("\"port\"");
    if (at == std::string::npos) {
      std::fprintf(stderr, "fake %s printed no port line\n", argv[1].c_str());
      std::exit(1);
    }
    port = std::atoi(line.c_str() + line.find(':', at) + 1);
  }
  ~Fake() {
    close(stdin_fd);  // the fake exits when its stdin closes
    int status = 0;
    for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; ++i)
      usleep(20000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

void post_json(const std::string& url, const std::string& body) {
  CURL* c = curl_easy_init();
  curl_slist* h = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t s, std::size_t n, void*) { return s * n; });
  long code = 0;
  if (curl_easy_perform(c) != CURLE_OK ||
      (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code), code >= 300)) {
    std::fprintf(stderr, "control request to %s failed (%ld)\n", url.c_str(), code);
    std::exit(1);
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
}

/// A new sequence of `n` images of `bytes` each with random ids (new bytes).
std::pair<std::string, std::vector<std::string>> new_sequence(const Fake& fakes, int n,
                                                              std::uint64_t bytes,
                                                              std::mt19937_64& rng) {
  const auto sequence = "seq-bench-" + std::to_string(rng() % 1000000000);
  std::vector<std::string> ids;
  std::string images;
  for (int i = 0; i < n; ++i) {
    const auto id = "7" + std::to_string(100000000000000ULL + rng() % 800000000000000ULL);
    ids.push_back(id);
    images += (i == 0 ? "" : ",") + std::string(R"({"id":")") + id + R"(","sequence":")" +
              sequence + R"(","captured_at":)" + std::to_string(1600000000000LL + i * 1000) +
              R"(,"geometry":{"type":"Point","coordinates":[13.4,52.5]},)"
              R"("compass_angle":45.5,"creator":{"id":"100001","username":"alice_mly"},)"
              R"("width":640,"height":480,"_order":)" +
              std::to_string(i + 1) + R"(,"_file_size":)" + std::to_string(bytes) + "}";
  }
  post_json(fakes.url("/_control/data"), R"({"mapillary":{"images":[)" + images + "]}}");
  return {sequence, ids};
}

/// GET `url` into `path`, hashing on the way; returns the SHA-1 in hex.
std::string download(CURL* c, const std::string& url, const fs::path& path) {
  struct Sink {
    std::FILE* f;
    EVP_MD_CTX* md;
  } sink{std::fopen(path.c_str(), "wb"), EVP_MD_CTX_new()};
  EVP_DigestInit_ex(sink.md, EVP_sha1(), nullptr);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* p) {
        auto* k = static_cast<Sink*>(p);
        EVP_DigestUpdate(k->md, d, s * n);
        return std::fwrite(d, 1, s * n, k->f);
      });
  if (curl_easy_perform(c) != CURLE_OK) std::exit(3);
  std::fflush(sink.f);
  fsync(fileno(sink.f));
  std::fclose(sink.f);
  unsigned char digest[20];
  unsigned int len = 0;
  EVP_DigestFinal_ex(sink.md, digest, &len);
  EVP_MD_CTX_free(sink.md);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", digest[i]);
    hex += b;
  }
  return hex;
}

/// The raw contender: the pipeline's calls per file, `threads` at a time.
int child_raw(const std::string& ids_file, int threads, const std::string& mly,
              const std::string& commons) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::pair<std::string, std::string>> entries;
  {
    std::ifstream in(ids_file);
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t');
      entries.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
  }
  const auto dir = fs::temp_directory_path() / ("curator-raw-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::atomic<std::size_t> next{0};
  std::mutex m;
  std::map<std::string, double> steps;
  auto worker = [&] {
    RawWikiClient wiki(commons);
    wiki.login(env("CURATOR_TEST_MW_ADMIN_BOT_USER"), env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"));
    CURL* src = curl_easy_init();
    std::map<std::string, double> mine;
    auto clock = std::chrono::steady_clock::now();
    auto lap = [&](const char* step) {
      const auto now = std::chrono::steady_clock::now();
      mine[step] += std::chrono::duration<double>(now - clock).count();
      clock = now;
    };
    for (std::size_t i; (i = next++) < entries.size();) {
      const auto& [id, name] = entries[i];
      clock = std::chrono::steady_clock::now();
      const auto meta =
          wiki.get_url(mly + "/" + id + "?fields=thumb_original_url&access_token=" + kToken);
      lap("lookup");
      const auto path = dir / (id + ".jpg");
      const auto sha1 =
          download(src, std::string(RawWikiClient::str(meta, {"thumb_original_url"})), path);
      lap("download");
      const auto title = "File:" + name;
      wiki.get({{"action", "titleblacklist"}, {"tbaction", "upload"}, {"tbtitle", title}});
      lap("blacklist");
      wiki.get({{"action", "query"}, {"list", "allimages"}, {"aisha1", sha1}, {"ailimit", "1"}});
      lap("sha1");
      wiki.upload(path, name, "curator ingest benchmark", "Mapillary benchmark file", 5u << 20);
      fs::remove(path);
      lap("upload");
      const auto entity = wiki.get({{"action", "wbgetentities"},
                                    {"sites", "commonswiki"},
                                    {"titles", title},
                                    {"props", "info|claims|labels"}});
      std::string mid;
      for (const auto& [key, v] : entity.at("entities").as_object())
        mid = std::string(key);
      const std::string data =
          R"({"labels":{"en":{"language":"en","value":"Street in Berlin"}},"claims":[)"
          R"({"mainsnak":{"snaktype":"value","property":"P1163","datavalue":{"value":"image/jpeg","type":"string"}},"type":"statement","rank":"normal"},)"
          R"({"mainsnak":{"snaktype":"value","property":"P1947","datavalue":{"value":")" +
          id + R"(","type":"string"}},"type":"statement","rank":"normal"}]})";
      wiki.post({{"action", "wbeditentity"}, {"id", mid}, {"data", data}, {"summary", "SDC"}},
                true);
      lap("sdc");
      wiki.post({{"action", "edit"},
                 {"title", title},
                 {"appendtext", ""},
                 {"nocreate", "1"},
                 {"summary", "null edit"}},
                true);
      lap("null_edit");
    }
    curl_easy_cleanup(src);
    std::lock_guard lock(m);
    for (const auto& [k, v] : mine)
      steps[k] += v;
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(worker);
  for (auto& t : pool)
    t.join();
  fs::remove_all(dir);
  std::printf("files=%zu", entries.size());
  for (const auto& [k, v] : steps)
    std::printf(" step_%s=%.3f", k.c_str(), v);
  std::printf("\n");
  return 0;
}

struct Samples {
  std::vector<double> wall, cpu, rss;
  std::map<std::string, std::vector<double>> steps;
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 5, files = 200;
  double mb = 2;
  std::vector<std::string> concurrency{"1", "4"};
  std::vector<std::string> contenders{"curatorctl", "raw", "mwclient"};
  std::string curatorctl =
      (fs::canonical("/proc/self/exe").parent_path().parent_path() / "cli/curatorctl").string();
  std::string python = "/usr/bin/python3";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--child" && i + 4 < argc) {
      return child_raw(argv[i + 1], std::atoi(argv[i + 2]), argv[i + 3], argv[i + 4]);
    } else if (a == "--runs" && more) {
      runs = std::atoi(argv[++i]);
    } else if (a == "--files" && more) {
      files = std::atoi(argv[++i]);
    } else if (a == "--mb" && more) {
      mb = std::atof(argv[++i]);
    } else if (a == "--concurrency" && more) {
      concurrency = split(argv[++i], ',');
    } else if (a == "--only" && more) {
      contenders = split(argv[++i], ',');
    } else if (a == "--curatorctl" && more) {
      curatorctl = argv[++i];
    } else if (a == "--python" && more) {
      python = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: %s [--runs N] [--files N] [--mb MB] [--concurrency 1,4]\n"
                   "          [--only curatorctl,raw,mwclient] [--curatorctl PATH] "
                   "[--python PATH]\n",
                   argv[0]);
      return 2;
    }
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const fs::path source = fs::path(__FILE__).parent_path().parent_path().parent_path();
  const fs::path root = fs::exists(source / "tests/fakes") ? source : fs::current_path();
  const std::string api = env("CURATOR_TEST_MEDIAWIKI_API");
  Fake fakes({"python3", (root / "tests/fakes/source_fakes.py").string(), "--port", "0",
              "--exit-on-stdin-close"});
  Fake proxy({"python3", (root / "tests/fakes/mediawiki_proxy.py").string(), "--upstream", api,
              "--port=0", "--exit-on-stdin-close"});
  const auto self = fs::canonical("/proc/self/exe").string();
  const auto work =
      fs::temp_directory_path() / ("curator-ingest-bench-" + std::to_string(getpid()));
  fs::create_directories(work);
  std::mt19937_64 rng{std::random_device{}()};
  const auto tag = std::to_string(rng() % 100000000);
  const auto bytes = static_cast<std::uint64_t>(mb * 1e6);

  std::printf("ingest_compare: %d files of %.1f MB, %d runs; machine shared\n", files, mb, runs);
  std::map<std::string, std::map<std::string, Samples>> samples;  // concurrency -> contender
  for (int run = 0; run < runs; ++run) {
    for (const auto& conc : concurrency) {
      for (std::size_t k = 0; k < contenders.size(); ++k) {
        const auto& who = contenders[(k + static_cast<std::size_t>(run)) % contenders.size()];
        const auto [sequence, ids] = new_sequence(fakes, files, bytes, rng);
        const auto ids_file = (work / "ids.txt").string();
        {
          std::ofstream out(ids_file);
          for (const auto& id : ids) {
            out << id << "\tCurator ingest bench " << tag << " " << who << " " << id << ".jpg\n";
          }
        }
        ProcessRun r;
        if (who == "curatorctl") {
          const auto home = work / ("home-" + std::to_string(run) + "-" + conc);
          fs::create_directories(home);
          const std::vector<std::string> env_list{
              "HOME=" + home.string(),
              "XDG_CONFIG_HOME=" + (home / "config").string(),
              "XDG_DATA_HOME=" + (home / "data").string(),
              "PATH=/usr/bin:/bin",
              "CURATOR_MAPILLARY_API_URL=" + fakes.url("/mapillary"),
              std::string("CURATOR_MAPILLARY_TOKEN=") + kToken,
              "CURATOR_GEOCODER_URL=" + fakes.url("/geocoder/reverse"),
              "CURATOR_WCQS_URL=" + fakes.url("/wcqs/sparql"),
              "CURATOR_CONTACT_URL=https://example.org/curator-bench",
              "CURATOR_COMMONS_API_URL=" + proxy.url("/api.php"),
              "CURATOR_WIKIDATA_API_URL=" + proxy.url("/wikidata/api.php"),
              "CURATOR_BOT_USER=" + env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
              "CURATOR_BOT_PASSWORD=" + env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"),
              "CURATOR_WORKERS=" + conc};
          r = run_process({curatorctl, "--json", "ingest", "mapillary", sequence}, &env_list);
          fs::remove_all(home);
          r.output = "files=" + std::to_string(files) + "\n";
        } else if (who == "raw") {
          r = run_process(
              {self, "--child", ids_file, conc, fakes.url("/mapillary"), proxy.url("/api.php")});
        } else {
          r = run_process({python, (root / "bench/cli/mwclient_ingest.py").string(), api,
                           env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
                           env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD"), std::to_string(5u << 20),
                           fakes.url("/mapillary"), kToken, ids_file, conc});
        }
        if (r.exit_code != 0) {
          std::fprintf(
              stderr, "%s failed (exit %d)\n%s\n", who.c_str(), r.exit_code,
              r.output.substr(r.output.size() > 2000 ? r.output.size() - 2000 : 0).c_str());
          return 1;
        }
        std::printf("run %d c=%s %-10s wall %7.2f s  cpu %6.2f s  rss %6.1f MiB  %s", run + 1,
                    conc.c_str(), who.c_str(), r.wall_s, r.cpu_s, r.peak_rss_kib / 1024.0,
                    r.output.c_str());
        std::fflush(stdout);
        auto& s = samples[conc][who];
        s.wall.push_back(r.wall_s);
        s.cpu.push_back(r.cpu_s);
        s.rss.push_back(r.peak_rss_kib / 1024.0);
        for (const auto& step : split(r.output, ' ')) {
          if (step.rfind("step_", 0) == 0) {
            const auto eq = step.find('=');
            s.steps[step.substr(5, eq - 5)].push_back(std::atof(step.c_str() + eq + 1) * 1000 /
                                                      files);
          }
        }
      }
    }
  }
  fs::remove_all(work);
  std::printf("\nmedians of %d runs; per file = total / %d files\n", runs, files);
  for (const auto& [conc, by] : samples) {
    for (const auto& [who, s] : by) {
      std::printf(
          "c=%-2s %-10s wall %7.2f s  %6.1f ms/file  cpu %6.2f s  %6.2f ms/file  rss %6.1f MiB",
          conc.c_str(), who.c_str(), median(s.wall), median(s.wall) * 1000 / files, median(s.cpu),
          median(s.cpu) * 1000 / files, median(s.rss));
      if (!s.steps.empty()) std::printf("  steps ms/file (thread time):");
      for (const auto& [step, v] : s.steps)
        std::printf(" %s %.1f", step.c_str(), median(v));
      std::printf("\n");
    }
    if (by.count("curatorctl") != 0 && by.count("raw") != 0) {
      std::printf("c=%-2s goals: wall vs raw %+.1f%% (≤ 10%%)", conc.c_str(),
                  (median(by.at("curatorctl").wall) / median(by.at("raw").wall) - 1) * 100);
      if (by.count("mwclient") != 0) {
        std::printf(", CPU/file vs mwclient %.2f× (≤ 0.33)",
                    median(by.at("curatorctl").cpu) / median(by.at("mwclient").cpu));
      }
      std::printf(", RSS %.1f MiB (< 64)\n", median(by.at("curatorctl").rss));
    }
  }
  return 0;
}
