#pragma once
// A user's saved upload settings (presets) per source, as FETCH_PRESETS,
// SAVE_PRESET and DELETE_PRESET use them (upstream-surface.md §4.6.H) and
// `curatorctl presets` shows them: at most one default per (user, handler),
// changes only to one's own presets. Knows the store, not the wire.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/label.hpp"
#include "curator/export.hpp"
#include "curator/service/batches.hpp"
#include "curator/service/file_template.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"

namespace curator::service {

inline constexpr std::string_view kPresetNotFound = "Preset not found or permission denied";

/// What SAVE_PRESET sends.
struct PresetInput {
  std::string title;           // the preset's name
  std::string title_template;  // file title template (frontend syntax)
  std::optional<Label> labels;
  std::optional<std::string> categories;  // one category per line
  bool exclude_from_date_category = false;
  bool is_default = false;
};

class CURATOR_API PresetService {
 public:
  explicit PresetService(const store::Database& db);

  /// The actor's presets for a handler, newest first.
  std::vector<store::Preset> list(const Actor& actor, Handler handler);
  /// The actor's default preset for a handler, if any.
  std::optional<store::Preset> default_for(const Actor& actor, Handler handler);
  /// The actor's preset with this id, or else the newest one of `handler`
  /// whose title is `name_or_id` exactly; nullopt when none.
  std::optional<store::Preset> find(const Actor& actor, Handler handler,
                                    std::string_view name_or_id);

  /// Without `id`: a new preset for (actor, handler). With `id`: updates the
  /// actor's own preset (its handler never changes), else Error(not_found)
  /// "Preset not found or permission denied". A default preset makes the
  /// actor's other presets of the handler non-default in the same
  /// transaction. Throws Error(invalid_input) naming an empty or oversize field.
  store::Preset save(const Actor& actor, Handler handler, const PresetInput& input,
                     std::optional<store::Id> id = std::nullopt);

  /// Deletes the actor's own preset and returns it (its handler tells which
  /// list to send next); Error(not_found) "Preset not found or permission denied".
  store::Preset remove(const Actor& actor, store::Id id);

 private:
  const store::Database* db_;
};

}  // namespace curator::service
