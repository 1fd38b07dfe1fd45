#include "curator/mediawiki/wikibase.hpp"

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "mediawiki/answer.hpp"

namespace curator::mediawiki {
namespace {

[[noreturn]] void bad_edit(std::string_view why) {
  throw Error(ErrorKind::invalid_input, "invalid wbeditentity request: " + std::string(why),
              "invalid_entity_edit");
}

// Wikibase serialises an empty PHP array as [] where a map is meant.
const json::object* map_member(const json::object& o, std::string_view key, std::string_view what) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (v->is_array() && v->get_array().empty()) return nullptr;
  if (!v->is_object()) answer::malformed(what, "'" + std::string(key) + "' is not an object");
  return &v->get_object();
}

}  // namespace

std::string require_entity_id(std::string_view id) {
  bool ok = id.size() >= 2 && id.size() <= 11;
  if (ok) {
    const char letter = id[0];
    ok = letter == 'M' || letter == 'm' || letter == 'Q' || letter == 'q' || letter == 'P' ||
         letter == 'p' || letter == 'L' || letter == 'l';
    ok = ok && id[1] >= '1' && id[1] <= '9';
    for (std::size_t i = 2; ok && i < id.size(); ++i)
      ok = id[i] >= '0' && id[i] <= '9';
  }
  if (!ok) {
    throw Error(ErrorKind::invalid_input, "not an entity id (M123, Q42, P170, L1)",
                "invalid-entity-id");
  }
  std::string out(id);
  out[0] = static_cast<char>(out[0] >= 'a' ? out[0] - 32 : out[0]);
  return out;
}

std::string media_info_id(std::uint64_t page_id) {
  if (page_id == 0) throw Error(ErrorKind::invalid_input, "page id 0", "invalid-entity-id");
  return "M" + std::to_string(page_id);
}

Entity parse_entity(const json::value& response) {
  constexpr std::string_view kWhat = "wbgetentities";
  if (auto error = find_api_error(response)) {
    if (error->type == ApiErrorType::no_such_entity) return Entity{};
    throw ApiException(std::move(*error));
  }
  const auto& top = answer::top(response, kWhat);
  const auto* entities = map_member(top, "entities", kWhat);
  if (entities == nullptr || entities->empty()) return Entity{};
  const auto& [key, value] = *entities->begin();
  if (!value.is_object()) answer::malformed(kWhat, "an entity is not an object");
  const auto& e = value.get_object();
  Entity out;
  out.raw = e;
  out.id = answer::string_member(e, "id").value_or("");
  out.type = answer::string_member(e, "type").value_or("");
  out.title = answer::string_member(e, "title").value_or("");
  out.last_revision_id = answer::unsigned_member(e, "lastrevid");
  if (key == "-1" || out.id.empty() || out.id == "-1") {
    out.state = Entity::State::no_page;
    out.id.clear();
    return out;
  }
  if (answer::flag_member(e, "missing")) {
    // An M-id that does not exist yet: the page is there, its MediaInfo is not.
    // Any other entity type marked missing simply does not exist.
    out.state = (out.id[0] == 'M') ? Entity::State::empty : Entity::State::no_page;
    return out;
  }
  out.state = Entity::State::exists;
  const auto* statements = map_member(e, "statements", kWhat);
  if (statements == nullptr) statements = map_member(e, "claims", kWhat);
  if (statements != nullptr) out.statements = *statements;
  if (const auto* labels = map_member(e, "labels", kWhat)) {
    for (const auto& [language, label] : *labels) {
      if (!label.is_object()) continue;
      if (auto text = answer::string_member(label.get_object(), "value")) {
        out.labels.emplace(std::string(language), std::move(*text));
      }
    }
  }
  return out;
}

std::string edit_entity_data(const EntityEdit& edit) {
  if (edit.id) {
    (void)require_entity_id(*edit.id);
    if (!edit.site.empty() || !edit.title.empty()) bad_edit("give an id or a site and title");
  } else if (edit.site.empty() || edit.title.empty()) {
    bad_edit("no target: give an id or a site and title");
  }
  if (edit.claims.empty() && edit.labels.empty() && !edit.clear) bad_edit("nothing to write");
  json::object data;
  if (!edit.claims.empty()) {
    for (const auto& claim : edit.claims) {
      if (!claim.is_object()) bad_edit("a claim is not an object");
    }
    data["claims"] = edit.claims;
  }
  if (!edit.labels.empty()) {
    json::object labels;
    for (const auto& [language, value] : edit.labels) {
      if (language.empty()) bad_edit("a label without a language");
      labels[language] = json::object{{"language", language}, {"value", value}};
    }
    data["labels"] = std::move(labels);
  }
  return json::serialize(data);
}

EntityEditResult parse_entity_edit(const json::value& response) {
  constexpr std::string_view kWhat = "wbeditentity";
  const auto& top = answer::top(response, kWhat);
  const auto* success = top.if_contains("success");
  const bool ok = success != nullptr && ((success->is_int64() && success->get_int64() == 1) ||
                                         (success->is_bool() && success->get_bool()));
  if (!ok) answer::malformed(kWhat, "no success flag");
  const auto& entity = answer::require_object(top, "entity", kWhat);
  EntityEditResult out;
  out.entity = entity;
  out.id = answer::string_member(entity, "id").value_or("");
  out.last_revision_id = answer::unsigned_member(entity, "lastrevid");
  out.changed = !answer::flag_member(entity, "nochange") && !answer::flag_member(top, "nochange");
  return out;
}

}  // namespace curator::mediawiki
