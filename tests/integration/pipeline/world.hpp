#pragma once
// One end-to-end world per test: the source fakes and the MediaWiki proxy in
// front of the test wiki (child processes), a database and the queue parts
// of the chosen mode (embedded: an SQLite file and in-process parts;
// distributed: a throwaway MariaDB database and a private Redis namespace),
// a configuration pointing at all of them, and helpers to make fresh
// Mapillary images (random ids, so bytes never repeat across tests), to
// schedule uploads and to wait for their outcome. Service addresses come only
// from the environment (require_env).

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "../mediawiki/proxy.hpp"
#include "../queue/redis_backend.hpp"
#include "../sources/source_fakes.hpp"
#include "../store/store_fixture.hpp"
#include "curator/auth/fernet.hpp"
#include "curator/core/log.hpp"
#include "curator/mediawiki/client.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/pipeline/events.hpp"
#include "curator/pipeline/pipeline.hpp"
#include "curator/store/batches.hpp"
#include "curator/store/uploads.hpp"
#include "curator/store/users.hpp"
#include "test_support.hpp"

namespace curator::pipeline::e2e {

using namespace std::chrono_literals;

enum class Mode { embedded, distributed };

inline const char* to_string(Mode m) {
  return m == Mode::embedded ? "embedded" : "distributed";
}

/// Pipeline options with test-sized times.
inline PipelineOptions fast_options() {
  PipelineOptions o;
  o.lease = 2s;
  o.heartbeat = 400ms;
  o.hash_lock_ttl = 3s;
  o.retry.source = {0ms};
  o.retry.storage = {0ms, 0ms, 0ms};
  o.retry.hash_lock = {1s, 1s, 1s, 1s, 1s};
  o.retry.rate_limited = {1s, 1s, 1s};
  o.retry.transient = {0ms, 0ms, 0ms};
  o.download_retry = {10ms, 10ms, 10ms};
  o.source_retry = {10ms, 10ms};
  o.api_retry_delay = 50ms;
  o.api_retry_max_delay = 200ms;
  o.api_rate_limited_delay = 500ms;
  o.chunk_size = 64u << 10;
  o.dispatch_interval = 100ms;
  o.sweep_interval = 300ms;
  o.leader_ttl = 2s;
  o.fetch_wait = 200ms;
  o.redispatch_after = 5s;
  return o;
}

/// Options for the crash tests: the shortest lease that heartbeats still keep
/// (a killed worker's upload resumes about 2 s later), a dispatch lease that
/// passes on within 1 s when its holder is killed, and budgets that many
/// kills of one upload cannot use up.
inline PipelineOptions crash_options() {
  PipelineOptions o = fast_options();
  o.lease = 2s;
  o.heartbeat = 300ms;
  o.hash_lock_ttl = 2s;
  o.retry.interruptions = 1000;
  o.retry.hash_lock = Delays(20, 1s);
  o.retry.transient = Delays(20, 0ms);
  o.leader_ttl = 1s;
  o.sweep_interval = 200ms;
  o.redispatch_after = 10s;
  return o;
}

/// Unique per test run: titles and image ids never collide on the shared wiki.
inline std::string run_tag() {
  static const std::string tag = random_hex(8);
  return tag;
}

inline std::string unique_title(const std::string& what) {
  static std::atomic<int> n{0};
  return "Curator pipeline " + run_tag() + " " + what + " " + std::to_string(++n) + ".jpg";
}

inline Credentials admin_login() {
  return BotPassword{test::require_env("CURATOR_TEST_MW_ADMIN_BOT_USER"),
                     test::require_env("CURATOR_TEST_MW_ADMIN_BOT_PASSWORD")};
}

inline Credentials uploader_login() {
  return BotPassword{test::require_env("CURATOR_TEST_MW_USER_BOT_USER"),
                     test::require_env("CURATOR_TEST_MW_USER_BOT_PASSWORD")};
}

/// A rate-limited account used only by the pacing test, so its slots are not
/// shared with uploads other tests make as Uploader at the same time.
inline Credentials paced_login() {
  return BotPassword{test::require_env("CURATOR_TEST_MW_PACED_BOT_USER"),
                     test::require_env("CURATOR_TEST_MW_PACED_BOT_PASSWORD")};
}

/// Records every status event published on the mode's bus.
class EventLog {
 public:
  explicit EventLog(queue::EventBus& bus)
      : sub_(bus.subscribe(kStatusChannel, [this](auto, std::string_view p) {
          std::lock_guard lock(mutex_);
          events_.push_back({parse_status_event(p), std::chrono::steady_clock::now()});
        })) {}
  struct Seen {
    StatusEvent event;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Seen> of(store::Id id) {
    std::lock_guard lock(mutex_);
    std::vector<Seen> out;
    for (const auto& e : events_)
      if (e.event.upload_id == id) out.push_back(e);
    return out;
  }
  std::vector<UploadStatus> statuses(store::Id id) {
    std::vector<UploadStatus> out;
    for (const auto& e : of(id))
      out.push_back(e.event.status);
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<Seen> events_;
  queue::Subscription sub_;
};

class World {
 public:
  /// `redis_url`: a private Redis for this world (distributed mode) instead of
  /// the shared test Redis, for tests that restart or flush it.
  explicit World(Mode mode, std::string redis_url = {})
      : mode_(mode), private_redis_(std::move(redis_url)) {
    log::configure(log::Level::warning, log::Format::text);
    if (mode == Mode::embedded) {
      scratch_ = store::test::OnSqlite::make();
    } else {
      scratch_ = store::test::OnMysql::make();
      redis_name_ = "curator-test-" + random_hex(12);
    }
    db_.emplace(store::Database::open(scratch_->url));
    db_->migrate();
    coordination_ = queue::make_coordination(coordination_options());
    events_ = std::make_unique<EventLog>(*coordination_.events);
    config_ = fakes_.config();
    config_.database_url = scratch_->url;
    config_.redis_url = coordination_options().redis_url;
    config_.commons_api_url = proxy_.commons_api();
    config_.token_encryption_key = token_key_;
    config_.contact_url = "https://example.org/curator-tests";
    config_.workers = 2;
    config_.data_dir = dir_.path().string();
    config_.chunk_size = fast_options().chunk_size;
  }
  ~World() {
    pipeline_.reset();
    events_.reset();
    coordination_ = {};
    if (!redis_name_.empty() && private_redis_.empty()) {
      try {
        queue::test_redis::delete_namespace(redis_name_);
      } catch (...) {  // cleanup must not hide the test's result
      }
    }
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Mode mode() const { return mode_; }
  queue::CoordinationOptions coordination_options() const {
    queue::CoordinationOptions o;
    if (mode_ == Mode::distributed) {
      o.redis_url =
          private_redis_.empty() ? test::require_env("CURATOR_TEST_REDIS_URL") : private_redis_;
      o.name = redis_name_;
    }
    return o;
  }
  const Config& config() const { return config_; }
  Config& config() { return config_; }
  store::Database& db() { return *db_; }
  queue::Coordination& coordination() { return coordination_; }
  test::SourceFakes& fakes() { return fakes_; }
  test::MediaWikiProxy& proxy() { return proxy_; }
  EventLog& events() { return *events_; }
  const test::TempDir& dir() const { return dir_; }

  /// The pipeline of this process (made on first use, not started).
  Pipeline& pipeline(PipelineOptions options = fast_options()) {
    if (!pipeline_) pipeline_ = Pipeline::from_config(config_, *db_, coordination_, options);
    return *pipeline_;
  }
  void stop_pipeline() { pipeline_.reset(); }

  /// A client of the wiki (through the proxy) acting as `login`.
  mediawiki::MediaWikiClient wiki(const Credentials& login = admin_login()) {
    mediawiki::ClientOptions o;
    o.api_url = proxy_.commons_api();
    o.http.user_agent.contact = config_.contact_url;
    return mediawiki::MediaWikiClient(std::move(o), login);
  }

  /// The wiki user behind `login`, as a users row; returns the userid.
  std::string user_of(const Credentials& login) {
    auto client = wiki(login);
    const auto info = client.user_info();
    const auto userid = std::to_string(info.id);
    store::UserRepository(*db_).ensure(userid, info.name);
    return userid;
  }

  /// A new Mapillary image in the fakes (random id: its bytes are new).
  /// `file_size` pads the original to that many bytes.
  std::string new_image(std::uint64_t file_size = 0) {
    static std::mt19937_64 rng{std::random_device{}()};
    const auto id = "8" + std::to_string(100000000000000ULL + rng() % 800000000000000ULL);
    const auto body = R"({"mapillary":{"images":[{"id":")" + id +
                      R"(","sequence":"seq-pipeline","captured_at":1600000000000,)"
                      R"("geometry":{"type":"Point","coordinates":[13.4,52.5]},)"
                      R"("compass_angle":45.5,"creator":{"id":"100001","username":"alice_mly"},)"
                      R"("width":640,"height":480,"_order":1,"_file_size":)" +
                      std::to_string(file_size) + "}]}}";
    fakes_.control("POST", "/_control/data", body);
    return id;
  }

  struct Upload {
    std::string image;
    std::string title;
  };

  /// Schedules the images as one batch of `login`'s user (through the
  /// scheduler: rate from the wiki, slots from the limiter).
  std::vector<store::Id> schedule(const std::vector<Upload>& uploads,
                                  const Credentials& login = admin_login(),
                                  std::optional<Label> label = Label{"en",
                                                                     "Photo from Mapillary"}) {
    const auto userid = user_of(login);
    batch_ = store::BatchRepository(*db_).create(userid);
    std::vector<store::NewUpload> items;
    for (const auto& u : uploads) {
      store::NewUpload n;
      n.key = u.image;
      n.collection = "seq-pipeline";
      n.filename = u.title;
      n.wikitext = "== {{int:filedesc}} ==\nCurator pipeline test of image " + u.image + "\n";
      n.labels = label;
      items.push_back(std::move(n));
    }
    return pipeline().scheduler().schedule(batch_.id, userid, "mapillary", login, std::move(items));
  }
  const store::Batch& batch() const { return batch_; }

  store::UploadRequest row(store::Id id) {
    auto r = store::UploadRepository(*db_).find(id);
    REQUIRE(r.has_value());
    return *r;
  }

  /// Waits until the row is terminal; fails the test on timeout.
  store::UploadRequest wait_terminal(store::Id id, std::chrono::milliseconds timeout = 90s) {
    std::optional<store::UploadRequest> last;
    const bool done = test::wait_until(
        [&] {
          last = store::UploadRepository(*db_).find(id);
          return last && is_terminal(last->status);
        },
        timeout, 50ms);
    REQUIRE_MESSAGE(done,
                    "upload " << id << " still " << (last ? to_string(last->status) : "gone"));
    return *last;
  }

  /// Publishes (commits) of `title` the wiki was asked for, from the proxy's log.
  int publishes_of(const std::string& title, long long since_seq = 0) {
    int n = 0;
    for (const auto& e : proxy_.requests("upload")) {
      const auto& o = e.as_object();
      if (o.at("seq").as_int64() <= since_seq) continue;
      const auto& p = o.at("params").as_object();
      const auto* name = p.if_contains("filename");
      if (name == nullptr || !mediawiki::same_file_name(name->as_string(), title)) continue;
      if (p.contains("filekey") && !p.contains("offset") && !p.contains("checkstatus") &&
          o.at("files").as_array().empty()) {
        ++n;
      }
    }
    return n;
  }
  /// Every upload request (chunks, publishes, polls) naming `title`.
  int upload_requests_of(const std::string& title, long long since_seq = 0) {
    int n = 0;
    for (const auto& e : proxy_.requests("upload")) {
      const auto& o = e.as_object();
      if (o.at("seq").as_int64() <= since_seq) continue;
      const auto* name = o.at("params").as_object().if_contains("filename");
      if (name != nullptr && mediawiki::same_file_name(name->as_string(), title)) ++n;
    }
    return n;
  }
  long long last_seq() {
    long long seq = 0;
    for (const auto& e : proxy_.requests())
      seq = std::max<long long>(seq, e.as_object().at("seq").as_int64());
    return seq;
  }

 private:
  Mode mode_;
  std::string private_redis_;
  test::TempDir dir_;
  test::SourceFakes fakes_;
  test::MediaWikiProxy proxy_;
  std::unique_ptr<store::test::Scratch> scratch_;
  std::string redis_name_;
  std::string token_key_ = auth::generate_fernet_key();
  std::optional<store::Database> db_;
  queue::Coordination coordination_;
  std::unique_ptr<EventLog> events_;
  Config config_;
  store::Batch batch_;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace curator::pipeline::e2e

namespace curator::pipeline::e2e {

struct Embedded {
  static constexpr Mode kMode = Mode::embedded;
};
struct Distributed {
  static constexpr Mode kMode = Mode::distributed;
};

}  // namespace curator::pipeline::e2e
