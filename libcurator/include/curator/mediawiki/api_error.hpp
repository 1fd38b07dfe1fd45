#pragma once
// Typed errors of the MediaWiki Action API. An answer's `error` object (the
// default error format) or the first entry of `errors[]` (errorformat=plaintext
// and friends) becomes an ApiError whose type says what happened and whose
// kind (curator::ErrorKind) says what a caller may do about it. Pure
// interpretation of answers: it knows nothing about HTTP or how a request was
// sent, and never indexes a field it has not checked.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "curator/core/error.hpp"
#include "curator/core/json.hpp"
#include "curator/export.hpp"

namespace curator::mediawiki {

/// What an error code means for libcurator. The codes each type covers are
/// listed in docs/mediawiki.md; every code recorded against MediaWiki 1.39 has
/// a type other than `other`.
enum class ApiErrorType {
  bad_token,           // badtoken: stale or anonymous CSRF token
  oauth_nonce_reused,  // mwoauth-invalid-authorization "Nonce already used"
  not_logged_in,       // assertuserfailed, assertbotfailed, notloggedin, mwoauth-*, readapidenied
  permission_denied,   // permissiondenied, protectedpage, cascadeprotected, *-denied
  blocked,             // blocked, autoblocked, globalblocking-*
  rate_limited,        // ratelimited
  maxlag,              // maxlag: replicas lag; retry after the advertised delay
  read_only,           // readonly
  server_error,        // internal_api_error_*, *Exception, JobQueueError, backend-fail-*
  stash_backend,       // uploadstash-exception: the stash's storage failed
  title_blacklisted,   // titleblacklist-* (Commons and the test wiki use custom keys)
  bad_filename,        // illegal-filename, filename-tooshort, filename-toolong, filetype-missing
  file_refused,        // filetype-banned, verification-error, empty-file, file-too-large, ...
  file_exists,         // fileexists-forbidden, fileexists-shared-forbidden
  stash_not_found,  // uploadstash-file-not-found, uploadstash-bad-path, "No chunked upload session"
  stash_wrong_owner,   // uploadstash-wrong-owner
  wrong_offset,        // stashfailed "Invalid chunk offset" (error.offset = the server's offset)
  upload_completed,    // stashfailed "already completed": the chunks were assembled already
  upload_in_progress,  // publishfailed: an async assembly or publish of this key is running
  missing_result,      // missingresult: checkstatus knows nothing about this key
  chunk_rejected,      // chunk-too-small, invalid-chunk, filekeynotallowed, filekeyneeded
  missing_title,       // missingtitle, nosuchpageid
  article_exists,      // articleexists (createonly edit)
  edit_conflict,       // editconflict
  no_such_entity,      // no-such-entity (Wikibase)
  invalid_request,     // badvalue, missingparam, mustpostparams, invalidsha1hash, invalid-json, ...
  other,
};

CURATOR_API std::string_view to_string(ApiErrorType type) noexcept;

/// The kind callers act on: rate_limited for ratelimited, transient for
/// maxlag/readonly/server errors, auth for login and token trouble, ...
CURATOR_API ErrorKind kind_of(ApiErrorType type) noexcept;

/// Types from the code alone plus the two fields some codes need: `info`
/// (stashfailed has several meanings) and whether `error.offset` was given.
CURATOR_API ApiErrorType classify_api_error(std::string_view code, std::string_view info,
                                            bool has_offset = false) noexcept;

struct ApiError {
  ApiErrorType type = ApiErrorType::other;
  std::string code;
  std::string info;
  /// The error object's other members as sent (offset, filekey,
  /// invalidparameter, details, messages, ...).
  json::object data;

  ErrorKind kind() const noexcept { return kind_of(type); }
  /// wrong_offset: the offset the server expects (sent as a string or a number).
  std::optional<std::uint64_t> expected_offset() const;
  /// Errors on direct uploads still stash the bytes and name the key.
  std::optional<std::string> filekey() const;
  /// "code: info", the text upstream stored as the failure reason.
  std::string describe() const;
};

/// The error an answer carries, or nullopt when it carries none (including a
/// non-object answer). A malformed `error` (not an object, no code) still
/// gives an ApiError, with code "unknown-error" and type `other`.
CURATOR_API std::optional<ApiError> find_api_error(const json::value& response);

/// The one exception the mediawiki module throws for an API error answer: a
/// curator::Error (kind and code from the ApiError) that keeps the typed error.
class CURATOR_API ApiException : public Error {
 public:
  explicit ApiException(ApiError error);
  const ApiError& api_error() const noexcept { return error_; }
  ApiErrorType type() const noexcept { return error_.type; }

 private:
  ApiError error_;
};

}  // namespace curator::mediawiki
