// The embedded mode's EventBus: a queue of events and one delivery thread,
// so a publishing worker never runs (or waits for) subscribers' handlers.

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <thread>

#include "curator/core/log.hpp"
#include "queue/event_fanout.hpp"

namespace curator::queue {
namespace {

struct InProcessCore {
  explicit InProcessCore(EventBusOptions o) : options(o) {}
  const EventBusOptions options;
  detail::Fanout fanout;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::pair<std::string, std::string>> events;
  std::size_t dropped = 0;
  bool stopping = false;

  void run() {
    fanout.bind_delivery_thread();
    std::unique_lock lock(mutex);
    for (;;) {
      ready.wait(lock, [&] { return stopping || !events.empty(); });
      if (stopping) return;
      auto event = std::move(events.front());
      events.pop_front();
      lock.unlock();
      fanout.deliver(event.first, event.second);
      lock.lock();
    }
  }
};

class InProcessEventBus final : public EventBus {
 public:
  explicit InProcessEventBus(EventBusOptions options)
      : core_(std::make_shared<InProcessCore>(options)),
        thread_([core = core_.get()] { core->run(); }) {}

  ~InProcessEventBus() override {
    {
      std::lock_guard lock(core_->mutex);
      core_->stopping = true;
    }
    core_->ready.notify_all();
    thread_.join();
  }

  InProcessEventBus(const InProcessEventBus&) = delete;
  InProcessEventBus& operator=(const InProcessEventBus&) = delete;

  void publish(std::string_view channel, std::string_view payload) override {
    detail::validate_event(channel, payload, core_->options);
    if (!core_->fanout.has_handlers(channel)) return;
    {
      std::lock_guard lock(core_->mutex);
      if (core_->events.size() >= core_->options.max_queued_events) {
        // At most once: an overfull queue drops, the reconciler catches up.
        if (core_->dropped++ % 1000 == 0) {
          log::warning("events", fmt::format("event queue full ({} events); {} dropped so far",
                                             core_->events.size(), core_->dropped));
        }
        return;
      }
      core_->events.emplace_back(channel, payload);
    }
    core_->ready.notify_one();
  }

  Subscription subscribe(std::string_view channel, Handler handler) override {
    detail::validate_event(channel, {}, core_->options);
    const auto id = core_->fanout.add(channel, std::move(handler));
    return Subscription([weak = std::weak_ptr<InProcessCore>(core_), id] {
      if (auto core = weak.lock()) core->fanout.remove(id);
    });
  }

 private:
  std::shared_ptr<InProcessCore> core_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<EventBus> make_in_process_event_bus(EventBusOptions options) {
  return std::make_unique<InProcessEventBus>(options);
}

}  // namespace curator::queue
