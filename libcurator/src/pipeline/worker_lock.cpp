#include "curator/pipeline/worker_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"

namespace curator::pipeline {

namespace {

std::string holder_of(int fd) {
  char buf[64] = {};
  const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text.empty() ? std::string("another process") : "process " + text;
}

}  // namespace

WorkerLock WorkerLock::acquire(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(ErrorKind::permanent,
                "cannot open the worker lock file " + path.string() + ": " + std::strerror(errno),
                "worker_lock");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const auto holder = holder_of(fd);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      throw Error(ErrorKind::conflict,
                  "workers already run on this database in " + holder + " (lock file " +
                      path.string() + "); this process can read and enqueue only",
                  "workers_running");
    }
    throw Error(ErrorKind::permanent, "cannot lock " + path.string() + ": " + std::strerror(err),
                "worker_lock");
  }
  const auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the note; only the message to others is poorer.
  }
  return WorkerLock(path, fd);
}

std::optional<std::filesystem::path> WorkerLock::path_for(std::string_view database_url) {
  const auto url = parse_database_url(database_url);
  if (url.kind != DatabaseUrl::Kind::sqlite || url.path.empty() || url.path == ":memory:") {
    return std::nullopt;
  }
  return std::filesystem::path(url.path + ".workers.lock");
}

WorkerLock::WorkerLock(WorkerLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

WorkerLock& WorkerLock::operator=(WorkerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

WorkerLock::~WorkerLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

}  // namespace curator::pipeline
