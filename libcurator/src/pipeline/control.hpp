#pragma once
// JobControl: how a running job learns that it must stop. The heartbeat
// cancels it when the lease is lost (the row was cancelled or taken over);
// the pool's stop flag asks it to release the upload. Both are honoured at
// step boundaries (checkpoint) and inside every wait (sleep), until the file
// is published: from then on the job always finishes.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace curator::pipeline::detail {

/// Thrown at a checkpoint. Not a curator::Error, so no retry loop takes it
/// for a failure of the request it interrupted.
struct Interrupted {
  enum class Why { cancelled, stopping } why;
  std::string detail;
};

class JobControl {
 public:
  explicit JobControl(const std::atomic<bool>* stop) : stop_(stop) {}

  /// The lease is gone (cancelled by someone, or taken over).
  void cancel(std::string why);
  bool cancelled() const { return cancelled_.load(); }
  bool stopping() const { return stop_ != nullptr && stop_->load(); }

  /// From now on nothing interrupts the job (the file is on the wiki).
  void pass_point_of_no_return() { no_return_.store(true); }
  bool past_point_of_no_return() const { return no_return_.load(); }

  /// Throws Interrupted when cancelled or stopping, unless past the point of no return.
  void checkpoint() const;
  /// Waits `delay`, waking early to throw at a cancel or stop.
  void sleep(std::chrono::milliseconds delay);

 private:
  const std::atomic<bool>* stop_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> no_return_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string why_;
};

}  // namespace curator::pipeline::detail
