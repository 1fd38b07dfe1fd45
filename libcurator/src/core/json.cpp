#include "curator/core/json.hpp"

#include <fmt/format.h>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cmath>
#include <system_error>

#include "curator/core/error.hpp"

namespace curator::json {
namespace {

void write_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    // JSON has no NaN/Infinity; null is what a reader can at least parse.
    out += "null";
    return;
  }
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (res.ec != std::errc{}) {
    out += "null";
    return;
  }
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  out += text;
  if (text.find('.') == std::string_view::npos) out += ".0";
}

void write(std::string& out, const value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      break;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    case boost::json::kind::double_:
      write_double(out, v.get_double());
      break;
    case boost::json::kind::string:
      out += boost::json::serialize(v.get_string());
      break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(out, e);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::string_view(kv.key()));
        out += ':';
        write(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

// Boost.JSON 1.81 parses doubles approximately (precise parsing came in
// 1.83); this handler re-reads every double's text with std::from_chars so
// that values round-trip exactly.
struct PreciseHandler {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  PreciseHandler(unsigned char* temp, std::size_t size) : st({}, temp, size) {}

  boost::json::value_stack st;
  std::string number;

  using ec_t = boost::json::error_code;
  using sv = boost::json::string_view;
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t n, ec_t&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(sv s, std::size_t, ec_t&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(sv s, std::size_t, ec_t&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(sv s, std::size_t, ec_t&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(sv s, std::size_t, ec_t&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(sv s, ec_t&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, sv, ec_t&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, sv, ec_t&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, sv s, ec_t&) {
    number.append(s.data(), s.size());
    double exact = 0;
    const auto* end = number.data() + number.size();
    const auto res = std::from_chars(number.data(), end, exact);
    if (res.ec == std::errc{} && res.ptr == end) d = exact;
    number.clear();
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, ec_t&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(ec_t&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(sv, ec_t&) { return true; }
  bool on_comment(sv, ec_t&) { return true; }
};

[[noreturn]] void type_error(std::string_view key, std::string_view expected) {
  throw Error(ErrorKind::invalid_input,
              fmt::format("field '{}' must be {}", key.substr(0, 64), expected), "invalid_field");
}

const value* find(const object& o, std::string_view key) {
  const auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

}  // namespace

std::string serialize(const value& v) {
  std::string out;
  write(out, v);
  return out;
}

value parse(std::string_view text, std::string_view what, std::size_t max_bytes,
            std::size_t max_depth) {
  if (text.size() > max_bytes) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("{} is too large ({} bytes, limit {})", what, text.size(), max_bytes),
                "too_large");
  }
  boost::json::parse_options opts;
  opts.max_depth = max_depth;
  unsigned char temp[4096];  // the value stack starts here before it allocates
  boost::json::basic_parser<PreciseHandler> parser(opts, temp, sizeof temp);
  parser.handler().st.reset();
  boost::json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && !parser.done()) ec = boost::json::error::incomplete;
  if (ec) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("{} is not valid JSON: {}", what, ec.message()), "invalid_json");
  }
  return parser.handler().st.release();
}

const object& as_object(const value& v, std::string_view what) {
  if (!v.is_object()) {
    throw Error(ErrorKind::invalid_input, fmt::format("{} must be a JSON object", what),
                "invalid_json");
  }
  return v.get_object();
}

std::string require_string(const object& o, std::string_view key) {
  auto s = get_string(o, key);
  if (!s) type_error(key, "a string");
  return std::move(*s);
}

std::optional<std::string> get_string(const object& o, std::string_view key) {
  const value* v = find(o, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) type_error(key, "a string");
  return std::string(v->get_string());
}

bool has_string(const object& o, std::string_view key) {
  const value* v = find(o, key);
  return v != nullptr && v->is_string();
}

long long require_int(const object& o, std::string_view key) {
  auto i = get_int(o, key);
  if (!i) type_error(key, "an integer");
  return *i;
}

std::optional<long long> get_int(const object& o, std::string_view key) {
  const value* v = find(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<long long>(v->get_uint64());
  }
  type_error(key, "an integer");
}

std::optional<double> get_number(const object& o, std::string_view key) {
  const value* v = find(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  type_error(key, "a number");
}

std::optional<bool> get_bool(const object& o, std::string_view key) {
  const value* v = find(o, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) type_error(key, "a boolean");
  return v->get_bool();
}

}  // namespace curator::json
