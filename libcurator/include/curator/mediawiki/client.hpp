#pragma once
// MediaWikiClient: everything libcurator says to a MediaWiki (Commons, a test
// wiki, Wikidata) through the Action API. One client is one session for one
// set of credentials: a cookie jar (bot passwords), OAuth 1.0a signing or an
// OAuth 2 bearer token, a cached CSRF token, and one HTTP connection. Every
// request sends format=json&formatversion=2 and maxlag, and is retried on
// network errors, 5xx, maxlag, read-only, server-side exceptions, ratelimited
// (backing off up to a cap), badtoken (with a fresh token), a reused OAuth
// nonce and a lost login session. Other API errors come back as typed values
// (ApiException, or a result type that says what happened).
//
// Not thread-safe: use one client per thread (the HTTP client is the same).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/auth/oauth1.hpp"
#include "curator/core/credentials.hpp"
#include "curator/core/json.hpp"
#include "curator/export.hpp"
#include "curator/http/client.hpp"
#include "curator/mediawiki/files.hpp"
#include "curator/mediawiki/pages.hpp"
#include "curator/mediawiki/upload.hpp"
#include "curator/mediawiki/userinfo.hpp"
#include "curator/mediawiki/wikibase.hpp"

namespace curator::mediawiki {

/// Name/value pairs of an API request, decoded.
using Params = std::vector<std::pair<std::string, std::string>>;

struct ApiRetryPolicy {
  /// Attempts per call for network errors, 5xx, maxlag, readonly and
  /// server-side exceptions (the first attempt included).
  int max_attempts = 4;
  /// Wait before the second attempt; doubles each time, at most max_delay. A
  /// longer Retry-After (maxlag, 503) is honoured up to max_delay.
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{30000};
  /// Extra attempts after `ratelimited` (or HTTP 429); 0 hands it to the
  /// caller at once as Error(rate_limited) with a retry_after.
  int rate_limited_retries = 2;
  std::chrono::milliseconds rate_limited_delay{15000};  // doubles, at most the cap
  std::chrono::milliseconds max_rate_limited_delay{120000};
  /// Extra attempts after badtoken (fresh CSRF token), a reused OAuth nonce
  /// or a lost login session (bot passwords log in again).
  int session_retries = 2;
  /// Waits go through this (default std::this_thread::sleep_for); tests and
  /// callers that must stay cancellable replace it.
  std::function<void(std::chrono::milliseconds)> sleep{};
};

struct ClientOptions {
  std::string api_url;  // e.g. https://commons.wikimedia.org/w/api.php
  http::ClientOptions http{};
  /// The application's OAuth 1.0a consumer; needed with OAuth1Token credentials.
  std::optional<auth::OAuthConsumer> oauth_consumer{};
  /// maxlag=N on every request (nullopt: not sent). Commons asks bots for 5.
  std::optional<int> maxlag = 5;
  /// assert=user on every request once logged in, so a lost session shows up
  /// as an error instead of an anonymous edit.
  bool assert_user = true;
  ApiRetryPolicy retry{};
};

/// A raw API call for actions the client does not wrap.
struct ApiRequest {
  Params params{};  // action=... and the rest; format/formatversion are added
  bool post = false;
  bool with_token = false;  // add a fresh CSRF token (POST only)
  /// Whether repeating the request after a response was lost is harmless;
  /// when false, a timeout, broken connection, gateway 5xx or garbled answer
  /// after sending is reported (Error(transient, "outcome_unknown")) instead
  /// of retried: the caller re-reads the wiki's state.
  bool idempotent = true;
};

/// One chunk of a chunked upload: bytes [offset, offset + length) of `path`.
struct ChunkRequest {
  std::string file_name{};
  std::uint64_t file_size = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::optional<std::string> filekey{};  // none for the first chunk
  std::filesystem::path path{};
  bool async = false;           // async=1 (last chunk only): assemble in a job
  bool ignore_warnings = true;  // name warnings on chunks would break the session
};

struct PublishRequest {
  std::string file_name{};
  std::string filekey{};
  std::string comment{};
  std::string text{};
  bool ignore_warnings = false;
  bool async = false;
  std::vector<std::string> tags{};
};

struct ClientStats {
  long requests = 0;                 // HTTP requests sent (attempts included)
  long retries = 0;                  // attempts after the first, for any reason
  long logins = 0;                   // action=login round trips
  long token_refreshes = 0;          // CSRF tokens fetched
  std::uint64_t bytes_uploaded = 0;  // chunk bytes sent
};

class CURATOR_API MediaWikiClient {
 public:
  /// Without credentials the client is anonymous (reads only). Throws
  /// Error(invalid_input) for an empty API URL, OAuth1Token credentials
  /// without a consumer, or bad HTTP options.
  explicit MediaWikiClient(ClientOptions options,
                           std::optional<Credentials> credentials = std::nullopt);
  ~MediaWikiClient();
  MediaWikiClient(MediaWikiClient&&) noexcept;
  MediaWikiClient& operator=(MediaWikiClient&&) noexcept;
  MediaWikiClient(const MediaWikiClient&) = delete;
  MediaWikiClient& operator=(const MediaWikiClient&) = delete;

  const ClientOptions& options() const;
  ClientStats stats() const;

  // --- Session -----------------------------------------------------------

  /// Bot passwords: logs in now (otherwise it happens before the first
  /// request). Throws Error(auth, "login-failed") on refused credentials.
  /// No-op for OAuth and anonymous clients.
  void login();
  /// The cached CSRF token, fetched when missing or when `refresh`.
  std::string csrf_token(bool refresh = false);
  /// Seeds the token cache (e.g. with a token from a raw call); a stale or
  /// foreign token is replaced after the first badtoken. A login (also the
  /// implicit first one) drops it: seed after login().
  void seed_csrf_token(std::string token);
  /// meta=userinfo with rights, groups, block info and rate limits.
  UserInfo user_info();

  // --- Raw calls ---------------------------------------------------------

  /// Sends any request with the client's session, retries and signing.
  /// Returns the answer, error answers included, unless the error is one the
  /// client retries and the retries ran out (then it throws ApiException).
  json::value call(const ApiRequest& request);

  // --- Files and titles --------------------------------------------------

  /// action=titleblacklist for `title` ("File:X.jpg"); `action` is create,
  /// edit, upload, move or new-account.
  TitleBlacklistVerdict check_title_blacklist(std::string_view title,
                                              std::string_view action = "upload");
  /// list=allimages&aisha1=: current files with these bytes.
  std::vector<FileRecord> find_files_by_sha1(std::string_view sha1);
  /// prop=imageinfo of File:<name>; nullopt when there is no such file.
  std::optional<FileRecord> image_info(std::string_view file_name);
  /// prop=stashimageinfo of a stash key; nullopt when the key is gone.
  std::optional<FileRecord> stash_info(std::string_view filekey);

  // --- Pages -------------------------------------------------------------

  /// The current text of a page (retried while a lagging replica answers
  /// without `query`).
  PageText page_text(std::string_view title);
  EditResult edit(const EditRequest& request);
  /// Saves the page unchanged so templates that read structured data render
  /// again. Returns false when the page does not exist (nothing is created).
  bool null_edit(std::string_view title, std::string_view summary = "null edit");
  /// createonly=1: true when created, false when the page already existed.
  bool create_page(std::string_view title, std::string_view text, std::string_view summary);
  /// Creates Category:<name> (see category_title) with createonly=1; an
  /// existing category is left as it is and reported with created = false.
  /// Other refusals (blacklist, protection) throw ApiException.
  CategoryCreation create_category(std::string_view name, std::string_view text,
                                   std::string_view summary = "Create category");
  /// list=logevents&letype=delete for one title, newest first, at most `limit`.
  std::vector<LogEvent> deletion_log(std::string_view title, int limit = 10);
  /// The names whose category was ever deleted (a "delete" entry in the
  /// deletion log, as upstream checks; a later restore does not clear it), in
  /// input order. One request per name.
  std::vector<std::string> deleted_categories(const std::vector<std::string>& names);

  // --- Upload protocol steps (ChunkedUpload drives them) ------------------

  UploadReply upload_chunk(const ChunkRequest& chunk);
  UploadReply publish_stashed(const PublishRequest& request);
  /// checkstatus=1 for a key whose assembly or publish was queued.
  UploadReply upload_status(std::string_view filekey);

  // --- Wikibase ----------------------------------------------------------

  /// wbgetentities by id ("M123", "Q42") with info, claims and labels.
  Entity entity(std::string_view id);
  /// wbgetentities by site and title ("commonswiki", "File:X.jpg").
  Entity entity_by_title(std::string_view site, std::string_view title);
  /// wbeditentity; not repeated when its answer was lost (see ApiRequest::idempotent).
  EntityEditResult edit_entity(const EntityEdit& edit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::mediawiki
