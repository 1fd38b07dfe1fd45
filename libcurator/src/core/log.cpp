#include "curator/core/log.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <mutex>

#include "curator/core/time.hpp"

namespace curator::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::mutex g_mutex;
std::function<void(std::string_view)> g_sink;  // guarded by g_mutex
thread_local std::string t_context;

std::string quote(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

bool secret_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"token", "password", "passwd", "secret", "key", "signature"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) noexcept {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "debug") return Level::debug;
  if (lower == "info") return Level::info;
  if (lower == "warning" || lower == "warn") return Level::warning;
  if (lower == "error" || lower == "critical") return Level::error;
  return std::nullopt;
}

std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warning:
      return "warning";
    case Level::error:
      return "error";
  }
  return "info";
}

void configure(Level level, Format format) {
  g_level = level;
  g_format = format;
}

Level level() noexcept {
  return g_level;
}

void set_sink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

void write(Level lvl, std::string_view component, std::string_view message) {
  if (lvl < g_level.load()) return;
  const std::string ts = format_utc_z(now_utc());
  std::string line;
  if (g_format.load() == Format::json) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","component":{})", ts, to_string(lvl),
                       quote(component));
    if (!t_context.empty()) line += fmt::format(R"(,"id":{})", quote(t_context));
    line += fmt::format(R"(,"msg":{}}})", quote(message));
  } else {
    line = fmt::format("{} {:<7} [{}]", ts, to_string(lvl), component);
    if (!t_context.empty()) line += fmt::format(" [{}]", t_context);
    line += ' ';
    // One event, one line: escape control characters so input cannot forge lines.
    for (char c : message) {
      if (c == '\n') {
        line += "\\n";
      } else if (c == '\r') {
        line += "\\r";
      } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        line += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      } else {
        line += c;
      }
    }
  }
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(line);
  } else {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

ContextScope::ContextScope(std::string id) : previous_(std::move(t_context)) {
  t_context = std::move(id);
}
ContextScope::~ContextScope() {
  t_context = std::move(previous_);
}

const std::string& current_context() {
  return t_context;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority_start = scheme_end + 3;
    const auto authority_end = out.find_first_of("/?#", authority_start);
    const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at >= authority_start) {
      const auto colon = out.find(':', authority_start);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  const auto q = out.find('?');
  if (q == std::string::npos) return out;
  std::string result = out.substr(0, q + 1);
  std::string_view query(out);
  query.remove_prefix(q + 1);
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) result += '&';
    first = false;
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && secret_name(pair.substr(0, eq))) {
      result += pair.substr(0, eq + 1);
      result += "***";
    } else {
      result += pair;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return result;
}

}  // namespace curator::log
