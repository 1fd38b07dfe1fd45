#pragma once
// Helpers shared by the tests: required environment (a missing test service
// fails the test, never skips it), waiting on a condition with a deadline,
// and private temporary directories.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace curator::test {

/// The value of a variable that scripts/test-services.sh exports; fails the
/// test (with the variable's name) when it is unset.
inline std::string require_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    FAIL("environment variable " << std::string(name)
                                 << " is unset: start the test services "
                                    "(scripts/test-services.sh) or run scripts/test.sh");
  }
  return v;
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
/// The default deadline is generous: CI runs two ASan tests at once on two
/// loaded cores, and a deadline costs nothing when the condition holds early.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path();
    for (int i = 0; i < 100; ++i) {
      auto candidate = base / ("curator-test-" + std::to_string(rd()));
      if (std::filesystem::create_directory(candidate)) {
        path_ = candidate;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace curator::test
