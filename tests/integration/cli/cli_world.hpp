#pragma once
// Drives the real curatorctl binary (CURATOR_CLI_BINARY) the way an operator
// does: a clean environment (only what the test sets), a private HOME, the
// source fakes (tests/fakes/source_fakes.py), the test MediaWiki, and a
// database on SQLite or a throwaway MariaDB database (store_fixture.hpp).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../mediawiki/proxy.hpp"
#include "../sources/source_fakes.hpp"
#include "../store/store_fixture.hpp"
#include "curator/core/ids.hpp"
#include "curator/core/json.hpp"
#include "test_support.hpp"

namespace curator::test {

struct CliResult {
  int exit = -1;
  std::string out;
  std::string err;
  /// Every stdout line parsed as JSON (with --json).
  std::vector<json::value> events() const {
    std::vector<json::value> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) v.push_back(json::parse(line));
    }
    return v;
  }
  /// The last event whose "event" is `name`.
  json::object event(std::string_view name) const {
    const auto all = events();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->is_object() && it->as_object().contains("event") &&
          it->as_object().at("event").as_string() == name) {
        return it->as_object();
      }
    }
    FAIL("no event " << name << " in: " << out);
    return {};
  }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// curatorctl started with exactly `env` as its environment, `input` on
/// stdin, and stdout/stderr in files of `scratch_dir`.
class CliProcess {
 public:
  CliProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
             const std::string& input, const std::string& scratch_dir)
      : out_path_(scratch_dir + "/stdout." + std::to_string(next_number())),
        err_path_(scratch_dir + "/stderr." + std::to_string(next_number())) {
    int in_pipe[2];
    REQUIRE(::pipe(in_pipe) == 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in_pipe[0], 0);
      ::close(in_pipe[1]);
      const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(err, 2);
      std::vector<std::string> env_strings;
      for (const auto& [k, v] : env)
        env_strings.push_back(k + "=" + v);
      std::vector<char*> envp;
      for (auto& e : env_strings)
        envp.push_back(e.data());
      envp.push_back(nullptr);
      std::vector<std::string> argv_strings{CURATOR_CLI_BINARY};
      argv_strings.insert(argv_strings.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : argv_strings)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execve(CURATOR_CLI_BINARY, argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(in_pipe[0]);
    if (!input.empty()) {
      const auto n = ::write(in_pipe[1], input.data(), input.size());
      CHECK(n == static_cast<ssize_t>(input.size()));
    }
    ::close(in_pipe[1]);
  }
  ~CliProcess() {
    if (!done_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  void signal(int sig) { ::kill(pid_, sig); }
  bool running() {
    if (done_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
    return !done_;
  }
  CliResult wait(std::chrono::seconds timeout = std::chrono::seconds(180)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        done_ = true;
        FAIL("curatorctl timed out: " << slurp(err_path_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CliResult r;
    r.exit = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
    r.out = slurp(out_path_);
    r.err = slurp(err_path_);
    return r;
  }

 private:
  // Each process writes its own files: a background one runs beside others.
  static int next_number() {
    static std::atomic<int> n{0};
    return ++n;
  }
  std::string out_path_, err_path_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

/// Runs curatorctl to its end.
inline CliResult run_curatorctl(const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env,
                                const std::string& input, const std::string& scratch_dir) {
  return CliProcess(args, env, input, scratch_dir).wait();
}

/// Everything one test needs: a home directory, the fakes, a database and
/// the test wiki, with an environment pointing at them.
template <typename Backend>
class CliWorld {
 public:
  /// `with_proxy`: Commons is tests/fakes/mediawiki_proxy.py in front of the
  /// test wiki, which answers the Wikibase calls uploads make.
  explicit CliWorld(bool with_proxy = false) : db_(Backend::make()) {
    if (with_proxy) proxy_ = std::make_unique<MediaWikiProxy>();
    env_ = {{"HOME", home_.path().string()},
            {"XDG_CONFIG_HOME", (home_.path() / "config").string()},
            {"XDG_DATA_HOME", (home_.path() / "data").string()},
            {"PATH", "/usr/bin:/bin"},
            {"CURATOR_DATABASE_URL", db_->url},
            {"CURATOR_MAPILLARY_API_URL", fakes_.url("/mapillary")},
            {"CURATOR_MAPILLARY_TOKEN", kFakeMapillaryToken},
            {"CURATOR_FLICKR_API_URL", fakes_.url("/flickr/services/rest")},
            {"CURATOR_FLICKR_API_KEY", kFakeFlickrKey},
            {"CURATOR_GEOCODER_URL", fakes_.url("/geocoder/reverse")},
            {"CURATOR_WCQS_URL", fakes_.url("/wcqs/sparql")},
            {"CURATOR_CONTACT_URL", "https://example.org/curator-tests"},
            {"CURATOR_COMMONS_API_URL", require_env("CURATOR_TEST_MEDIAWIKI_API")}};
    if (proxy_) {
      env_["CURATOR_COMMONS_API_URL"] = proxy_->commons_api();
      env_["CURATOR_WIKIDATA_API_URL"] = proxy_->wikidata_api();
    }
  }

  CliResult run(const std::vector<std::string>& args, const std::string& input = {}) {
    return run_with({}, args, input);
  }
  /// With extra (or, for an empty value, removed) environment variables.
  CliResult run_with(const std::map<std::string, std::string>& extra,
                     const std::vector<std::string>& args, const std::string& input = {}) {
    auto env = env_;
    for (const auto& [k, v] : extra) {
      if (v.empty()) {
        env.erase(k);
      } else {
        env[k] = v;
      }
    }
    return run_curatorctl(args, env, input, scratch_.path().string());
  }
  /// Started, not waited for.
  std::unique_ptr<CliProcess> start(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& extra = {}) {
    auto env = env_;
    for (const auto& [k, v] : extra)
      env[k] = v;
    return std::make_unique<CliProcess>(args, env, "", scratch_.path().string());
  }
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }
  /// The environment every run gets (for runners of its own, e.g. on a pty).
  const std::map<std::string, std::string>& env() const { return env_; }

  /// Logs in with the test wiki's uploader bot password (stdin, no echo).
  void login_uploader() {
    const auto r = run({"login", "--bot-user", require_env("CURATOR_TEST_MW_USER_BOT_USER")},
                       require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD") + "\n");
    REQUIRE_MESSAGE(r.exit == 0, r.err);
  }
  /// Logs in as the test wiki's admin (no rate limits: uploads start at once).
  void login_admin() {
    const auto r = run({"login", "--bot-user", require_env("CURATOR_TEST_MW_ADMIN_BOT_USER")},
                       require_env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD") + "\n");
    REQUIRE_MESSAGE(r.exit == 0, r.err);
  }
  std::map<std::string, std::string> uploader_env() const {
    return {{"CURATOR_BOT_USER", require_env("CURATOR_TEST_MW_USER_BOT_USER")},
            {"CURATOR_BOT_PASSWORD", require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD")}};
  }

  std::filesystem::path profile() const { return home_.path() / "config/curator/curatorctl.json"; }
  const std::filesystem::path& home() const { return home_.path(); }
  const std::string& database_url() const { return db_->url; }
  /// A handle on the same database, for arranging and checking rows.
  store::Database& db() {
    if (!handle_) handle_.emplace(store::Database::open(db_->url));
    return *handle_;
  }
  SourceFakes& fakes() { return fakes_; }
  MediaWikiProxy& proxy() { return *proxy_; }

  /// A new sequence of `n` Mapillary images with random ids (so their bytes
  /// are new to the wiki); `file_size` pads each original. Returns its id.
  std::string new_sequence(int n, std::uint64_t file_size = 0) {
    static std::mt19937_64 rng{std::random_device{}()};
    const auto sequence = "seq-cli-" + random_hex(10);
    std::string images;
    for (int i = 0; i < n; ++i) {
      const auto id = "8" + std::to_string(100000000000000ULL + rng() % 800000000000000ULL);
      images += (i == 0 ? "" : ",") + std::string(R"({"id":")") + id + R"(","sequence":")" +
                sequence + R"(","captured_at":)" + std::to_string(1600000000000LL + i * 1000) +
                R"(,"geometry":{"type":"Point","coordinates":[13.4,52.5]},)"
                R"("compass_angle":45.5,"creator":{"id":"100001","username":"alice_mly"},)"
                R"("width":640,"height":480,"_order":)" +
                std::to_string(i + 1) + R"(,"_file_size":)" + std::to_string(file_size) + "}";
    }
    fakes_.control("POST", "/_control/data", R"({"mapillary":{"images":[)" + images + "]}}");
    return sequence;
  }

 private:
  TempDir home_;
  TempDir scratch_;
  SourceFakes fakes_;
  std::unique_ptr<MediaWikiProxy> proxy_;
  std::unique_ptr<store::test::Scratch> db_;
  std::optional<store::Database> handle_;
  std::map<std::string, std::string> env_;
};

}  // namespace curator::test
