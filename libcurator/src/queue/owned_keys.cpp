// HashLock and LeaderLease share one mechanism: a key holding its owner's
// token with a time to live, changed only by that owner. OwnedKeys is that
// mechanism twice (Redis, in-process); the public classes adapt it.

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "curator/core/error.hpp"
#include "curator/core/ids.hpp"
#include "curator/queue/hash_lock.hpp"
#include "curator/queue/leader_lease.hpp"
#include "curator/queue/redis_client.hpp"
#include "queue/redis_keys.hpp"

namespace curator::queue {
namespace {

constexpr std::string_view kAcquireLua = R"lua(
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
)lua";

constexpr std::string_view kRenewLua = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
)lua";

constexpr std::string_view kReleaseLua = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
)lua";

constexpr std::chrono::milliseconds kMaxTtl = std::chrono::hours(24 * 366);

void check_ttl(std::chrono::milliseconds ttl) {
  if (ttl.count() < 1 || ttl > kMaxTtl) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("a lock or lease time to live must be 1 ms to 366 days, not {} ms",
                            ttl.count()));
  }
}

class OwnedKeys {
 public:
  virtual ~OwnedKeys() = default;
  virtual bool acquire(const std::string& key, std::string_view owner,
                       std::chrono::milliseconds ttl) = 0;
  virtual bool renew(const std::string& key, std::string_view owner,
                     std::chrono::milliseconds ttl) = 0;
  virtual bool release(const std::string& key, std::string_view owner) = 0;
  virtual std::optional<std::string> owner(const std::string& key) = 0;
  virtual bool set_once(const std::string& key, std::optional<std::chrono::milliseconds> ttl) = 0;
};

class InProcessOwnedKeys final : public OwnedKeys {
 public:
  bool acquire(const std::string& key, std::string_view owner,
               std::chrono::milliseconds ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = Steady::now();
    if (entries_.size() > prune_above_) prune_locked(now);
    auto it = live_locked(key, now);
    if (it != entries_.end() && it->second.owner != owner) return false;
    entries_.insert_or_assign(key, Entry{std::string(owner), now + ttl});
    return true;
  }

  bool renew(const std::string& key, std::string_view owner,
             std::chrono::milliseconds ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = Steady::now();
    auto it = live_locked(key, now);
    if (it == entries_.end() || it->second.owner != owner) return false;
    it->second.expires = now + ttl;
    return true;
  }

  bool release(const std::string& key, std::string_view owner) override {
    std::lock_guard lock(mutex_);
    auto it = live_locked(key, Steady::now());
    if (it == entries_.end() || it->second.owner != owner) return false;
    entries_.erase(it);
    return true;
  }

  std::optional<std::string> owner(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto it = live_locked(key, Steady::now());
    if (it == entries_.end()) return std::nullopt;
    return it->second.owner;
  }

  bool set_once(const std::string& key, std::optional<std::chrono::milliseconds> ttl) override {
    std::lock_guard lock(mutex_);
    const auto now = Steady::now();
    if (live_locked(key, now) != entries_.end()) return false;
    entries_.insert_or_assign(key, Entry{"1", ttl ? now + *ttl : Steady::time_point::max()});
    return true;
  }

 private:
  using Steady = std::chrono::steady_clock;
  struct Entry {
    std::string owner;
    Steady::time_point expires;
  };
  using Map = std::unordered_map<std::string, Entry>;
  static constexpr std::size_t kPruneAbove = 10000;

  // The entry for `key` unless it has expired (an expired one is dropped).
  Map::iterator live_locked(const std::string& key, Steady::time_point now) {
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.expires <= now) {
      entries_.erase(it);
      return entries_.end();
    }
    return it;
  }

  // The threshold doubles with what survives: amortised O(1) per call.
  void prune_locked(Steady::time_point now) {
    std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
    prune_above_ = std::max(kPruneAbove, 2 * entries_.size());
  }

  std::size_t prune_above_ = kPruneAbove;
  std::mutex mutex_;
  Map entries_;
};

class RedisOwnedKeys final : public OwnedKeys {
 public:
  explicit RedisOwnedKeys(std::shared_ptr<RedisPool> pool)
      : pool_(std::move(pool)),
        acquire_(std::string(kAcquireLua)),
        renew_(std::string(kRenewLua)),
        release_(std::string(kReleaseLua)) {
    if (!pool_) throw Error(ErrorKind::invalid_input, "a redis lock needs a pool");
  }

  bool acquire(const std::string& key, std::string_view owner,
               std::chrono::milliseconds ttl) override {
    return run(acquire_, key, owner, std::to_string(ttl.count()));
  }

  bool renew(const std::string& key, std::string_view owner,
             std::chrono::milliseconds ttl) override {
    return run(renew_, key, owner, std::to_string(ttl.count()));
  }

  bool release(const std::string& key, std::string_view owner) override {
    return run(release_, key, owner, "");
  }

  std::optional<std::string> owner(const std::string& key) override {
    auto lease = pool_->acquire();
    const auto reply = lease->command({"GET", key});
    if (reply.is_nil()) return std::nullopt;
    return reply.text();
  }

  bool set_once(const std::string& key, std::optional<std::chrono::milliseconds> ttl) override {
    auto lease = pool_->acquire();
    RedisReply reply;
    if (ttl) {
      const auto ms = std::to_string(ttl->count());
      reply = lease->command({"SET", key, "1", "NX", "PX", ms});
    } else {
      reply = lease->command({"SET", key, "1", "NX"});
    }
    return !reply.is_nil();
  }

 private:
  bool run(const RedisScript& script, const std::string& key, std::string_view owner,
           const std::string& ttl) {
    auto lease = pool_->acquire();
    return lease->eval(script, {key}, {owner, ttl}).integer() == 1;
  }

  std::shared_ptr<RedisPool> pool_;
  RedisScript acquire_, renew_, release_;
};

class OwnedKeyHashLock final : public HashLock {
 public:
  OwnedKeyHashLock(std::unique_ptr<OwnedKeys> keys, std::string prefix)
      : keys_(std::move(keys)), prefix_(std::move(prefix)) {}

  bool acquire(std::string_view key, std::string_view owner,
               std::chrono::milliseconds ttl) override {
    check_ttl(ttl);
    return keys_->acquire(name(key), checked_owner(owner), ttl);
  }
  bool renew(std::string_view key, std::string_view owner, std::chrono::milliseconds ttl) override {
    check_ttl(ttl);
    return keys_->renew(name(key), checked_owner(owner), ttl);
  }
  bool release(std::string_view key, std::string_view owner) override {
    return keys_->release(name(key), checked_owner(owner));
  }
  std::optional<std::string> owner(std::string_view key) override {
    return keys_->owner(name(key));
  }

 private:
  std::string name(std::string_view key) const {
    detail::validate_key_part("lock key", key, kMaxLockKeyBytes);
    return prefix_ + std::string(key);
  }
  static std::string_view checked_owner(std::string_view owner) {
    detail::validate_key_part("lock owner", owner, kMaxOwnerBytes);
    return owner;
  }

  std::unique_ptr<OwnedKeys> keys_;
  std::string prefix_;
};

class OwnedKeyLeaderLease final : public LeaderLease {
 public:
  OwnedKeyLeaderLease(std::unique_ptr<OwnedKeys> keys, std::string lease_prefix,
                      std::string sentinel_prefix)
      : keys_(std::move(keys)),
        lease_prefix_(std::move(lease_prefix)),
        sentinel_prefix_(std::move(sentinel_prefix)) {}

  bool try_acquire(std::string_view name, std::string_view owner,
                   std::chrono::milliseconds ttl) override {
    check_ttl(ttl);
    return keys_->acquire(lease(name), checked_owner(owner), ttl);
  }
  bool renew(std::string_view name, std::string_view owner,
             std::chrono::milliseconds ttl) override {
    check_ttl(ttl);
    return keys_->renew(lease(name), checked_owner(owner), ttl);
  }
  bool release(std::string_view name, std::string_view owner) override {
    return keys_->release(lease(name), checked_owner(owner));
  }
  std::optional<std::string> holder(std::string_view name) override {
    return keys_->owner(lease(name));
  }
  bool claim_sentinel(std::string_view name,
                      std::optional<std::chrono::milliseconds> ttl) override {
    if (ttl) check_ttl(*ttl);
    detail::validate_key_part("sentinel name", name, kMaxOwnerBytes);
    return keys_->set_once(sentinel_prefix_ + std::string(name), ttl);
  }

 private:
  std::string lease(std::string_view name) const {
    detail::validate_key_part("lease name", name, kMaxOwnerBytes);
    return lease_prefix_ + std::string(name);
  }
  static std::string_view checked_owner(std::string_view owner) {
    detail::validate_key_part("lease owner", owner, kMaxOwnerBytes);
    return owner;
  }

  std::unique_ptr<OwnedKeys> keys_;
  std::string lease_prefix_, sentinel_prefix_;
};

}  // namespace

std::string new_owner_token() {
  return random_hex(32);
}

std::unique_ptr<HashLock> make_in_process_hash_lock() {
  return std::make_unique<OwnedKeyHashLock>(std::make_unique<InProcessOwnedKeys>(), "");
}

std::unique_ptr<HashLock> make_redis_hash_lock(std::shared_ptr<RedisPool> pool,
                                               std::string_view name) {
  auto prefix = detail::key_prefix(name, "lock");
  return std::make_unique<OwnedKeyHashLock>(std::make_unique<RedisOwnedKeys>(std::move(pool)),
                                            std::move(prefix));
}

std::unique_ptr<LeaderLease> make_in_process_leader_lease() {
  return std::make_unique<OwnedKeyLeaderLease>(std::make_unique<InProcessOwnedKeys>(), "l:", "s:");
}

std::unique_ptr<LeaderLease> make_redis_leader_lease(std::shared_ptr<RedisPool> pool,
                                                     std::string_view name) {
  auto lease = detail::key_prefix(name, "lease");
  auto sentinel = detail::key_prefix(name, "sentinel");
  return std::make_unique<OwnedKeyLeaderLease>(std::make_unique<RedisOwnedKeys>(std::move(pool)),
                                               std::move(lease), std::move(sentinel));
}

}  // namespace curator::queue
