#pragma once
// Wiki pages as text: the current revision of a page (prop=revisions) and
// edits (action=edit), including the null edit that re-renders a File page
// after its structured data changed and create-only edits. Request values and
// answer interpretation only; MediaWikiClient sends them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator::mediawiki {

struct PageText {
  std::string title;
  bool missing = false;
  std::optional<std::uint64_t> page_id;
  std::optional<std::uint64_t> revision_id;
  std::string content;
  std::string content_model;
};

/// The first page of a prop=revisions&rvslots=main answer (formatversion 2,
/// or 1 with the content under "*"). Throws Error(transient,
/// "replica-lag") when the answer has no `query` at all: upstream saw that
/// right after an upload and retried.
CURATOR_API PageText parse_page_text(const json::value& response);

struct EditRequest {
  std::string title;
  std::string text;
  std::string summary;
  bool create_only = false;  // createonly=1: fail with articleexists instead of editing
  bool no_create = false;    // nocreate=1: fail with missingtitle instead of creating
  bool bot = false;
  bool minor = false;
  std::optional<std::uint64_t> base_revision_id;  // edit conflict detection
  std::vector<std::string> tags;
};

struct EditResult {
  std::string title;
  bool changed = false;  // false for a null edit (nochange)
  std::optional<std::uint64_t> page_id;
  std::optional<std::uint64_t> old_revision_id;
  std::optional<std::uint64_t> new_revision_id;
};

/// An action=edit answer. An `edit.result` other than "Success" (e.g. a
/// captcha or an extension's refusal) throws Error(permanent, "edit-refused").
CURATOR_API EditResult parse_edit_result(const json::value& response);

}  // namespace curator::mediawiki
