#pragma once
// Wikibase over the Action API: reading entities (wbgetentities, by id such as
// M123 or Q42, or by site and title such as commonswiki/File:X.jpg) and
// writing statements and labels (wbeditentity). Statements stay opaque JSON
// here: the sdc module owns their model and merge rules. MediaInfo entities
// send statements under "statements", items under "claims"; both land in
// Entity::statements.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator::mediawiki {

/// "M123" (MediaInfo, "M" + page id), "Q42", "P170", "L1": upper-cased letter,
/// 1–10 digits without a leading zero. Throws Error(invalid_input,
/// "invalid-entity-id") otherwise.
CURATOR_API std::string require_entity_id(std::string_view id);

/// "M" + page id.
CURATOR_API std::string media_info_id(std::uint64_t page_id);

struct Entity {
  enum class State {
    exists,   // the entity has data (statements, labels, ...)
    empty,    // the page exists but has no MediaInfo yet ("missing" with an M-id)
    no_page,  // no such page (id "-1") or no such entity id
  };
  State state = State::no_page;
  std::string id;     // "M123"; empty for no_page by title
  std::string type;   // "mediainfo", "item", ...
  std::string title;  // page title when known
  std::optional<std::uint64_t> last_revision_id;
  json::object statements;                                 // property → [statement], as sent
  std::map<std::string, std::string, std::less<>> labels;  // language → value
  json::object raw;                                        // the whole entity object
};

/// The entity of a wbgetentities answer that asked for one id or one title
/// (the first entity when several came back). Throws ApiException for an
/// error answer (no-such-entity for an unknown id becomes State::no_page
/// instead), Error(permanent, "malformed-answer") for another shape.
CURATOR_API Entity parse_entity(const json::value& response);

/// One wbeditentity call. Target: `id` xor `site` + `title`.
struct EntityEdit {
  std::optional<std::string> id;
  std::string site;    // e.g. "commonswiki"
  std::string title;   // e.g. "File:X.jpg"
  json::array claims;  // statements to add (no "id") or change (with "id")
  std::map<std::string, std::string, std::less<>> labels;  // language → value
  std::optional<std::uint64_t> base_revision_id;           // refuse if the entity changed meanwhile
  std::string summary;
  bool bot = false;
  bool clear = false;  // replace the whole entity with `data`
  std::vector<std::string> tags;
};

/// The `data` parameter: {"claims":[…],"labels":{"en":{"language":"en","value":"…"}}},
/// members omitted when empty. Throws Error(invalid_input) when the edit has
/// neither a valid target nor anything to write, a label language is empty or
/// a claim is not an object.
CURATOR_API std::string edit_entity_data(const EntityEdit& edit);

struct EntityEditResult {
  std::string id;
  std::optional<std::uint64_t> last_revision_id;
  bool changed = true;  // false when Wikibase reports nochange
  json::object entity;  // the entity as saved
};

/// A wbeditentity answer (success: 1). Throws ApiException for error answers
/// (editconflict, failed-save, modification-failed, ...).
CURATOR_API EntityEditResult parse_entity_edit(const json::value& response);

}  // namespace curator::mediawiki
