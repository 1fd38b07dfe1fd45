// Writing the statement model as Wikibase JSON. Keys come out in the order
// Wikibase and the upstream service use (so the builders' output matches
// upstream-pipeline.md §3.1 character for character), followed by whatever
// unknown keys were read.

#include <algorithm>
#include <string>

#include "curator/sdc/codec.hpp"

namespace curator::sdc {
namespace {

void append_extra(json::object& out, const json::object& extra) {
  for (const auto& kv : extra)
    out.emplace(kv.key(), kv.value());
}

json::array strings(const std::vector<std::string>& list) {
  json::array a;
  a.reserve(list.size());
  for (const auto& s : list)
    a.emplace_back(s);
  return a;
}

json::object snak_map(const std::vector<SnakGroup>& groups) {
  json::object o;
  o.reserve(groups.size());
  for (const auto& g : groups) {
    json::array a;
    a.reserve(g.snaks.size());
    for (const auto& s : g.snaks)
      a.push_back(to_json(s));
    o[g.property] = std::move(a);
  }
  return o;
}

struct ValueWriter {
  json::value operator()(const EntityIdValue& e) const {
    json::object o;
    o["entity-type"] = e.entity_type;
    o["numeric-id"] = e.numeric_id;
    if (e.id) o["id"] = *e.id;
    append_extra(o, e.extra);
    return o;
  }
  json::value operator()(const StringValue& s) const { return json::value(s.text); }
  json::value operator()(const MonolingualTextValue& m) const {
    json::object o;
    o["text"] = m.text;
    o["language"] = m.language;
    append_extra(o, m.extra);
    return o;
  }
  json::value operator()(const TimeValue& t) const {
    json::object o;
    o["time"] = t.time;
    o["timezone"] = t.timezone;
    o["before"] = t.before;
    o["after"] = t.after;
    o["precision"] = t.precision;
    o["calendarmodel"] = t.calendar_model;
    append_extra(o, t.extra);
    return o;
  }
  json::value operator()(const QuantityValue& q) const {
    json::object o;
    o["amount"] = q.amount;
    o["unit"] = q.unit;
    if (q.upper_bound) o["upperBound"] = *q.upper_bound;
    if (q.lower_bound) o["lowerBound"] = *q.lower_bound;
    append_extra(o, q.extra);
    return o;
  }
  json::value operator()(const GlobeCoordinateValue& g) const {
    json::object o;
    o["latitude"] = g.latitude;
    o["longitude"] = g.longitude;
    if (g.precision) o["precision"] = *g.precision;
    o["globe"] = g.globe;
    append_extra(o, g.extra);
    return o;
  }
  json::value operator()(const OpaqueValue&) const { return nullptr; }  // handled by the caller
};

}  // namespace

json::value to_json(const DataValue& value) {
  if (const auto* opaque = std::get_if<OpaqueValue>(&value)) return opaque->datavalue;
  json::object o;
  o["type"] = datavalue_type(value);
  o["value"] = std::visit(ValueWriter{}, value);
  return o;
}

json::value to_json(const Snak& snak) {
  json::object o;
  switch (snak.type) {
    case SnakType::value:
      o["snaktype"] = "value";
      break;
    case SnakType::some_value:
      o["snaktype"] = "somevalue";
      break;
    case SnakType::no_value:
      o["snaktype"] = "novalue";
      break;
    case SnakType::other:
      break;  // the original snaktype is in extra
  }
  o["property"] = snak.property;
  if (snak.hash) o["hash"] = *snak.hash;
  if (snak.datatype) o["datatype"] = *snak.datatype;
  if (snak.type == SnakType::value && snak.value) o["datavalue"] = to_json(*snak.value);
  append_extra(o, snak.extra);
  return o;
}

json::value to_json(const Reference& reference) {
  json::object o;
  if (reference.hash) o["hash"] = *reference.hash;
  o["snaks"] = snak_map(reference.snaks);
  if (reference.snaks_order) o["snaks-order"] = strings(*reference.snaks_order);
  append_extra(o, reference.extra);
  return o;
}

json::value to_json(const Statement& statement) {
  json::object o;
  o["mainsnak"] = to_json(statement.main_snak);
  if (statement.rank) o["rank"] = *statement.rank;
  if (!statement.qualifiers.empty() || statement.write_empty_qualifiers) {
    o["qualifiers"] = snak_map(statement.qualifiers);
  }
  if (!statement.qualifiers_order.empty() || statement.write_empty_qualifiers_order) {
    o["qualifiers-order"] = strings(statement.qualifiers_order);
  }
  if (!statement.references.empty() || statement.write_empty_references) {
    json::array refs;
    refs.reserve(statement.references.size());
    for (const auto& r : statement.references)
      refs.push_back(to_json(r));
    o["references"] = std::move(refs);
  }
  if (statement.type) o["type"] = *statement.type;
  if (statement.id) o["id"] = *statement.id;
  append_extra(o, statement.extra);
  return o;
}

json::object statements_to_json(const std::vector<Statement>& statements) {
  json::object o;
  for (const auto& s : statements) {
    auto& group = o[s.property()];
    if (!group.is_array()) group = json::array();
    group.get_array().push_back(to_json(s));
  }
  return o;
}

json::value to_json(const Entity& entity) {
  json::object o = entity.other;
  switch (entity.statements_form) {
    case StatementsForm::object:
      o[entity.statements_key] = statements_to_json(entity.statements);
      break;
    case StatementsForm::empty_array:
    case StatementsForm::absent:
      // Statements added to an entity that had none are written as a map.
      if (!entity.statements.empty()) {
        o[entity.statements_key] = statements_to_json(entity.statements);
      } else if (entity.statements_form == StatementsForm::empty_array) {
        o[entity.statements_key] = json::array();
      }
      break;
  }
  return o;
}

}  // namespace curator::sdc
