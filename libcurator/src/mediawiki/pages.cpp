#include "curator/mediawiki/pages.hpp"

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

}  // namespace curator::mediawiki
