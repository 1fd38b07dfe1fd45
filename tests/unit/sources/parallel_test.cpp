#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sources/parallel.hpp"
#include "test_support.hpp"

using namespace curator::sources;

TEST_CASE("run_bounded runs every task once, never more than the limit at a time") {
  std::vector<std::atomic<int>> runs(200);
  std::atomic<int> in_flight{0}, peak{0};
  run_bounded(runs.size(), 4, [&](std::size_t i) {
    const int now = ++in_flight;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    // The first task holds on until another one runs beside it: on a loaded
    // machine one thread could otherwise finish them all before a second
    // starts. Bounded runs never show a second task: peak stays 1 and fails.
    if (i == 0) {
      curator::test::wait_until([&] { return peak.load() >= 2; }, std::chrono::seconds(30),
                                std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    ++runs[i];
    --in_flight;
  });
  for (auto& r : runs)
    CHECK(r.load() == 1);
  CHECK(peak.load() <= 4);
  CHECK(peak.load() >= 2);
}

TEST_CASE("run_bounded rethrows the first error and starts nothing after it") {
  // One thread: tasks run in order, so exactly 0..5 start.
  std::atomic<int> started{0};
  CHECK_THROWS_WITH_AS(run_bounded(1000, 1,
                                   [&](std::size_t i) {
                                     ++started;
                                     if (i == 5) throw std::runtime_error("task 5 failed");
                                   }),
                       "task 5 failed", std::runtime_error);
  CHECK(started.load() == 6);
  // Three threads: the others stop picking up work once the error is caught
  // (each task takes far longer than catching it).
  started = 0;
  CHECK_THROWS_AS(run_bounded(1000, 3,
                              [&](std::size_t i) {
                                ++started;
                                if (i == 5) throw std::runtime_error("task 5 failed");
                                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                              }),
                  std::runtime_error);
  CHECK(started.load() < 100);
  CHECK_NOTHROW(run_bounded(0, 3, [](std::size_t) { throw std::runtime_error("never"); }));
  int serial = 0;
  run_bounded(10, 0, [&](std::size_t) { ++serial; });  // limit < 1 counts as 1
  CHECK(serial == 10);
}
