// Dead letters on the Redis queue end their upload failed, as on the
// in-process one (tests/unit/pipeline/dead_letter_test.cpp): the same checks.
#include <doctest/doctest.h>

#include "../../unit/pipeline/dead_letter_suite.hpp"
#include "curator/core/ids.hpp"
#include "curator/queue/redis_client.hpp"

using namespace curator;
using namespace curator::pipeline;

namespace {

// A queue under its own namespace, deleted afterwards.
struct RedisTasks {
  std::string name = "curator-test-" + random_hex(12);
  std::shared_ptr<queue::RedisPool> pool = [] {
    queue::RedisOptions o;
    o.url = test::require_env("CURATOR_TEST_REDIS_URL");
    return std::make_shared<queue::RedisPool>(o);
  }();
  std::shared_ptr<queue::TaskQueue> tasks =
      queue::make_redis_task_queue(pool, name, dead_letter_suite::options());
  ~RedisTasks() {
    try {
      auto lease = pool->acquire();
      std::string cursor = "0";
      do {
        const auto reply = lease->command({"SCAN", cursor, "MATCH", "{" + name + "}:*"});
        cursor = reply.array().at(0).text();
        for (const auto& key : reply.array().at(1).array())
          lease->command({"DEL", key.text()});
      } while (cursor != "0");
    } catch (...) {  // cleanup must not hide the test's result
    }
  }
};

}  // namespace

TEST_CASE("redis queue: a dead letter fails its queued upload with a reason and an event") {
  local::LocalEnv e;
  RedisTasks redis;
  dead_letter_suite::queued_row_fails(e, redis.tasks);
}

TEST_CASE("redis queue: a dead letter leaves held and ended uploads alone") {
  local::LocalEnv e;
  RedisTasks redis;
  dead_letter_suite::held_or_ended_rows_stay(e, redis.tasks);
}
