// The distributed mode's TaskQueue: per-user backlogs taking turns in a
// ring, handed out through one Redis stream with a consumer group (pending
// entries, delivery counts, XAUTOCLAIM of deliveries whose worker vanished).
// The scripts in task_scripts.hpp hold the logic; this file moves arguments.

#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <mutex>

#include "curator/core/error.hpp"
#include "curator/queue/redis_client.hpp"
#include "curator/queue/task_queue.hpp"
#include "queue/redis_keys.hpp"
#include "queue/task_codec.hpp"
#include "queue/task_scripts.hpp"

namespace curator::queue {
namespace {

constexpr std::string_view kGroup = "workers";
constexpr std::size_t kWakeCap = 1024;
constexpr std::size_t kPublishChunkTasks = 256;
constexpr std::size_t kAckChunk = 256;
constexpr std::chrono::milliseconds kMaxPoll{1000};

std::string script(std::string_view helpers, std::string_view more, std::string_view body) {
  return std::string(helpers) + std::string(more) + std::string(body);
}

// Stream ids are `<ms>-<seq>`; anything else never came from this queue.
bool is_stream_id(std::string_view id) {
  const auto dash = id.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == id.size() || id.size() > 41) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i != dash && (id[i] < '0' || id[i] > '9')) return false;
  }
  return true;
}

class RedisTaskQueue final : public TaskQueue {
 public:
  RedisTaskQueue(std::shared_ptr<RedisPool> pool, std::string_view name, TaskQueueOptions options)
      : pool_(std::move(pool)),
        options_(options),
        prefix_(detail::key_prefix(name, "q")),
        dispatch_(prefix_ + "dispatch"),
        ring_(prefix_ + "ring"),
        wake_(prefix_ + "wake"),
        dead_(prefix_ + "dead"),
        backlog_prefix_(prefix_ + "u:"),
        min_idle_(std::to_string(options.visibility_timeout.count())),
        max_deliveries_(std::to_string(options.max_deliveries)),
        dead_len_(std::to_string(std::max<std::size_t>(options.dead_letter_history, 1))),
        wake_cap_(std::to_string(kWakeCap)),
        publish_(script(detail::kTaskLuaHelpers, "", detail::kPublishLua)),
        fetch_(script(detail::kTaskLuaHelpers, detail::kOwnedLua, detail::kFetchLua)),
        ack_(script(detail::kTaskLuaHelpers, detail::kOwnedLua, detail::kAckLua)),
        touch_(script(detail::kTaskLuaHelpers, detail::kOwnedLua, detail::kTouchLua)),
        nack_(script(detail::kTaskLuaHelpers, detail::kOwnedLua, detail::kNackLua)),
        stats_(std::string(detail::kStatsLua)) {
    if (!pool_) throw Error(ErrorKind::invalid_input, "a redis task queue needs a pool");
    detail::validate_options(options_);
  }

  void publish(const Task& task) override { publish(std::span<const Task>(&task, 1)); }

  void publish(std::span<const Task> tasks) override {
    for (const auto& t : tasks)
      detail::validate_task(t);
    auto lease = pool_->acquire();
    for (std::size_t start = 0; start < tasks.size(); start += kPublishChunkTasks) {
      const auto chunk = tasks.subspan(start, std::min(kPublishChunkTasks, tasks.size() - start));
      std::vector<std::string> entries;
      entries.reserve(chunk.size());
      for (const auto& t : chunk)
        entries.push_back("0:" + detail::encode_task(t));
      std::vector<std::string_view> args{backlog_prefix_, wake_cap_};
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        args.push_back(chunk[i].user_id);
        args.push_back(entries[i]);
      }
      const std::string_view keys[] = {ring_, wake_};
      lease->eval(publish_, keys, args);
    }
  }

  std::optional<Delivery> fetch(std::string_view consumer,
                                std::chrono::milliseconds timeout) override {
    auto got = fetch_many(consumer, 1, timeout);
    if (got.empty()) return std::nullopt;
    return std::move(got.front());
  }

  std::vector<Delivery> fetch_many(std::string_view consumer, std::size_t max,
                                   std::chrono::milliseconds timeout) override {
    return ack_and_fetch({}, consumer, max, timeout).deliveries;
  }

  AckedBatch ack_and_fetch(std::span<const Delivery> done, std::string_view consumer,
                           std::size_t max, std::chrono::milliseconds timeout) override {
    detail::validate_consumer(consumer);
    detail::validate_batch(max);
    AckedBatch out;
    out.acked.assign(done.size(), false);
    if (done.size() > kAckChunk) {
      out.acked = ack_many(done);
      done = {};
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto poll = std::min(
        kMaxPoll, std::max(std::chrono::milliseconds(10), options_.visibility_timeout / 4));
    const auto batch = std::to_string(max);
    bool woken = false;
    while (!closed_.load()) {
      out.deliveries = fetch_once(consumer, batch, woken, done, out.acked);
      done = {};  // acked (or refused) by the first call
      if (!out.deliveries.empty()) return out;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      // Sleep in Redis until a publish leaves a token (or a little later, to
      // look for deliveries that ran out of time).
      const auto wait = std::min(left, poll);
      const auto seconds = fmt::format("{:.3f}", static_cast<double>(wait.count()) / 1000.0);
      const std::string_view blpop[] = {"BLPOP", wake_, seconds};
      auto lease = pool_->acquire();
      woken = !lease->command(blpop, wait).is_nil();
    }
    return out;
  }

  bool ack(const Delivery& delivery) override {
    return ack_many(std::span<const Delivery>(&delivery, 1)).front();
  }

  std::vector<bool> ack_many(std::span<const Delivery> deliveries) override {
    std::vector<bool> out(deliveries.size(), false);
    std::vector<std::string> counts;
    std::vector<std::size_t> sent;
    counts.reserve(deliveries.size());
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
      if (!is_stream_id(deliveries[i].receipt)) continue;
      counts.push_back(std::to_string(deliveries[i].delivery_count));
      sent.push_back(i);
    }
    // One script call per chunk: a round trip for many acks, and no script
    // runs long enough to stall Redis.
    auto lease = pool_->acquire();
    for (std::size_t start = 0; start < sent.size(); start += kAckChunk) {
      const auto end = std::min(sent.size(), start + kAckChunk);
      std::vector<std::string_view> args{kGroup};
      for (std::size_t k = start; k < end; ++k) {
        const auto& d = deliveries[sent[k]];
        args.push_back(d.receipt);
        args.push_back(d.consumer);
        args.push_back(counts[k]);
      }
      const std::string_view keys[] = {dispatch_};
      const auto reply = lease->eval(ack_, keys, args);
      const auto& flags = reply.array();
      for (std::size_t k = start; k < end && k - start < flags.size(); ++k)
        out[sent[k]] = flags[k - start].integer() == 1;
    }
    return out;
  }

  std::optional<DeadLetter> nack(const Delivery& delivery, std::string_view reason) override {
    if (!is_stream_id(delivery.receipt)) return std::nullopt;
    const auto count = std::to_string(delivery.delivery_count);
    const auto why = detail::nack_reason(delivery.delivery_count, reason);
    const int outcome = nack_entry(delivery, count, max_deliveries_, why);
    if (outcome != 2) return std::nullopt;
    return DeadLetter{delivery.task, delivery.delivery_count, why};
  }

  bool touch(const Delivery& delivery) override {
    if (!is_stream_id(delivery.receipt)) return false;
    const auto count = std::to_string(delivery.delivery_count);
    auto lease = pool_->acquire();
    return lease->eval(touch_, {dispatch_}, {kGroup, delivery.receipt, delivery.consumer, count})
               .integer() == 1;
  }

  void set_dead_letter_handler(DeadLetterHandler handler) override {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  std::vector<DeadLetter> dead_letters(std::size_t limit) override {
    if (limit == 0) return {};
    auto lease = pool_->acquire();
    const auto n = std::to_string(std::min<std::size_t>(limit, 100000));
    const auto reply = lease->command({"XREVRANGE", dead_, "+", "-", "COUNT", n});
    std::vector<DeadLetter> out;
    for (const auto& entry : reply.array()) {
      const auto& fields = entry.array().at(1).array();
      DeadLetter d;
      std::string task_text, reason;
      for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const auto& name = fields[i].text();
        if (name == "t") task_text = fields[i + 1].text();
        if (name == "n") {
          const auto& count = fields[i + 1].text();
          std::from_chars(count.data(), count.data() + count.size(), d.deliveries);
        }
        if (name == "r") reason = fields[i + 1].text();
      }
      d.task = detail::decode_task(task_text).value_or(Task{});
      d.reason = reason == "expired" ? detail::expiry_reason(d.deliveries) : reason;
      out.push_back(std::move(d));
    }
    return out;
  }

  QueueStats stats() override {
    auto lease = pool_->acquire();
    const auto r = lease->eval(stats_, {dispatch_, ring_, dead_}, {kGroup, backlog_prefix_});
    const auto& a = r.array();
    auto at = [&](std::size_t i) { return static_cast<std::size_t>(a.at(i).integer()); };
    return QueueStats{at(0), at(1), at(2), at(3)};
  }

  void close() override { closed_.store(true); }

 private:
  // One fetch script call; the acks of `done` go with it (flags into `acked`,
  // whose size is done.size()).
  std::vector<Delivery> fetch_once(std::string_view consumer, const std::string& batch, bool woken,
                                   std::span<const Delivery> done, std::vector<bool>& acked) {
    std::vector<std::string> counts;
    std::vector<std::size_t> sent;
    std::vector<std::string_view> args{kGroup,          consumer,  min_idle_, max_deliveries_,
                                       backlog_prefix_, dead_len_, batch,     woken ? "1" : "0"};
    counts.reserve(done.size());
    for (std::size_t i = 0; i < done.size(); ++i) {
      if (!is_stream_id(done[i].receipt)) continue;
      counts.push_back(std::to_string(done[i].delivery_count));
      sent.push_back(i);
    }
    for (std::size_t k = 0; k < sent.size(); ++k) {
      args.push_back(done[sent[k]].receipt);
      args.push_back(done[sent[k]].consumer);
      args.push_back(counts[k]);
    }
    RedisReply reply;
    {
      const std::string_view keys[] = {dispatch_, ring_, wake_, dead_};
      auto lease = pool_->acquire();
      reply = lease->eval(fetch_, keys, args);
    }
    const auto& all = reply.array();
    if (all.empty()) throw Error(ErrorKind::permanent, "malformed fetch reply", "redis_error");
    const auto flags = static_cast<std::size_t>(std::max(0LL, all[0].integer()));
    if (flags != sent.size() || all.size() < flags + 2) {
      throw Error(ErrorKind::permanent, "malformed fetch reply", "redis_error");
    }
    for (std::size_t k = 0; k < flags; ++k)
      acked[sent[k]] = all[1 + k].integer() == 1;
    const auto a = std::span<const RedisReply>(all).subspan(1 + flags);
    const auto n = static_cast<std::size_t>(std::max(0LL, a[0].integer()));
    if (a.size() < 1 + 3 * n)
      throw Error(ErrorKind::permanent, "malformed fetch reply", "redis_error");
    std::vector<DeadLetter> dead;
    for (std::size_t i = 1 + 3 * n; i + 1 < a.size(); i += 2) {
      const auto deliveries = static_cast<int>(a[i + 1].integer());
      dead.push_back(DeadLetter{detail::decode_task(a[i].text()).value_or(Task{}), deliveries,
                                detail::expiry_reason(deliveries)});
    }
    std::vector<Delivery> out;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      Delivery d;
      d.receipt = a[1 + 3 * k].text();
      d.consumer = std::string(consumer);
      d.delivery_count = static_cast<int>(a[2 + 3 * k].integer());
      auto task = detail::decode_task(a[3 + 3 * k].text());
      if (!task) {
        // Written by something else than this queue: bury it where operators
        // can see it rather than hand garbage to a worker.
        const auto count = std::to_string(d.delivery_count);
        const auto why = std::string("the task entry could not be decoded");
        nack_entry(d, count, "0", why);
        dead.push_back(DeadLetter{Task{}, d.delivery_count, why});
        continue;
      }
      d.task = std::move(*task);
      out.push_back(std::move(d));
    }
    report(dead);
    return out;
  }

  int nack_entry(const Delivery& d, const std::string& count, std::string_view max,
                 const std::string& why) {
    auto lease = pool_->acquire();
    return static_cast<int>(lease
                                ->eval(nack_, {dispatch_, ring_, wake_, dead_},
                                       {kGroup, d.receipt, d.consumer, count, max, backlog_prefix_,
                                        dead_len_, wake_cap_, why})
                                .integer());
  }

  void report(const std::vector<DeadLetter>& dead) {
    if (dead.empty()) return;
    DeadLetterHandler handler;
    {
      std::lock_guard lock(mutex_);
      handler = handler_;
    }
    detail::report_dead_letters(handler, dead);
  }

  std::shared_ptr<RedisPool> pool_;
  const TaskQueueOptions options_;
  const std::string prefix_, dispatch_, ring_, wake_, dead_, backlog_prefix_;
  const std::string min_idle_, max_deliveries_, dead_len_, wake_cap_;
  const RedisScript publish_, fetch_, ack_, touch_, nack_, stats_;
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  DeadLetterHandler handler_;
};

}  // namespace

std::unique_ptr<TaskQueue> make_redis_task_queue(std::shared_ptr<RedisPool> pool, std::string name,
                                                 TaskQueueOptions options) {
  return std::make_unique<RedisTaskQueue>(std::move(pool), name, options);
}

}  // namespace curator::queue
