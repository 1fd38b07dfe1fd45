#include "curator/mediawiki/userinfo.hpp"

#include <algorithm>

#include "mediawiki/answer.hpp"

namespace curator::mediawiki {
namespace {

constexpr std::string_view kWhat = "meta=userinfo";

std::vector<std::string> string_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* list = answer::array_member(o, key, kWhat);
  if (list == nullptr) return out;
  for (const auto& v : *list) {
    if (v.is_string()) out.emplace_back(v.get_string());
  }
  return out;
}

std::optional<long long> integer(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= 0x7FFFFFFFFFFFFFFFull) {
    return static_cast<long long>(v->get_uint64());
  }
  return std::nullopt;
}

}  // namespace

bool UserInfo::has_right(std::string_view right) const {
  return std::find(rights.begin(), rights.end(), right) != rights.end();
}

bool UserInfo::in_group(std::string_view group) const {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

bool UserInfo::exempt_from_rate_limits() const {
  return has_right("noratelimit") || rate_limits.empty();
}

std::optional<RateLimit> UserInfo::limit(std::string_view action,
                                         std::string_view limit_class) const {
  const auto it = rate_limits.find(action);
  if (it == rate_limits.end()) return std::nullopt;
  for (const auto& entry : it->second) {
    if (entry.limit_class == limit_class) return entry.limit;
  }
  return std::nullopt;
}

std::optional<RateLimit> UserInfo::most_permissive(std::string_view action) const {
  const auto it = rate_limits.find(action);
  if (it == rate_limits.end() || it->second.empty()) return std::nullopt;
  const ClassLimit* best = nullptr;
  for (const auto& entry : it->second) {
    if (best == nullptr || entry.limit.per_second() > best->limit.per_second()) best = &entry;
  }
  return best->limit;
}

UserInfo parse_userinfo(const json::value& response) {
  const auto& query = answer::require_object(answer::top(response, kWhat), "query", kWhat);
  const auto& ui = answer::require_object(query, "userinfo", kWhat);
  UserInfo out;
  out.id = integer(ui, "id").value_or(0);
  out.name = answer::string_member(ui, "name").value_or("");
  out.anonymous = answer::flag_member(ui, "anon") || out.id == 0;
  out.groups = string_list(ui, "groups");
  out.rights = string_list(ui, "rights");
  // blockinfo: blockid/blockedby/blockreason are present only while blocked.
  out.blocked = ui.contains("blockid") || ui.contains("blockedby");
  out.block_reason = answer::string_member(ui, "blockreason").value_or("");
  // formatversion 1 sends an empty *array* for "no limits", 2 an empty object.
  const auto* limits = ui.if_contains("ratelimits");
  if (limits != nullptr && limits->is_object()) {
    for (const auto& [action, classes] : limits->get_object()) {
      if (!classes.is_object()) continue;
      auto& list = out.rate_limits[std::string(action)];
      for (const auto& [limit_class, value] : classes.get_object()) {
        if (!value.is_object()) continue;
        const auto hits = integer(value.get_object(), "hits");
        const auto seconds = integer(value.get_object(), "seconds");
        if (!hits || !seconds || *hits < 0 || *seconds <= 0) continue;
        list.push_back({std::string(limit_class), RateLimit{*hits, *seconds}});
      }
      if (list.empty()) out.rate_limits.erase(std::string(action));
    }
  } else if (limits != nullptr && !limits->is_array() && !limits->is_null()) {
    answer::malformed(kWhat, "'ratelimits' is neither an object nor an empty list");
  }
  return out;
}

}  // namespace curator::mediawiki
