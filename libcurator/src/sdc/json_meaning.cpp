#include "sdc/json_meaning.hpp"

#include <cstdint>

namespace curator::sdc {
namespace {

bool is_number(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

bool numbers_equal(const json::value& a, const json::value& b) {
  // Integers compare exactly; a double equals an integer only when it holds
  // that integer exactly (2^63 and beyond are compared as doubles).
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  if (a.is_int64() && b.is_uint64()) {
    return a.get_int64() >= 0 && static_cast<std::uint64_t>(a.get_int64()) == b.get_uint64();
  }
  if (a.is_uint64() && b.is_int64()) return numbers_equal(b, a);
  const double x = a.is_double()  ? a.get_double()
                   : a.is_int64() ? static_cast<double>(a.get_int64())
                                  : static_cast<double>(a.get_uint64());
  const double y = b.is_double()  ? b.get_double()
                   : b.is_int64() ? static_cast<double>(b.get_int64())
                                  : static_cast<double>(b.get_uint64());
  return x == y;
}

}  // namespace

bool same_meaning(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) return numbers_equal(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case boost::json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same_meaning(x[i], y[i])) return false;
      }
      return true;
    }
    case boost::json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        const auto* other = y.if_contains(kv.key());
        if (other == nullptr || !same_meaning(kv.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace curator::sdc
