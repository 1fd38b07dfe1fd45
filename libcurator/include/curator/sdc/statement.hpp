#pragma once
// The statement model of structured data on Commons (Wikibase MediaInfo and
// Wikidata JSON): snaks, datavalues, qualifiers, references, ranks, ids and
// hashes. Owns the shapes only; it knows nothing of HTTP, MediaWiki sessions
// or the upload pipeline. What it does not understand (an unknown datavalue
// type, an unknown snak type, an unknown key) is carried opaquely so that it
// is written back unchanged.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/label.hpp"
#include "curator/export.hpp"

namespace curator::sdc {

/// `wikibase-entityid`: an item (Q…), property (P…) or another entity kind.
struct EntityIdValue {
  std::string entity_type = "item";
  long long numeric_id = 0;
  std::optional<std::string> id;  // "Q42": Commons sends it, the builders leave it out
  json::object extra;             // keys of the value object this model does not know
};

/// `string`: plain strings, external identifiers and URLs alike. Which of
/// these a snak holds is its `datatype` (Commons JSON does not send one).
struct StringValue {
  std::string text;
};

struct MonolingualTextValue {
  std::string text;
  std::string language;
  json::object extra;
};

struct TimeValue {
  std::string time;  // "+2017-06-24T00:00:00Z" or the padded "+00000002017-…"
  long long timezone = 0;
  long long before = 0;
  long long after = 0;
  long long precision = 11;  // 11 = day
  std::string calendar_model;
  json::object extra;
};

struct QuantityValue {
  std::string amount;  // decimal text with a sign, "+109.45"
  std::string unit = "1";
  std::optional<std::string> upper_bound;
  std::optional<std::string> lower_bound;
  json::object extra;
};

struct GlobeCoordinateValue {
  double latitude = 0;
  double longitude = 0;
  std::optional<double> precision;  // absent or null in the JSON: nullopt (null kept in extra)
  std::string globe;
  json::object extra;  // altitude (usually null) and anything else
};

/// A datavalue of a kind this library does not model, or whose shape it does
/// not fully understand: the whole `datavalue` object, kept as received.
struct OpaqueValue {
  json::object datavalue;
};

using DataValue = std::variant<EntityIdValue, StringValue, MonolingualTextValue, TimeValue,
                               QuantityValue, GlobeCoordinateValue, OpaqueValue>;

/// The `datavalue.type` this value is written with ("time", "globecoordinate", …).
CURATOR_API std::string datavalue_type(const DataValue& value);

enum class SnakType { value, some_value, no_value, other };

struct CURATOR_API Snak {
  SnakType type = SnakType::value;
  std::string property;
  std::optional<std::string> hash;      // only on snaks read from Commons
  std::optional<std::string> datatype;  // "external-id", "url", … when known
  std::optional<DataValue> value;       // set exactly when type == value
  json::object extra;                   // unknown keys; `snaktype` itself when type == other

  static Snak some_value(std::string property);
  static Snak no_value(std::string property);
  static Snak item(std::string property, long long numeric_id);
  static Snak string(std::string property, std::string text);
  static Snak external_id(std::string property, std::string text);
  static Snak url(std::string property, std::string text);
  static Snak time(std::string property, TimeValue value);
  static Snak quantity(std::string property, std::string amount, std::string unit);
  static Snak globe_coordinate(std::string property, GlobeCoordinateValue value);
  static Snak monolingual_text(std::string property, std::string text, std::string language);
};

/// The snaks of one property inside a qualifier or reference map.
struct SnakGroup {
  std::string property;
  std::vector<Snak> snaks;
};

struct Reference {
  std::optional<std::string> hash;
  std::vector<SnakGroup> snaks;
  std::optional<std::vector<std::string>> snaks_order;
  json::object extra;
};

struct CURATOR_API Statement {
  Snak main_snak;
  std::optional<std::string> id;  // "M176058819$…": only on statements read from Commons
  std::optional<std::string> type = std::string("statement");
  std::optional<std::string> rank = std::string("normal");
  std::vector<SnakGroup> qualifiers;
  std::vector<std::string> qualifiers_order;
  std::vector<Reference> references;
  // Whether each collection is written when empty. Commons leaves empty ones
  // out; the builders write all three, as the upstream service did.
  bool write_empty_qualifiers = true;
  bool write_empty_qualifiers_order = true;
  bool write_empty_references = true;
  json::object extra;

  const std::string& property() const { return main_snak.property; }
  /// The qualifier snaks of `property` (empty when there are none).
  const std::vector<Snak>& qualifiers_of(std::string_view property) const;
  /// Appends a qualifier, keeping `qualifiers-order` in step.
  void add_qualifier(Snak snak);

  static Statement of(Snak main_snak);
};

/// How an entity held its statements, so that it is written back the same way.
enum class StatementsForm { object, empty_array, absent };

/// A MediaInfo (or Wikidata) entity: the statements, typed, and everything
/// else (id, type, labels, descriptions, …) as received.
struct CURATOR_API Entity {
  std::vector<Statement> statements;          // grouped by property, in the JSON's order
  std::string statements_key = "statements";  // "claims" on Wikidata items
  StatementsForm statements_form = StatementsForm::object;
  json::object other;

  /// The label (caption) in `language`, when the entity has one.
  std::optional<std::string> label(std::string_view language) const;
};

/// What an upload writes: its statements and its caption in one language.
struct StructuredData {
  std::vector<Statement> statements;
  std::optional<Label> label;
};

}  // namespace curator::sdc
