#pragma once
// Where curatorctl writes: results on stdout (plain lines, or one JSON
// object per line with --json), notes and errors on stderr. Knows whether
// stdout and stderr are terminals, for the live progress display.

#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"

namespace curator::cli {

class Output {
 public:
  explicit Output(bool json);

  bool json() const { return json_; }
  /// stderr is a terminal and --json is off: live displays may redraw lines.
  bool live() const { return live_; }

  /// A result line (text mode).
  void line(std::string_view text);
  /// A JSON object on one line (json mode).
  void object(const json::value& value);
  /// Information for people, on stderr (both modes).
  void note(std::string_view text);

  /// Rows under a header, columns padded to the widest cell.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);

 private:
  bool json_;
  bool live_;
};

/// `text` cut to `width` code points with a trailing "…".
std::string ellipsize(std::string_view text, std::size_t width);

}  // namespace curator::cli
