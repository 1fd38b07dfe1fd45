#include "terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "curator/core/error.hpp"

namespace curator::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int sig) {
  if (g_interrupted.exchange(true)) {
    // Second signal: the operator insists.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

std::string read_secret(std::string_view prompt, std::string_view what) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    line.pop_back();
  if (!got || line.empty()) {
    throw Error(ErrorKind::invalid_input, fmt::format("no {} given (empty input)", what),
                "missing_secret");
  }
  return line;
}

void catch_interrupts() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() noexcept {
  return g_interrupted.load();
}

}  // namespace curator::cli
