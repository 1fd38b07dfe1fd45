// The statement model written straight to JSON text: the same text as
// json::serialize(to_json(x)) (serialize.cpp has the key order and the
// reasons for it), without building the json::value tree first. The tests
// compare both ways on every fuzzed input.

#include <string>

#include "curator/sdc/codec.hpp"
#include "sdc/text_writer.hpp"
#include "sdc/write_text.hpp"

namespace curator::sdc {
namespace {

void write(TextWriter& w, const Snak& snak);

void write_strings(TextWriter& w, const std::vector<std::string>& list) {
  w.open_array();
  for (const auto& s : list)
    w.string(s);
  w.close_array();
}

void write_snak_map(TextWriter& w, const std::vector<SnakGroup>& groups) {
  w.open_object();
  for (const auto& g : groups) {
    w.key(g.property);
    w.open_array();
    for (const auto& s : g.snaks)
      write(w, s);
    w.close_array();
  }
  w.close_object();
}

struct ValueText {
  TextWriter& w;

  void operator()(const EntityIdValue& e) const {
    w.open_object();
    w.key("entity-type");
    w.string(e.entity_type);
    w.key("numeric-id");
    w.integer(e.numeric_id);
    if (e.id) {
      w.key("id");
      w.string(*e.id);
    }
    w.members(e.extra);
    w.close_object();
  }
  void operator()(const StringValue& s) const { w.string(s.text); }
  void operator()(const MonolingualTextValue& m) const {
    w.open_object();
    w.key("text");
    w.string(m.text);
    w.key("language");
    w.string(m.language);
    w.members(m.extra);
    w.close_object();
  }
  void operator()(const TimeValue& t) const {
    w.open_object();
    w.key("time");
    w.string(t.time);
    w.key("timezone");
    w.integer(t.timezone);
    w.key("before");
    w.integer(t.before);
    w.key("after");
    w.integer(t.after);
    w.key("precision");
    w.integer(t.precision);
    w.key("calendarmodel");
    w.string(t.calendar_model);
    w.members(t.extra);
    w.close_object();
  }
  void operator()(const QuantityValue& q) const {
    w.open_object();
    w.key("amount");
    w.string(q.amount);
    w.key("unit");
    w.string(q.unit);
    if (q.upper_bound) {
      w.key("upperBound");
      w.string(*q.upper_bound);
    }
    if (q.lower_bound) {
      w.key("lowerBound");
      w.string(*q.lower_bound);
    }
    w.members(q.extra);
    w.close_object();
  }
  void operator()(const GlobeCoordinateValue& g) const {
    w.open_object();
    w.key("latitude");
    w.number(g.latitude);
    w.key("longitude");
    w.number(g.longitude);
    if (g.precision) {
      w.key("precision");
      w.number(*g.precision);
    }
    w.key("globe");
    w.string(g.globe);
    w.members(g.extra);
    w.close_object();
  }
  void operator()(const OpaqueValue&) const {}  // written whole by the caller
};

void write(TextWriter& w, const DataValue& value) {
  if (const auto* opaque = std::get_if<OpaqueValue>(&value)) {
    w.value(opaque->datavalue);
    return;
  }
  w.open_object();
  w.key("type");
  w.string(datavalue_type(value));
  w.key("value");
  std::visit(ValueText{w}, value);
  w.close_object();
}

void write(TextWriter& w, const Snak& snak) {
  w.open_object();
  switch (snak.type) {
    case SnakType::value:
      w.key("snaktype");
      w.string("value");
      break;
    case SnakType::some_value:
      w.key("snaktype");
      w.string("somevalue");
      break;
    case SnakType::no_value:
      w.key("snaktype");
      w.string("novalue");
      break;
    case SnakType::other:
      break;
  }
  w.key("property");
  w.string(snak.property);
  if (snak.hash) {
    w.key("hash");
    w.string(*snak.hash);
  }
  if (snak.datatype) {
    w.key("datatype");
    w.string(*snak.datatype);
  }
  if (snak.type == SnakType::value && snak.value) {
    w.key("datavalue");
    write(w, *snak.value);
  }
  w.members(snak.extra);
  w.close_object();
}

void write(TextWriter& w, const Reference& r) {
  w.open_object();
  if (r.hash) {
    w.key("hash");
    w.string(*r.hash);
  }
  w.key("snaks");
  write_snak_map(w, r.snaks);
  if (r.snaks_order) {
    w.key("snaks-order");
    write_strings(w, *r.snaks_order);
  }
  w.members(r.extra);
  w.close_object();
}

}  // namespace

void write_statement(TextWriter& w, const Statement& s) {
  w.open_object();
  w.key("mainsnak");
  write(w, s.main_snak);
  if (s.rank) {
    w.key("rank");
    w.string(*s.rank);
  }
  if (!s.qualifiers.empty() || s.write_empty_qualifiers) {
    w.key("qualifiers");
    write_snak_map(w, s.qualifiers);
  }
  if (!s.qualifiers_order.empty() || s.write_empty_qualifiers_order) {
    w.key("qualifiers-order");
    write_strings(w, s.qualifiers_order);
  }
  if (!s.references.empty() || s.write_empty_references) {
    w.key("references");
    w.open_array();
    for (const auto& r : s.references)
      write(w, r);
    w.close_array();
  }
  if (s.type) {
    w.key("type");
    w.string(*s.type);
  }
  if (s.id) {
    w.key("id");
    w.string(*s.id);
  }
  w.members(s.extra);
  w.close_object();
}

namespace {

void write_groups(TextWriter& w, const std::vector<Statement>& statements) {
  // Properties in order of first appearance, each with all its statements.
  std::vector<std::string_view> order;
  for (const auto& s : statements) {
    bool seen = false;
    for (const auto p : order)
      seen = seen || p == s.property();
    if (!seen) order.push_back(s.property());
  }
  w.open_object();
  for (const auto p : order) {
    w.key(p);
    w.open_array();
    for (const auto& s : statements) {
      if (s.property() == p) write_statement(w, s);
    }
    w.close_array();
  }
  w.close_object();
}

}  // namespace

std::string to_text(const Statement& statement) {
  std::string out;
  TextWriter w(out);
  write_statement(w, statement);
  return out;
}

std::string statements_text(const std::vector<Statement>& statements) {
  std::string out;
  out.reserve(512 * statements.size());
  TextWriter w(out);
  write_groups(w, statements);
  return out;
}

std::string to_text(const Entity& entity) {
  std::string out;
  out.reserve(512 * entity.statements.size() + 256);
  TextWriter w(out);
  w.open_object();
  w.members(entity.other);
  const bool has_any = !entity.statements.empty();
  if (entity.statements_form == StatementsForm::object || has_any) {
    w.key(entity.statements_key);
    write_groups(w, entity.statements);
  } else if (entity.statements_form == StatementsForm::empty_array) {
    w.key(entity.statements_key);
    w.open_array();
    w.close_array();
  }
  w.close_object();
  return out;
}

std::string json_text(const json::value& v) {
  std::string out;
  TextWriter w(out);
  w.value(v);
  return out;
}

std::string json_text(const json::object& o) {
  std::string out;
  TextWriter w(out);
  w.open_object();
  w.members(o);
  w.close_object();
  return out;
}

}  // namespace curator::sdc
