#pragma once
// EventBus: a status change is published once and fanned out to every
// subscriber of its channel (Redis pub/sub in the distributed mode, one
// dispatcher thread in-process). Delivery is at most once: a subscriber gets
// every event published after subscribe() returned while its connection
// stays up, but events published during a Redis outage (or dropped by an
// overfull in-process queue) are gone, so whoever shows state to users
// reconciles from the database now and then. It knows nothing of what the
// payloads mean.
//
// Handlers run on the bus's one delivery thread, one at a time, in publish
// order per publisher; keep them short (hand work to your own queue). After
// Subscription::cancel() returns, its handler is not running and will not
// run again (a handler may cancel its own or another subscription).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "curator/export.hpp"

namespace curator::queue {

class RedisPool;

/// Unsubscribes when cancelled or destroyed. Safe to outlive its bus.
class CURATOR_API Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  void cancel() noexcept;
  bool active() const noexcept { return static_cast<bool>(cancel_); }

 private:
  std::function<void()> cancel_;
};

struct EventBusOptions {
  /// Larger payloads are refused by publish() (Error(invalid_input)).
  std::size_t max_payload_bytes = 1u << 20;
  /// In-process: events waiting for the delivery thread; beyond this new
  /// events are dropped (and logged).
  std::size_t max_queued_events = 65536;
  /// Redis: how long subscribe() waits for the server's confirmation.
  std::chrono::milliseconds subscribe_timeout{5000};
};

inline constexpr std::size_t kMaxChannelBytes = 512;

class CURATOR_API EventBus {
 public:
  using Handler = std::function<void(std::string_view channel, std::string_view payload)>;

  virtual ~EventBus() = default;

  /// Channels are binary-safe, 1..kMaxChannelBytes bytes; payloads up to
  /// max_payload_bytes. Both limits throw Error(invalid_input).
  virtual void publish(std::string_view channel, std::string_view payload) = 0;
  /// Returns once the subscription is live (Redis: the server confirmed it;
  /// Error(transient) when it did not within subscribe_timeout).
  [[nodiscard]] virtual Subscription subscribe(std::string_view channel, Handler handler) = 0;
};

CURATOR_API std::unique_ptr<EventBus> make_in_process_event_bus(EventBusOptions options = {});
/// Channels `{<name>}:ev:<channel>` (pub/sub ignores the database number, so
/// the name is what keeps deployments and tests apart). Subscriptions share
/// one dedicated connection with a listener thread that reconnects and
/// resubscribes after errors.
CURATOR_API std::unique_ptr<EventBus> make_redis_event_bus(std::shared_ptr<RedisPool> pool,
                                                           std::string_view name = "curator",
                                                           EventBusOptions options = {});

}  // namespace curator::queue
