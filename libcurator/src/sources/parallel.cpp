#include "sources/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "curator/core/log.hpp"

namespace curator::sources {

void run_bounded(std::size_t n, int limit, const std::function<void(std::size_t)>& task) {
  if (n == 0) return;
  const auto threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, limit)));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  // Worker threads log under the caller's context id.
  const std::string context = log::current_context();
  const auto work = [&] {
    log::ContextScope scope(context);
    for (;;) {
      if (failed.load()) return;
      const auto i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed.store(true);
        return;
      }
    }
  };
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) {
      try {
        pool.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // out of threads: the ones started (or this one) do the work
      }
    }
    if (pool.empty()) work();
    for (auto& t : pool)
      t.join();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace curator::sources
