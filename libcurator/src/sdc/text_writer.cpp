#include "sdc/text_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>

namespace curator::sdc {

namespace {

// Bytes that JSON strings must escape: controls, the quote, the backslash.
constexpr std::array<bool, 256> kEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c)
    t[static_cast<std::size_t>(c)] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

}  // namespace

void TextWriter::quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t run = 0;  // start of the stretch that needs no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kEscape[c]) continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
    out_ += '\\';
    switch (c) {
      case '"':
        out_ += '"';
        break;
      case '\\':
        out_ += '\\';
        break;
      case '\b':
        out_ += 'b';
        break;
      case '\f':
        out_ += 'f';
        break;
      case '\n':
        out_ += 'n';
        break;
      case '\r':
        out_ += 'r';
        break;
      case '\t':
        out_ += 't';
        break;
      default:
        out_ += "u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

void TextWriter::token(std::string_view s, char tail) {
  bool plain = true;
  for (const char c : s)
    plain = plain && !kEscape[static_cast<unsigned char>(c)];
  if (!plain) {
    separator();
    quoted(s);
    if (tail != '\0') out_ += tail;
    return;
  }
  const std::size_t extra = (first_ ? 0 : 1) + 2 + (tail != '\0' ? 1 : 0);
  const std::size_t at = out_.size();
  out_.resize(at + s.size() + extra);
  char* p = out_.data() + at;
  if (!first_) *p++ = ',';
  *p++ = '"';
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p += s.size();
  *p++ = '"';
  if (tail != '\0') *p = tail;
}

void TextWriter::integer(long long n) {
  separator();
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, res.ptr);
  first_ = false;
}

void TextWriter::number(double d) {
  separator();
  first_ = false;
  char buf[400];
  const auto res = std::isfinite(d)
                       ? std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed)
                       : std::to_chars_result{buf, std::errc::value_too_large};
  if (res.ec != std::errc{}) {
    out_ += "null";  // JSON has no NaN or infinity
    return;
  }
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  out_ += text;
  if (text.find('.') == std::string_view::npos) out_ += ".0";
}

void TextWriter::value(const json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      separator();
      out_ += "null";
      first_ = false;
      break;
    case boost::json::kind::bool_:
      separator();
      out_ += v.get_bool() ? "true" : "false";
      first_ = false;
      break;
    case boost::json::kind::int64:
      integer(v.get_int64());
      break;
    case boost::json::kind::uint64: {
      separator();
      char buf[24];
      const auto res = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out_.append(buf, res.ptr);
      first_ = false;
      break;
    }
    case boost::json::kind::double_:
      number(v.get_double());
      break;
    case boost::json::kind::string:
      string(v.get_string());
      break;
    case boost::json::kind::array:
      open_array();
      for (const auto& e : v.get_array())
        value(e);
      close_array();
      break;
    case boost::json::kind::object:
      open_object();
      members(v.get_object());
      close_object();
      break;
  }
}

}  // namespace curator::sdc
