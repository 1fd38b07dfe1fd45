#pragma once
// Reading what a child process (a Python fake) prints on readiness: the
// first line of its stdout, within a deadline.

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace curator::test {

/// The first line `fd` yields (without the newline). Throws naming `who`
/// when nothing arrives within `timeout` or the child closes its stdout.
inline std::string read_first_line(int fd, const std::string& who,
                                   std::chrono::seconds timeout = std::chrono::seconds(30)) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error(who + " printed no port line in time");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error(who + " exited before printing its port");
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace curator::test
