#pragma once
// Which source images are already on Commons: the Commons Query Service
// (SPARQL over HTTP, upstream-pipeline.md §7.5) finds files whose structured
// data carries the source id (P1947 Mapillary photo ID, P12120 Flickr photo
// ID); a SHA-1 lookup through the MediaWiki client (wired by the caller, so
// this module does not depend on it) finds copies without that statement.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/media_image.hpp"
#include "curator/export.hpp"
#include "curator/http/retry.hpp"

namespace curator::sources {

inline constexpr std::string_view kMapillaryPhotoId = "P1947";
inline constexpr std::string_view kFlickrPhotoId = "P12120";

/// Titles of the current Commons files with this SHA-1 (40 hex digits),
/// with or without the "File:" prefix (`list=allimages&aisha1=`).
using Sha1Lookup = std::function<std::vector<std::string>(std::string_view sha1)>;

struct ExistingFilesOptions {
  std::string wcqs_url;     // Config::wcqs_url
  std::string oauth_token;  // Config::wcqs_oauth_token, sent as the wcqsOauth cookie
  std::string contact_url;  // for the User-Agent
  std::size_t ids_per_query = 200;
  int concurrency = 2;  // queries at once (a shared public service)
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  /// A longer Retry-After is not waited for: a listing should not stall on it.
  http::RetryPolicy retry{.delays = {std::chrono::seconds(2), std::chrono::seconds(5)},
                          .max_retry_after = std::chrono::seconds(10)};
  /// Where a file's page lives, for SHA-1 results: base + "File:Name.jpg".
  std::string file_page_base = "https://commons.wikimedia.org/wiki/";
  Sha1Lookup sha1_lookup;  // empty: by_sha1() is Error(invalid_input)
};

class CURATOR_API ExistingFileFinder {
 public:
  /// Throws Error(invalid_input) for an empty URL or a zero batch size.
  explicit ExistingFileFinder(ExistingFilesOptions options);
  ~ExistingFileFinder();
  ExistingFileFinder(const ExistingFileFinder&) = delete;
  ExistingFileFinder& operator=(const ExistingFileFinder&) = delete;

  /// Files whose `property` statement holds one of `ids`, keyed by id; each
  /// url is the `?file` entity URI (…/entity/M123). Queries run in batches of
  /// ids_per_query. Throws Error: rate_limited (429, with retry_after; later
  /// calls fail fast until it passes), transient, auth, permanent (an answer
  /// that is not sparql-results+json).
  std::map<std::string, std::vector<ExistingFile>> by_source_ids(
      std::string_view property, const std::vector<std::string>& ids);

  /// Files with this SHA-1, as description-page URLs. Error(invalid_input)
  /// for a malformed hash or when no lookup was configured.
  std::vector<ExistingFile> by_sha1(std::string_view sha1);

  /// Requests sent to the query service so far.
  std::size_t requests_sent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::sources
