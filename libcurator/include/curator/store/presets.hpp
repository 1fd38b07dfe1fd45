#pragma once
// PresetRepository: a user's saved upload settings per handler (`presets`). Ownership
// is enforced here, as in the Python DAL: update and remove touch only the caller's rows.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"
#include "curator/store/database.hpp"
#include "curator/store/records.hpp"

namespace curator::store {

class CURATOR_API PresetRepository {
 public:
  explicit PresetRepository(const Database& db);

  /// The user's presets for a handler, newest first.
  std::vector<Preset> list_for(std::string_view userid, std::string_view handler);
  std::optional<Preset> find(Id id);
  /// The user's default preset for the handler, if any.
  std::optional<Preset> default_for(std::string_view userid, std::string_view handler);

  /// Inserts a preset; when it is the default, the user's other presets for the same
  /// handler stop being default in the same transaction.
  Preset create(std::string_view userid, const PresetDraft& draft);
  /// Updates title, template, labels, categories and flags (never the handler) of the
  /// user's own preset; nullopt when it does not exist or belongs to someone else.
  std::optional<Preset> update(Id id, std::string_view userid, const PresetDraft& draft);
  /// Deletes the user's own preset and returns it; nullopt when absent or not owned.
  std::optional<Preset> remove(Id id, std::string_view userid);

  /// Admin list: created_at DESC; filter on CAST(id), userid, title.
  std::vector<Preset> list_all(PageRequest page, std::string_view filter = {});
  std::int64_t count_all(std::string_view filter = {});

 private:
  std::shared_ptr<Database::Impl> db_;
};

}  // namespace curator::store
