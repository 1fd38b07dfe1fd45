#include "pipeline/control.hpp"

#include <algorithm>

namespace curator::pipeline::detail {

void JobControl::cancel(std::string why) {
  {
    std::lock_guard lock(mutex_);
    if (cancelled_.load()) return;
    why_ = std::move(why);
    cancelled_.store(true);
  }
  wake_.notify_all();
}

void JobControl::checkpoint() const {
  if (no_return_.load()) return;
  if (cancelled_.load()) {
    std::lock_guard lock(mutex_);
    throw Interrupted{Interrupted::Why::cancelled, why_};
  }
  if (stopping()) throw Interrupted{Interrupted::Why::stopping, "the worker is stopping"};
}

void JobControl::sleep(std::chrono::milliseconds delay) {
  // The stop flag belongs to the pool and is not signalled here: look at it
  // at least every 100 ms.
  constexpr std::chrono::milliseconds kSlice{100};
  const auto deadline = std::chrono::steady_clock::now() + delay;
  std::unique_lock lock(mutex_);
  for (;;) {
    lock.unlock();
    checkpoint();
    lock.lock();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    wake_.wait_for(lock, std::min(left, kSlice));
  }
}

}  // namespace curator::pipeline::detail
