// The Python Curator's rate formula (core/rate_limiter.py), with exact
// comparisons: a/b < c/d is decided as a*d < c*b, never in floating point.

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/queue/rate_limiter.hpp"

namespace curator::queue {
namespace {

// Bounds that keep hits * seconds inside 64 bits.
constexpr long long kMaxHits = 1'000'000'000;
constexpr long long kMaxSeconds = 1'000'000'000;

[[noreturn]] void malformed(std::string_view what) {
  throw Error(ErrorKind::invalid_input, fmt::format("malformed userinfo answer: {}", what),
              "invalid_userinfo");
}

// a is stricter than (or as strict as) b.
bool no_faster(const Rate& a, const Rate& b) {
  return a.hits * b.seconds <= b.hits * a.seconds;
}

long long positive_int(const json::object& o, std::string_view key, std::string_view action,
                       long long max) {
  const auto* v = o.if_contains(key);
  long long n = 0;
  if (v != nullptr && v->is_int64()) n = v->as_int64();
  if (v != nullptr && v->is_uint64()) n = -1;  // beyond int64: out of range below
  if (n <= 0 || n > max) {
    malformed(
        fmt::format("a ratelimits.{} entry needs {} as an integer from 1 to {}", action, key, max));
  }
  return n;
}

// The group with the highest hits/seconds; the first one seen wins a tie.
std::optional<Rate> most_permissive(const json::object& limits, std::string_view action) {
  const auto* groups = limits.if_contains(action);
  if (groups == nullptr || groups->is_null()) return std::nullopt;
  if (!groups->is_object()) malformed(fmt::format("ratelimits.{} is not an object", action));
  std::optional<Rate> best;
  for (const auto& [group, limit] : groups->as_object()) {
    if (!limit.is_object())
      malformed(fmt::format("a ratelimits.{} entry is not an object", action));
    const Rate candidate{positive_int(limit.as_object(), "hits", action, kMaxHits),
                         positive_int(limit.as_object(), "seconds", action, kMaxSeconds)};
    if (!best || !no_faster(candidate, *best)) best = candidate;
  }
  return best;
}

const json::object& userinfo_object(const json::value& answer) {
  if (!answer.is_object()) malformed("not a JSON object");
  const auto& top = answer.as_object();
  if (top.contains("error")) malformed("the API answered with an error");
  if (const auto* query = top.if_contains("query")) {
    if (!query->is_object()) malformed("query is not an object");
    const auto* info = query->as_object().if_contains("userinfo");
    if (info == nullptr || !info->is_object()) malformed("query.userinfo is missing");
    return info->as_object();
  }
  if (const auto* info = top.if_contains("userinfo")) {
    if (!info->is_object()) malformed("userinfo is not an object");
    return info->as_object();
  }
  return top;
}

}  // namespace

std::chrono::microseconds Rate::spacing() const {
  if (hits <= 0 || seconds <= 0) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("a rate needs positive hits and seconds, not {}/{}", hits, seconds));
  }
  return std::chrono::microseconds(
      std::llround(static_cast<double>(seconds) * 1.5e6 / static_cast<double>(hits)));
}

Rate effective_rate(const json::value& answer) {
  const auto& info = userinfo_object(answer);
  if (const auto* rights = info.if_contains("rights"); rights != nullptr && !rights->is_null()) {
    if (!rights->is_array()) malformed("rights is not a list");
    for (const auto& r : rights->as_array()) {
      if (!r.is_string()) malformed("rights holds a value that is not a string");
      if (r.as_string() == "noratelimit") return kNoRateLimit;
    }
  }
  const auto* limits = info.if_contains("ratelimits");
  if (limits == nullptr || limits->is_null()) return kNoRateLimit;
  // MediaWiki's PHP arrays come out as [] when empty.
  if (limits->is_array() && limits->as_array().empty()) return kNoRateLimit;
  if (!limits->is_object()) malformed("ratelimits is not an object");
  const auto upload = most_permissive(limits->as_object(), "upload");
  auto edit = most_permissive(limits->as_object(), "edit");
  if (edit) edit->hits = std::max(1LL, edit->hits / 2);
  if (!upload && !edit) return kNoRateLimit;
  if (!upload) return *edit;
  if (!edit) return *upload;
  return no_faster(*upload, *edit) ? *upload : *edit;
}

Rate effective_rate_or(const json::value& answer, Rate fallback) {
  try {
    return effective_rate(answer);
  } catch (const Error& e) {
    log::warning("queue", fmt::format("using the default rate {}/{} s: {}", fallback.hits,
                                      fallback.seconds, e.what()));
    return fallback;
  }
}

}  // namespace curator::queue
