#include "curator/mediawiki/pages.hpp"

#include <algorithm>
#include <cctype>

#include "curator/core/error.hpp"
#include "mediawiki/answer.hpp"

namespace curator::mediawiki {

PageText parse_page_text(const json::value& response) {
  constexpr std::string_view kWhat = "prop=revisions";
  const auto& top = answer::top(response, kWhat);
  const auto* query = answer::object_member(top, "query", kWhat);
  if (query == nullptr) {
    throw Error(ErrorKind::transient, "the page query answered without 'query' (replica lag?)",
                "replica-lag");
  }
  const json::object* page = nullptr;
  if (const auto* pages = query->if_contains("pages"); pages != nullptr) {
    if (pages->is_array() && !pages->get_array().empty() &&
        pages->get_array().front().is_object()) {
      page = &pages->get_array().front().get_object();
    } else if (pages->is_object() && !pages->get_object().empty() &&
               pages->get_object().begin()->value().is_object()) {
      page = &pages->get_object().begin()->value().get_object();
    }
  }
  if (page == nullptr) answer::malformed(kWhat, "no page");
  PageText out;
  out.title = answer::string_member(*page, "title").value_or("");
  if (answer::flag_member(*page, "invalid")) {
    throw Error(ErrorKind::invalid_input,
                "invalid page title: " + answer::string_member(*page, "invalidreason").value_or(""),
                "invalidtitle");
  }
  out.missing = answer::flag_member(*page, "missing");
  out.page_id = answer::unsigned_member(*page, "pageid");
  if (out.missing) return out;
  const auto* revisions = answer::array_member(*page, "revisions", kWhat);
  if (revisions == nullptr || revisions->empty() || !revisions->front().is_object()) {
    answer::malformed(kWhat, "no revision");
  }
  const auto& rev = revisions->front().get_object();
  out.revision_id = answer::unsigned_member(rev, "revid");
  const json::object* slot = nullptr;
  if (const auto* slots = answer::object_member(rev, "slots", kWhat)) {
    slot = answer::object_member(*slots, "main", kWhat);
  }
  if (slot == nullptr) slot = &rev;  // no rvslots: the content sits on the revision
  auto content = answer::string_member(*slot, "content");
  if (!content) content = answer::string_member(*slot, "*");
  if (!content) answer::malformed(kWhat, "no content (rvprop=content missing or text hidden)");
  out.content = std::move(*content);
  out.content_model = answer::string_member(*slot, "contentmodel").value_or("");
  return out;
}

EditResult parse_edit_result(const json::value& response) {
  constexpr std::string_view kWhat = "action=edit";
  const auto& edit = answer::require_object(answer::top(response, kWhat), "edit", kWhat);
  const auto result = answer::string_member(edit, "result").value_or("");
  if (result != "Success") {
    std::string detail = result.empty() ? "no result" : result;
    if (const auto* captcha = answer::object_member(edit, "captcha", kWhat)) {
      (void)captcha;
      detail += " (captcha required)";
    }
    throw Error(ErrorKind::permanent, "edit not saved: " + detail, "edit-refused");
  }
  EditResult out;
  out.title = answer::string_member(edit, "title").value_or("");
  out.changed = !answer::flag_member(edit, "nochange");
  out.page_id = answer::unsigned_member(edit, "pageid");
  out.old_revision_id = answer::unsigned_member(edit, "oldrevid");
  out.new_revision_id = answer::unsigned_member(edit, "newrevid");
  return out;
}

std::string category_title(std::string_view name) {
  constexpr std::string_view kPrefix = "category:";
  std::string_view rest = name;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '_'))
    rest.remove_prefix(1);
  if (rest.size() >= kPrefix.size() &&
      std::equal(kPrefix.begin(), kPrefix.end(), rest.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    rest.remove_prefix(kPrefix.size());
  }
  std::string out;
  for (const char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || std::string_view("#<>[]|{}").find(c) != std::string_view::npos) {
      throw Error(ErrorKind::invalid_input,
                  u < 0x20 || u == 0x7f
                      ? std::string("a category name cannot hold control characters")
                      : "a category name cannot hold '" + std::string(1, c) + "'",
                  "bad-category-name");
    }
    const char d = c == '_' ? ' ' : c;
    if (d == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += d;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  if (out.empty())
    throw Error(ErrorKind::invalid_input, "empty category name", "bad-category-name");
  if (out.size() > 255) {
    throw Error(ErrorKind::invalid_input, "category name longer than 255 bytes",
                "bad-category-name");
  }
  if (out.find("~~~") != std::string::npos) {
    throw Error(ErrorKind::invalid_input, "a category name cannot hold '~~~' (a signature)",
                "bad-category-name");
  }
  if (out.front() >= 'a' && out.front() <= 'z') out.front() = static_cast<char>(out.front() - 32);
  return "Category:" + out;
}

std::vector<LogEvent> parse_log_events(const json::value& response) {
  constexpr std::string_view kWhat = "list=logevents";
  const auto& top = answer::top(response, kWhat);
  const auto* query = answer::object_member(top, "query", kWhat);
  if (query == nullptr) answer::malformed(kWhat, "no 'query'");
  const auto* events = answer::array_member(*query, "logevents", kWhat);
  if (events == nullptr) answer::malformed(kWhat, "no 'logevents'");
  std::vector<LogEvent> out;
  out.reserve(events->size());
  for (const auto& v : *events) {
    if (!v.is_object()) answer::malformed(kWhat, "an entry is not an object");
    const auto& e = v.get_object();
    LogEvent event;
    event.log_id = answer::unsigned_member(e, "logid");
    event.title = answer::string_member(e, "title").value_or("");
    event.type = answer::string_member(e, "type").value_or("");
    event.action = answer::string_member(e, "action").value_or("");
    event.user = answer::string_member(e, "user").value_or("");
    event.timestamp = answer::string_member(e, "timestamp").value_or("");
    event.comment = answer::string_member(e, "comment").value_or("");
    out.push_back(std::move(event));
  }
  return out;
}

}  // namespace curator::mediawiki
