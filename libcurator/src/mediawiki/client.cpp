#include "curator/mediawiki/client.hpp"

#include <algorithm>

#include "curator/core/error.hpp"
#include "curator/mediawiki/api_error.hpp"
#include "curator/mediawiki/titles.hpp"
#include "mediawiki/answer.hpp"
#include "mediawiki/api_session.hpp"

namespace curator::mediawiki {

struct MediaWikiClient::Impl {
  detail::ApiSession session;
  Impl(ClientOptions options, std::optional<Credentials> credentials)
      : session(std::move(options), std::move(credentials)) {}
};

namespace {

std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += '|';
    out += t;
  }
  return out;
}

}  // namespace

MediaWikiClient::MediaWikiClient(ClientOptions options, std::optional<Credentials> credentials)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(credentials))) {}
MediaWikiClient::~MediaWikiClient() = default;
MediaWikiClient::MediaWikiClient(MediaWikiClient&&) noexcept = default;
MediaWikiClient& MediaWikiClient::operator=(MediaWikiClient&&) noexcept = default;

const ClientOptions& MediaWikiClient::options() const {
  return impl_->session.options();
}
ClientStats MediaWikiClient::stats() const {
  return impl_->session.stats();
}

void MediaWikiClient::login() {
  impl_->session.login();
}

std::string MediaWikiClient::csrf_token(bool refresh) {
  return impl_->session.csrf_token(refresh);
}

void MediaWikiClient::seed_csrf_token(std::string token) {
  impl_->session.seed_token(std::move(token));
}

UserInfo MediaWikiClient::user_info() {
  return parse_userinfo(impl_->session.call({"userinfo",
                                             {{"action", "query"},
                                              {"meta", "userinfo"},
                                              {"uiprop", "ratelimits|rights|groups|blockinfo"}}}));
}

json::value MediaWikiClient::call(const ApiRequest& request) {
  if (request.with_token && !request.post) {
    throw Error(ErrorKind::invalid_input, "a CSRF token goes only with POST", "invalid_request");
  }
  std::string what = "API call";
  for (const auto& [name, value] : request.params) {
    if (name == "action") what = "action=" + value;
  }
  detail::Call call{what, request.params, request.post, request.with_token, request.idempotent};
  return impl_->session.call(call);
}

TitleBlacklistVerdict MediaWikiClient::check_title_blacklist(std::string_view title,
                                                             std::string_view action) {
  return parse_titleblacklist(impl_->session.call({"title blacklist check",
                                                   {{"action", "titleblacklist"},
                                                    {"tbtitle", std::string(title)},
                                                    {"tbaction", std::string(action)}}}));
}

std::vector<FileRecord> MediaWikiClient::find_files_by_sha1(std::string_view sha1) {
  return parse_allimages(impl_->session.call({"duplicate check by SHA-1",
                                              {{"action", "query"},
                                               {"list", "allimages"},
                                               {"aisha1", require_sha1(sha1)},
                                               {"aiprop", "sha1|size|mime|timestamp|user|url"},
                                               {"ailimit", "50"}}}));
}

std::optional<FileRecord> MediaWikiClient::image_info(std::string_view file_name) {
  return parse_imageinfo(impl_->session.call({"imageinfo",
                                              {{"action", "query"},
                                               {"titles", file_title(file_name)},
                                               {"prop", "imageinfo"},
                                               {"iiprop", "sha1|size|mime|url|timestamp|user"}}}));
}

std::optional<FileRecord> MediaWikiClient::stash_info(std::string_view filekey) {
  const auto answer = impl_->session.call({"stash info",
                                           {{"action", "query"},
                                            {"prop", "stashimageinfo"},
                                            {"siifilekey", std::string(filekey)},
                                            {"siiprop", "sha1|size|mime"}}});
  if (const auto error = find_api_error(answer)) {
    if (error->type == ApiErrorType::stash_not_found) return std::nullopt;
    throw ApiException(*error);
  }
  const auto& query =
      answer::require_object(answer::top(answer, "stashimageinfo"), "query", "stashimageinfo");
  const auto* infos = answer::array_member(query, "stashimageinfo", "stashimageinfo");
  if (infos == nullptr || infos->empty() || !infos->front().is_object()) return std::nullopt;
  const auto& o = infos->front().get_object();
  FileRecord r;
  r.sha1 = answer::string_member(o, "sha1").value_or("");
  r.size = answer::unsigned_member(o, "size");
  r.mime = answer::string_member(o, "mime").value_or("");
  return r;
}

PageText MediaWikiClient::page_text(std::string_view title) {
  // Right after an upload a lagging replica can answer without `query`
  // (upstream a23e489); that is retried with the transient budget.
  const auto& policy = options().retry;
  auto delay = policy.base_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      return parse_page_text(impl_->session.call({"page text",
                                                  {{"action", "query"},
                                                   {"prop", "revisions"},
                                                   {"rvprop", "ids|content"},
                                                   {"rvslots", "main"},
                                                   {"rvlimit", "1"},
                                                   {"titles", std::string(title)}}}));
    } catch (const Error& e) {
      if (e.code() != "replica-lag" || attempt >= policy.max_attempts) throw;
    }
    impl_->session.sleep(delay);
    delay = std::min(delay * 2, policy.max_delay);
  }
}

EditResult MediaWikiClient::edit(const EditRequest& request) {
  if (request.title.empty()) throw Error(ErrorKind::invalid_input, "edit without a title");
  if (request.create_only && request.no_create) {
    throw Error(ErrorKind::invalid_input, "createonly and nocreate exclude each other");
  }
  Params p{{"action", "edit"},
           {"title", request.title},
           {"text", request.text},
           {"summary", request.summary}};
  if (request.create_only) p.emplace_back("createonly", "1");
  if (request.no_create) p.emplace_back("nocreate", "1");
  if (request.bot) p.emplace_back("bot", "1");
  if (request.minor) p.emplace_back("minor", "1");
  if (request.base_revision_id) {
    p.emplace_back("baserevid", std::to_string(*request.base_revision_id));
  }
  if (!request.tags.empty()) p.emplace_back("tags", join_tags(request.tags));
  // Replacing the whole text is idempotent: a repeat is a null edit.
  return parse_edit_result(
      impl_->session.call({"edit " + request.title, std::move(p), true, true}));
}

bool MediaWikiClient::null_edit(std::string_view title, std::string_view summary) {
  // appendtext="" saves the current text unchanged in one request (no read,
  // no race with a concurrent edit); nocreate keeps a missing page missing.
  const auto answer = impl_->session.call({"null edit " + std::string(title),
                                           {{"action", "edit"},
                                            {"title", std::string(title)},
                                            {"appendtext", ""},
                                            {"nocreate", "1"},
                                            {"summary", std::string(summary)}},
                                           true,
                                           true});
  if (const auto error = find_api_error(answer);
      error && error->type == ApiErrorType::missing_title) {
    return false;
  }
  parse_edit_result(answer);
  return true;
}

bool MediaWikiClient::create_page(std::string_view title, std::string_view text,
                                  std::string_view summary) {
  const auto answer = impl_->session.call({"create " + std::string(title),
                                           {{"action", "edit"},
                                            {"title", std::string(title)},
                                            {"text", std::string(text)},
                                            {"summary", std::string(summary)},
                                            {"createonly", "1"}},
                                           true,
                                           true});
  if (const auto error = find_api_error(answer);
      error && error->type == ApiErrorType::article_exists) {
    return false;
  }
  return parse_edit_result(answer).changed;
}

CategoryCreation MediaWikiClient::create_category(std::string_view name, std::string_view text,
                                                  std::string_view summary) {
  const auto title = category_title(name);
  const auto answer = impl_->session.call({"create " + title,
                                           {{"action", "edit"},
                                            {"title", title},
                                            {"text", std::string(text)},
                                            {"summary", std::string(summary)},
                                            {"createonly", "1"}},
                                           true,
                                           true});
  if (const auto error = find_api_error(answer);
      error && error->type == ApiErrorType::article_exists) {
    return {title, false};
  }
  auto result = parse_edit_result(answer);
  return {result.title.empty() ? title : std::move(result.title), true};
}

std::vector<LogEvent> MediaWikiClient::deletion_log(std::string_view title, int limit) {
  if (title.empty()) throw Error(ErrorKind::invalid_input, "deletion log without a title");
  if (limit < 1 || limit > 500) {
    throw Error(ErrorKind::invalid_input, "deletion log limit outside 1..500");
  }
  return parse_log_events(impl_->session.call({"deletion log " + std::string(title),
                                               {{"action", "query"},
                                                {"list", "logevents"},
                                                {"letype", "delete"},
                                                {"letitle", std::string(title)},
                                                {"leprop", "ids|title|type|user|timestamp|comment"},
                                                {"lelimit", std::to_string(limit)}}}));
}

std::vector<std::string> MediaWikiClient::deleted_categories(
    const std::vector<std::string>& names) {
  std::vector<std::string> deleted;
  for (const auto& name : names) {
    const auto log = deletion_log(category_title(name), 50);
    if (std::any_of(log.begin(), log.end(),
                    [](const LogEvent& e) { return e.action == "delete"; })) {
      deleted.push_back(name);
    }
  }
  return deleted;
}

UploadReply MediaWikiClient::upload_chunk(const ChunkRequest& chunk) {
  if (chunk.length == 0 || chunk.offset + chunk.length > chunk.file_size) {
    throw Error(ErrorKind::invalid_input, "chunk outside the file", "invalid_chunk_request");
  }
  if ((chunk.offset == 0) == chunk.filekey.has_value()) {
    throw Error(ErrorKind::invalid_input, "a filekey goes with every chunk but the first",
                "invalid_chunk_request");
  }
  Params p{{"action", "upload"},
           {"filename", chunk.file_name},
           {"filesize", std::to_string(chunk.file_size)},
           {"offset", std::to_string(chunk.offset)},
           {"stash", "1"}};
  if (chunk.filekey) p.emplace_back("filekey", *chunk.filekey);
  if (chunk.ignore_warnings) p.emplace_back("ignorewarnings", "1");
  if (chunk.async) p.emplace_back("async", "1");
  http::FilePart part;
  part.field_name = "chunk";
  part.filename = "chunk" + std::to_string(chunk.offset);
  part.path = chunk.path;
  part.offset = chunk.offset;
  part.length = chunk.length;
  detail::Call call{"chunk at " + std::to_string(chunk.offset) + " of File:" + chunk.file_name,
                    std::move(p), true, true};
  call.file = std::move(part);
  return parse_upload_reply(impl_->session.call(call));
}

UploadReply MediaWikiClient::publish_stashed(const PublishRequest& request) {
  Params p{{"action", "upload"},
           {"filename", request.file_name},
           {"filekey", request.filekey},
           {"comment", request.comment},
           {"text", request.text}};
  if (request.ignore_warnings) p.emplace_back("ignorewarnings", "1");
  if (request.async) p.emplace_back("async", "1");
  if (!request.tags.empty()) p.emplace_back("tags", join_tags(request.tags));
  return parse_upload_reply(
      impl_->session.call({"publish File:" + request.file_name, std::move(p), true, true}));
}

UploadReply MediaWikiClient::upload_status(std::string_view filekey) {
  return parse_upload_reply(impl_->session.call(
      {"upload status",
       {{"action", "upload"}, {"filekey", std::string(filekey)}, {"checkstatus", "1"}},
       true,
       true}));
}

Entity MediaWikiClient::entity(std::string_view id) {
  return parse_entity(impl_->session.call({"wbgetentities " + std::string(id),
                                           {{"action", "wbgetentities"},
                                            {"ids", require_entity_id(id)},
                                            {"props", "info|claims|labels"}}}));
}

Entity MediaWikiClient::entity_by_title(std::string_view site, std::string_view title) {
  if (site.empty() || title.empty()) {
    throw Error(ErrorKind::invalid_input, "wbgetentities by title needs a site and a title");
  }
  return parse_entity(impl_->session.call({"wbgetentities " + std::string(title),
                                           {{"action", "wbgetentities"},
                                            {"sites", std::string(site)},
                                            {"titles", std::string(title)},
                                            {"props", "info|claims|labels"}}}));
}

EntityEditResult MediaWikiClient::edit_entity(const EntityEdit& edit) {
  const auto data = edit_entity_data(edit);
  Params p{{"action", "wbeditentity"}};
  if (edit.id) {
    p.emplace_back("id", require_entity_id(*edit.id));
  } else {
    p.emplace_back("site", edit.site);
    p.emplace_back("title", edit.title);
  }
  p.emplace_back("data", data);
  p.emplace_back("summary", edit.summary);
  if (edit.bot) p.emplace_back("bot", "1");
  if (edit.clear) p.emplace_back("clear", "1");
  if (edit.base_revision_id) p.emplace_back("baserevid", std::to_string(*edit.base_revision_id));
  if (!edit.tags.empty()) p.emplace_back("tags", join_tags(edit.tags));
  // New statements have no id yet: a blind repeat would add them twice.
  return parse_entity_edit(impl_->session.call(
      {"wbeditentity " + (edit.id ? *edit.id : edit.title), std::move(p), true, true, false}));
}

}  // namespace curator::mediawiki
