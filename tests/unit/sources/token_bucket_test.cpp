#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "curator/core/error.hpp"
#include "curator/sources/token_bucket.hpp"

using namespace curator;
using namespace curator::sources;
using namespace std::chrono_literals;

namespace {

// A manual clock: sleeping advances it, so waits are exact and instant.
struct ManualClock {
  TokenBucket::Clock::time_point now{};
  std::vector<std::chrono::nanoseconds> sleeps;
  TokenBucket::Now reader() {
    return [this] { return now; };
  }
  TokenBucket::Sleep sleeper() {
    return [this](std::chrono::nanoseconds d) {
      sleeps.push_back(d);
      now += d;
    };
  }
};

}  // namespace

TEST_CASE("a bucket starts full, then refills at its rate") {
  ManualClock clock;
  TokenBucket bucket(3, 2.0, clock.reader(), clock.sleeper());
  for (int i = 0; i < 3; ++i)
    CHECK(bucket.try_acquire() == 0ns);
  CHECK(bucket.try_acquire() == 500ms);
  clock.now += 250ms;
  CHECK(bucket.try_acquire() == 250ms);
  clock.now += 250ms;
  CHECK(bucket.try_acquire() == 0ns);
  clock.now += 10s;  // never more than the burst
  CHECK(bucket.available() == doctest::Approx(3.0));
}

TEST_CASE("acquire waits exactly as long as needed") {
  ManualClock clock;
  TokenBucket bucket(1, 1.0, clock.reader(), clock.sleeper());
  bucket.acquire();
  CHECK(clock.sleeps.empty());
  bucket.acquire();
  REQUIRE(clock.sleeps.size() == 1);
  CHECK(clock.sleeps[0] == 1s);
}

TEST_CASE("acquire refuses a wait longer than allowed, with retry_after") {
  ManualClock clock;
  TokenBucket bucket(1, 0.01, clock.reader(), clock.sleeper());
  bucket.acquire();
  try {
    bucket.acquire(5s);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::rate_limited);
    REQUIRE(e.retry_after());
    CHECK(*e.retry_after() == 100s);
  }
  CHECK(clock.sleeps.empty());
}

TEST_CASE("a budget is never exceeded in any window of its period") {
  // 3600 calls an hour with a burst of 60: the rate leaves room for the burst.
  auto bucket = TokenBucket::for_budget(3600, 1h, 60);
  CHECK(bucket->burst() == 60);
  CHECK(bucket->per_second() * 3600 + bucket->burst() == doctest::Approx(3600));
  ManualClock clock;
  TokenBucket b(bucket->burst(), bucket->per_second(), clock.reader(), clock.sleeper());
  int calls = 0;
  const auto start = clock.now;
  while (clock.now - start < 1h) {
    b.acquire(1h);
    if (clock.now - start < 1h) ++calls;
  }
  CHECK(calls <= 3600);
  CHECK(calls >= 3599);
  CHECK_THROWS_AS(TokenBucket::for_budget(10, 1h, 10), Error);
  CHECK_THROWS_AS(TokenBucket(0, 1), Error);
  CHECK_THROWS_AS(TokenBucket(1, 0), Error);
  CHECK_THROWS_AS(TokenBucket(1, -1), Error);
}

TEST_CASE("threads share one bucket: never more tokens than the burst plus refill") {
  TokenBucket bucket(50, 0.001);  // real clock; the refill is negligible here
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (bucket.try_acquire() == 0ns) ++granted;
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(granted.load() == 50);
}

TEST_CASE("one process-wide Flickr budget per API key") {
  auto a = flickr_budget("key-a");
  CHECK(a == flickr_budget("key-a"));
  CHECK(a != flickr_budget("key-b"));
  CHECK(a->burst() == 60);
}
