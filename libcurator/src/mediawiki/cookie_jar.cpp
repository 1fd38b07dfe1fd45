#include "mediawiki/cookie_jar.hpp"

#include <algorithm>
#include <cctype>

namespace curator::mediawiki::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Cookie names are RFC 6265 tokens; values must not break the Cookie header.
bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F &&
           std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
  });
}

bool valid_value(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u < 0x7F && c != ';' && c != ',' && c != '\\';
  });
}

}  // namespace

void CookieJar::store(const http::Headers& headers) {
  for (const auto& h : headers) {
    if (iequals(h.name, "Set-Cookie")) store_one(h.value);
  }
}

void CookieJar::store_one(std::string_view set_cookie) {
  const auto semicolon = set_cookie.find(';');
  const auto pair = set_cookie.substr(0, semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  const auto name = trim(pair.substr(0, eq));
  auto value = trim(pair.substr(eq + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  if (!valid_name(name) || !valid_value(value)) return;
  bool expired = value == "deleted";
  auto attributes =
      semicolon == std::string_view::npos ? std::string_view{} : set_cookie.substr(semicolon + 1);
  while (!attributes.empty()) {
    const auto next = attributes.find(';');
    const auto attribute = trim(attributes.substr(0, next));
    attributes = next == std::string_view::npos ? std::string_view{} : attributes.substr(next + 1);
    const auto aeq = attribute.find('=');
    const auto key = trim(attribute.substr(0, aeq));
    const auto val =
        aeq == std::string_view::npos ? std::string_view{} : trim(attribute.substr(aeq + 1));
    if (iequals(key, "Max-Age")) {
      expired = expired || val.empty() || val.front() == '-' || val == "0";
    } else if (iequals(key, "Expires")) {
      expired = expired || val.find("1970") != std::string_view::npos;
    }
  }
  if (expired) {
    if (auto it = cookies_.find(name); it != cookies_.end()) cookies_.erase(it);
    return;
  }
  cookies_.insert_or_assign(std::string(name), std::string(value));
}

std::string CookieJar::header() const {
  std::string out;
  for (const auto& [name, value] : cookies_) {
    if (!out.empty()) out += "; ";
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace curator::mediawiki::detail
