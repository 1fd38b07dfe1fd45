#pragma once
// What action=upload answers mean: the `upload` object of a chunk, commit or
// checkstatus answer (UploadReply), its warnings (UploadWarnings), the typed
// end result of an upload (UploadOutcome) and the resumable state of a chunked
// upload (UploadSession). Pure values and interpretation; ChunkedUpload
// (chunked_upload.hpp) drives the protocol and MediaWikiClient sends requests.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/mediawiki/api_error.hpp"

namespace curator::mediawiki {

/// Upload warnings (`upload.warnings`), with the API's names: the file names
/// they mention are normalised (spaces, no "File:").
struct UploadWarnings {
  std::vector<std::string> duplicates;           // duplicate: files with the same bytes
  std::optional<std::string> exists;             // exists, exists-normalized, page-exists
  std::string exists_warning;                    // which of those it was
  std::optional<std::string> discouraged_name;   // bad-prefix (camera names), thumb, thumb-name
  std::string discouraged_warning;               // which of those it was
  std::optional<std::string> was_deleted;        // was-deleted: a file of this name was deleted
  std::optional<std::string> duplicate_archive;  // duplicate-archive: these bytes were deleted
  std::optional<std::string> bad_filename;       // badfilename: the name MediaWiki would use
  bool nochange = false;                         // nochange: same bytes under this very name
  bool duplicate_version = false;                // duplicateversions: an old version has the bytes
  json::object all;                              // every warning as sent

  bool empty() const { return all.empty(); }
  /// Warnings about the bytes (duplicate, nochange, duplicate-archive): known
  /// only after assembly, and not changed by another name.
  bool about_content() const {
    return !duplicates.empty() || nochange || duplicate_archive.has_value();
  }
  /// The warning names as sent, comma-separated ("duplicate,exists,nochange").
  std::string names() const;
};

CURATOR_API UploadWarnings parse_upload_warnings(const json::object& warnings);

enum class UploadResult {
  success,    // Success: stashed (chunks, stash) or published (commit)
  continue_,  // Continue: chunk accepted, send the next one at `offset`
  poll,       // Poll: an async job is queued or running; ask with checkstatus
  warning,    // Warning: not published because of `warnings` (the bytes are stashed)
};

/// The `upload` object of one answer.
struct UploadReply {
  UploadResult result = UploadResult::success;
  std::optional<std::string> filekey;
  std::optional<std::uint64_t> offset;  // Continue: where the next chunk starts
  std::string stage;                    // Poll/checkstatus: queued, assembling, publish, ...
  std::optional<std::string> filename;  // published (or queued) name, normalised
  UploadWarnings warnings;
  // From `imageinfo`, when sent (stashed or published file).
  std::optional<std::string> sha1;
  std::optional<std::uint64_t> size;
  std::string description_url;
  std::string canonical_title;
};

/// Throws ApiException for an error answer and Error(permanent,
/// "malformed-answer") when there is no `upload` object or its result is unknown.
CURATOR_API UploadReply parse_upload_reply(const json::value& response);

enum class UploadOutcomeKind {
  published,          // the file is on the wiki as `file_name`
  duplicate,          // the same bytes are on the wiki already (`duplicates`)
  exists,             // the name is taken by different bytes (`existing_name`)
  was_deleted,        // a file of this name was deleted before
  duplicate_archive,  // these bytes were deleted before
  bad_filename,       // the name is refused or would be changed (`suggested_name`)
  blacklisted,        // the title blacklist forbids the name
  file_refused,       // the type or content is refused (filetype-banned, verification-error, ...)
  warning,            // any other warning (see `warnings.all`)
};

CURATOR_API std::string_view to_string(UploadOutcomeKind kind) noexcept;

struct CURATOR_API UploadOutcome {
  UploadOutcomeKind kind = UploadOutcomeKind::published;
  std::string file_name;                // published: the wiki's name; otherwise the name asked for
  std::string description_url;          // published: the wiki's description page
  std::string sha1;                     // of the bytes that were sent (when known)
  std::vector<std::string> duplicates;  // duplicate: existing names, the target first on nochange
  std::string existing_name;            // exists, was_deleted, duplicate_archive
  std::string suggested_name;           // bad_filename, from a badfilename warning
  UploadWarnings warnings;
  std::optional<ApiError> error;       // blacklisted, bad_filename, file_refused from an error
  std::optional<std::string> filekey;  // a stash key that ignore_warnings could still publish

  bool published() const { return kind == UploadOutcomeKind::published; }
  /// One line for logs and stored errors.
  std::string describe() const;
};

/// The outcome warnings stand for, in this order: nochange or duplicate →
/// duplicate; exists* → exists; duplicate-archive; was-deleted; badfilename,
/// bad-prefix, thumb* → bad_filename; anything else → warning. nullopt when
/// there are no warnings.
CURATOR_API std::optional<UploadOutcome> outcome_from_warnings(const UploadWarnings& warnings,
                                                               std::string_view file_name);

/// Errors that say something about the file rather than the request
/// (title_blacklisted, bad_filename, file_refused, file_exists) as an outcome;
/// nullopt for every other error.
CURATOR_API std::optional<UploadOutcome> outcome_from_error(const ApiError& error,
                                                            std::string_view file_name);

/// Where a chunked upload stands; persist it after each step (on_progress) to
/// resume after a crash. The stash keeps entries for 6 h by default, 48 h on
/// Commons.
struct UploadSession {
  enum class Stage {
    sending,     // chunks go out; `filekey` is the chunk session (none before the first)
    assembling,  // the last chunk was queued for async assembly; poll `filekey`
    stashed,     // the whole file is in the stash as `filekey`; publish next
    publishing,  // an async publish of `filekey` is queued; poll it
    done,        // an outcome was reached
  };
  std::string file_name;
  std::uint64_t file_size = 0;
  std::string sha1;
  Stage stage = Stage::sending;
  std::optional<std::string> filekey;
  std::uint64_t offset = 0;  // bytes the server has acknowledged
  int restarts = 0;          // times the stash was lost and the upload began again

  bool operator==(const UploadSession&) const = default;
};

CURATOR_API std::string_view to_string(UploadSession::Stage stage) noexcept;
CURATOR_API json::value to_json(const UploadSession& session);
/// Throws Error(invalid_input) for any other shape.
CURATOR_API UploadSession upload_session_from_json(const json::value& v);

}  // namespace curator::mediawiki
