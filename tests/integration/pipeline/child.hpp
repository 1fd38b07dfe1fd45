#pragma once
// A worker process that a test can kill: the test binary itself, run with
// -tc="child:*" and CURATOR_PIPELINE_CHILD=<config file>. It builds the same
// pipeline as the parent's world (same database, same Redis namespace, same
// token key, same fakes) and runs its workers until it is killed. ChildOptions
// choose its log file, extra environment (CURATOR_FAILPOINT), the options
// profile and a wall-clock moment to start at (several children at once).

#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "world.hpp"

extern char** environ;

namespace curator::pipeline::e2e {

struct ChildOptions {
  std::string name = "child";      // <name>.json and <name>.log in the world's directory
  std::vector<std::string> env{};  // extra NAME=value entries
  std::string profile = "fast";    // "fast": fast_options(); "crash": crash_options()
  /// Milliseconds since the epoch (system clock) at which the child starts its
  /// pipeline; 0: at once.
  long long start_at_ms = 0;
};

inline void write_child_config(const World& w, const std::filesystem::path& path,
                               const ChildOptions& options = {}) {
  const auto& c = w.config();
  json::object o;
  o["database_url"] = c.database_url;
  o["redis_url"] = c.redis_url ? json::value(*c.redis_url) : json::value(nullptr);
  o["redis_name"] = w.coordination_options().name;
  o["commons_api_url"] = c.commons_api_url;
  o["mapillary_api_url"] = c.mapillary_api_url;
  o["mapillary_token"] = c.mapillary_token;
  o["token_encryption_key"] = c.token_encryption_key;
  o["contact_url"] = c.contact_url;
  o["data_dir"] = c.data_dir;
  o["profile"] = options.profile;
  o["start_at_ms"] = options.start_at_ms;
  std::ofstream(path) << json::serialize(o);
}

[[noreturn]] inline void run_child(const char* config_path) {
  std::ifstream in(config_path);
  std::stringstream text;
  text << in.rdbuf();
  const auto v = json::parse(text.str(), "child config");
  const auto& o = v.as_object();
  Config c;
  c.database_url = json::require_string(o, "database_url");
  c.redis_url = json::get_string(o, "redis_url");
  c.commons_api_url = json::require_string(o, "commons_api_url");
  c.mapillary_api_url = json::require_string(o, "mapillary_api_url");
  c.mapillary_token = json::require_string(o, "mapillary_token");
  c.token_encryption_key = json::require_string(o, "token_encryption_key");
  c.contact_url = json::require_string(o, "contact_url");
  c.data_dir = json::require_string(o, "data_dir");
  c.workers = 1;
  c.chunk_size = fast_options().chunk_size;
  log::configure(log::Level::info, log::Format::text);
  auto db = store::Database::open(c.database_url);
  queue::CoordinationOptions co;
  co.redis_url = c.redis_url;
  co.name = json::require_string(o, "redis_name");
  const auto coordination = queue::make_coordination(co);
  const auto profile = json::require_string(o, "profile");
  const auto start_at = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(json::require_int(o, "start_at_ms")));
  std::this_thread::sleep_until(start_at);
  auto pipeline = Pipeline::from_config(c, db, coordination,
                                        profile == "crash" ? crash_options() : fast_options());
  pipeline->start();
  for (;;)
    std::this_thread::sleep_for(std::chrono::seconds(1));
}

/// The child worker process, killed (SIGKILL) on kill() or destruction.
class ChildWorker {
 public:
  explicit ChildWorker(const World& w, const ChildOptions& options = {})
      : log_path_(w.dir().path() / (options.name + ".log")) {
    const auto config = w.dir().path() / (options.name + ".json");
    write_child_config(w, config, options);
    const auto log_path = log_path_.string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e)
      env_text.emplace_back(*e);
    env_text.push_back("CURATOR_PIPELINE_CHILD=" + config.string());
    env_text.insert(env_text.end(), options.env.begin(), options.env.end());
    std::vector<char*> envp;
    for (auto& s : env_text)
      envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe", filter = "-tc=child:*";
    std::array<char*, 3> argv{exe.data(), filter.data(), nullptr};
    const int rc = posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot start the child worker");
  }
  ~ChildWorker() { kill(); }
  ChildWorker(const ChildWorker&) = delete;
  ChildWorker& operator=(const ChildWorker&) = delete;

  bool alive() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  /// SIGKILL: no destructor, no cleanup, no release of anything.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    pid_ = -1;
    killed_ = true;
  }
  /// Ended by a SIGKILL this object did not send (a failpoint).
  bool killed_itself() const {
    return pid_ <= 0 && !killed_ && WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
  }
  std::string log_text() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool killed_ = false;
};

}  // namespace curator::pipeline::e2e
