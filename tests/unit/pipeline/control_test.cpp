// JobControl: checkpoints and waits end early on cancel or stop, until the
// point of no return.
#include <doctest/doctest.h>

#include <thread>

#include "pipeline/control.hpp"

using namespace curator::pipeline::detail;
using namespace std::chrono_literals;

TEST_CASE("a checkpoint passes until the job is cancelled or the worker stops") {
  std::atomic<bool> stop{false};
  JobControl c(&stop);
  CHECK_NOTHROW(c.checkpoint());
  stop = true;
  try {
    c.checkpoint();
    FAIL("no interruption");
  } catch (const Interrupted& i) {
    CHECK(i.why == Interrupted::Why::stopping);
  }
  stop = false;
  c.cancel("lease lost");
  try {
    c.checkpoint();
    FAIL("no interruption");
  } catch (const Interrupted& i) {
    CHECK(i.why == Interrupted::Why::cancelled);
    CHECK(i.detail == "lease lost");
  }
}

TEST_CASE("after the point of no return nothing interrupts") {
  std::atomic<bool> stop{true};
  JobControl c(&stop);
  c.cancel("gone");
  c.pass_point_of_no_return();
  CHECK_NOTHROW(c.checkpoint());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_NOTHROW(c.sleep(30ms));
  CHECK(std::chrono::steady_clock::now() - t0 >= 30ms);
}

TEST_CASE("a long wait ends soon after a cancel from another thread") {
  JobControl c(nullptr);
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    c.cancel("cancelled by an admin");
  });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(c.sleep(10s), Interrupted);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  canceller.join();
}

TEST_CASE("a long wait ends soon after the pool's stop flag is raised") {
  std::atomic<bool> stop{false};
  JobControl c(&stop);
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(c.sleep(10s), Interrupted);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  stopper.join();
}
