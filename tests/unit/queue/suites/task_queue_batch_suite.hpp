#pragma once
// The TaskQueue batch operations (fetch_many, ack_many, ack_and_fetch), part
// of the contract in task_queue_suite.hpp (which includes this file and
// invokes these cases for every implementation).

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "curator/queue/task_queue.hpp"
#include "test_support.hpp"

TEST_CASE_TEMPLATE_DEFINE("task queue: fetch_many takes users in turn, ack_many acks each once", B,
                          tq_batches) {
  B backend;
  auto q = backend.task_queue(fast_options());
  q->publish(std::vector<Task>{task(1, "a"), task(2, "a"), task(3, "a"), task(4, "b"), task(5, "b"),
                               task(6, "c")});
  auto first = q->fetch_many("w", 4, 2s);
  std::vector<std::int64_t> ids;
  for (const auto& d : first)
    ids.push_back(d.task.upload_id);
  CHECK(ids == std::vector<std::int64_t>{1, 4, 6, 2});
  for (const auto& d : first) {
    CHECK(d.consumer == "w");
    CHECK(d.delivery_count == 1);
  }
  CHECK(q->stats().in_flight == 4);
  // Never waits to fill a batch: what is there comes back.
  auto rest = q->fetch_many("v", 100, 2s);
  ids.clear();
  for (const auto& d : rest)
    ids.push_back(d.task.upload_id);
  CHECK(ids == std::vector<std::int64_t>{5, 3});
  CHECK(q->fetch_many("v", 10, 0ms).empty());
  // Acks of several consumers in one call; a stale or foreign receipt is refused alone.
  std::vector<Delivery> all = first;
  all.insert(all.end(), rest.begin(), rest.end());
  Delivery stale = rest[0];
  stale.consumer = "someone-else";
  Delivery garbage = rest[1];
  garbage.receipt = "not-a-receipt";
  all.insert(all.begin() + 1, stale);
  all.push_back(garbage);
  const auto acked = q->ack_many(all);
  REQUIRE(acked.size() == all.size());
  CHECK(acked == std::vector<bool>{true, false, true, true, true, true, true, false});
  CHECK(q->ack_many(all) == std::vector<bool>(all.size(), false));
  CHECK(q->ack_many(std::vector<Delivery>{}).empty());
  const auto stats = q->stats();
  CHECK(stats.in_flight == 0);
  CHECK(stats.waiting == 0);
  // Bad batch sizes and consumers are refused before anything is taken.
  q->publish(task(7, "a"));
  check_invalid([&] { q->fetch_many("w", 0, 0ms); }, "1 to 1000");
  check_invalid([&] { q->fetch_many("w", kMaxFetchBatch + 1, 0ms); }, "1 to 1000");
  check_invalid([&] { q->fetch_many("", 5, 0ms); }, "consumer");
  CHECK(q->stats().waiting == 1);
}

TEST_CASE_TEMPLATE_DEFINE("task queue: ack_and_fetch acks the last batch and takes the next", B,
                          tq_ack_and_fetch) {
  B backend;
  auto q = backend.task_queue(fast_options());
  std::vector<Task> tasks;
  for (int i = 1; i <= 7; ++i)
    tasks.push_back(task(i, "u" + std::to_string(i % 2)));
  q->publish(tasks);
  auto step = q->ack_and_fetch({}, "w", 3, 2s);
  CHECK(step.acked.empty());
  REQUIRE(step.deliveries.size() == 3);
  std::set<std::int64_t> seen;
  auto previous = step.deliveries;
  Delivery foreign = previous[0];
  foreign.consumer = "not-w";
  previous.push_back(foreign);
  for (const auto& d : step.deliveries)
    seen.insert(d.task.upload_id);
  step = q->ack_and_fetch(previous, "w", 3, 2s);
  CHECK(step.acked == std::vector<bool>{true, true, true, false});
  REQUIRE(step.deliveries.size() == 3);
  for (const auto& d : step.deliveries)
    seen.insert(d.task.upload_id);
  CHECK(q->stats().in_flight == 3);
  previous = step.deliveries;
  step = q->ack_and_fetch(previous, "w", 3, 2s);
  CHECK(step.acked == std::vector<bool>(3, true));
  REQUIRE(step.deliveries.size() == 1);
  seen.insert(step.deliveries[0].task.upload_id);
  CHECK(seen.size() == 7);
  // Nothing left: the acks still happen, then the wait times out.
  previous = step.deliveries;
  step = q->ack_and_fetch(previous, "w", 3, 100ms);
  CHECK(step.acked == std::vector<bool>{true});
  CHECK(step.deliveries.empty());
  CHECK(q->stats().in_flight == 0);
  // A bad batch size throws before acking anything.
  q->publish(task(8, "u"));
  auto last = q->fetch("w", 2s);
  REQUIRE(last);
  check_invalid([&] { q->ack_and_fetch(std::vector<Delivery>{*last}, "w", 0, 0ms); }, "1 to 1000");
  CHECK(q->stats().in_flight == 1);
  CHECK(q->ack(*last));
}

TEST_CASE_TEMPLATE_DEFINE("task queue: a batch takes expired deliveries first, then new tasks", B,
                          tq_batch_expired) {
  constexpr auto kVisibility = 300ms;
  B backend;
  auto q = backend.task_queue(fast_options(kVisibility, 2));
  std::mutex mutex;
  std::vector<DeadLetter> reported;
  q->set_dead_letter_handler([&](const DeadLetter& d) {
    std::lock_guard lock(mutex);
    reported.push_back(d);
  });
  q->publish(std::vector<Task>{task(1, "a"), task(2, "b")});
  auto lost = q->fetch_many("dies", 2, 2s);
  REQUIRE(lost.size() == 2);
  q->publish(task(3, "c"));
  std::this_thread::sleep_for(kVisibility + 50ms);  // the visibility timeout itself is tested
  auto again = q->fetch_many("survivor", 3, 2s);
  REQUIRE(again.size() == 3);
  CHECK(again[2].task.upload_id == 3);
  CHECK(again[2].delivery_count == 1);
  std::set<std::int64_t> retaken{again[0].task.upload_id, again[1].task.upload_id};
  CHECK(retaken == std::set<std::int64_t>{1, 2});
  CHECK(again[0].delivery_count == 2);
  CHECK(again[1].delivery_count == 2);
  CHECK(q->ack_many(lost) == std::vector<bool>{false, false});
  // Task 3 is acked; 1 and 2 die again and become dead letters in the next batch.
  CHECK(q->ack(again[2]));
  std::this_thread::sleep_for(kVisibility + 50ms);
  CHECK(q->fetch_many("next", 10, 200ms).empty());
  std::lock_guard lock(mutex);
  CHECK(reported.size() == 2);
  CHECK(q->stats().dead == 2);
  CHECK(q->stats().in_flight == 0);
}

TEST_CASE_TEMPLATE_DEFINE("task queue: batch consumers get every task, each acked once", B,
                          tq_batch_concurrent) {
  constexpr int kTasks = 3000;
  constexpr int kConsumers = 4;
  B backend;
  auto publisher = backend.task_queue(fast_options());
  std::mutex mutex;
  std::map<std::int64_t, int> acked;
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      auto q = backend.task_queue(fast_options());
      const auto name = "batcher-" + std::to_string(c);
      while (done.load() < kTasks) {
        const auto got = q->fetch_many(name, 16, 100ms);
        const auto ok = q->ack_many(got);
        std::lock_guard lock(mutex);
        for (std::size_t i = 0; i < got.size(); ++i) {
          if (!ok[i]) continue;
          ++acked[got[i].task.upload_id];
          ++done;
        }
      }
    });
  }
  std::vector<Task> tasks;
  for (int i = 1; i <= kTasks; ++i)
    tasks.push_back(task(i, "user-" + std::to_string(i % 5)));
  for (int i = 0; i < kTasks; i += 250)
    publisher->publish(std::span<const Task>(tasks).subspan(static_cast<std::size_t>(i), 250));
  const bool finished = test::wait_until([&] { return done.load() >= kTasks; }, 60s);
  for (auto& t : threads)
    t.join();
  REQUIRE(finished);
  CHECK(acked.size() == static_cast<std::size_t>(kTasks));
  CHECK(std::all_of(acked.begin(), acked.end(), [](const auto& e) { return e.second == 1; }));
  CHECK(publisher->stats().in_flight == 0);
}
