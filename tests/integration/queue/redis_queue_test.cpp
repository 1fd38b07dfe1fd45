// What only the Redis implementations can show: queues in separate
// "processes", a Redis that lost the queue's keys, entries written by
// something else, and events across a reconnect.

#include <doctest/doctest.h>

#include <atomic>
#include <sstream>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "redis_backend.hpp"

using namespace curator;
using namespace curator::queue;
using namespace curator::queue::test_redis;
using namespace std::chrono_literals;

TEST_CASE("queues on separate pools with one name are one queue") {
  RedisBackend backend;
  auto producer = backend.task_queue({});
  auto consumer = backend.task_queue({});
  producer->publish(Task{5, "u", "eg", 0});
  auto d = consumer->fetch("w", 2s);
  REQUIRE(d);
  CHECK(d->task.upload_id == 5);
  CHECK(producer->stats().in_flight == 1);
  CHECK(producer->ack(*d));  // any process may ack a delivery it was handed
  CHECK(consumer->stats().in_flight == 0);
}

TEST_CASE("a queue whose keys vanished (Redis wiped) starts afresh") {
  RedisBackend backend;
  auto q = backend.task_queue({});
  q->publish(Task{1, "u", "eg", 0});
  auto d = q->fetch("w", 2s);
  REQUIRE(d);
  delete_namespace(backend.name());
  CHECK_FALSE(q->ack(*d));  // the delivery is gone with the keys
  CHECK_FALSE(q->touch(*d));
  CHECK_FALSE(q->fetch("w", 0ms));  // recreates the consumer group
  q->publish(Task{2, "u", "eg", 0});
  auto again = q->fetch("w", 2s);
  REQUIRE(again);
  CHECK(again->task.upload_id == 2);
  CHECK(q->ack(*again));
}

TEST_CASE("an entry this queue did not write is dead-lettered, not handed out") {
  RedisBackend backend;
  auto q = backend.task_queue({});
  std::atomic<int> reported{0};
  q->set_dead_letter_handler([&](const DeadLetter& d) {
    CHECK(d.reason == "the task entry could not be decoded");
    ++reported;
  });
  RedisClient raw(options());
  const auto prefix = "{" + backend.name() + "}:q:";
  raw.command({"RPUSH", prefix + "u:intruder", "0:{\"upload_id\": 1}"});
  raw.command({"RPUSH", prefix + "ring", "intruder"});
  q->publish(Task{3, "u", "eg", 0});
  std::vector<std::int64_t> got;
  while (auto d = q->fetch("w", 500ms)) {
    got.push_back(d->task.upload_id);
    q->ack(*d);
  }
  CHECK(got == std::vector<std::int64_t>{3});
  CHECK(reported.load() == 1);
  CHECK(q->stats().dead == 1);
  CHECK(q->stats().in_flight == 0);
}

TEST_CASE("subscribers get events again after their connection is killed") {
  RedisBackend backend;
  auto publisher = backend.event_bus({});
  auto named = options();
  named.client_name = "curator-test-listener-" + random_hex(8);
  auto listener = make_redis_event_bus(std::make_shared<RedisPool>(named), backend.name());
  std::atomic<int> received{0};
  auto subscription =
      listener->subscribe("batch:9", [&](std::string_view, std::string_view) { ++received; });
  publisher->publish("batch:9", "one");
  REQUIRE(curator::test::wait_until([&] { return received.load() == 1; }, 30s));
  RedisClient admin(options());
  // Only this listener's connection: other tests may be running.
  const auto clients = admin.command({"CLIENT", "LIST", "TYPE", "pubsub"}).text();
  int killed = 0;
  std::istringstream lines(clients);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" name=" + named.client_name + " ") == std::string::npos) continue;
    const auto id = line.substr(3, line.find(' ') - 3);  // "id=<n> ..."
    killed += static_cast<int>(admin.command({"CLIENT", "KILL", "ID", id}).integer());
  }
  REQUIRE(killed == 1);
  // At most once: events during the outage may be lost, later ones arrive.
  CHECK(curator::test::wait_until(
      [&] {
        publisher->publish("batch:9", "again");
        return received.load() >= 2;
      },
      60s, 200ms));
}

TEST_CASE("rate-limiter keys expire once their slot has passed") {
  RedisBackend backend;
  auto limiter = backend.rate_limiter();
  const auto now = now_utc();
  limiter->reserve_at("u", Rate{4, 60}, now);
  RedisClient raw(options());
  const auto k = "{" + backend.name() + "}:rate:u";
  const auto ttl = raw.command({"PTTL", k}).integer();
  CHECK(ttl > 60000);  // the slot 22.5 s ahead, plus a minute
  CHECK(ttl <= 22500 + 60000);
  CHECK(raw.command({"GET", k}).text() ==
        std::to_string((now + std::chrono::microseconds(22'500'000)).time_since_epoch().count()));
}
