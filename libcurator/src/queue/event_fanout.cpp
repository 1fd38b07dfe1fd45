#include "queue/event_fanout.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "queue/redis_keys.hpp"

namespace curator::queue {

Subscription::Subscription(Subscription&& other) noexcept : cancel_(std::move(other.cancel_)) {
  other.cancel_ = nullptr;
}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    cancel();
    cancel_ = std::move(other.cancel_);
    other.cancel_ = nullptr;
  }
  return *this;
}

Subscription::~Subscription() {
  cancel();
}

void Subscription::cancel() noexcept {
  auto cancel = std::move(cancel_);
  cancel_ = nullptr;
  if (!cancel) return;
  try {
    cancel();
  } catch (const std::exception& e) {
    log::warning("events", fmt::format("unsubscribing failed: {}", e.what()));
  }
}

namespace detail {

void validate_event(std::string_view channel, std::string_view payload,
                    const EventBusOptions& options) {
  validate_key_part("event channel", channel, kMaxChannelBytes);
  if (payload.size() > options.max_payload_bytes) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("the event payload is {} bytes; at most {} are allowed", payload.size(),
                            options.max_payload_bytes),
                "event_too_large");
  }
}

std::uint64_t Fanout::add(std::string_view channel, EventBus::Handler handler) {
  if (!handler) throw Error(ErrorKind::invalid_input, "an event handler is empty");
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  by_channel_[std::string(channel)].emplace_back(
      id, std::make_shared<EventBus::Handler>(std::move(handler)));
  channel_of_.emplace(id, channel);
  return id;
}

void Fanout::remove(std::uint64_t id) {
  std::unique_lock<std::mutex> delivering;
  if (!on_delivery_thread()) delivering = std::unique_lock(delivering_);
  std::lock_guard lock(mutex_);
  const auto it = channel_of_.find(id);
  if (it == channel_of_.end()) return;
  const auto list = by_channel_.find(it->second);
  std::erase_if(list->second, [&](const Entry& e) { return e.first == id; });
  if (list->second.empty()) by_channel_.erase(list);
  channel_of_.erase(it);
}

bool Fanout::has_handlers(std::string_view channel) {
  std::lock_guard lock(mutex_);
  return by_channel_.contains(std::string(channel));
}

void Fanout::deliver(std::string_view channel, std::string_view payload) {
  std::lock_guard delivering(delivering_);
  std::vector<Entry> targets;
  {
    std::lock_guard lock(mutex_);
    const auto it = by_channel_.find(std::string(channel));
    if (it == by_channel_.end()) return;
    targets = it->second;
  }
  for (const auto& [id, handler] : targets) {
    {
      // A handler earlier in this round may have cancelled this one.
      std::lock_guard lock(mutex_);
      if (!channel_of_.contains(id)) continue;
    }
    try {
      (*handler)(channel, payload);
    } catch (const std::exception& e) {
      log::error("events", fmt::format("an event handler failed: {}", e.what()));
    } catch (...) {
      log::error("events", "an event handler failed");
    }
  }
}

}  // namespace detail
}  // namespace curator::queue
