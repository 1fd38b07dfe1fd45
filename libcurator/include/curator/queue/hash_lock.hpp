#pragma once
// HashLock: stops two workers from uploading the same bytes at once (key =
// the file's SHA-1). Unlike the Python service's `SET NX EX 60` + blind DEL,
// the lock holds an owner token, can be renewed while a long upload runs,
// and is released only by its owner (compare-and-delete). In Redis the
// compare steps are Lua scripts; in-process a mutex-protected map. It knows
// nothing of uploads; the pipeline decides what to do when a lock is held.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::queue {

class RedisPool;

inline constexpr std::size_t kMaxLockKeyBytes = 512;
inline constexpr std::size_t kMaxOwnerBytes = 256;

/// A fresh random owner token (32 hex characters).
CURATOR_API std::string new_owner_token();

class CURATOR_API HashLock {
 public:
  virtual ~HashLock() = default;

  /// Takes the lock for `ttl` unless someone else holds it; true when
  /// `owner` holds it afterwards (taking it again as its owner extends it).
  /// Keys and owners are binary-safe: 1..kMaxLockKeyBytes and
  /// 1..kMaxOwnerBytes bytes, else Error(invalid_input); so is a ttl < 1 ms.
  virtual bool acquire(std::string_view key, std::string_view owner,
                       std::chrono::milliseconds ttl) = 0;
  /// Extends the lock to `ttl` from now; false (and no change) unless held by `owner`.
  virtual bool renew(std::string_view key, std::string_view owner,
                     std::chrono::milliseconds ttl) = 0;
  /// Deletes the lock; false (and no change) unless held by `owner`.
  virtual bool release(std::string_view key, std::string_view owner) = 0;
  /// The current owner, if the lock is held.
  virtual std::optional<std::string> owner(std::string_view key) = 0;
};

CURATOR_API std::unique_ptr<HashLock> make_in_process_hash_lock();
/// Keys `{<name>}:lock:<key>`.
CURATOR_API std::unique_ptr<HashLock> make_redis_hash_lock(std::shared_ptr<RedisPool> pool,
                                                           std::string_view name = "curator");

}  // namespace curator::queue
