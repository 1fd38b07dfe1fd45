#pragma once
// WorkerLock: in the embedded mode only one process may run workers on an
// SQLite database (the in-process queue, rate limiter and hash lock are
// shared only inside one process). The lock is an exclusive flock() on a
// file beside the database, released by the kernel when the process dies,
// so a crash never leaves it stuck. Other processes may still read the
// database and enqueue; they are told where the workers run.

#include <filesystem>
#include <optional>
#include <string_view>

#include "curator/export.hpp"

namespace curator::pipeline {

class CURATOR_API WorkerLock {
 public:
  /// Takes the lock (creating the file, mode 0600) and writes this process's
  /// id into it. Throws Error(conflict) naming the holder's process id when
  /// another process holds it, Error(permanent) when the file cannot be made.
  static WorkerLock acquire(const std::filesystem::path& path);
  /// `<database file>.workers.lock` for an SQLite URL; nullopt for MySQL and
  /// in-memory databases.
  static std::optional<std::filesystem::path> path_for(std::string_view database_url);

  WorkerLock(WorkerLock&& other) noexcept;
  WorkerLock& operator=(WorkerLock&& other) noexcept;
  WorkerLock(const WorkerLock&) = delete;
  WorkerLock& operator=(const WorkerLock&) = delete;
  ~WorkerLock();

  const std::filesystem::path& path() const { return path_; }

 private:
  WorkerLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace curator::pipeline
