// Slot reservation: the Python service's GET/SET pair on
// `ratelimit:<user>:next_available`, made atomic.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <unordered_map>

#include "curator/core/error.hpp"
#include "curator/queue/rate_limiter.hpp"
#include "curator/queue/redis_client.hpp"
#include "queue/redis_keys.hpp"

namespace curator::queue {
namespace {

constexpr std::size_t kMaxUserBytes = 256;

// KEYS: the user's key. ARGV: now (us since the epoch), spacing (us).
// The key expires a minute after its slot has passed: from then on a
// missing key and a past slot both mean "now".
constexpr std::string_view kReserveLua = R"lua(
local now, spacing = tonumber(ARGV[1]), tonumber(ARGV[2])
local slot = now
local stored = tonumber(redis.call('GET', KEYS[1]) or '')
if stored and stored > now then slot = stored end
local next_slot = slot + spacing
redis.call('SET', KEYS[1], string.format('%.0f', next_slot), 'PX',
           math.floor((next_slot - now) / 1000) + 60000)
return string.format('%.0f', slot)
)lua";

std::chrono::microseconds checked_spacing(std::string_view user_id, const Rate& rate) {
  detail::validate_key_part("rate-limited user id", user_id, kMaxUserBytes);
  return rate.spacing();
}

class InProcessRateLimiter final : public RateLimiter {
 public:
  TimePoint reserve_at(std::string_view user_id, const Rate& rate, TimePoint now) override {
    const auto spacing = checked_spacing(user_id, rate);
    std::lock_guard lock(mutex_);
    if (next_.size() > prune_above_) prune_locked(now);
    auto [it, inserted] = next_.try_emplace(std::string(user_id), now);
    const auto slot = std::max(now, it->second);
    it->second = slot + spacing;
    return slot;
  }

 private:
  static constexpr std::size_t kPruneAbove = 10000;

  // Slots in the past mean the same as no entry. The threshold doubles with
  // what survives, so pruning stays amortised O(1) per reservation.
  void prune_locked(TimePoint now) {
    std::erase_if(next_, [&](const auto& entry) { return entry.second <= now; });
    prune_above_ = std::max(kPruneAbove, 2 * next_.size());
  }

  std::size_t prune_above_ = kPruneAbove;
  std::mutex mutex_;
  std::unordered_map<std::string, TimePoint> next_;
};

class RedisRateLimiter final : public RateLimiter {
 public:
  RedisRateLimiter(std::shared_ptr<RedisPool> pool, std::string_view name)
      : pool_(std::move(pool)),
        prefix_(detail::key_prefix(name, "rate")),
        script_(std::string(kReserveLua)) {
    if (!pool_) throw Error(ErrorKind::invalid_input, "a redis rate limiter needs a pool");
  }

  TimePoint reserve_at(std::string_view user_id, const Rate& rate, TimePoint now) override {
    const auto spacing = checked_spacing(user_id, rate);
    const auto key = prefix_ + std::string(user_id);
    const auto now_us = std::to_string(now.time_since_epoch().count());
    const auto spacing_us = std::to_string(spacing.count());
    auto lease = pool_->acquire();
    const auto reply = lease->eval(script_, {key}, {now_us, spacing_us});
    const auto& text = reply.text();
    long long slot = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), slot);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      throw Error(ErrorKind::permanent, "the rate limiter script returned a malformed slot",
                  "redis_error");
    }
    return TimePoint(std::chrono::microseconds(slot));
  }

 private:
  std::shared_ptr<RedisPool> pool_;
  std::string prefix_;
  RedisScript script_;
};

}  // namespace

std::unique_ptr<RateLimiter> make_in_process_rate_limiter() {
  return std::make_unique<InProcessRateLimiter>();
}

std::unique_ptr<RateLimiter> make_redis_rate_limiter(std::shared_ptr<RedisPool> pool,
                                                     std::string_view name) {
  return std::make_unique<RedisRateLimiter>(std::move(pool), name);
}

}  // namespace curator::queue
