#include "pipeline/heartbeat.hpp"

#include "curator/core/log.hpp"

namespace curator::pipeline::detail {

namespace {
constexpr std::string_view kLog = "pipeline";
}

Heartbeat::Heartbeat(const store::Database& database, store::Id id, std::string owner,
                     HeartbeatSettings settings, JobControl& control, std::function<void()> touch)
    : uploads_(database),
      id_(id),
      owner_(std::move(owner)),
      settings_(settings),
      control_(control),
      touch_(std::move(touch)) {
  const auto context = log::current_context();
  thread_ = std::thread([this, context] {
    log::ContextScope scope(context);
    run();
  });
}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::hold_lock(queue::HashLock* locks, std::string key, std::string token) {
  std::lock_guard lock(mutex_);
  locks_ = locks;
  lock_key_ = std::move(key);
  lock_token_ = std::move(token);
}

void Heartbeat::drop_lock() {
  std::lock_guard lock(mutex_);
  locks_ = nullptr;
}

void Heartbeat::run() {
  std::unique_lock lock(mutex_);
  while (!done_) {
    if (wake_.wait_for(lock, settings_.interval, [this] { return done_; })) return;
    lock.unlock();
    beat();
    lock.lock();
  }
}

void Heartbeat::beat() {
  try {
    if (!uploads_.renew_lease(id_, owner_, settings_.lease)) {
      control_.cancel("the upload is no longer held by this worker (cancelled or taken over)");
    }
  } catch (const std::exception& e) {
    // The lease is still good until it expires; try again next beat.
    log::warning(kLog, std::string("cannot renew the lease: ") + e.what());
  }
  queue::HashLock* locks = nullptr;
  std::string key, token;
  {
    std::lock_guard lock(mutex_);
    locks = locks_;
    key = lock_key_;
    token = lock_token_;
  }
  if (locks != nullptr) {
    try {
      if (!locks->renew(key, token, settings_.lock_ttl)) {
        log::warning(kLog, "the hash lock on " + key + " was lost");
      }
    } catch (const std::exception& e) {
      log::warning(kLog, std::string("cannot renew the hash lock: ") + e.what());
    }
  }
  if (touch_) {
    try {
      touch_();
    } catch (const std::exception& e) {
      log::warning(kLog, std::string("cannot touch the queue delivery: ") + e.what());
    }
  }
}

}  // namespace curator::pipeline::detail
