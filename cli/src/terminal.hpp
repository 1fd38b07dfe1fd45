#pragma once
// Reading secrets without echo, and stopping cleanly on Ctrl-C or SIGTERM.

#include <string>
#include <string_view>

namespace curator::cli {

/// A line from the terminal with echo off (the prompt on stderr), or from
/// stdin when it is not a terminal. Throws Error(invalid_input) naming
/// `what` when the line is empty or stdin ended.
std::string read_secret(std::string_view prompt, std::string_view what);

/// From now on SIGINT and SIGTERM set a flag instead of killing the process;
/// a second signal kills it (exit 130).
void catch_interrupts();
bool interrupted() noexcept;

}  // namespace curator::cli
