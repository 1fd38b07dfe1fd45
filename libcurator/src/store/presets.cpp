#include "curator/store/presets.hpp"

#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "store/database_impl.hpp"
#include "store/rows.hpp"
#include "store/where.hpp"

namespace curator::store {

using detail::Connection;
using detail::Params;

namespace {

const std::string kSelect =
    std::string("SELECT ") + std::string(detail::kPresetColumns) + " FROM presets p";

void check_draft(const PresetDraft& d) {
  detail::check_varchar("handler", d.handler, 50, false);
  detail::check_varchar("title", d.title, 255);
  detail::check_varchar("title_template", d.title_template, 500);
  if (d.labels) detail::check_label("labels", *d.labels);
  if (d.categories) detail::check_varchar("categories", *d.categories, 500);
}

std::optional<Preset> find_preset(Connection& c, Id id) {
  const auto row = c.query_one(kSelect + " WHERE p.id = ?", {id}, detail::kPresetColumnCount);
  if (!row) return std::nullopt;
  return detail::preset_of(*row);
}

/// Keeps at most one default per (user, handler): clears the others first.
void clear_defaults(Connection& c, std::string_view userid, std::string_view handler, Id except,
                    const std::string& now) {
  c.execute(
      "UPDATE presets SET is_default = 0, updated_at = ? WHERE userid = ? AND handler = ?"
      " AND is_default <> 0 AND id <> ?",
      {now, std::string(userid), std::string(handler), except});
}

std::vector<Preset> presets_of(const std::vector<detail::Row>& rows) {
  std::vector<Preset> out;
  for (const auto& r : rows)
    out.push_back(detail::preset_of(r));
  return out;
}

detail::Where preset_filter(const Connection& c, std::string_view filter) {
  detail::Where where;
  detail::add_substring_filter(where, filter,
                               {detail::cast_text(c, "p.id"), "p.userid", "p.title"});
  return where;
}

}  // namespace

PresetRepository::PresetRepository(const Database& db) : db_(DatabaseAccess::impl(db)) {}

std::vector<Preset> PresetRepository::list_for(std::string_view userid, std::string_view handler) {
  detail::check_varchar("userid", userid, 255);
  detail::check_varchar("handler", handler, 50);
  std::vector<Preset> out;
  db_->run("listing presets", [&](Connection& c) {
    out = presets_of(c.query(kSelect + " WHERE p.userid = ? AND p.handler = ?"
                                       " ORDER BY p.created_at DESC, p.id DESC",
                             {std::string(userid), std::string(handler)},
                             detail::kPresetColumnCount));
  });
  return out;
}

std::optional<Preset> PresetRepository::find(Id id) {
  if (!detail::usable_id(id)) return std::nullopt;
  std::optional<Preset> out;
  db_->run("reading a preset", [&](Connection& c) { out = find_preset(c, id); });
  return out;
}

std::optional<Preset> PresetRepository::default_for(std::string_view userid,
                                                    std::string_view handler) {
  detail::check_varchar("userid", userid, 255);
  detail::check_varchar("handler", handler, 50);
  std::optional<Preset> out;
  db_->run("reading the default preset", [&](Connection& c) {
    const auto row =
        c.query_one(kSelect +
                        " WHERE p.userid = ? AND p.handler = ? AND p.is_default <> 0"
                        " ORDER BY p.id LIMIT 1",
                    {std::string(userid), std::string(handler)}, detail::kPresetColumnCount);
    if (row) out = detail::preset_of(*row);
  });
  return out;
}

Preset PresetRepository::create(std::string_view userid, const PresetDraft& draft) {
  detail::check_varchar("userid", userid, 255, false);
  check_draft(draft);
  const auto now = detail::sql_time(db_->now());
  Preset out;
  db_->run("creating a preset", [&](Connection& c) {
    detail::Transaction tx(c);
    if (!detail::user_exists(c, userid)) {
      throw Error(ErrorKind::not_found, fmt::format("User {} not found", userid), "user_not_found");
    }
    if (draft.is_default) clear_defaults(c, userid, draft.handler, 0, now);
    c.execute(
        "INSERT INTO presets (userid, handler, title, title_template, labels, categories,"
        " exclude_from_date_category, is_default, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {std::string(userid), draft.handler, draft.title, draft.title_template,
         detail::optional_label_param(draft.labels), detail::nullable(draft.categories),
         std::int64_t{draft.exclude_from_date_category}, std::int64_t{draft.is_default}, now, now});
    const auto id = c.last_insert_id();
    out = find_preset(c, id).value();
    tx.commit();
  });
  return out;
}

std::optional<Preset> PresetRepository::update(Id id, std::string_view userid,
                                               const PresetDraft& draft) {
  detail::check_varchar("userid", userid, 255, false);
  check_draft(draft);
  if (!detail::usable_id(id)) return std::nullopt;
  const auto now = detail::sql_time(db_->now());
  std::optional<Preset> out;
  db_->run("updating a preset", [&](Connection& c) {
    detail::Transaction tx(c);
    const auto existing = find_preset(c, id);
    if (!existing || existing->userid != userid) return;
    if (draft.is_default) clear_defaults(c, userid, existing->handler, id, now);
    c.execute(
        "UPDATE presets SET title = ?, title_template = ?, labels = ?, categories = ?,"
        " exclude_from_date_category = ?, is_default = ?, updated_at = ? WHERE id = ?",
        {draft.title, draft.title_template, detail::optional_label_param(draft.labels),
         detail::nullable(draft.categories), std::int64_t{draft.exclude_from_date_category},
         std::int64_t{draft.is_default}, now, id});
    out = find_preset(c, id);
    tx.commit();
  });
  return out;
}

std::optional<Preset> PresetRepository::remove(Id id, std::string_view userid) {
  detail::check_varchar("userid", userid, 255, false);
  if (!detail::usable_id(id)) return std::nullopt;
  std::optional<Preset> out;
  db_->run("deleting a preset", [&](Connection& c) {
    detail::Transaction tx(c);
    auto existing = find_preset(c, id);
    if (!existing || existing->userid != userid) return;
    c.execute("DELETE FROM presets WHERE id = ?", {id});
    tx.commit();
    out = std::move(existing);
  });
  return out;
}

std::vector<Preset> PresetRepository::list_all(PageRequest page, std::string_view filter) {
  const auto offset = detail::page_offset(page);
  std::vector<Preset> out;
  db_->run("listing presets", [&](Connection& c) {
    const auto where = preset_filter(c, filter);
    out = presets_of(
        c.query(kSelect + where.sql() + " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?",
                where.params_with({page.limit, offset}), detail::kPresetColumnCount));
  });
  return out;
}

std::int64_t PresetRepository::count_all(std::string_view filter) {
  std::int64_t n = 0;
  db_->run("counting presets", [&](Connection& c) {
    const auto where = preset_filter(c, filter);
    n = c.query_int("SELECT COUNT(*) FROM presets p" + where.sql(), where.params());
  });
  return n;
}

}  // namespace curator::store
