#pragma once
// The local half of both EventBus implementations: handlers per channel, and
// delivery on one thread with the guarantee that a cancelled handler is not
// running once remove() returns.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "curator/queue/event_bus.hpp"

namespace curator::queue::detail {

class Fanout {
 public:
  std::uint64_t add(std::string_view channel, EventBus::Handler handler);
  /// Waits for a delivery in progress, unless called on the delivery thread
  /// (from a handler), where nothing else can be running.
  void remove(std::uint64_t id);
  bool has_handlers(std::string_view channel);
  /// Runs the channel's handlers; call it from one thread only.
  void deliver(std::string_view channel, std::string_view payload);
  /// Marks the calling thread as the delivery thread.
  void bind_delivery_thread() { delivery_thread_.store(std::this_thread::get_id()); }
  bool on_delivery_thread() const { return delivery_thread_.load() == std::this_thread::get_id(); }

 private:
  using Entry = std::pair<std::uint64_t, std::shared_ptr<EventBus::Handler>>;

  std::mutex delivering_;
  std::atomic<std::thread::id> delivery_thread_{};
  std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::string, std::vector<Entry>> by_channel_;
  std::unordered_map<std::uint64_t, std::string> channel_of_;
};

/// Throws Error(invalid_input) for an empty or oversize channel or payload.
void validate_event(std::string_view channel, std::string_view payload,
                    const EventBusOptions& options);

}  // namespace curator::queue::detail
