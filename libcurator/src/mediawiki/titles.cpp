#include "curator/mediawiki/titles.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "curator/core/error.hpp"

namespace curator::mediawiki {
namespace {

struct Decoded {
  char32_t cp;
  std::size_t length;
};

// One UTF-8 sequence at `pos`, or nullopt when it is malformed (overlong,
// surrogate, truncated, above U+10FFFF).
std::optional<Decoded> decode(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return Decoded{b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return std::nullopt;
  }
  if (pos + len > s.size()) return std::nullopt;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return Decoded{cp, len};
}

void encode(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// MediaWiki's Title normalisation turns these into underscores (spaces).
bool is_unicode_space(char32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// ... and removes these direction marks.
bool is_direction_mark(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E);
}

char32_t to_upper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 0x20;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;
  if (cp == 0xFF) return 0x178;
  if (cp >= 0x100 && cp <= 0x17F) {
    // Latin Extended-A pairs: mostly even = upper, odd = lower; two runs are
    // shifted by one, and a few letters have no single-letter upper case.
    if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F) return cp;
    const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_upper) return (cp % 2 == 0) ? cp - 1 : cp;
    return (cp % 2 == 1) ? cp - 1 : cp;
  }
  if (cp == 0x3C2) return 0x3A3;
  if (cp >= 0x3B1 && cp <= 0x3C9) return cp - 0x20;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 0x20;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;
  return cp;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lx = (x >= 'A' && x <= 'Z') ? static_cast<char>(x + 32) : x;
           auto ly = (y >= 'A' && y <= 'Z') ? static_cast<char>(y + 32) : y;
           return lx == ly;
         });
}

bool is_trim_char(char c) {
  return c == ' ' || c == '_' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_trim_char(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_trim_char(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string_view strip_namespace(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == ':') s = trim(s.substr(1));
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return s;
  const auto prefix = trim(s.substr(0, colon));
  if (iequals_ascii(prefix, "File") || iequals_ascii(prefix, "Image")) {
    return trim(s.substr(colon + 1));
  }
  return s;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool has_percent_escape(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '%' && is_hex(s[i + 1]) && is_hex(s[i + 2])) return true;
  }
  return false;
}

// &name; &#123; &#x1F; — the forms Title refuses (Sanitizer would decode them).
bool has_html_entity(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') continue;
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '#') {
      ++j;
      const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
      if (hex) ++j;
      const std::size_t start = j;
      while (j < s.size() && (hex ? is_hex(s[j]) : (s[j] >= '0' && s[j] <= '9')))
        ++j;
      if (j > start && j < s.size() && s[j] == ';') return true;
      continue;
    }
    const std::size_t start = j;
    while (j < s.size() &&
           ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
            (s[j] >= '0' && s[j] <= '9') || static_cast<unsigned char>(s[j]) >= 0x80)) {
      ++j;
    }
    if (j > start && j < s.size() && s[j] == ';') return true;
  }
  return false;
}

bool is_relative_path(std::string_view s) {
  return s == "." || s == ".." || s.starts_with("./") || s.starts_with("../") ||
         s.find("/./") != std::string_view::npos || s.find("/../") != std::string_view::npos ||
         s.ends_with("/.") || s.ends_with("/..");
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace

std::string_view to_string(FileNameProblem problem) noexcept {
  switch (problem) {
    case FileNameProblem::empty:
      return "empty";
    case FileNameProblem::too_long:
      return "too_long";
    case FileNameProblem::invalid_utf8:
      return "invalid_utf8";
    case FileNameProblem::forbidden_character:
      return "forbidden_character";
    case FileNameProblem::replaced_character:
      return "replaced_character";
    case FileNameProblem::tildes:
      return "tildes";
    case FileNameProblem::percent_escape:
      return "percent_escape";
    case FileNameProblem::html_entity:
      return "html_entity";
    case FileNameProblem::relative_path:
      return "relative_path";
    case FileNameProblem::no_extension:
      return "no_extension";
    case FileNameProblem::extension_not_allowed:
      return "extension_not_allowed";
  }
  return "empty";
}

std::string normalize_file_name(std::string_view name) {
  const std::string_view s = strip_namespace(name);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  bool first_letter = true;
  for (std::size_t i = 0; i < s.size();) {
    const auto d = decode(s, i);
    if (!d) {
      // Keep malformed bytes as they are; check_file_name reports them.
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += s[i];
      first_letter = false;
      ++i;
      continue;
    }
    i += d->length;
    if (d->cp == ' ' || d->cp == '_' || d->cp == '\t' || is_unicode_space(d->cp)) {
      pending_space = true;
      continue;
    }
    if (is_direction_mark(d->cp)) continue;
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    encode(out, first_letter ? to_upper(d->cp) : d->cp);
    first_letter = false;
  }
  return out;
}

FileNameCheck check_file_name(std::string_view name,
                              std::span<const std::string> allowed_extensions) {
  FileNameCheck check;
  check.name = normalize_file_name(name);
  const std::string& n = check.name;
  auto add = [&](FileNameProblem p) {
    if (std::find(check.problems.begin(), check.problems.end(), p) == check.problems.end()) {
      check.problems.push_back(p);
    }
  };

  const auto dot = n.rfind('.');
  const bool has_extension = dot != std::string::npos && dot + 1 < n.size();
  if (n.empty() || dot == 0) add(FileNameProblem::empty);
  if (n.size() > kMaxFileNameBytes) add(FileNameProblem::too_long);
  for (std::size_t i = 0; i < n.size();) {
    const auto d = decode(n, i);
    if (!d) {
      add(FileNameProblem::invalid_utf8);
      ++i;
      continue;
    }
    i += d->length;
    const char32_t c = d->cp;
    if (c < 0x20 || c == 0x7F || c == '#' || c == '<' || c == '>' || c == '[' || c == ']' ||
        c == '|' || c == '{' || c == '}' || c == 0xFFFD) {
      add(FileNameProblem::forbidden_character);
    } else if (c == ':' || c == '/' || c == '\\') {
      add(FileNameProblem::replaced_character);
    }
  }
  if (n.find("~~~") != std::string::npos) add(FileNameProblem::tildes);
  if (has_percent_escape(n)) add(FileNameProblem::percent_escape);
  if (has_html_entity(n)) add(FileNameProblem::html_entity);
  if (is_relative_path(n)) add(FileNameProblem::relative_path);
  if (!has_extension) {
    add(FileNameProblem::no_extension);
  } else if (!allowed_extensions.empty()) {
    const std::string ext = lower_ascii(std::string_view(n).substr(dot + 1));
    if (std::find(allowed_extensions.begin(), allowed_extensions.end(), ext) ==
        allowed_extensions.end()) {
      add(FileNameProblem::extension_not_allowed);
    }
  }
  std::sort(check.problems.begin(), check.problems.end());
  return check;
}

std::string require_valid_file_name(std::string_view name,
                                    std::span<const std::string> allowed_extensions) {
  auto check = check_file_name(name, allowed_extensions);
  if (check.ok()) return std::move(check.name);
  const auto first = check.problems.front();
  const bool only_long = check.problems.size() == 1 && first == FileNameProblem::too_long;
  std::string message = "file name refused (" + std::string(to_string(first)) + ")";
  if (first == FileNameProblem::too_long) {
    message += ": " + std::to_string(check.name.size()) + " bytes, at most " +
               std::to_string(kMaxFileNameBytes);
  }
  throw Error(ErrorKind::invalid_input, message, only_long ? "filename-toolong" : "bad-filename");
}

std::string file_title(std::string_view name) {
  return "File:" + normalize_file_name(name);
}

bool same_file_name(std::string_view a, std::string_view b) {
  return normalize_file_name(a) == normalize_file_name(b);
}

std::string title_url_path(std::string_view title) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(title.size() + 8);
  for (const char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      out += '_';
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("-_.;@$!*(),/~:").find(static_cast<char>(c)) !=
                   std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::string description_page_url(std::string_view article_path, std::string_view file_name) {
  const std::string path = title_url_path(file_title(file_name));
  const auto marker = article_path.find("$1");
  if (marker == std::string_view::npos) return std::string(article_path) + path;
  return std::string(article_path.substr(0, marker)) + path +
         std::string(article_path.substr(marker + 2));
}

}  // namespace curator::mediawiki
