#include "curator/sdc/statement.hpp"

#include <algorithm>
#include <utility>

namespace curator::sdc {
namespace {

struct TypeName {
  std::string operator()(const EntityIdValue&) const { return "wikibase-entityid"; }
  std::string operator()(const StringValue&) const { return "string"; }
  std::string operator()(const MonolingualTextValue&) const { return "monolingualtext"; }
  std::string operator()(const TimeValue&) const { return "time"; }
  std::string operator()(const QuantityValue&) const { return "quantity"; }
  std::string operator()(const GlobeCoordinateValue&) const { return "globecoordinate"; }
  std::string operator()(const OpaqueValue& v) const {
    const auto* t = v.datavalue.if_contains("type");
    return t != nullptr && t->is_string() ? std::string(t->get_string()) : std::string();
  }
};

Snak value_snak(std::string property, std::string datatype, DataValue value) {
  Snak s;
  s.type = SnakType::value;
  s.property = std::move(property);
  s.datatype = std::move(datatype);
  s.value = std::move(value);
  return s;
}

}  // namespace

std::string datavalue_type(const DataValue& value) {
  return std::visit(TypeName{}, value);
}

Snak Snak::some_value(std::string property) {
  Snak s;
  s.type = SnakType::some_value;
  s.property = std::move(property);
  return s;
}

Snak Snak::no_value(std::string property) {
  Snak s;
  s.type = SnakType::no_value;
  s.property = std::move(property);
  return s;
}

Snak Snak::item(std::string property, long long numeric_id) {
  EntityIdValue v;
  v.numeric_id = numeric_id;
  return value_snak(std::move(property), "wikibase-item", std::move(v));
}

Snak Snak::string(std::string property, std::string text) {
  return value_snak(std::move(property), "string", StringValue{std::move(text)});
}

Snak Snak::external_id(std::string property, std::string text) {
  return value_snak(std::move(property), "external-id", StringValue{std::move(text)});
}

Snak Snak::url(std::string property, std::string text) {
  return value_snak(std::move(property), "url", StringValue{std::move(text)});
}

Snak Snak::time(std::string property, TimeValue value) {
  return value_snak(std::move(property), "time", std::move(value));
}

Snak Snak::quantity(std::string property, std::string amount, std::string unit) {
  QuantityValue v;
  v.amount = std::move(amount);
  v.unit = std::move(unit);
  return value_snak(std::move(property), "quantity", std::move(v));
}

Snak Snak::globe_coordinate(std::string property, GlobeCoordinateValue value) {
  return value_snak(std::move(property), "globe-coordinate", std::move(value));
}

Snak Snak::monolingual_text(std::string property, std::string text, std::string language) {
  MonolingualTextValue v;
  v.text = std::move(text);
  v.language = std::move(language);
  return value_snak(std::move(property), "monolingualtext", std::move(v));
}

const std::vector<Snak>& Statement::qualifiers_of(std::string_view property) const {
  static const std::vector<Snak> kNone;
  for (const auto& g : qualifiers) {
    if (g.property == property) return g.snaks;
  }
  return kNone;
}

void Statement::add_qualifier(Snak snak) {
  const std::string property = snak.property;
  auto group = std::find_if(qualifiers.begin(), qualifiers.end(),
                            [&](const SnakGroup& g) { return g.property == property; });
  if (group == qualifiers.end()) {
    qualifiers.push_back(SnakGroup{property, {}});
    group = std::prev(qualifiers.end());
  }
  group->snaks.push_back(std::move(snak));
  if (std::find(qualifiers_order.begin(), qualifiers_order.end(), property) ==
      qualifiers_order.end()) {
    qualifiers_order.push_back(property);
  }
}

Statement Statement::of(Snak main_snak) {
  Statement s;
  s.main_snak = std::move(main_snak);
  return s;
}

std::optional<std::string> Entity::label(std::string_view language) const {
  const auto* labels = other.if_contains("labels");
  if (labels == nullptr || !labels->is_object()) return std::nullopt;
  const auto* entry = labels->get_object().if_contains(language);
  if (entry == nullptr || !entry->is_object()) return std::nullopt;
  const auto* value = entry->get_object().if_contains("value");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

}  // namespace curator::sdc
