#include "curator/mediawiki/files.hpp"

#include "curator/core/error.hpp"
#include "curator/mediawiki/titles.hpp"
#include "mediawiki/answer.hpp"

namespace curator::mediawiki {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c + 32);
  }
  return s;
}

FileRecord record_from(const json::object& o) {
  FileRecord r;
  r.title = answer::string_member(o, "title").value_or("");
  const auto name = answer::string_member(o, "name");
  r.name = normalize_file_name(name ? *name : r.title);
  if (r.title.empty() && !r.name.empty()) r.title = "File:" + r.name;
  r.description_url = answer::string_member(o, "descriptionurl").value_or("");
  r.url = answer::string_member(o, "url").value_or("");
  r.sha1 = lower(answer::string_member(o, "sha1").value_or(""));
  r.size = answer::unsigned_member(o, "size");
  r.mime = answer::string_member(o, "mime").value_or("");
  r.timestamp = answer::string_member(o, "timestamp").value_or("");
  r.user = answer::string_member(o, "user").value_or("");
  return r;
}

// formatversion 2: query.pages is an array; 1: an object keyed by page id.
const json::object* first_page(const json::object& query, std::string_view what) {
  const auto* pages = query.if_contains("pages");
  if (pages == nullptr) return nullptr;
  if (pages->is_array()) {
    const auto& a = pages->get_array();
    if (a.empty()) return nullptr;
    if (!a.front().is_object()) answer::malformed(what, "a page is not an object");
    return &a.front().get_object();
  }
  if (pages->is_object()) {
    const auto& o = pages->get_object();
    if (o.empty()) return nullptr;
    if (!o.begin()->value().is_object()) answer::malformed(what, "a page is not an object");
    return &o.begin()->value().get_object();
  }
  answer::malformed(what, "'pages' is neither a list nor an object");
}

}  // namespace

std::string require_sha1(std::string_view sha1) {
  bool ok = sha1.size() == 40;
  for (const char c : sha1) {
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  }
  if (!ok) {
    throw Error(ErrorKind::invalid_input, "a SHA-1 is 40 hexadecimal digits", "invalidsha1hash");
  }
  return lower(std::string(sha1));
}

std::vector<FileRecord> parse_allimages(const json::value& response) {
  constexpr std::string_view kWhat = "list=allimages";
  const auto& query = answer::require_object(answer::top(response, kWhat), "query", kWhat);
  std::vector<FileRecord> out;
  const auto* list = answer::array_member(query, "allimages", kWhat);
  if (list == nullptr) return out;
  for (const auto& v : *list) {
    if (!v.is_object()) continue;
    auto r = record_from(v.get_object());
    if (r.name.empty()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<FileRecord> parse_imageinfo(const json::value& response) {
  constexpr std::string_view kWhat = "prop=imageinfo";
  const auto& query = answer::require_object(answer::top(response, kWhat), "query", kWhat);
  const auto* page = first_page(query, kWhat);
  if (page == nullptr || answer::flag_member(*page, "missing") ||
      answer::flag_member(*page, "invalid")) {
    return std::nullopt;
  }
  const auto* infos = answer::array_member(*page, "imageinfo", kWhat);
  if (infos == nullptr || infos->empty() || !infos->front().is_object()) return std::nullopt;
  auto r = record_from(infos->front().get_object());
  r.title = answer::string_member(*page, "title").value_or(r.title);
  r.name = normalize_file_name(r.title);
  return r;
}

TitleBlacklistVerdict parse_titleblacklist(const json::value& response) {
  constexpr std::string_view kWhat = "action=titleblacklist";
  const auto& tb = answer::require_object(answer::top(response, kWhat), "titleblacklist", kWhat);
  const auto result = answer::string_member(tb, "result");
  if (!result) answer::malformed(kWhat, "no result");
  TitleBlacklistVerdict v;
  if (*result == "ok") return v;
  if (*result != "blacklisted") answer::malformed(kWhat, "result '" + *result + "'");
  v.blacklisted = true;
  v.reason = answer::string_member(tb, "reason").value_or("");
  v.message = answer::string_member(tb, "message").value_or("");
  v.line = answer::string_member(tb, "line").value_or("");
  return v;
}

}  // namespace curator::mediawiki
