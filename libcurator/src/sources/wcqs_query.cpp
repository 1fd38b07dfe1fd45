#include "sources/wcqs_query.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "curator/core/error.hpp"

namespace curator::sources::wcqs {
namespace {

bool safe_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool is_property(std::string_view p) {
  return p.size() >= 2 && p.size() <= 12 && p[0] == 'P' &&
         std::all_of(p.begin() + 1, p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void not_sparql(std::string_view what) {
  throw Error(ErrorKind::permanent,
              "Commons Query Service answer is not a SPARQL result: " + std::string(what),
              "invalid_response");
}

std::optional<std::string> binding_value(const json::object& binding, std::string_view var) {
  const auto* v = binding.if_contains(var);
  if (v == nullptr || !v->is_object()) return std::nullopt;
  const auto* value = v->get_object().if_contains("value");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

}  // namespace

std::string existing_files_query(std::string_view property, const std::vector<std::string>& ids) {
  if (!is_property(property)) {
    throw Error(ErrorKind::invalid_input,
                "not a Wikidata property id: " + std::string(property.substr(0, 16)),
                "invalid_property");
  }
  std::string q = "SELECT ?file ?id WHERE { VALUES ?id {";
  for (const auto& id : ids) {
    if (!safe_id(id)) continue;
    q += " \"";
    q += id;
    q += '"';
  }
  q += " } ?file wdt:";
  q += property;
  q += " ?id. }";
  return q;
}

std::map<std::string, std::vector<ExistingFile>> parse_existing_files(const json::value& result) {
  if (!result.is_object()) not_sparql("not an object");
  const auto* results = result.get_object().if_contains("results");
  if (results == nullptr || !results->is_object()) not_sparql("no 'results' object");
  const auto* bindings = results->get_object().if_contains("bindings");
  if (bindings == nullptr || !bindings->is_array()) not_sparql("no 'results.bindings' array");
  std::map<std::string, std::vector<ExistingFile>> out;
  for (const auto& b : bindings->get_array()) {
    if (!b.is_object()) not_sparql("a binding is not an object");
    const auto id = binding_value(b.get_object(), "id");
    const auto file = binding_value(b.get_object(), "file");
    if (!id || !file) continue;
    auto& files = out[*id];
    if (std::none_of(files.begin(), files.end(),
                     [&](const ExistingFile& f) { return f.url == *file; })) {
      files.push_back(ExistingFile{*file});
    }
  }
  return out;
}

}  // namespace curator::sources::wcqs
