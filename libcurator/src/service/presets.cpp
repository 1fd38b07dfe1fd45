#include "curator/service/presets.hpp"

#include <charconv>

#include "curator/core/error.hpp"
#include "curator/store/presets.hpp"
#include "curator/store/users.hpp"

namespace curator::service {
namespace {

[[noreturn]] void preset_not_found() {
  throw Error(ErrorKind::not_found, std::string(kPresetNotFound), "preset_not_found");
}

store::PresetDraft draft_of(Handler handler, const PresetInput& input) {
  store::PresetDraft d;
  d.handler = std::string(to_string(handler));
  d.title = input.title;
  d.title_template = input.title_template;
  d.labels = input.labels;
  d.categories = input.categories;
  d.exclude_from_date_category = input.exclude_from_date_category;
  d.is_default = input.is_default;
  return d;
}

}  // namespace

PresetService::PresetService(const store::Database& db) : db_(&db) {}

std::vector<store::Preset> PresetService::list(const Actor& actor, Handler handler) {
  return store::PresetRepository(*db_).list_for(actor.userid, to_string(handler));
}

std::optional<store::Preset> PresetService::default_for(const Actor& actor, Handler handler) {
  return store::PresetRepository(*db_).default_for(actor.userid, to_string(handler));
}

std::optional<store::Preset> PresetService::find(const Actor& actor, Handler handler,
                                                 std::string_view name_or_id) {
  store::Id id = 0;
  const auto* end = name_or_id.data() + name_or_id.size();
  const auto parsed = std::from_chars(name_or_id.data(), end, id);
  if (parsed.ec == std::errc{} && parsed.ptr == end) {
    auto p = store::PresetRepository(*db_).find(id);
    if (p && p->userid == actor.userid && p->handler == to_string(handler)) return p;
  }
  for (auto& p : list(actor, handler)) {
    if (p.title == name_or_id) return std::move(p);
  }
  return std::nullopt;
}

store::Preset PresetService::save(const Actor& actor, Handler handler, const PresetInput& input,
                                  std::optional<store::Id> id) {
  if (actor.userid.empty()) {
    throw Error(ErrorKind::invalid_input, "a user id is required", "invalid_field");
  }
  store::PresetRepository presets(*db_);
  const auto draft = draft_of(handler, input);
  if (id) {
    auto updated = presets.update(*id, actor.userid, draft);
    if (!updated) preset_not_found();
    return *updated;
  }
  store::UserRepository(*db_).upsert(actor.userid, actor.username);
  return presets.create(actor.userid, draft);
}

store::Preset PresetService::remove(const Actor& actor, store::Id id) {
  auto removed = store::PresetRepository(*db_).remove(id, actor.userid);
  if (!removed) preset_not_found();
  return *removed;
}

}  // namespace curator::service
