#include "curator/sdc/equality.hpp"

#include <charconv>
#include <string>

#include "curator/sdc/codec.hpp"
#include "sdc/json_meaning.hpp"

namespace curator::sdc {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct SameValue {
  const DataValue& other;

  template <class T>
  const T* peer() const {
    return std::get_if<T>(&other);
  }

  bool operator()(const EntityIdValue& a) const {
    const auto* b = peer<EntityIdValue>();
    return b != nullptr && a.entity_type == b->entity_type && a.numeric_id == b->numeric_id;
  }
  bool operator()(const StringValue& a) const {
    const auto* b = peer<StringValue>();
    return b != nullptr && a.text == b->text;
  }
  bool operator()(const MonolingualTextValue& a) const {
    const auto* b = peer<MonolingualTextValue>();
    return b != nullptr && a.language == b->language && a.text == b->text;
  }
  bool operator()(const TimeValue& a) const {
    const auto* b = peer<TimeValue>();
    return b != nullptr && (a.time == b->time || normalize_time(a.time) == normalize_time(b->time));
  }
  bool operator()(const QuantityValue& a) const {
    const auto* b = peer<QuantityValue>();
    return b != nullptr && a.unit == b->unit &&
           (a.amount == b->amount || normalize_amount(a.amount) == normalize_amount(b->amount));
  }
  bool operator()(const GlobeCoordinateValue& a) const {
    const auto* b = peer<GlobeCoordinateValue>();
    return b != nullptr && a.latitude == b->latitude && a.longitude == b->longitude;
  }
  bool operator()(const OpaqueValue& a) const {
    const auto* b = peer<OpaqueValue>();
    if (b == nullptr) return false;
    const auto* ta = a.datavalue.if_contains("type");
    const auto* tb = b->datavalue.if_contains("type");
    const auto* va = a.datavalue.if_contains("value");
    const auto* vb = b->datavalue.if_contains("value");
    if ((ta == nullptr) != (tb == nullptr) || (va == nullptr) != (vb == nullptr)) return false;
    if (ta != nullptr && !same_meaning(*ta, *tb)) return false;
    if (va != nullptr && !same_meaning(*va, *vb)) return false;
    return true;
  }
};

json::value to_json_without_hash(const Snak& snak) {
  auto v = to_json(snak);
  v.get_object().erase("hash");
  return v;
}

bool snak_in(const Snak& snak, const std::vector<SnakGroup>& groups) {
  for (const auto& g : groups) {
    if (g.property != snak.property) continue;
    for (const auto& s : g.snaks) {
      if (snaks_equal(s, snak)) return true;
    }
  }
  return false;
}

std::size_t snak_count(const std::vector<SnakGroup>& groups) {
  std::size_t n = 0;
  for (const auto& g : groups)
    n += g.snaks.size();
  return n;
}

// Every snak of `a` has an equal one in `b` and the other way round.
bool same_snak_sets(const std::vector<SnakGroup>& a, const std::vector<SnakGroup>& b) {
  for (const auto& g : a) {
    for (const auto& s : g.snaks) {
      if (!snak_in(s, b)) return false;
    }
  }
  for (const auto& g : b) {
    for (const auto& s : g.snaks) {
      if (!snak_in(s, a)) return false;
    }
  }
  return true;
}

}  // namespace

std::string normalize_amount(std::string_view amount) {
  // sign, digits, optional fraction, optional exponent → "<sign><digits>e<exp>"
  // with the digits stripped of leading and trailing zeros; zero is "0".
  std::size_t i = 0;
  bool negative = false;
  if (i < amount.size() && (amount[i] == '+' || amount[i] == '-')) negative = amount[i++] == '-';
  std::string digits;
  long exponent = 0;
  bool any = false;
  bool dot = false;
  for (; i < amount.size(); ++i) {
    const char c = amount[i];
    if (is_digit(c)) {
      any = true;
      if (digits.empty() && c == '0') {
        if (dot) --exponent;  // 0.00x: shifts the point
        continue;
      }
      digits += c;
      if (!dot) ++exponent;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::string(amount);
  if (i < amount.size()) {
    if (amount[i] != 'e' && amount[i] != 'E') return std::string(amount);
    ++i;
    if (i < amount.size() && amount[i] == '+') ++i;
    int e = 0;
    const auto* end = amount.data() + amount.size();
    const auto res = std::from_chars(amount.data() + i, end, e);
    if (res.ec != std::errc{} || res.ptr != end || e > 100000 || e < -100000) {
      return std::string(amount);
    }
    exponent += e;
  }
  while (!digits.empty() && digits.back() == '0')
    digits.pop_back();
  if (digits.empty()) return "0";
  return (negative ? "-" : "") + digits + "e" + std::to_string(exponent);
}

std::string normalize_time(std::string_view time) {
  if (time.empty() || (time[0] != '+' && time[0] != '-')) return std::string(time);
  std::size_t end = 1;
  while (end < time.size() && is_digit(time[end]))
    ++end;
  if (end == 1) return std::string(time);
  std::size_t first = 1;
  while (first + 1 < end && time[first] == '0')
    ++first;
  std::string out(1, time[0]);
  out.append(time.substr(first));
  return out;
}

bool values_equal(const DataValue& a, const DataValue& b) {
  return std::visit(SameValue{b}, a);
}

bool snaks_equal(const Snak& a, const Snak& b) {
  if (a.property != b.property || a.type != b.type) return false;
  switch (a.type) {
    case SnakType::some_value:
    case SnakType::no_value:
      return true;
    case SnakType::other: {
      // Not understood: equal only when written the same (hash aside).
      auto x = to_json_without_hash(a);
      auto y = to_json_without_hash(b);
      return same_meaning(x, y);
    }
    case SnakType::value:
      break;
  }
  if (a.datatype && b.datatype && *a.datatype != *b.datatype) return false;
  if (!a.value || !b.value) return !a.value && !b.value;
  return values_equal(*a.value, *b.value);
}

bool references_equal(const Reference& a, const Reference& b) {
  return snak_count(a.snaks) == snak_count(b.snaks) && same_snak_sets(a.snaks, b.snaks);
}

bool statements_equal(const Statement& a, const Statement& b) {
  if (!snaks_equal(a.main_snak, b.main_snak)) return false;
  if (a.rank.value_or("normal") != b.rank.value_or("normal")) return false;
  if (snak_count(a.qualifiers) != snak_count(b.qualifiers)) return false;
  if (!same_snak_sets(a.qualifiers, b.qualifiers)) return false;
  if (a.references.size() != b.references.size()) return false;
  for (const auto& r : a.references) {
    bool found = false;
    for (const auto& other : b.references)
      found = found || references_equal(r, other);
    if (!found) return false;
  }
  return true;
}

bool statement_lists_equal(const std::vector<Statement>& a, const std::vector<Statement>& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const auto& s : a) {
    bool matched = false;
    for (std::size_t j = 0; j < b.size() && !matched; ++j) {
      if (!used[j] && statements_equal(s, b[j])) used[j] = matched = true;
    }
    if (!matched) return false;
  }
  return true;
}

}  // namespace curator::sdc
