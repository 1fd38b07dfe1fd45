#include "curator/mediawiki/api_error.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace curator::mediawiki {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct CodeType {
  std::string_view code;
  ApiErrorType type;
};

// Exact codes. Prefix and substring rules follow in classify_api_error.
constexpr std::array kExactCodes{
    CodeType{"badtoken", ApiErrorType::bad_token},
    CodeType{"notoken", ApiErrorType::bad_token},
    CodeType{"assertuserfailed", ApiErrorType::not_logged_in},
    CodeType{"assertbotfailed", ApiErrorType::not_logged_in},
    CodeType{"assertnameduserfailed", ApiErrorType::not_logged_in},
    CodeType{"notloggedin", ApiErrorType::not_logged_in},
    CodeType{"readapidenied", ApiErrorType::not_logged_in},
    CodeType{"writeapidenied", ApiErrorType::permission_denied},
    CodeType{"permissiondenied", ApiErrorType::permission_denied},
    CodeType{"protectedpage", ApiErrorType::permission_denied},
    CodeType{"protectedtitle", ApiErrorType::permission_denied},
    CodeType{"cascadeprotected", ApiErrorType::permission_denied},
    CodeType{"protectednamespace", ApiErrorType::permission_denied},
    CodeType{"protectednamespace-interface", ApiErrorType::permission_denied},
    CodeType{"mustbeloggedin", ApiErrorType::not_logged_in},
    CodeType{"blocked", ApiErrorType::blocked},
    CodeType{"autoblocked", ApiErrorType::blocked},
    CodeType{"ratelimited", ApiErrorType::rate_limited},
    CodeType{"actionthrottledtext", ApiErrorType::rate_limited},
    CodeType{"maxlag", ApiErrorType::maxlag},
    CodeType{"readonly", ApiErrorType::read_only},
    CodeType{"uploadstash-exception", ApiErrorType::stash_backend},
    CodeType{"illegal-filename", ApiErrorType::bad_filename},
    CodeType{"filename-tooshort", ApiErrorType::bad_filename},
    CodeType{"filename-toolong", ApiErrorType::bad_filename},
    CodeType{"filetype-missing", ApiErrorType::bad_filename},
    CodeType{"badfilename", ApiErrorType::bad_filename},
    CodeType{"invalidtitle", ApiErrorType::bad_filename},
    CodeType{"filetype-banned", ApiErrorType::file_refused},
    CodeType{"filetype-banned-type", ApiErrorType::file_refused},
    CodeType{"verification-error", ApiErrorType::file_refused},
    CodeType{"empty-file", ApiErrorType::file_refused},
    CodeType{"emptyfile", ApiErrorType::file_refused},
    CodeType{"file-too-large", ApiErrorType::file_refused},
    CodeType{"fileexists-forbidden", ApiErrorType::file_exists},
    CodeType{"fileexists-shared-forbidden", ApiErrorType::file_exists},
    CodeType{"uploadstash-file-not-found", ApiErrorType::stash_not_found},
    CodeType{"uploadstash-bad-path", ApiErrorType::stash_not_found},
    CodeType{"uploadstash-no-such-key", ApiErrorType::stash_not_found},
    CodeType{"uploadstash-wrong-owner", ApiErrorType::stash_wrong_owner},
    CodeType{"publishfailed", ApiErrorType::upload_in_progress},
    CodeType{"missingresult", ApiErrorType::missing_result},
    CodeType{"chunk-too-small", ApiErrorType::chunk_rejected},
    CodeType{"invalid-chunk", ApiErrorType::chunk_rejected},
    CodeType{"filekeynotallowed", ApiErrorType::chunk_rejected},
    CodeType{"filekeyneeded", ApiErrorType::chunk_rejected},
    CodeType{"missingtitle", ApiErrorType::missing_title},
    CodeType{"nosuchpageid", ApiErrorType::missing_title},
    CodeType{"nosuchrevid", ApiErrorType::missing_title},
    CodeType{"articleexists", ApiErrorType::article_exists},
    CodeType{"editconflict", ApiErrorType::edit_conflict},
    CodeType{"no-such-entity", ApiErrorType::no_such_entity},
    CodeType{"no-such-entity-id", ApiErrorType::no_such_entity},
    CodeType{"no-such-entity-link", ApiErrorType::no_such_entity},
    CodeType{"missingparam", ApiErrorType::invalid_request},
    CodeType{"mustpostparams", ApiErrorType::invalid_request},
    CodeType{"badvalue", ApiErrorType::invalid_request},
    CodeType{"badparams", ApiErrorType::invalid_request},
    CodeType{"paramempty", ApiErrorType::invalid_request},
    CodeType{"invalidparammix", ApiErrorType::invalid_request},
    CodeType{"badinteger", ApiErrorType::invalid_request},
    CodeType{"unknown_action", ApiErrorType::invalid_request},
    CodeType{"badformat", ApiErrorType::invalid_request},
    CodeType{"toomanyvalues", ApiErrorType::invalid_request},
    CodeType{"invalidsha1hash", ApiErrorType::invalid_request},
    CodeType{"invalidsha1base36hash", ApiErrorType::invalid_request},
    CodeType{"invalid-file-key", ApiErrorType::invalid_request},
    CodeType{"cannot-async-upload-file", ApiErrorType::invalid_request},
    CodeType{"invalid-json", ApiErrorType::invalid_request},
    CodeType{"not-recognized", ApiErrorType::invalid_request},
    CodeType{"not-recognized-array", ApiErrorType::invalid_request},
    CodeType{"param-missing", ApiErrorType::invalid_request},
    CodeType{"param-illegal", ApiErrorType::invalid_request},
    CodeType{"param-invalid", ApiErrorType::invalid_request},
    CodeType{"invalid-entity-id", ApiErrorType::invalid_request},
    CodeType{"modification-failed", ApiErrorType::invalid_request},
    CodeType{"failed-modify", ApiErrorType::invalid_request},
};

ApiErrorType classify_stashfailed(std::string_view info, bool has_offset) {
  if (has_offset || contains(info, "Invalid chunk offset")) return ApiErrorType::wrong_offset;
  if (contains(info, "already completed")) return ApiErrorType::upload_completed;
  if (contains(info, "No chunked upload session")) return ApiErrorType::stash_not_found;
  if (contains(info, "already in progress")) return ApiErrorType::upload_in_progress;
  // Chunks are verified when assembled; the verdict comes back as stashfailed.
  if (contains(info, "verification") || contains(info, "not a permitted file type")) {
    return ApiErrorType::file_refused;
  }
  if (contains(info, "backend-fail") || contains(info, "Exception")) {
    return ApiErrorType::server_error;
  }
  return ApiErrorType::other;
}

std::string text_of(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_null()) return {};
  return json::serialize(*v);
}

}  // namespace

std::string_view to_string(ApiErrorType type) noexcept {
  switch (type) {
    case ApiErrorType::bad_token:
      return "bad_token";
    case ApiErrorType::oauth_nonce_reused:
      return "oauth_nonce_reused";
    case ApiErrorType::not_logged_in:
      return "not_logged_in";
    case ApiErrorType::permission_denied:
      return "permission_denied";
    case ApiErrorType::blocked:
      return "blocked";
    case ApiErrorType::rate_limited:
      return "rate_limited";
    case ApiErrorType::maxlag:
      return "maxlag";
    case ApiErrorType::read_only:
      return "read_only";
    case ApiErrorType::server_error:
      return "server_error";
    case ApiErrorType::stash_backend:
      return "stash_backend";
    case ApiErrorType::title_blacklisted:
      return "title_blacklisted";
    case ApiErrorType::bad_filename:
      return "bad_filename";
    case ApiErrorType::file_refused:
      return "file_refused";
    case ApiErrorType::file_exists:
      return "file_exists";
    case ApiErrorType::stash_not_found:
      return "stash_not_found";
    case ApiErrorType::stash_wrong_owner:
      return "stash_wrong_owner";
    case ApiErrorType::wrong_offset:
      return "wrong_offset";
    case ApiErrorType::upload_completed:
      return "upload_completed";
    case ApiErrorType::upload_in_progress:
      return "upload_in_progress";
    case ApiErrorType::missing_result:
      return "missing_result";
    case ApiErrorType::chunk_rejected:
      return "chunk_rejected";
    case ApiErrorType::missing_title:
      return "missing_title";
    case ApiErrorType::article_exists:
      return "article_exists";
    case ApiErrorType::edit_conflict:
      return "edit_conflict";
    case ApiErrorType::no_such_entity:
      return "no_such_entity";
    case ApiErrorType::invalid_request:
      return "invalid_request";
    case ApiErrorType::other:
      return "other";
  }
  return "other";
}

ErrorKind kind_of(ApiErrorType type) noexcept {
  switch (type) {
    case ApiErrorType::rate_limited:
      return ErrorKind::rate_limited;
    case ApiErrorType::oauth_nonce_reused:
    case ApiErrorType::maxlag:
    case ApiErrorType::read_only:
    case ApiErrorType::server_error:
    case ApiErrorType::stash_backend:
      return ErrorKind::transient;
    case ApiErrorType::bad_token:
    case ApiErrorType::not_logged_in:
    case ApiErrorType::permission_denied:
    case ApiErrorType::stash_wrong_owner:
      return ErrorKind::auth;
    case ApiErrorType::title_blacklisted:
    case ApiErrorType::bad_filename:
    case ApiErrorType::file_refused:
    case ApiErrorType::chunk_rejected:
    case ApiErrorType::invalid_request:
      return ErrorKind::invalid_input;
    case ApiErrorType::article_exists:
      return ErrorKind::duplicate;
    case ApiErrorType::file_exists:
    case ApiErrorType::wrong_offset:
    case ApiErrorType::upload_completed:
    case ApiErrorType::upload_in_progress:
    case ApiErrorType::edit_conflict:
      return ErrorKind::conflict;
    case ApiErrorType::stash_not_found:
    case ApiErrorType::missing_result:
    case ApiErrorType::missing_title:
    case ApiErrorType::no_such_entity:
      return ErrorKind::not_found;
    case ApiErrorType::blocked:
    case ApiErrorType::other:
      return ErrorKind::permanent;
  }
  return ErrorKind::permanent;
}

ApiErrorType classify_api_error(std::string_view code, std::string_view info,
                                bool has_offset) noexcept {
  for (const auto& entry : kExactCodes) {
    if (entry.code == code) return entry.type;
  }
  if (code == "stashfailed") return classify_stashfailed(info, has_offset);
  if (code == "mwoauth-invalid-authorization" && contains(info, "Nonce already used")) {
    return ApiErrorType::oauth_nonce_reused;
  }
  if (starts_with(code, "mwoauth-")) return ApiErrorType::not_logged_in;
  if (starts_with(code, "titleblacklist-")) return ApiErrorType::title_blacklisted;
  // Upstream retried exactly these: the class names of storage and job-queue
  // exceptions (with either separator) and internal_api_error_*.
  if (starts_with(code, "internal_api_error") || contains(code, "UploadStashFileException") ||
      contains(code, "UploadChunkFileException") || contains(code, "JobQueueError") ||
      starts_with(code, "backend-fail") || contains(info, "backend-fail-internal")) {
    return ApiErrorType::server_error;
  }
  if (starts_with(code, "globalblocking-") || ends_with(code, "-blocked")) {
    return ApiErrorType::blocked;
  }
  if (ends_with(code, "-denied") || starts_with(code, "cant")) {
    return ApiErrorType::permission_denied;
  }
  return ApiErrorType::other;
}

std::optional<std::uint64_t> ApiError::expected_offset() const {
  const auto* v = data.if_contains("offset");
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
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

std::optional<std::string> ApiError::filekey() const {
  const auto* v = data.if_contains("filekey");
  if (v == nullptr || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

std::string ApiError::describe() const {
  if (info.empty()) return code;
  return code + ": " + info;
}

std::optional<ApiError> find_api_error(const json::value& response) {
  if (!response.is_object()) return std::nullopt;
  const auto& top = response.get_object();
  const json::value* error = top.if_contains("error");
  if (error == nullptr) {
    // errorformat=plaintext|wikitext|html: `errors` is an array of
    // {code, text|html, module, data?}; the first one decides.
    const auto* errors = top.if_contains("errors");
    if (errors == nullptr) return std::nullopt;
    if (!errors->is_array() || errors->get_array().empty()) {
      return ApiError{ApiErrorType::other, "unknown-error", "malformed 'errors' member", {}};
    }
    error = &errors->get_array().front();
  }
  ApiError out;
  if (!error->is_object()) {
    out.code = "unknown-error";
    out.info = text_of(error);
    return out;
  }
  const auto& o = error->get_object();
  const auto* code = o.if_contains("code");
  out.code = (code != nullptr && code->is_string() && !code->get_string().empty())
                 ? std::string(code->get_string())
                 : std::string("unknown-error");
  const auto* info = o.if_contains("info");
  if (info == nullptr) info = o.if_contains("text");
  if (info == nullptr) info = o.if_contains("html");
  out.info = text_of(info);
  for (const auto& [key, value] : o) {
    if (key == "code" || key == "info" || key == "text" || key == "html" || key == "docref" ||
        key == "*") {
      continue;
    }
    out.data.emplace(key, value);
  }
  // errorformat=plaintext puts extra data under `data`.
  if (const auto* nested = o.if_contains("data"); nested != nullptr && nested->is_object()) {
    for (const auto& [key, value] : nested->get_object()) {
      if (!out.data.contains(key)) out.data.emplace(key, value);
    }
  }
  out.type = classify_api_error(out.code, out.info, out.data.contains("offset"));
  return out;
}

ApiException::ApiException(ApiError error)
    : Error(error.kind(), error.describe(), error.code), error_(std::move(error)) {}

}  // namespace curator::mediawiki
