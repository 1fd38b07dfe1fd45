#include "curator/mediawiki/upload.hpp"

#include "curator/core/error.hpp"
#include "curator/mediawiki/titles.hpp"
#include "mediawiki/answer.hpp"

namespace curator::mediawiki {
namespace {

constexpr std::string_view kWhat = "action=upload";

// The name warnings mention: a string, or the first string of a list.
std::optional<std::string> warning_name(const json::value& v) {
  if (v.is_string()) return normalize_file_name(v.get_string());
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (e.is_string()) return normalize_file_name(e.get_string());
    }
  }
  return std::nullopt;
}

// ApiUpload::transformWarnings names UploadBase::getExistsWarning's kinds;
// three of them say the name exists, the others that it looks like a camera
// default or a thumbnail.
bool is_exists_warning(std::string_view key) {
  return key == "exists" || key == "exists-normalized" || key == "page-exists";
}

bool is_discouraged_name_warning(std::string_view key) {
  return key == "bad-prefix" || key == "thumb" || key == "thumb-name";
}

[[noreturn]] void bad_session(std::string_view why) {
  throw Error(ErrorKind::invalid_input, "malformed upload session: " + std::string(why),
              "invalid_upload_session");
}

}  // namespace

std::string UploadWarnings::names() const {
  std::string out;
  for (const auto& [key, value] : all) {
    (void)value;
    if (!out.empty()) out += ',';
    out += key;
  }
  return out;
}

UploadWarnings parse_upload_warnings(const json::object& warnings) {
  UploadWarnings w;
  w.all = warnings;
  for (const auto& [key, value] : warnings) {
    if (key == "duplicate") {
      if (value.is_array()) {
        for (const auto& e : value.get_array()) {
          if (e.is_string()) w.duplicates.push_back(normalize_file_name(e.get_string()));
        }
      } else if (auto name = warning_name(value)) {
        w.duplicates.push_back(*name);
      }
    } else if (is_exists_warning(key)) {
      // `exists` wins over its variants when several are sent.
      if (!w.exists || key == "exists") {
        w.exists = warning_name(value);
        w.exists_warning = std::string(key);
      }
    } else if (is_discouraged_name_warning(key)) {
      w.discouraged_name = warning_name(value);
      w.discouraged_warning = std::string(key);
    } else if (key == "was-deleted") {
      w.was_deleted = warning_name(value);
    } else if (key == "duplicate-archive") {
      w.duplicate_archive = warning_name(value);
    } else if (key == "badfilename") {
      w.bad_filename = warning_name(value);
    } else if (key == "nochange") {
      w.nochange = true;
    } else if (key == "duplicateversions" || key == "duplicate-version") {
      w.duplicate_version = true;
    }
  }
  return w;
}

UploadReply parse_upload_reply(const json::value& response) {
  const auto& upload = answer::require_object(answer::top(response, kWhat), "upload", kWhat);
  UploadReply r;
  const auto result = answer::string_member(upload, "result");
  if (!result) answer::malformed(kWhat, "no result");
  if (*result == "Success") {
    r.result = UploadResult::success;
  } else if (*result == "Continue") {
    r.result = UploadResult::continue_;
  } else if (*result == "Poll") {
    r.result = UploadResult::poll;
  } else if (*result == "Warning") {
    r.result = UploadResult::warning;
  } else {
    answer::malformed(kWhat, "unknown result '" + *result + "'");
  }
  r.filekey = answer::string_member(upload, "filekey");
  if (r.filekey && r.filekey->empty()) r.filekey.reset();
  r.offset = answer::unsigned_member(upload, "offset");
  if (r.result == UploadResult::continue_ && !r.offset) {
    answer::malformed(kWhat, "Continue without an offset");
  }
  r.stage = answer::string_member(upload, "stage").value_or("");
  if (auto name = answer::string_member(upload, "filename"); name && !name->empty()) {
    r.filename = normalize_file_name(*name);
  }
  if (const auto* warnings = answer::object_member(upload, "warnings", kWhat)) {
    r.warnings = parse_upload_warnings(*warnings);
  }
  if (const auto* info = answer::object_member(upload, "imageinfo", kWhat)) {
    if (auto sha1 = answer::string_member(*info, "sha1"); sha1 && !sha1->empty()) r.sha1 = sha1;
    r.size = answer::unsigned_member(*info, "size");
    r.description_url = answer::string_member(*info, "descriptionurl").value_or("");
    r.canonical_title = answer::string_member(*info, "canonicaltitle").value_or("");
  }
  return r;
}

std::string_view to_string(UploadOutcomeKind kind) noexcept {
  switch (kind) {
    case UploadOutcomeKind::published:
      return "published";
    case UploadOutcomeKind::duplicate:
      return "duplicate";
    case UploadOutcomeKind::exists:
      return "exists";
    case UploadOutcomeKind::was_deleted:
      return "was_deleted";
    case UploadOutcomeKind::duplicate_archive:
      return "duplicate_archive";
    case UploadOutcomeKind::bad_filename:
      return "bad_filename";
    case UploadOutcomeKind::blacklisted:
      return "blacklisted";
    case UploadOutcomeKind::file_refused:
      return "file_refused";
    case UploadOutcomeKind::warning:
      return "warning";
  }
  return "warning";
}

std::string UploadOutcome::describe() const {
  switch (kind) {
    case UploadOutcomeKind::published:
      return "File:" + file_name + " published";
    case UploadOutcomeKind::duplicate: {
      std::string names;
      for (const auto& d : duplicates)
        names += (names.empty() ? "File:" : ", File:") + d;
      return "File:" + file_name + " already exists on the wiki as " + names;
    }
    case UploadOutcomeKind::exists:
      return "File:" + existing_name + " exists with different content";
    case UploadOutcomeKind::was_deleted:
      return "a file named File:" + existing_name + " was deleted before";
    case UploadOutcomeKind::duplicate_archive:
      return "these bytes were deleted before, as File:" + existing_name;
    case UploadOutcomeKind::bad_filename:
      if (!suggested_name.empty()) {
        return "File:" + file_name +
               " is not a valid name (the wiki suggests File:" + suggested_name + ")";
      }
      if (!warnings.discouraged_warning.empty()) {
        return "File:" + file_name + " is a discouraged name (" + warnings.discouraged_warning +
               ")";
      }
      return "File:" + file_name + " is not a valid name" +
             (error ? " (" + error->describe() + ")" : std::string());
    case UploadOutcomeKind::blacklisted:
      return "File:" + file_name + " is blacklisted" + (error ? ": " + error->info : std::string());
    case UploadOutcomeKind::file_refused:
      return "the wiki refused the file" + (error ? ": " + error->describe() : std::string());
    case UploadOutcomeKind::warning:
      return "upload warnings: " + warnings.names();
  }
  return {};
}

std::optional<UploadOutcome> outcome_from_warnings(const UploadWarnings& warnings,
                                                   std::string_view file_name) {
  if (warnings.empty()) return std::nullopt;
  UploadOutcome o;
  o.file_name = normalize_file_name(file_name);
  o.warnings = warnings;
  if (warnings.nochange) {
    o.kind = UploadOutcomeKind::duplicate;
    o.duplicates.push_back(warnings.exists.value_or(o.file_name));
    for (const auto& d : warnings.duplicates) {
      if (d != o.duplicates.front()) o.duplicates.push_back(d);
    }
  } else if (!warnings.duplicates.empty()) {
    o.kind = UploadOutcomeKind::duplicate;
    o.duplicates = warnings.duplicates;
  } else if (warnings.exists) {
    o.kind = UploadOutcomeKind::exists;
    o.existing_name = *warnings.exists;
  } else if (warnings.duplicate_archive) {
    o.kind = UploadOutcomeKind::duplicate_archive;
    o.existing_name = *warnings.duplicate_archive;
  } else if (warnings.was_deleted) {
    o.kind = UploadOutcomeKind::was_deleted;
    o.existing_name = *warnings.was_deleted;
  } else if (warnings.bad_filename) {
    o.kind = UploadOutcomeKind::bad_filename;
    o.suggested_name = *warnings.bad_filename;
  } else if (warnings.discouraged_name) {
    o.kind = UploadOutcomeKind::bad_filename;
  } else {
    o.kind = UploadOutcomeKind::warning;
  }
  return o;
}

std::optional<UploadOutcome> outcome_from_error(const ApiError& error, std::string_view file_name) {
  UploadOutcome o;
  switch (error.type) {
    case ApiErrorType::title_blacklisted:
      o.kind = UploadOutcomeKind::blacklisted;
      break;
    case ApiErrorType::bad_filename:
      o.kind = UploadOutcomeKind::bad_filename;
      break;
    case ApiErrorType::file_refused:
      o.kind = UploadOutcomeKind::file_refused;
      break;
    case ApiErrorType::file_exists:
      o.kind = UploadOutcomeKind::exists;
      o.existing_name = normalize_file_name(file_name);
      break;
    default:
      return std::nullopt;
  }
  o.file_name = normalize_file_name(file_name);
  o.filekey = error.filekey();
  o.error = error;
  return o;
}

std::string_view to_string(UploadSession::Stage stage) noexcept {
  switch (stage) {
    case UploadSession::Stage::sending:
      return "sending";
    case UploadSession::Stage::assembling:
      return "assembling";
    case UploadSession::Stage::stashed:
      return "stashed";
    case UploadSession::Stage::publishing:
      return "publishing";
    case UploadSession::Stage::done:
      return "done";
  }
  return "sending";
}

json::value to_json(const UploadSession& s) {
  json::object o{{"file_name", s.file_name}, {"file_size", s.file_size},
                 {"sha1", s.sha1},           {"stage", to_string(s.stage)},
                 {"offset", s.offset},       {"restarts", s.restarts}};
  if (s.filekey) o["filekey"] = *s.filekey;
  return o;
}

UploadSession upload_session_from_json(const json::value& v) {
  if (!v.is_object()) bad_session("not an object");
  const auto& o = v.get_object();
  UploadSession s;
  const auto name = answer::string_member(o, "file_name");
  if (!name || name->empty()) bad_session("no file_name");
  s.file_name = *name;
  const auto size = answer::unsigned_member(o, "file_size");
  const auto offset = answer::unsigned_member(o, "offset");
  if (!size || !offset || *offset > *size) bad_session("file_size/offset");
  s.file_size = *size;
  s.offset = *offset;
  const auto* sha1 = o.if_contains("sha1");
  if (sha1 == nullptr || !sha1->is_string()) bad_session("no sha1");
  s.sha1 = std::string(sha1->get_string());
  const auto stage = answer::string_member(o, "stage").value_or("");
  bool found = false;
  for (auto st : {UploadSession::Stage::sending, UploadSession::Stage::assembling,
                  UploadSession::Stage::stashed, UploadSession::Stage::publishing,
                  UploadSession::Stage::done}) {
    if (to_string(st) == stage) {
      s.stage = st;
      found = true;
    }
  }
  if (!found) bad_session("unknown stage");
  if (const auto* key = o.if_contains("filekey"); key != nullptr && !key->is_null()) {
    if (!key->is_string() || key->get_string().empty()) bad_session("filekey");
    s.filekey = std::string(key->get_string());
  }
  if (s.stage != UploadSession::Stage::sending && s.stage != UploadSession::Stage::done &&
      !s.filekey) {
    bad_session("a filekey is needed past the sending stage");
  }
  const auto* restarts = o.if_contains("restarts");
  if (restarts != nullptr) {
    if (!restarts->is_int64() || restarts->get_int64() < 0 || restarts->get_int64() > 1000) {
      bad_session("restarts");
    }
    s.restarts = static_cast<int>(restarts->get_int64());
  }
  return s;
}

}  // namespace curator::mediawiki
