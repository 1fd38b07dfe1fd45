#include "store/session_pool.hpp"

#include <fmt/format.h>
#include <soci/session.h>

#include "curator/core/error.hpp"

namespace curator::store::detail {

SessionPool::SessionPool(Factory factory, std::size_t size,
                         std::chrono::milliseconds acquire_timeout, Validator validator)
    : factory_(std::move(factory)),
      validator_(std::move(validator)),
      size_(size == 0 ? 1 : size),
      acquire_timeout_(acquire_timeout) {}

SessionPool::~SessionPool() = default;

SessionPool::Lease::Lease(SessionPool& pool, std::unique_ptr<soci::session> session)
    : pool_(&pool), session_(std::move(session)) {}

SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)), discard_(other.discard_) {}

SessionPool::Lease::~Lease() {
  if (session_) pool_->release(std::move(session_), discard_);
}

SessionPool::Lease SessionPool::acquire() {
  std::unique_lock lock(mutex_);
  const bool ready =
      available_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
  if (!ready) {
    throw Error(ErrorKind::transient,
                fmt::format("no database connection became free within {} ms (pool of {})",
                            acquire_timeout_.count(), size_),
                "pool_exhausted");
  }
  if (!idle_.empty()) {
    auto idle = std::move(idle_.back());
    idle_.pop_back();
    const bool stale =
        validator_ && std::chrono::steady_clock::now() - idle.since > kValidateAfterIdle;
    if (!stale) return Lease(*this, std::move(idle.session));
    lock.unlock();
    bool alive = false;
    try {
      alive = validator_(*idle.session);
    } catch (...) {
      alive = false;
    }
    if (alive) return Lease(*this, std::move(idle.session));
    idle.session.reset();  // dead: replace it with a fresh connection in the same slot
  } else {
    ++open_;
    lock.unlock();
  }
  try {
    return Lease(*this, factory_());
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void SessionPool::release(std::unique_ptr<soci::session> session, bool discard) {
  std::unique_ptr<soci::session> closing;
  {
    std::lock_guard lock(mutex_);
    if (discard) {
      closing = std::move(session);
      --open_;
    } else {
      idle_.push_back({std::move(session), std::chrono::steady_clock::now()});
    }
  }
  available_.notify_one();
  // `closing` is destroyed outside the lock: closing a connection may block.
}

}  // namespace curator::store::detail
