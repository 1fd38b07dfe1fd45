#pragma once
// The contracts of RateLimiter, HashLock, LeaderLease and EventBus, run
// against every implementation (in-process in unit_queue, Redis in
// integration_queue). A Backend gives one test fresh parts sharing state:
//   rate_limiter(), hash_lock(), leader_lease(), event_bus(EventBusOptions);
// several calls name the same underlying store (in Redis: new connections).

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/queue/event_bus.hpp"
#include "curator/queue/hash_lock.hpp"
#include "curator/queue/leader_lease.hpp"
#include "curator/queue/rate_limiter.hpp"
#include "test_support.hpp"

namespace curator::queue::suite {

using namespace std::chrono_literals;
using namespace std::string_literals;

inline TimePoint at_seconds(double s) {
  return TimePoint(std::chrono::microseconds(static_cast<long long>(s * 1e6)));
}

template <typename F>
void expect_invalid(F&& f, const std::string& fragment) {
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

TEST_CASE_TEMPLATE_DEFINE("rate limiter: slots follow the upstream spacing", B, rl_slots) {
  B backend;
  auto limiter = backend.rate_limiter();
  const Rate four_per_minute{4, 60};  // 60 / 4 x 1.5 = 22.5 s
  // The Python tests' numbers: first call no delay, then 122.5, then 145.0.
  CHECK(limiter->reserve_at("user-1", four_per_minute, at_seconds(100)) == at_seconds(100));
  CHECK(limiter->reserve_at("user-1", four_per_minute, at_seconds(100)) == at_seconds(122.5));
  CHECK(limiter->reserve_at("user-1", four_per_minute, at_seconds(100.1)) == at_seconds(145));
  // Another user is not held back by user-1.
  CHECK(limiter->reserve_at("user-2", four_per_minute, at_seconds(100)) == at_seconds(100));
  // Long after the last slot: no wait, and spacing restarts from now.
  CHECK(limiter->reserve_at("user-1", four_per_minute, at_seconds(1000)) == at_seconds(1000));
  CHECK(limiter->reserve_at("user-1", four_per_minute, at_seconds(1000)) == at_seconds(1022.5));
  // A rate change applies from the next reservation on.
  CHECK(limiter->reserve_at("user-1", Rate{380, 4320}, at_seconds(1000)) == at_seconds(1045));
  CHECK(limiter->reserve_at("user-1", Rate{380, 4320}, at_seconds(1000)) ==
        at_seconds(1045) + std::chrono::microseconds(17052632));
  // Binary user ids are just other users.
  const auto binary = "\0\xff{x}"s;
  CHECK(limiter->reserve_at(binary, four_per_minute, at_seconds(100)) == at_seconds(100));
  CHECK(limiter->reserve_at(binary, four_per_minute, at_seconds(100)) == at_seconds(122.5));

  expect_invalid([&] { limiter->reserve_at("", four_per_minute, at_seconds(1)); },
                 "user id is empty");
  expect_invalid(
      [&] { limiter->reserve_at(std::string(300, 'u'), four_per_minute, at_seconds(1)); },
      "is 300 bytes");
  expect_invalid([&] { limiter->reserve_at("u", Rate{0, 60}, at_seconds(1)); }, "positive");
  expect_invalid([&] { limiter->reserve_at("u", Rate{4, -1}, at_seconds(1)); }, "positive");
}

TEST_CASE_TEMPLATE_DEFINE(
    "rate limiter: concurrent callers never get two slots within the "
    "spacing",
    B, rl_concurrent) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  B backend;
  const Rate rate{60, 60};  // 1.5 s apart
  std::mutex mutex;
  std::vector<TimePoint> slots;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto limiter = backend.rate_limiter();  // its own connection in Redis
      for (int i = 0; i < kEach; ++i) {
        const auto slot = limiter->reserve("busy-user", rate);
        std::lock_guard lock(mutex);
        slots.push_back(slot);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  REQUIRE(slots.size() == kThreads * kEach);
  std::sort(slots.begin(), slots.end());
  for (std::size_t i = 1; i < slots.size(); ++i) {
    CHECK(slots[i] - slots[i - 1] >= rate.spacing());
  }
}

TEST_CASE_TEMPLATE_DEFINE("hash lock: one owner at a time, only the owner renews or releases", B,
                          hl_exclusive) {
  B backend;
  auto lock = backend.hash_lock();
  const std::string sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
  const auto alice = new_owner_token();
  const auto bob = new_owner_token();
  CHECK(alice != bob);
  CHECK(alice.size() == 32);
  CHECK(lock->acquire(sha1, alice, 60s));
  CHECK(lock->acquire(sha1, alice, 60s));  // its owner may take it again
  CHECK_FALSE(lock->acquire(sha1, bob, 60s));
  CHECK(lock->owner(sha1) == alice);
  CHECK_FALSE(lock->release(sha1, bob));
  CHECK_FALSE(lock->renew(sha1, bob, 60s));
  CHECK(lock->owner(sha1) == alice);
  CHECK(lock->renew(sha1, alice, 60s));
  CHECK(lock->release(sha1, alice));
  CHECK_FALSE(lock->release(sha1, alice));
  CHECK(lock->owner(sha1) == std::nullopt);
  CHECK(lock->acquire(sha1, bob, 60s));
  CHECK(lock->release(sha1, bob));

  // Expiry frees it; a renewed lock outlives its first ttl.
  CHECK(lock->acquire("short", alice, 150ms));
  CHECK(test::wait_until([&] { return !lock->owner("short").has_value(); }, 30s));
  CHECK(lock->acquire("short", bob, 300ms));
  CHECK_FALSE(lock->renew("short", alice, 300ms));

  // Binary keys and owners round-trip.
  const auto key = "\0\xff\n{}"s;
  const auto owner = "\x01\0\x80"s;
  CHECK(lock->acquire(key, owner, 60s));
  CHECK(lock->owner(key) == owner);
  CHECK_FALSE(lock->acquire(key, std::string("\x01\0\x81", 3), 60s));
  CHECK(lock->release(key, owner));

  expect_invalid([&] { lock->acquire("", alice, 1s); }, "lock key is empty");
  expect_invalid([&] { lock->acquire(std::string(1u << 20, 'k'), alice, 1s); },
                 "lock key is 1048576 bytes");
  expect_invalid([&] { lock->acquire("k", "", 1s); }, "lock owner is empty");
  expect_invalid([&] { lock->acquire("k", alice, 0ms); }, "time to live");
  expect_invalid([&] { lock->renew("k", alice, std::chrono::hours(24 * 400)); }, "time to live");
}

TEST_CASE_TEMPLATE_DEFINE("hash lock: contending workers never hold it together", B,
                          hl_contention) {
  constexpr int kThreads = 6;
  constexpr int kRounds = 40;
  B backend;
  std::atomic<int> holders{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto lock = backend.hash_lock();
      const auto me = new_owner_token();
      for (int i = 0; i < kRounds; ++i) {
        if (!lock->acquire("same-bytes", me, 30s)) continue;
        if (++holders != 1) ++overlaps;
        ++wins;
        std::this_thread::yield();
        --holders;
        CHECK(lock->release("same-bytes", me));
      }
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(overlaps.load() == 0);
  CHECK(wins.load() > 0);
}

TEST_CASE_TEMPLATE_DEFINE("leader lease and the start-up sentinel", B, ll_lease) {
  B backend;
  auto a = backend.leader_lease();
  auto b = backend.leader_lease();
  CHECK(a->try_acquire("dispatcher", "worker-a", 60s));
  CHECK_FALSE(b->try_acquire("dispatcher", "worker-b", 60s));
  CHECK(a->try_acquire("dispatcher", "worker-a", 60s));  // renews
  CHECK(b->holder("dispatcher") == "worker-a");
  CHECK(b->try_acquire("reconciler", "worker-b", 60s));  // names are independent
  CHECK_FALSE(b->release("dispatcher", "worker-b"));
  CHECK_FALSE(b->renew("dispatcher", "worker-b", 60s));
  CHECK(a->renew("dispatcher", "worker-a", 60s));
  CHECK(a->release("dispatcher", "worker-a"));
  CHECK(b->try_acquire("dispatcher", "worker-b", 150ms));
  CHECK(test::wait_until([&] { return a->try_acquire("dispatcher", "worker-a", 60s); }, 30s));

  CHECK(a->claim_sentinel("started", std::nullopt));
  CHECK_FALSE(b->claim_sentinel("started", std::nullopt));
  CHECK_FALSE(a->claim_sentinel("started", 1s));
  // The refusal must come within the ttl: 2 s, so a loaded machine's pause
  // between the two calls cannot let the sentinel expire first.
  CHECK(a->claim_sentinel("recovered-recently", 2s));
  CHECK_FALSE(b->claim_sentinel("recovered-recently", 2s));
  CHECK(test::wait_until([&] { return b->claim_sentinel("recovered-recently", 60s); }, 30s));

  expect_invalid([&] { a->try_acquire("", "w", 1s); }, "lease name is empty");
  expect_invalid([&] { a->try_acquire("n", std::string(300, 'w'), 1s); }, "lease owner is 300");
  expect_invalid([&] { a->claim_sentinel("", std::nullopt); }, "sentinel name is empty");
  expect_invalid([&] { a->claim_sentinel("s", 0ms); }, "time to live");
}

// Collects what one subscriber receives.
struct Inbox {
  std::mutex mutex;
  std::vector<std::string> payloads;
  std::vector<std::string> channels;
  EventBus::Handler handler() {
    return [this](std::string_view channel, std::string_view payload) {
      std::lock_guard lock(mutex);
      channels.emplace_back(channel);
      payloads.emplace_back(payload);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return payloads.size();
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return payloads;
  }
};

TEST_CASE_TEMPLATE_DEFINE("event bus: one publish reaches every live subscriber of the channel", B,
                          eb_fanout) {
  B backend;
  auto publisher = backend.event_bus(EventBusOptions{});
  auto listener_a = backend.event_bus(EventBusOptions{});
  auto listener_b = backend.event_bus(EventBusOptions{});
  Inbox one, two, three, other;
  auto s1 = listener_a->subscribe("batch:1", one.handler());
  auto s2 = listener_a->subscribe("batch:1", two.handler());
  auto s3 = listener_b->subscribe("batch:1", three.handler());
  auto s4 = listener_b->subscribe("batch:2", other.handler());
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i) {
    expected.push_back("status " + std::to_string(i));
    publisher->publish("batch:1", expected.back());
  }
  publisher->publish("batch:2", "elsewhere");
  REQUIRE(test::wait_until(
      [&] { return one.size() == 100 && two.size() == 100 && three.size() == 100; }, 10s));
  CHECK(one.snapshot() == expected);  // in publish order
  CHECK(two.snapshot() == expected);
  CHECK(three.snapshot() == expected);
  REQUIRE(test::wait_until([&] { return other.size() == 1; }, 10s));
  CHECK(other.snapshot() == std::vector<std::string>{"elsewhere"});
  CHECK(other.channels == std::vector<std::string>{"batch:2"});

  // After cancel() returns the handler never runs again.
  s1.cancel();
  CHECK_FALSE(s1.active());
  publisher->publish("batch:1", "after cancel");
  REQUIRE(test::wait_until([&] { return two.size() == 101 && three.size() == 101; }, 10s));
  CHECK(one.size() == 100);
}

TEST_CASE_TEMPLATE_DEFINE("event bus: binary channels and payloads, limits, misbehaving handlers",
                          B, eb_hostile) {
  B backend;
  EventBusOptions options;
  options.max_payload_bytes = 4096;
  auto bus = backend.event_bus(options);
  const auto channel = "\0\xff{ch}\n"s;
  const auto payload = "\0\x01\xfe\xff not UTF-8 \xc3\x28"s;
  Inbox inbox;
  auto good = bus->subscribe(channel, inbox.handler());
  std::atomic<int> thrown{0};
  auto bad = bus->subscribe(channel, [&](std::string_view, std::string_view) {
    ++thrown;
    throw std::runtime_error("handler bug");
  });
  // A handler that cancels itself on its first event.
  std::atomic<int> once{0};
  Subscription self;
  std::mutex self_mutex;
  {
    std::lock_guard lock(self_mutex);
    self = bus->subscribe(channel, [&](std::string_view, std::string_view) {
      ++once;
      std::lock_guard l(self_mutex);
      self.cancel();
    });
  }
  bus->publish(channel, payload);
  bus->publish(channel, std::string(4096, 'p'));
  // Handlers run in subscription order: the throwing one sees the second
  // event after the inbox has it, so wait for both.
  REQUIRE(test::wait_until([&] { return inbox.size() == 2 && thrown.load() >= 2; }, 30s));
  CHECK(inbox.snapshot()[0] == payload);
  CHECK(inbox.channels[0] == channel);
  CHECK(thrown.load() == 2);
  CHECK(once.load() == 1);

  expect_invalid([&] { bus->publish(channel, std::string(4097, 'p')); },
                 "payload is 4097 bytes; at most 4096");
  expect_invalid([&] { bus->publish("", "x"); }, "event channel is empty");
  expect_invalid([&] { bus->publish(std::string(600, 'c'), "x"); }, "event channel is 600 bytes");
  expect_invalid([&] { (void)bus->subscribe("", inbox.handler()); }, "event channel is empty");
  expect_invalid([&] { (void)bus->subscribe("c", EventBus::Handler{}); }, "handler is empty");

  // A subscription may outlive its bus.
  Subscription orphan = bus->subscribe("late", inbox.handler());
  bus.reset();
  orphan.cancel();
  CHECK_FALSE(orphan.active());
}

#define CURATOR_COORDINATION_SUITE(Backend)          \
  TEST_CASE_TEMPLATE_INVOKE(rl_slots, Backend);      \
  TEST_CASE_TEMPLATE_INVOKE(rl_concurrent, Backend); \
  TEST_CASE_TEMPLATE_INVOKE(hl_exclusive, Backend);  \
  TEST_CASE_TEMPLATE_INVOKE(hl_contention, Backend); \
  TEST_CASE_TEMPLATE_INVOKE(ll_lease, Backend);      \
  TEST_CASE_TEMPLATE_INVOKE(eb_fanout, Backend);     \
  TEST_CASE_TEMPLATE_INVOKE(eb_hostile, Backend)
