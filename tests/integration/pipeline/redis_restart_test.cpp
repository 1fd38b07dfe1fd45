// Redis lost mid-batch (distributed mode), on a private redis-server so the
// shared test Redis is never flushed: a restart (killed, started again empty:
// every connection breaks) and a FLUSHALL (connections live, every key gone:
// the task stream and its consumer group, the sentinel, the leases and hash
// locks). Either way every upload ends completed with one publish and one file,
// the start-up recovery runs again, and the reconciler re-dispatches the queued
// rows whose tasks were lost.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "child.hpp"
#include "curator/queue/redis_client.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  REQUIRE(ok);
  return ntohs(a.sin_port);
}

/// A redis-server of this test alone, without persistence: a restart starts empty.
class PrivateRedis {
 public:
  explicit PrivateRedis(std::filesystem::path dir) : dir_(std::move(dir)), port_(free_port()) {
    start();
  }
  ~PrivateRedis() { stop(); }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

  void start() {
    const auto port = std::to_string(port_), dir = dir_.string();
    const auto log = (dir_ / "redis.log").string();
    std::vector<std::string> args{
        "redis-server", "--bind", "127.0.0.1", "--port", port,        "--save", "",
        "--appendonly", "no",     "--dir",     dir,      "--logfile", log};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ);
    REQUIRE_MESSAGE(rc == 0, "cannot start redis-server (scripts/install-deps.sh installs it)");
    REQUIRE_MESSAGE(test::wait_until([&] { return answers(); }, 10s, 20ms),
                    "the private redis-server did not answer PING");
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void flushall() { client().command({"FLUSHALL"}); }
  bool has_key(const std::string& key) { return client().command({"EXISTS", key}).integer() == 1; }

 private:
  queue::RedisClient client() const {
    queue::RedisOptions o;
    o.url = url();
    o.connect_timeout = 500ms;
    return queue::RedisClient(o);
  }
  bool answers() const {
    try {
      return client().command({"PING"}).text() == "PONG";
    } catch (const std::exception&) {
      return false;
    }
  }

  std::filesystem::path dir_;
  int port_;
  pid_t pid_ = -1;
};

enum class Loss { restart, flushall };

void lose_redis_mid_batch(Loss loss) {
  test::TempDir redis_dir;
  PrivateRedis redis(redis_dir.path());
  World w(Mode::distributed, redis.url());
  // Slow second chunks keep both workers busy while more uploads wait queued.
  w.proxy().fault(R"({"action":"upload","params":{"offset":"65536"},"delay_ms":2000,"count":2})");
  std::vector<World::Upload> uploads;
  for (int i = 0; i < 6; ++i)
    uploads.push_back({w.new_image(200 * 1024), unique_title("redis lost")});
  const auto ids = w.schedule(uploads);
  auto& pipeline = w.pipeline(crash_options());
  pipeline.start();
  REQUIRE(test::wait_until([&] { return pipeline.busy_workers() == 2; }, 60s, 20ms));
  REQUIRE(test::wait_until([&] { return w.coordination().tasks->stats().waiting >= 1; }, 10s));
  const auto sentinel = "{" + w.coordination_options().name + "}:sentinel:started";
  REQUIRE(redis.has_key(sentinel));

  if (loss == Loss::restart) {
    redis.stop();
    redis.start();
  } else {
    redis.flushall();
  }
  REQUIRE_FALSE(redis.has_key(sentinel));
  // The coordinator notices the missing sentinel and recovers again.
  CHECK(test::wait_until([&] { return redis.has_key(sentinel); }, 15s, 50ms));

  auto client = w.wiki();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(uploads[i].title);
    const auto row = w.wait_terminal(ids[i], 90s);
    CHECK(row.status == UploadStatus::completed);
    CHECK(w.publishes_of(uploads[i].title) == 1);
    const auto info = client.image_info(uploads[i].title);
    REQUIRE(info.has_value());
    CHECK(client.find_files_by_sha1(info->sha1).size() == 1);
  }
  pipeline.stop();
}

}  // namespace

TEST_CASE("Redis restarted mid-batch: every upload ends once") {
  lose_redis_mid_batch(Loss::restart);
}

TEST_CASE("Redis FLUSHALL mid-batch: every upload ends once") {
  lose_redis_mid_batch(Loss::flushall);
}
