#pragma once
// Reading and writing the Wikibase JSON of statements and entities. Parsing
// is strict about structure (a statement must be an object, a property must
// be a string) and lenient about content: unknown datavalue types, snak types
// and keys are kept opaque and written back unchanged. Knows nothing of the
// API calls that carry this JSON.

#include <string>

#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc {

// All parse functions throw curator::Error(invalid_input) naming the path of
// the first thing that is structurally wrong ("statements.P170[0].mainsnak").

CURATOR_API Snak parse_snak(const json::value& v);
CURATOR_API Statement parse_statement(const json::value& v);
CURATOR_API Entity parse_entity(const json::value& v);
/// A flat statement list (the `claims` array of a wbeditentity payload).
CURATOR_API std::vector<Statement> parse_statement_list(const json::value& v);

CURATOR_API json::value to_json(const DataValue& value);  // the whole `datavalue` object
CURATOR_API json::value to_json(const Snak& snak);
CURATOR_API json::value to_json(const Reference& reference);
CURATOR_API json::value to_json(const Statement& statement);
CURATOR_API json::value to_json(const Entity& entity);
/// Statements as Wikibase groups them: `{"P170":[…],"P1947":[…]}`, properties
/// in order of first appearance.
CURATOR_API json::object statements_to_json(const std::vector<Statement>& statements);

/// The same text as json::serialize(to_json(x)) (numbers without exponents),
/// written directly: the fast path for large payloads.
CURATOR_API std::string to_text(const Statement& statement);
CURATOR_API std::string to_text(const Entity& entity);
CURATOR_API std::string statements_text(const std::vector<Statement>& statements);
/// Any JSON value, written like json::serialize.
CURATOR_API std::string json_text(const json::value& v);
CURATOR_API std::string json_text(const json::object& o);

/// What `wbgetentities` said about one file.
enum class EntityState {
  found,          // the page has a MediaInfo entity
  no_media_info,  // the page exists but has no structured data yet ("missing")
  page_missing,   // there is no such page (entity key "-1")
};

struct EntityLookup {
  EntityState state = EntityState::no_media_info;
  std::optional<Entity> entity;  // set when state == found
};

/// Reads a `wbgetentities` response for one title. An API `error` becomes
/// curator::Error(permanent) with the API's code; a malformed response
/// Error(invalid_input).
CURATOR_API EntityLookup parse_entities_response(const json::value& response);

}  // namespace curator::sdc
