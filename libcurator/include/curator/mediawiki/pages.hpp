#pragma once
// Wiki pages as text: the current revision of a page (prop=revisions) and
// edits (action=edit), including the null edit that re-renders a File page
// after its structured data changed, create-only edits (new categories) and
// the deletion log (was this category deleted?). Request values and answer
// interpretation only; MediaWikiClient sends them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// "Category:" + a category name: the "Category:" prefix (any case) is
/// dropped, underscores and runs of spaces become one space, the ends are
/// trimmed and an ASCII first letter is upper-cased. Throws
/// Error(invalid_input, "bad-category-name") for an empty name, one longer
/// than 255 bytes, or characters a title cannot hold (# < > [ ] | { },
/// control characters, "~~~").
CURATOR_API std::string category_title(std::string_view name);

struct CategoryCreation {
  std::string title;     // "Category:Foo bar", as the wiki names it
  bool created = false;  // false: it already existed (articleexists), left as it was
};

/// One list=logevents entry.
struct LogEvent {
  std::optional<std::uint64_t> log_id;
  std::string title;
  std::string type;    // "delete"
  std::string action;  // "delete", "restore", "revision", ...
  std::string user;
  std::string timestamp;  // ISO 8601 as the wiki gives it
  std::string comment;
};

/// The entries of a list=logevents answer, newest first as the wiki sends
/// them. Entries whose fields were hidden (revision deletion) keep empty
/// strings; a missing `logevents` list is a malformed answer.
CURATOR_API std::vector<LogEvent> parse_log_events(const json::value& response);

}  // namespace curator::mediawiki
