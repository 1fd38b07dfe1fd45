// The distributed mode's EventBus: PUBLISH through the pool; SUBSCRIBE on
// one dedicated connection owned by a listener thread, which also delivers
// (Fanout). Other threads never touch that connection: they queue SUBSCRIBE
// and UNSUBSCRIBE commands and wake the listener through an eventfd.
//
// subscribe() waits until the server has confirmed the channel. Per channel
// we count SUBSCRIBE commands requested and "subscribe" confirmations
// received on the current connection; replies come in command order, so
// acked >= requested means the latest SUBSCRIBE is in force. A reconnect
// resubscribes every wanted channel and restarts the counts.

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <map>
#include <thread>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/queue/redis_client.hpp"
#include "queue/event_fanout.hpp"
#include "queue/redis_connection.hpp"
#include "queue/redis_keys.hpp"

namespace curator::queue {
namespace {

using Steady = std::chrono::steady_clock;
constexpr auto kQuietBeforePing = std::chrono::seconds(15);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr std::size_t kSubscribeChunk = 256;

struct ChannelState {
  std::size_t handlers = 0;
  std::uint64_t requested = 0;
  std::uint64_t acked = 0;
};

struct RedisBusCore {
  RedisBusCore(RedisOptions redis, std::string channel_prefix, EventBusOptions o)
      : redis_options(std::move(redis)), prefix(std::move(channel_prefix)), options(o) {
    // Events may be up to max_payload_bytes; leave room for the framing.
    redis_options.max_reply_bytes = std::max(redis_options.max_reply_bytes,
                                             options.max_payload_bytes + kMaxChannelBytes + 1024);
    wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) throw Error(ErrorKind::transient, "cannot create an eventfd");
  }
  ~RedisBusCore() { ::close(wake_fd); }

  RedisOptions redis_options;
  const std::string prefix;
  const EventBusOptions options;
  detail::Fanout fanout;
  int wake_fd = -1;

  std::mutex mutex;
  std::condition_variable confirmed;
  std::map<std::string, ChannelState> channels;
  std::deque<std::pair<bool, std::string>> commands;  // (subscribe?, channel)
  bool stopping = false;

  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }

  void drain_wake() {
    std::uint64_t value = 0;
    while (::read(wake_fd, &value, sizeof value) > 0) {
    }
  }

  // Waits for a wake-up or `timeout` (negative: no limit) on the eventfd alone.
  void idle(std::chrono::milliseconds timeout) {
    pollfd p{wake_fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(timeout.count()));
    drain_wake();
  }

  void unsubscribe(std::uint64_t id, const std::string& channel) {
    fanout.remove(id);
    std::lock_guard lock(mutex);
    const auto it = channels.find(channel);
    if (it == channels.end() || --it->second.handlers > 0) return;
    commands.emplace_back(false, channel);
    if (it->second.acked >= it->second.requested) channels.erase(it);
    wake();
  }

  void run() {
    fanout.bind_delivery_thread();
    detail::RedisConnection connection(redis_options);
    auto backoff = std::chrono::milliseconds(100);
    auto last_heard = Steady::now();
    bool ping_sent = false;
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
      try {
        if (!connection.is_open()) {
          if (!wants_channels()) {
            idle(std::chrono::milliseconds(-1));
            continue;
          }
          connection.ensure_open();
          resubscribe(connection);
          backoff = std::chrono::milliseconds(100);
          last_heard = Steady::now();
          ping_sent = false;
        }
        send_commands(connection);
        pollfd fds[2] = {{connection.fd(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, 1000);
        if (ready < 0 && errno != EINTR) {
          throw Error(ErrorKind::transient, "poll failed on the event connection");
        }
        if (fds[1].revents != 0) drain_wake();
        if (fds[0].revents != 0) {
          connection.read_available();
          while (auto reply = connection.next_buffered())
            handle(*reply);
          last_heard = Steady::now();
          ping_sent = false;
        }
        const auto quiet = Steady::now() - last_heard;
        if (!ping_sent && quiet > kQuietBeforePing) {
          const std::string_view ping[] = {"PING"};
          connection.send(ping, Steady::now() + redis_options.command_timeout);
          ping_sent = true;
        } else if (ping_sent && quiet > kQuietBeforePing + redis_options.command_timeout) {
          throw Error(ErrorKind::transient, "the event connection stopped answering");
        }
      } catch (const std::exception& e) {
        log::warning("events", fmt::format("event listener: {}; reconnecting in {} ms", e.what(),
                                           backoff.count()));
        connection.close();
        idle(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
    }
  }

  bool wants_channels() {
    std::lock_guard lock(mutex);
    return !channels.empty() || !commands.empty();
  }

  // A new connection has no subscriptions: queued commands are moot, every
  // channel that still has handlers is subscribed afresh.
  void resubscribe(detail::RedisConnection& connection) {
    std::vector<std::string> names;
    {
      std::lock_guard lock(mutex);
      commands.clear();
      for (auto it = channels.begin(); it != channels.end();) {
        if (it->second.handlers == 0) {
          it = channels.erase(it);
          continue;
        }
        it->second.requested = 1;
        it->second.acked = 0;
        names.push_back(prefix + it->first);
        ++it;
      }
    }
    for (std::size_t start = 0; start < names.size(); start += kSubscribeChunk) {
      std::vector<std::string_view> args{"SUBSCRIBE"};
      for (std::size_t i = start; i < std::min(names.size(), start + kSubscribeChunk); ++i) {
        args.push_back(names[i]);
      }
      connection.send(args, Steady::now() + redis_options.command_timeout);
    }
  }

  void send_commands(detail::RedisConnection& connection) {
    std::deque<std::pair<bool, std::string>> pending;
    {
      std::lock_guard lock(mutex);
      pending.swap(commands);
    }
    for (const auto& [subscribe, channel] : pending) {
      const auto name = prefix + channel;
      const std::string_view args[] = {subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", name};
      connection.send(args, Steady::now() + redis_options.command_timeout);
    }
  }

  void handle(const RedisReply& reply) {
    if (!reply.is_array() || reply.array().size() < 3 || !reply.array()[0].is_string()) {
      if (reply.is_error())
        log::warning("events", fmt::format("event listener: {}", reply.describe()));
      return;
    }
    const auto& parts = reply.array();
    const auto& kind = parts[0].text();
    if (!parts[1].is_string()) return;
    const std::string_view full = parts[1].text();
    if (!full.starts_with(prefix)) return;
    const auto channel = full.substr(prefix.size());
    if (kind == "message" && parts[2].is_string()) {
      fanout.deliver(channel, parts[2].text());
    } else if (kind == "subscribe") {
      {
        std::lock_guard lock(mutex);
        const auto it = channels.find(std::string(channel));
        if (it == channels.end()) return;
        ++it->second.acked;
        if (it->second.handlers == 0 && it->second.acked >= it->second.requested) {
          channels.erase(it);
        }
      }
      confirmed.notify_all();
    }
  }
};

class RedisEventBus final : public EventBus {
 public:
  RedisEventBus(std::shared_ptr<RedisPool> pool, std::string_view name, EventBusOptions options)
      : pool_(std::move(pool)) {
    if (!pool_) throw Error(ErrorKind::invalid_input, "a redis event bus needs a pool");
    core_ =
        std::make_shared<RedisBusCore>(pool_->options(), detail::key_prefix(name, "ev"), options);
    thread_ = std::thread([core = core_.get()] { core->run(); });
  }

  ~RedisEventBus() override {
    {
      std::lock_guard lock(core_->mutex);
      core_->stopping = true;
    }
    core_->wake();
    thread_.join();
  }

  RedisEventBus(const RedisEventBus&) = delete;
  RedisEventBus& operator=(const RedisEventBus&) = delete;

  void publish(std::string_view channel, std::string_view payload) override {
    detail::validate_event(channel, payload, core_->options);
    const auto name = core_->prefix + std::string(channel);
    auto lease = pool_->acquire();
    lease->command({"PUBLISH", name, payload});
  }

  Subscription subscribe(std::string_view channel_view, Handler handler) override {
    detail::validate_event(channel_view, {}, core_->options);
    const std::string channel(channel_view);
    const auto id = core_->fanout.add(channel, std::move(handler));
    Subscription subscription([weak = std::weak_ptr<RedisBusCore>(core_), id, channel] {
      if (auto core = weak.lock()) core->unsubscribe(id, channel);
    });
    std::unique_lock lock(core_->mutex);
    auto& state = core_->channels[channel];
    if (state.handlers++ == 0) {
      ++state.requested;
      core_->commands.emplace_back(true, channel);
      core_->wake();
    }
    // A handler subscribing runs on the listener, which must not wait for itself.
    if (core_->fanout.on_delivery_thread()) return subscription;
    const bool live = core_->confirmed.wait_for(lock, core_->options.subscribe_timeout, [&] {
      const auto it = core_->channels.find(channel);
      return it != core_->channels.end() && it->second.acked >= it->second.requested;
    });
    lock.unlock();
    if (!live) {
      subscription.cancel();
      throw Error(ErrorKind::transient,
                  fmt::format("redis did not confirm the subscription within {} ms",
                              core_->options.subscribe_timeout.count()),
                  "redis_timeout");
    }
    return subscription;
  }

 private:
  std::shared_ptr<RedisPool> pool_;
  std::shared_ptr<RedisBusCore> core_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<EventBus> make_redis_event_bus(std::shared_ptr<RedisPool> pool,
                                               std::string_view name, EventBusOptions options) {
  return std::make_unique<RedisEventBus>(std::move(pool), name, options);
}

}  // namespace curator::queue
