#pragma once
// The TaskQueue contract, run against every implementation: unit_queue runs
// it in-process, integration_queue against a real Redis. A Backend gives one
// test fresh parts that share state (see backends in each test directory):
//   std::shared_ptr<TaskQueue> task_queue(TaskQueueOptions)  — several calls
//   name the same queue (in Redis: separate connections, like processes).

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/queue/task_queue.hpp"
#include "test_support.hpp"

namespace curator::queue::suite {

using namespace std::chrono_literals;
using namespace std::string_literals;
using Steady = std::chrono::steady_clock;

inline Task task(std::int64_t id, std::string user, int attempt = 0) {
  return Task{id, std::move(user), "a1B2c3D4e5F6", attempt};
}

inline TaskQueueOptions fast_options(std::chrono::milliseconds visibility = 10min,
                                     int max_deliveries = 5) {
  TaskQueueOptions o;
  o.visibility_timeout = visibility;
  o.max_deliveries = max_deliveries;
  return o;
}

template <typename F>
void check_invalid(F&& f, const std::string& fragment) {
  try {
    f();
    FAIL("accepted: " << fragment);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK_MESSAGE(std::string(e.what()).find(fragment) != std::string::npos, e.what());
  }
}

}  // namespace curator::queue::suite

// doctest's template test cases must live at namespace scope.
using namespace curator;
using namespace curator::queue;
using namespace curator::queue::suite;
using namespace std::chrono_literals;

TEST_CASE_TEMPLATE_DEFINE("task queue: publish, fetch and ack keep every field", B, tq_round_trip) {
  B backend;
  auto q = backend.task_queue(fast_options());
  q->publish(Task{42, "user-1", "0aF9bC3d2E1f", 3});
  CHECK(q->stats().waiting == 1);
  auto d = q->fetch("worker-1", 2s);
  REQUIRE(d);
  CHECK(d->task == Task{42, "user-1", "0aF9bC3d2E1f", 3});
  CHECK(d->consumer == "worker-1");
  CHECK(d->delivery_count == 1);
  CHECK_FALSE(d->receipt.empty());
  const auto during = q->stats();
  CHECK(during.waiting == 0);
  CHECK(during.in_flight == 1);
  CHECK(q->ack(*d));
  CHECK_FALSE(q->ack(*d));  // a second ack changes nothing
  const auto after = q->stats();
  CHECK(after.in_flight == 0);
  CHECK(after.users == 0);

  const auto start = Steady::now();
  CHECK_FALSE(q->fetch("worker-1", 200ms));
  CHECK(Steady::now() - start >= 180ms);  // it did wait
}

TEST_CASE_TEMPLATE_DEFINE("task queue: binary user ids round-trip, bad tasks are refused whole", B,
                          tq_hostile) {
  B backend;
  auto q = backend.task_queue(fast_options());
  const auto binary = "\0\xff\xfe:{}*\n\x01"s;
  const std::string longest(kMaxUserIdBytes, '\x80');
  q->publish(task(1, binary));
  q->publish(task(2, longest));
  std::set<std::string> users;
  for (int i = 0; i < 2; ++i) {
    auto d = q->fetch("w", 2s);
    REQUIRE(d);
    users.insert(d->task.user_id);
    CHECK(q->ack(*d));
  }
  CHECK(users == std::set<std::string>{binary, longest});

  check_invalid([&] { q->publish(task(3, std::string(10u << 20, 'x'))); },
                "user_id is 10485760 bytes; at most 256");
  check_invalid([&] { q->publish(task(3, "")); }, "user_id is empty");
  check_invalid([&] { q->publish(task(0, "u")); }, "upload_id must be positive");
  check_invalid([&] { q->publish(task(-5, "u")); }, "upload_id must be positive");
  check_invalid([&] { q->publish(task(3, "u", -1)); }, "attempt must not be negative");
  check_invalid(
      [&] {
        q->publish(Task{3, "u", std::string(100000, 'g'), 0});
      },
      "edit_group_id is 100000 bytes");
  check_invalid([&] { q->fetch("", 0ms); }, "consumer name is empty");
  check_invalid([&] { q->fetch(std::string(5000, 'c'), 0ms); }, "consumer name is 5000 bytes");
  // One bad task in a batch: nothing of the batch is published.
  const std::vector<Task> batch{task(10, "u"), task(11, ""), task(12, "u")};
  check_invalid([&] { q->publish(batch); }, "user_id is empty");
  CHECK(q->stats().waiting == 0);
  CHECK_FALSE(q->fetch("w", 0ms));

  // Receipts the queue never issued are refused quietly.
  Delivery forged{"not-a-receipt", "w", task(1, "u"), 1};
  CHECK_FALSE(q->ack(forged));
  CHECK_FALSE(q->touch(forged));
  CHECK_FALSE(q->nack(forged, "x"));
  forged.receipt = "999999999-0";
  CHECK_FALSE(q->ack(forged));
  forged.receipt = "99999";
  CHECK_FALSE(q->ack(forged));
}

TEST_CASE_TEMPLATE_DEFINE("task queue: users take turns, each user's tasks stay in order", B,
                          tq_round_robin) {
  B backend;
  auto q = backend.task_queue(fast_options());
  const std::vector<Task> tasks{task(1, "A"), task(2, "A"), task(3, "A"),
                                task(4, "B"), task(5, "C"), task(6, "C")};
  q->publish(tasks);
  CHECK(q->stats().users == 3);
  std::vector<std::int64_t> order;
  while (auto d = q->fetch("w", 0ms)) {
    order.push_back(d->task.upload_id);
    CHECK(q->ack(*d));
  }
  CHECK(order == std::vector<std::int64_t>{1, 4, 5, 2, 6, 3});
}

TEST_CASE_TEMPLATE_DEFINE(
    "task queue: a 10,000-task batch delays another user's first task by "
    "at most one task per worker",
    B, tq_fairness) {
  constexpr int kWorkers = 4;
  B backend;
  auto q = backend.task_queue(fast_options());
  std::vector<Task> batch;
  for (int i = 1; i <= 10000; ++i)
    batch.push_back(task(i, "user-A"));
  q->publish(batch);

  SUBCASE("workers busy with user A's tasks when user B publishes") {
    std::vector<Delivery> busy;
    for (int w = 0; w < kWorkers; ++w) {
      auto d = q->fetch("w" + std::to_string(w), 2s);
      REQUIRE(d);
      busy.push_back(*d);
    }
    q->publish(task(20000, "user-B"));
    // From here the workers finish and fetch again, one after another.
    int fetches_until_b = 0;
    for (int w = 0; fetches_until_b < 3 * kWorkers; w = (w + 1) % kWorkers) {
      CHECK(q->ack(busy[w]));
      auto d = q->fetch("w" + std::to_string(w), 2s);
      REQUIRE(d);
      ++fetches_until_b;
      busy[w] = *d;
      if (d->task.user_id == "user-B") break;
    }
    CHECK(fetches_until_b <= kWorkers);
  }

  SUBCASE("concurrent workers") {
    // Each task "takes" 2 ms. Counts are read from stats() around B's publish
    // and fetch; thread scheduling can only widen the measured gap, so the
    // bound leaves room for it while a first-in-first-out queue (about
    // 9,900 of A's tasks before B) would fail by far.
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> started{0};
    std::atomic<long long> waiting_at_fetch{-1};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&, w] {
        const auto name = "w" + std::to_string(w);
        while (!stop.load()) {
          auto d = q->fetch(name, 200ms);
          if (!d) continue;
          if (d->task.user_id == "user-B") {
            waiting_at_fetch.store(static_cast<long long>(q->stats().waiting));
          }
          ++started;
          std::this_thread::sleep_for(2ms);
          q->ack(*d);
        }
      });
    }
    REQUIRE(test::wait_until([&] { return started.load() >= 20; }, 20s));
    q->publish(task(20000, "user-B"));
    // B itself is among the waiting ones now (unless already taken).
    const auto waiting_at_publish = static_cast<long long>(q->stats().waiting);
    REQUIRE(test::wait_until([&] { return waiting_at_fetch.load() >= 0; }, 20s));
    stop.store(true);
    for (auto& t : workers)
      t.join();
    const auto a_tasks_in_between = waiting_at_publish - 1 - waiting_at_fetch.load();
    CAPTURE(waiting_at_publish);
    CAPTURE(waiting_at_fetch.load());
    CHECK(a_tasks_in_between <= 2 * kWorkers + 100);
    CHECK(waiting_at_fetch.load() > 9000);
  }
}

TEST_CASE_TEMPLATE_DEFINE("task queue: concurrent consumers get every task, each acked once", B,
                          tq_concurrent) {
  constexpr int kTasks = 2000;
  constexpr int kConsumers = 6;
  B backend;
  auto publisher = backend.task_queue(fast_options());
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::map<std::int64_t, int> acked;
  std::atomic<int> done{0};
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      auto q = backend.task_queue(fast_options());
      const auto name = "consumer-" + std::to_string(c);
      while (done.load() < kTasks) {
        auto d = q->fetch(name, 100ms);
        if (!d) continue;
        if (q->ack(*d)) {
          std::lock_guard lock(mutex);
          ++acked[d->task.upload_id];
          ++done;
        }
      }
    });
  }
  std::vector<Task> tasks;
  for (int i = 1; i <= kTasks; ++i)
    tasks.push_back(task(i, "user-" + std::to_string(i % 7)));
  // Published in slices from two threads while the consumers already run.
  std::thread second([&] { publisher->publish(std::span<const Task>(tasks).subspan(kTasks / 2)); });
  for (int i = 0; i < kTasks / 2; i += 100) {
    publisher->publish(std::span<const Task>(tasks).subspan(static_cast<std::size_t>(i), 100));
  }
  second.join();
  const bool finished = test::wait_until([&] { return done.load() >= kTasks; }, 60s);
  for (auto& t : threads)
    t.join();
  REQUIRE(finished);
  CHECK(acked.size() == static_cast<std::size_t>(kTasks));
  CHECK(std::all_of(acked.begin(), acked.end(), [](const auto& e) { return e.second == 1; }));
  const auto stats = publisher->stats();
  CHECK(stats.waiting == 0);
  CHECK(stats.in_flight == 0);
}

TEST_CASE_TEMPLATE_DEFINE(
    "task queue: a consumer that dies loses its task to another after the "
    "visibility timeout",
    B, tq_redelivery) {
  // Long enough that a loaded machine cannot stretch the 100 ms look below
  // past it (the look must find nothing).
  constexpr auto kVisibility = 2s;
  B backend;
  auto q = backend.task_queue(fast_options(kVisibility));
  q->publish(task(7, "u"));
  auto lost = q->fetch("dies", 2s);
  REQUIRE(lost);
  const auto taken = Steady::now();
  // Not before its time.
  CHECK_FALSE(q->fetch("survivor", 100ms));
  auto again = q->fetch("survivor", 30s);
  REQUIRE(again);
  CHECK(Steady::now() - taken >= kVisibility);
  CHECK(again->task == lost->task);
  CHECK(again->receipt == lost->receipt);
  CHECK(again->consumer == "survivor");
  CHECK(again->delivery_count == 2);
  // The first consumer comes back: its delivery is no longer its own.
  CHECK_FALSE(q->ack(*lost));
  CHECK_FALSE(q->touch(*lost));
  CHECK_FALSE(q->nack(*lost, "late"));
  CHECK(q->stats().in_flight == 1);
  CHECK(q->ack(*again));
  CHECK(q->stats().in_flight == 0);
}

TEST_CASE_TEMPLATE_DEFINE("task queue: touch keeps a long task from being handed out again", B,
                          tq_touch) {
  // The pause between touches is about 100 ms: the visibility leaves a
  // loaded machine well over a second of slack before a touch comes too late.
  constexpr auto kVisibility = 1500ms;
  B backend;
  auto q = backend.task_queue(fast_options(kVisibility));
  q->publish(task(8, "u"));
  auto d = q->fetch("slow", 2s);
  REQUIRE(d);
  const auto start = Steady::now();
  while (Steady::now() - start < 3 * kVisibility) {
    CHECK_FALSE(q->fetch("other", 100ms));  // also the pause between touches
    CHECK(q->touch(*d));
  }
  auto stolen = q->fetch("other", 30s);  // no more touches: it expires
  REQUIRE(stolen);
  CHECK(stolen->task.upload_id == 8);
  CHECK(stolen->delivery_count == 2);
  CHECK(q->ack(*stolen));
}

TEST_CASE_TEMPLATE_DEFINE("task queue: dead letter after N deliveries without an ack", B,
                          tq_dead_letter) {
  B backend;
  auto q = backend.task_queue(fast_options(150ms, 3));
  std::mutex mutex;
  std::vector<DeadLetter> reported;
  q->set_dead_letter_handler([&](const DeadLetter& d) {
    std::lock_guard lock(mutex);
    reported.push_back(d);
  });
  q->publish(task(9, "u", 2));
  for (int n = 1; n <= 3; ++n) {
    auto d = q->fetch("crashy-" + std::to_string(n), 5s);
    REQUIRE(d);
    CHECK(d->delivery_count == n);
  }
  CHECK_FALSE(q->fetch("next", 1500ms));
  std::lock_guard lock(mutex);
  REQUIRE(reported.size() == 1);
  CHECK(reported[0].task == task(9, "u", 2));
  CHECK(reported[0].deliveries == 3);
  CHECK(reported[0].reason.find("not acknowledged after 3 deliveries") != std::string::npos);
  const auto kept = q->dead_letters(10);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].task == reported[0].task);
  CHECK(kept[0].reason == reported[0].reason);
  const auto stats = q->stats();
  CHECK(stats.dead == 1);
  CHECK(stats.in_flight == 0);
  CHECK(stats.waiting == 0);
}

TEST_CASE_TEMPLATE_DEFINE(
    "task queue: nack requeues behind the user's other tasks, then "
    "dead-letters with the reason",
    B, tq_nack) {
  B backend;
  auto q = backend.task_queue(fast_options(10min, 2));
  q->publish(std::vector<Task>{task(1, "u"), task(2, "u")});
  auto first = q->fetch("w", 2s);
  REQUIRE(first);
  REQUIRE(first->task.upload_id == 1);
  CHECK_FALSE(q->nack(*first, "storage busy"));  // requeued, not dead
  Delivery stale = *first;
  stale.consumer = "someone-else";
  CHECK_FALSE(q->nack(stale, "x"));
  auto second = q->fetch("w", 2s);
  REQUIRE(second);
  CHECK(second->task.upload_id == 2);  // behind the user's other task
  CHECK(q->ack(*second));
  auto retry = q->fetch("w", 2s);
  REQUIRE(retry);
  CHECK(retry->task.upload_id == 1);
  CHECK(retry->delivery_count == 2);
  const auto dead = q->nack(*retry, "hash lock held by another upload");
  REQUIRE(dead);
  CHECK(dead->deliveries == 2);
  CHECK(dead->reason == "gave up after 2 deliveries: hash lock held by another upload");
  CHECK_FALSE(q->fetch("w", 0ms));
  const auto kept = q->dead_letters(5);
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].reason == dead->reason);
  CHECK(kept[0].task.upload_id == 1);
}

TEST_CASE_TEMPLATE_DEFINE("task queue: close wakes a waiting fetch", B, tq_close) {
  B backend;
  auto q = backend.task_queue(fast_options());
  std::atomic<bool> returned{false};
  std::thread waiter([&] {
    CHECK_FALSE(q->fetch("w", 30s));
    returned.store(true);
  });
  CHECK_FALSE(test::wait_until([&] { return returned.load(); }, 100ms));
  q->close();
  CHECK(test::wait_until([&] { return returned.load(); }, 30s));
  waiter.join();
}

// The batch operations (fetch_many, ack_many, ack_and_fetch).
#include "task_queue_batch_suite.hpp"

#define CURATOR_TASK_QUEUE_SUITE(Backend)                  \
  TEST_CASE_TEMPLATE_INVOKE(tq_round_trip, Backend);       \
  TEST_CASE_TEMPLATE_INVOKE(tq_hostile, Backend);          \
  TEST_CASE_TEMPLATE_INVOKE(tq_round_robin, Backend);      \
  TEST_CASE_TEMPLATE_INVOKE(tq_fairness, Backend);         \
  TEST_CASE_TEMPLATE_INVOKE(tq_concurrent, Backend);       \
  TEST_CASE_TEMPLATE_INVOKE(tq_redelivery, Backend);       \
  TEST_CASE_TEMPLATE_INVOKE(tq_touch, Backend);            \
  TEST_CASE_TEMPLATE_INVOKE(tq_dead_letter, Backend);      \
  TEST_CASE_TEMPLATE_INVOKE(tq_nack, Backend);             \
  TEST_CASE_TEMPLATE_INVOKE(tq_batches, Backend);          \
  TEST_CASE_TEMPLATE_INVOKE(tq_ack_and_fetch, Backend);    \
  TEST_CASE_TEMPLATE_INVOKE(tq_batch_expired, Backend);    \
  TEST_CASE_TEMPLATE_INVOKE(tq_batch_concurrent, Backend); \
  TEST_CASE_TEMPLATE_INVOKE(tq_close, Backend)
