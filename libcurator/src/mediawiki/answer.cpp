#include "mediawiki/answer.hpp"

#include <charconv>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"

namespace curator::mediawiki::answer {

void malformed(std::string_view what, std::string_view detail) {
  throw Error(ErrorKind::permanent,
              "unexpected " + std::string(what) + " answer: " + std::string(detail),
              "malformed-answer");
}

void throw_if_error(const json::value& response) {
  if (auto error = find_api_error(response)) throw ApiException(std::move(*error));
}

const json::object& top(const json::value& response, std::string_view what) {
  throw_if_error(response);
  if (!response.is_object()) malformed(what, "not a JSON object");
  return response.get_object();
}

const json::object* object_member(const json::object& o, std::string_view key,
                                  std::string_view what) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_object()) malformed(what, "'" + std::string(key) + "' is not an object");
  return &v->get_object();
}

const json::array* array_member(const json::object& o, std::string_view key,
                                std::string_view what) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_array()) malformed(what, "'" + std::string(key) + "' is not an array");
  return &v->get_array();
}

const json::object& require_object(const json::object& o, std::string_view key,
                                   std::string_view what) {
  const auto* member = object_member(o, key, what);
  if (member == nullptr) malformed(what, "no '" + std::string(key) + "' object");
  return *member;
}

std::optional<std::string> string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::optional<std::uint64_t> unsigned_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_uint64()) return v->get_uint64();
  if (v->is_int64()) {
    if (v->get_int64() < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v->get_int64());
  }
  if (v->is_string()) {
    std::string_view s = v->get_string();
    std::uint64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

bool flag_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return false;
  if (v->is_bool()) return v->get_bool();
  return true;
}

}  // namespace curator::mediawiki::answer
