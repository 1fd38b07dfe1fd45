// The embedded mode's TaskQueue: the same semantics as the Redis one, kept in
// memory under one mutex. Losing it with the process loses nothing: the
// database still has every queued row, and start-up recovery republishes them.

#include <fmt/format.h>

#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "curator/core/error.hpp"
#include "curator/queue/task_queue.hpp"
#include "queue/task_codec.hpp"

namespace curator::queue {
namespace {

using Steady = std::chrono::steady_clock;

class InProcessTaskQueue final : public TaskQueue {
 public:
  explicit InProcessTaskQueue(TaskQueueOptions options) : options_(options) {
    detail::validate_options(options_);
  }

  void publish(const Task& task) override { publish(std::span<const Task>(&task, 1)); }

  void publish(std::span<const Task> tasks) override {
    for (const auto& t : tasks)
      detail::validate_task(t);
    {
      std::lock_guard lock(mutex_);
      for (const auto& t : tasks)
        enqueue_locked(Waiting{t, 0});
    }
    if (tasks.size() == 1) {
      changed_.notify_one();
    } else if (!tasks.empty()) {
      changed_.notify_all();
    }
  }

  std::optional<Delivery> fetch(std::string_view consumer,
                                std::chrono::milliseconds timeout) override {
    detail::validate_consumer(consumer);
    const auto deadline = Steady::now() + timeout;
    for (;;) {
      std::vector<DeadLetter> dead;
      std::optional<Delivery> result;
      DeadLetterHandler handler;
      bool finished = false;
      {
        std::unique_lock lock(mutex_);
        while (!closed_) {
          const auto now = Steady::now();
          result = redeliver_expired_locked(consumer, now, dead);
          if (!result) result = take_next_locked(consumer, now);
          if (result || now >= deadline || !dead.empty()) break;
          auto wake = deadline;
          if (!expiries_.empty()) wake = std::min(wake, expiries_.begin()->first);
          changed_.wait_until(lock, wake);
        }
        handler = handler_;
        finished = result || closed_ || Steady::now() >= deadline;
      }
      // The handler runs without the lock: it may call back into the queue.
      detail::report_dead_letters(handler, dead);
      if (finished) return result;
    }
  }

  bool ack(const Delivery& delivery) override {
    std::lock_guard lock(mutex_);
    const auto it = find_owned_locked(delivery);
    if (it == in_flight_.end()) return false;
    forget_locked(it);
    return true;
  }

  std::optional<DeadLetter> nack(const Delivery& delivery, std::string_view reason) override {
    std::optional<DeadLetter> dead;
    {
      std::lock_guard lock(mutex_);
      const auto it = find_owned_locked(delivery);
      if (it == in_flight_.end()) return std::nullopt;
      auto flight = it->second;
      forget_locked(it);
      if (flight.deliveries >= options_.max_deliveries) {
        dead = DeadLetter{flight.task, flight.deliveries,
                          detail::nack_reason(flight.deliveries, reason)};
        remember_dead_locked(*dead);
      } else {
        enqueue_locked(Waiting{flight.task, flight.deliveries});
      }
    }
    if (!dead) changed_.notify_one();
    return dead;
  }

  bool touch(const Delivery& delivery) override {
    std::lock_guard lock(mutex_);
    const auto it = find_owned_locked(delivery);
    if (it == in_flight_.end()) return false;
    expiries_.erase({it->second.expires, it->first});
    it->second.expires = Steady::now() + options_.visibility_timeout;
    expiries_.insert({it->second.expires, it->first});
    return true;
  }

  void set_dead_letter_handler(DeadLetterHandler handler) override {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  std::vector<DeadLetter> dead_letters(std::size_t limit) override {
    std::lock_guard lock(mutex_);
    const auto n = std::min(limit, dead_.size());
    return {dead_.begin(), dead_.begin() + static_cast<std::ptrdiff_t>(n)};
  }

  QueueStats stats() override {
    std::lock_guard lock(mutex_);
    return QueueStats{waiting_, in_flight_.size(), ring_.size(), dead_.size()};
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }

 private:
  struct Waiting {
    Task task;
    int prior_deliveries = 0;
  };
  struct InFlight {
    Task task;
    std::string consumer;
    int deliveries = 0;
    Steady::time_point expires;
  };
  using FlightMap = std::map<std::uint64_t, InFlight>;

  void enqueue_locked(Waiting waiting) {
    auto& backlog = backlogs_[waiting.task.user_id];
    if (backlog.empty()) ring_.push_back(waiting.task.user_id);
    backlog.push_back(std::move(waiting));
    ++waiting_;
  }

  std::optional<Delivery> take_next_locked(std::string_view consumer, Steady::time_point now) {
    while (!ring_.empty()) {
      // The user whose turn it is goes to the back of the ring (round-robin).
      auto user = std::move(ring_.front());
      ring_.pop_front();
      const auto backlog_it = backlogs_.find(user);
      if (backlog_it == backlogs_.end() || backlog_it->second.empty()) continue;  // not reached
      auto waiting = std::move(backlog_it->second.front());
      backlog_it->second.pop_front();
      --waiting_;
      if (backlog_it->second.empty()) {
        backlogs_.erase(backlog_it);
      } else {
        ring_.push_back(std::move(user));
      }
      return hand_out_locked(next_receipt_++, std::move(waiting.task), std::string(consumer),
                             waiting.prior_deliveries + 1, now);
    }
    return std::nullopt;
  }

  std::optional<Delivery> redeliver_expired_locked(std::string_view consumer,
                                                   Steady::time_point now,
                                                   std::vector<DeadLetter>& dead) {
    while (!expiries_.empty() && expiries_.begin()->first <= now) {
      const auto id = expiries_.begin()->second;
      const auto it = in_flight_.find(id);
      auto flight = it->second;
      forget_locked(it);
      if (flight.deliveries >= options_.max_deliveries) {
        dead.push_back(
            DeadLetter{flight.task, flight.deliveries, detail::expiry_reason(flight.deliveries)});
        remember_dead_locked(dead.back());
        continue;
      }
      return hand_out_locked(id, std::move(flight.task), std::string(consumer),
                             flight.deliveries + 1, now);
    }
    return std::nullopt;
  }

  Delivery hand_out_locked(std::uint64_t id, Task task, std::string consumer, int deliveries,
                           Steady::time_point now) {
    InFlight flight{std::move(task), std::move(consumer), deliveries,
                    now + options_.visibility_timeout};
    expiries_.insert({flight.expires, id});
    Delivery d{std::to_string(id), flight.consumer, flight.task, deliveries};
    in_flight_.insert_or_assign(id, std::move(flight));
    return d;
  }

  FlightMap::iterator find_owned_locked(const Delivery& delivery) {
    std::uint64_t id = 0;
    const auto& r = delivery.receipt;
    const auto [end, ec] = std::from_chars(r.data(), r.data() + r.size(), id);
    if (ec != std::errc{} || end != r.data() + r.size()) return in_flight_.end();
    const auto it = in_flight_.find(id);
    if (it == in_flight_.end() || it->second.consumer != delivery.consumer ||
        it->second.deliveries != delivery.delivery_count) {
      return in_flight_.end();
    }
    return it;
  }

  void forget_locked(FlightMap::iterator it) {
    expiries_.erase({it->second.expires, it->first});
    in_flight_.erase(it);
  }

  void remember_dead_locked(const DeadLetter& dead) {
    dead_.push_front(dead);
    while (dead_.size() > options_.dead_letter_history)
      dead_.pop_back();
  }

  const TaskQueueOptions options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<std::string, std::deque<Waiting>> backlogs_;
  std::deque<std::string> ring_;
  std::size_t waiting_ = 0;
  FlightMap in_flight_;
  std::set<std::pair<Steady::time_point, std::uint64_t>> expiries_;
  std::deque<DeadLetter> dead_;
  std::uint64_t next_receipt_ = 1;
  bool closed_ = false;
  DeadLetterHandler handler_;
};

}  // namespace

std::unique_ptr<TaskQueue> make_in_process_task_queue(TaskQueueOptions options) {
  return std::make_unique<InProcessTaskQueue>(options);
}

}  // namespace curator::queue
