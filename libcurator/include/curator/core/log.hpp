#pragma once
// Logging: levels, text or JSON lines on stderr (or a sink for tests), and a
// per-thread context id (request or upload) stamped on every line. Callers
// never pass secrets; redact_url() strips credentials from URLs.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

CURATOR_API std::optional<Level> parse_level(std::string_view text) noexcept;
CURATOR_API std::string_view to_string(Level level) noexcept;

/// Sets the global threshold and format. Thread-safe.
CURATOR_API void configure(Level level, Format format);
CURATOR_API Level level() noexcept;
/// Replaces the output (default: stderr). The sink gets whole lines without
/// the trailing newline. Pass an empty function to restore stderr.
CURATOR_API void set_sink(std::function<void(std::string_view)> sink);

CURATOR_API void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view component, std::string_view message) {
  write(Level::debug, component, message);
}
inline void info(std::string_view component, std::string_view message) {
  write(Level::info, component, message);
}
inline void warning(std::string_view component, std::string_view message) {
  write(Level::warning, component, message);
}
inline void error(std::string_view component, std::string_view message) {
  write(Level::error, component, message);
}

/// While alive, every line this thread logs carries `id` (restored on exit).
class CURATOR_API ContextScope {
 public:
  explicit ContextScope(std::string id);
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  std::string previous_;
};

CURATOR_API const std::string& current_context();

/// `scheme://user:secret@host/...` → `scheme://user:***@host/...`; query
/// parameters whose names look secret (token, password, key, secret) → `***`.
CURATOR_API std::string redact_url(std::string_view url);

}  // namespace curator::log
