#pragma once
// A fixed-size pool of database sessions shared by many threads. Sessions are opened
// lazily up to the size; a thread waits (up to a timeout) for a free one. A session
// that turned out broken is discarded and reopened on demand; one that sat idle for a
// while is checked (validator) before it is lent again.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace soci {
class session;
}

namespace curator::store::detail {

class SessionPool {
 public:
  using Factory = std::function<std::unique_ptr<soci::session>()>;
  /// True when an idle session still works (e.g. MySQL ping).
  using Validator = std::function<bool(soci::session&)>;
  static constexpr std::chrono::seconds kValidateAfterIdle{30};

  SessionPool(Factory factory, std::size_t size, std::chrono::milliseconds acquire_timeout,
              Validator validator = {});
  ~SessionPool();
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<soci::session> session);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    soci::session& session() { return *session_; }
    /// Closes the session instead of returning it to the pool.
    void discard() noexcept { discard_ = true; }

   private:
    SessionPool* pool_;
    std::unique_ptr<soci::session> session_;
    bool discard_ = false;
  };

  /// A free session, opening one when fewer than `size` exist. Throws
  /// Error(transient) when none frees up within the timeout.
  Lease acquire();
  std::size_t size() const noexcept { return size_; }

 private:
  void release(std::unique_ptr<soci::session> session, bool discard);

  struct Idle {
    std::unique_ptr<soci::session> session;
    std::chrono::steady_clock::time_point since;
  };

  Factory factory_;
  Validator validator_;
  std::size_t size_;
  std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Idle> idle_;
  std::size_t open_ = 0;
};

}  // namespace curator::store::detail
