#include "store/validate.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"

namespace curator::store::detail {
namespace {

[[noreturn]] void invalid(std::string_view field, std::string_view why) {
  throw Error(ErrorKind::invalid_input, fmt::format("{} {}", field, why), "invalid_field");
}

void check_common(std::string_view field, std::string_view value, std::size_t& chars) {
  const auto length = utf8_length(value);
  if (!length) invalid(field, "is not valid UTF-8");
  if (value.find('\0') != std::string_view::npos) invalid(field, "contains a NUL character");
  chars = *length;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view text) noexcept {
  std::size_t count = 0;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    const unsigned char c = byte(i);
    std::size_t extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return std::nullopt;  // continuation byte first, C0/C1 overlong lead, or > U+10FFFF
    }
    if (extra > 0 && i + extra >= text.size()) return std::nullopt;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const unsigned char cc = byte(i + k);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += extra + 1;
    ++count;
  }
  return count;
}

void check_varchar(std::string_view field, std::string_view value, std::size_t max_chars,
                   bool allow_empty) {
  std::size_t chars = 0;
  check_common(field, value, chars);
  if (!allow_empty && chars == 0) invalid(field, "must not be empty");
  if (chars > max_chars) {
    invalid(field, fmt::format("is too long ({} characters, at most {})", chars, max_chars));
  }
}

void check_text(std::string_view field, std::string_view value, std::size_t max_bytes) {
  std::size_t chars = 0;
  check_common(field, value, chars);
  if (value.size() > max_bytes) {
    invalid(field, fmt::format("is too long ({} bytes, at most {})", value.size(), max_bytes));
  }
}

void check_label(std::string_view field, const Label& label) {
  check_text(fmt::format("{} language", field), label.language);
  check_text(fmt::format("{} value", field), label.value);
  if (json::serialize(to_json(label)).size() > kJsonBytes) {
    invalid(field, fmt::format("is too long (more than {} bytes as JSON)", kJsonBytes));
  }
}

void check_error(std::string_view field, const StructuredError& error) {
  check_text(fmt::format("{} message", field), error.message);
  for (const auto& link : error.links) {
    check_text(fmt::format("{} link title", field), link.title);
    check_text(fmt::format("{} link url", field), link.url);
  }
  if (json::serialize(to_json(error)).size() > kJsonBytes) {
    invalid(field, fmt::format("is too long (more than {} bytes as JSON)", kJsonBytes));
  }
}

std::int64_t page_offset(const PageRequest& page) {
  if (page.number < 1) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("page must be 1 or more (got {})", page.number), "invalid_page");
  }
  if (page.limit < 1 || page.limit > kMaxPageLimit) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("limit must be between 1 and {} (got {})", kMaxPageLimit, page.limit),
                "invalid_page");
  }
  // Compare by division so that huge page numbers cannot overflow.
  if (page.number - 1 > kMaxId / page.limit) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("page {} is beyond any possible row (at most {} rows exist)",
                            page.number, kMaxId),
                "invalid_page");
  }
  return (page.number - 1) * page.limit;
}

std::optional<std::string> like_pattern(std::string_view filter) {
  if (filter.empty()) return std::nullopt;
  check_varchar("filter", filter, kMaxFilterChars);
  std::string out = "%";
  for (const char c : filter) {
    if (c == '!' || c == '%' || c == '_') out += '!';
    out += c;
  }
  out += '%';
  return out;
}

std::vector<std::int64_t> usable_ids(const std::vector<std::int64_t>& ids) {
  if (ids.size() > kMaxIdsPerCall) {
    throw Error(
        ErrorKind::invalid_input,
        fmt::format("too many ids in one call ({}, at most {})", ids.size(), kMaxIdsPerCall),
        "too_many_ids");
  }
  std::vector<std::int64_t> out;
  out.reserve(ids.size());
  for (const auto id : ids) {
    if (usable_id(id)) out.push_back(id);
  }
  return out;
}

std::string parameter_list(std::size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i)
    out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace curator::store::detail
