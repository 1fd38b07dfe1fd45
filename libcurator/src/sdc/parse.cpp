// Reading Wikibase JSON into the statement model. Structure is checked (and a
// violation named by its path); content that is not understood is kept
// opaque so that writing it back gives the same JSON.

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "curator/core/error.hpp"
#include "curator/sdc/codec.hpp"

namespace curator::sdc {
namespace {

// Where in the document we are; rendered only when something is wrong, so
// that parsing a valid document allocates nothing for paths.
struct Where {
  const Where* parent = nullptr;
  std::string_view key;
  long index = -1;

  Where field(std::string_view k) const { return Where{this, k, -1}; }
  Where at(std::size_t i) const { return Where{this, {}, static_cast<long>(i)}; }

  std::string render() const {
    std::string out = parent != nullptr ? parent->render() : std::string();
    if (index >= 0) {
      out += fmt::format("[{}]", index);
    } else if (!key.empty()) {
      if (!out.empty()) out += '.';
      out.append(key.substr(0, 64));
    }
    return out;
  }
};

[[noreturn]] void fail(const Where& where, std::string_view problem) {
  const auto path = where.render();
  throw Error(ErrorKind::invalid_input,
              fmt::format("structured data: {} {}", path.empty() ? "document" : path, problem),
              "invalid_sdc");
}

const json::object& object_at(const json::value& v, const Where& where) {
  if (!v.is_object()) fail(where, "must be an object");
  return v.get_object();
}

const json::array& array_at(const json::value& v, const Where& where) {
  if (!v.is_array()) fail(where, "must be an array");
  return v.get_array();
}

std::string string_at(const json::value& v, const Where& where) {
  if (!v.is_string()) fail(where, "must be a string");
  return std::string(v.get_string());
}

std::vector<std::string> strings_at(const json::value& v, const Where& where) {
  const auto& a = array_at(v, where);
  std::vector<std::string> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(string_at(a[i], where.at(i)));
  return out;
}

// Typed datavalues: nullopt means "not understood", and the caller keeps the
// datavalue opaque. Optional fields that are null go to `extra` so that the
// null is written back.

std::optional<long long> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<long long>(v.get_uint64());
  }
  return std::nullopt;
}

// A number stored as a double only when the double holds it exactly, so the
// value written back is the value read.
std::optional<double> number_of(const json::value& v) {
  constexpr long long kExact = 1LL << 53;
  if (v.is_double()) return v.get_double();
  if (v.is_int64() && v.get_int64() <= kExact && v.get_int64() >= -kExact) {
    return static_cast<double>(v.get_int64());
  }
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(kExact)) {
    return static_cast<double>(v.get_uint64());
  }
  return std::nullopt;
}

std::optional<std::string> string_of(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  return std::string(v.get_string());
}

std::optional<DataValue> entity_value(const json::object& o) {
  EntityIdValue e;
  bool has_type = false;
  bool has_number = false;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "entity-type") {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      e.entity_type = std::move(*s);
      has_type = true;
    } else if (k == "numeric-id") {
      auto n = integer_of(kv.value());
      if (!n) return std::nullopt;
      e.numeric_id = *n;
      has_number = true;
    } else if (k == "id" && !kv.value().is_null()) {
      e.id = string_of(kv.value());
      if (!e.id) return std::nullopt;
    } else {
      e.extra.emplace(k, kv.value());
    }
  }
  if (!has_type || !has_number) return std::nullopt;
  return e;
}

std::optional<DataValue> time_value(const json::object& o) {
  TimeValue t;
  int seen = 0;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "time" || k == "calendarmodel") {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      (k == "time" ? t.time : t.calendar_model) = std::move(*s);
      ++seen;
    } else if (k == "timezone" || k == "before" || k == "after" || k == "precision") {
      auto n = integer_of(kv.value());
      if (!n) return std::nullopt;
      (k == "timezone" ? t.timezone
       : k == "before" ? t.before
       : k == "after"  ? t.after
                       : t.precision) = *n;
      ++seen;
    } else {
      t.extra.emplace(k, kv.value());
    }
  }
  if (seen != 6) return std::nullopt;
  return t;
}

std::optional<DataValue> quantity_value(const json::object& o) {
  QuantityValue q;
  int seen = 0;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "amount" || k == "unit") {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      (k == "amount" ? q.amount : q.unit) = std::move(*s);
      ++seen;
    } else if ((k == "upperBound" || k == "lowerBound") && !kv.value().is_null()) {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      (k == "upperBound" ? q.upper_bound : q.lower_bound) = std::move(*s);
    } else {
      q.extra.emplace(k, kv.value());
    }
  }
  if (seen != 2) return std::nullopt;
  return q;
}

std::optional<DataValue> globe_value(const json::object& o) {
  GlobeCoordinateValue g;
  int seen = 0;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "latitude" || k == "longitude") {
      auto d = number_of(kv.value());
      if (!d) return std::nullopt;
      (k == "latitude" ? g.latitude : g.longitude) = *d;
      ++seen;
    } else if (k == "globe") {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      g.globe = std::move(*s);
      ++seen;
    } else if (k == "precision" && !kv.value().is_null()) {
      g.precision = number_of(kv.value());
      if (!g.precision) return std::nullopt;
    } else {
      g.extra.emplace(k, kv.value());
    }
  }
  if (seen != 3) return std::nullopt;
  return g;
}

std::optional<DataValue> monolingual_value(const json::object& o) {
  MonolingualTextValue m;
  int seen = 0;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "text" || k == "language") {
      auto s = string_of(kv.value());
      if (!s) return std::nullopt;
      (k == "text" ? m.text : m.language) = std::move(*s);
      ++seen;
    } else {
      m.extra.emplace(k, kv.value());
    }
  }
  if (seen != 2) return std::nullopt;
  return m;
}

std::optional<DataValue> typed_value(const json::object& datavalue) {
  if (datavalue.size() != 2) return std::nullopt;  // other keys: keep the whole datavalue
  const auto* type = datavalue.if_contains("type");
  const auto* value = datavalue.if_contains("value");
  if (type == nullptr || value == nullptr || !type->is_string()) return std::nullopt;
  const auto t = type->get_string();
  if (t == "string") {
    if (!value->is_string()) return std::nullopt;
    return StringValue{std::string(value->get_string())};
  }
  if (!value->is_object()) return std::nullopt;
  const auto& o = value->get_object();
  if (t == "wikibase-entityid") return entity_value(o);
  if (t == "time") return time_value(o);
  if (t == "quantity") return quantity_value(o);
  if (t == "globecoordinate") return globe_value(o);
  if (t == "monolingualtext") return monolingual_value(o);
  return std::nullopt;
}

DataValue parse_datavalue(const json::value& v, const Where& where) {
  const auto& o = object_at(v, where);
  if (auto typed = typed_value(o)) return std::move(*typed);
  return OpaqueValue{o};
}

Snak snak_at(const json::value& v, const Where& where) {
  const auto& o = object_at(v, where);
  Snak s;
  bool has_type = false;
  bool has_property = false;
  const json::value* datavalue = nullptr;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "snaktype") {
      const auto text = string_at(kv.value(), where.field(k));
      has_type = true;
      if (text == "value") {
        s.type = SnakType::value;
      } else if (text == "somevalue") {
        s.type = SnakType::some_value;
      } else if (text == "novalue") {
        s.type = SnakType::no_value;
      } else {
        s.type = SnakType::other;
        s.extra.emplace(k, kv.value());
      }
    } else if (k == "property") {
      s.property = string_at(kv.value(), where.field(k));
      has_property = true;
    } else if (k == "hash") {
      s.hash = string_at(kv.value(), where.field(k));
    } else if (k == "datatype") {
      s.datatype = string_at(kv.value(), where.field(k));
    } else if (k == "datavalue") {
      datavalue = &kv.value();
    } else {
      s.extra.emplace(k, kv.value());
    }
  }
  if (!has_type) fail(where, "has no snaktype");
  if (!has_property) fail(where, "has no property");
  if (s.type == SnakType::value) {
    if (datavalue == nullptr) fail(where, "is a value snak without a datavalue");
    s.value = parse_datavalue(*datavalue, where.field("datavalue"));
  } else if (datavalue != nullptr) {
    s.extra.emplace("datavalue", *datavalue);
  }
  return s;
}

std::vector<SnakGroup> snak_map_at(const json::value& v, const Where& where) {
  const auto& o = object_at(v, where);
  std::vector<SnakGroup> groups;
  groups.reserve(o.size());
  for (const auto& kv : o) {
    const auto here = where.field(kv.key());
    const auto& a = array_at(kv.value(), here);
    SnakGroup g{std::string(kv.key()), {}};
    g.snaks.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      g.snaks.push_back(snak_at(a[i], here.at(i)));
      if (g.snaks.back().property != g.property) {
        fail(here.at(i), "has a property other than its key");
      }
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

Reference reference_at(const json::value& v, const Where& where) {
  const auto& o = object_at(v, where);
  Reference r;
  bool has_snaks = false;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "hash") {
      r.hash = string_at(kv.value(), where.field(k));
    } else if (k == "snaks") {
      r.snaks = snak_map_at(kv.value(), where.field(k));
      has_snaks = true;
    } else if (k == "snaks-order") {
      r.snaks_order = strings_at(kv.value(), where.field(k));
    } else {
      r.extra.emplace(k, kv.value());
    }
  }
  if (!has_snaks) fail(where, "has no snaks");
  return r;
}

Statement statement_at(const json::value& v, const Where& where) {
  const auto& o = object_at(v, where);
  Statement s;
  s.type.reset();
  s.rank.reset();
  s.write_empty_qualifiers = s.write_empty_qualifiers_order = s.write_empty_references = false;
  bool has_main = false;
  for (const auto& kv : o) {
    const auto k = kv.key();
    if (k == "mainsnak") {
      s.main_snak = snak_at(kv.value(), where.field(k));
      has_main = true;
    } else if (k == "type") {
      s.type = string_at(kv.value(), where.field(k));
    } else if (k == "id") {
      s.id = string_at(kv.value(), where.field(k));
    } else if (k == "rank") {
      s.rank = string_at(kv.value(), where.field(k));
    } else if (k == "qualifiers") {
      s.qualifiers = snak_map_at(kv.value(), where.field(k));
      s.write_empty_qualifiers = true;
    } else if (k == "qualifiers-order") {
      s.qualifiers_order = strings_at(kv.value(), where.field(k));
      s.write_empty_qualifiers_order = true;
    } else if (k == "references") {
      const auto here = where.field(k);
      const auto& a = array_at(kv.value(), here);
      s.references.reserve(a.size());
      for (std::size_t i = 0; i < a.size(); ++i)
        s.references.push_back(reference_at(a[i], here.at(i)));
      s.write_empty_references = true;
    } else {
      s.extra.emplace(k, kv.value());
    }
  }
  if (!has_main) fail(where, "has no mainsnak");
  return s;
}

}  // namespace

Snak parse_snak(const json::value& v) {
  return snak_at(v, Where{nullptr, "snak"});
}

Statement parse_statement(const json::value& v) {
  return statement_at(v, Where{nullptr, "statement"});
}

std::vector<Statement> parse_statement_list(const json::value& v) {
  const Where root{nullptr, "claims"};
  const auto& a = array_at(v, root);
  std::vector<Statement> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    out.push_back(statement_at(a[i], root.at(i)));
  return out;
}

Entity parse_entity(const json::value& v) {
  const Where root{nullptr, "entity"};
  const auto& o = object_at(v, root);
  Entity e;
  const bool mediainfo = o.contains("statements");
  e.statements_key = mediainfo || !o.contains("claims") ? "statements" : "claims";
  e.statements_form = StatementsForm::absent;
  for (const auto& kv : o) {
    if (kv.key() != e.statements_key) {
      e.other.emplace(kv.key(), kv.value());
      continue;
    }
    const auto here = root.field(kv.key());
    // PHP writes an empty map as []: MediaInfo without statements does.
    if (kv.value().is_array() && kv.value().get_array().empty()) {
      e.statements_form = StatementsForm::empty_array;
      continue;
    }
    e.statements_form = StatementsForm::object;
    for (const auto& group : object_at(kv.value(), here)) {
      const auto at = here.field(group.key());
      const auto& a = array_at(group.value(), at);
      // An empty group could not be written back from a flat list.
      if (a.empty()) fail(at, "is an empty statement group");
      for (std::size_t i = 0; i < a.size(); ++i) {
        e.statements.push_back(statement_at(a[i], at.at(i)));
        if (e.statements.back().property() != group.key()) {
          fail(at.at(i), "has a main snak property other than its key");
        }
      }
    }
  }
  return e;
}

EntityLookup parse_entities_response(const json::value& response) {
  const Where root{nullptr, "response"};
  const auto& o = object_at(response, root);
  if (const auto* error = o.if_contains("error")) {
    std::string code = "unknown";
    std::string info;
    if (error->is_object()) {
      if (auto c = json::get_string(error->get_object(), "code")) code = *c;
      if (auto i = json::get_string(error->get_object(), "info")) info = *i;
    }
    throw Error(ErrorKind::permanent,
                fmt::format("Could not read the structured data: {} - {}", code, info), code);
  }
  const auto* entities = o.if_contains("entities");
  if (entities == nullptr) fail(root, "has no entities");
  const auto& map = object_at(*entities, root.field("entities"));
  EntityLookup out;
  if (map.empty()) return out;
  const auto& first = *map.begin();
  const auto& entity = object_at(first.value(), root.field("entities").field(first.key()));
  if (first.key() == "-1") {
    out.state = EntityState::page_missing;
  } else if (entity.contains("missing")) {
    out.state = EntityState::no_media_info;
  } else {
    out.state = EntityState::found;
    out.entity = parse_entity(first.value());
  }
  return out;
}

}  // namespace curator::sdc
