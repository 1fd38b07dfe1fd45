#pragma once
// FlickrSource: Flickr's REST API (references.md §B.8): albums
// (photosets.getPhotos), photostreams (people.getPublicPhotos, a path alias
// resolved with urls.lookupUser), single photos (photos.getInfo +
// photos.getSizes for the original). Every call, retries included, takes a
// token from a budget shared by all threads using the same API key (3,600
// calls an hour). Photos under a license Commons does not accept, and
// videos, are listed with a refusal and cannot be uploaded.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "curator/export.hpp"
#include "curator/http/retry.hpp"
#include "curator/sources/existing_files.hpp"
#include "curator/sources/geocoder.hpp"
#include "curator/sources/source.hpp"
#include "curator/sources/token_bucket.hpp"

namespace curator::sources {

struct FlickrOptions {
  std::string api_url = "https://api.flickr.com/services/rest";  // Config::flickr_api_url
  std::string api_key;                                           // Config::flickr_api_key
  std::string contact_url;
  std::size_t max_photos = 10'000;  // pages beyond this are not read (a warning says so)
  int concurrency = 4;              // pages or photos in flight at once
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  http::RetryPolicy retry{
      .delays = {std::chrono::seconds(2), std::chrono::seconds(4), std::chrono::seconds(8)}};
  /// Null: the process-wide budget of `api_key` (flickr_budget()).
  std::shared_ptr<TokenBucket> budget;
  /// The longest wait for a budget token before Error(rate_limited).
  std::chrono::seconds max_budget_wait{std::chrono::minutes(2)};
  std::shared_ptr<ReverseGeocoder> geocoder;
  std::shared_ptr<ExistingFileFinder> existing;
};

class CURATOR_API FlickrSource final : public Source {
 public:
  /// Throws Error(invalid_input) for an empty URL.
  explicit FlickrSource(FlickrOptions options);
  ~FlickrSource() override;

  std::string_view name() const override { return "flickr"; }
  CollectionRef parse_input(std::string_view input) const override;
  using Source::list_collection;
  Collection list_collection(const CollectionRef& ref, const ListOptions& options) override;
  std::vector<std::string> list_ids(const CollectionRef& ref) override;
  Collection fetch_batch(const std::vector<std::string>& ids) override;
  MediaImage fetch_image(std::string_view id) override;
  std::map<std::string, std::vector<ExistingFile>> find_existing(
      const std::vector<std::string>& ids) override;
  /// The license's refusal (references.md §B.8). Videos are refused where
  /// the media type is known: in listings, and by fetch_image.
  std::optional<std::string> refusal(const MediaImage& image) const override;
  std::size_t requests_sent() const override;

  /// The NSID of a user given as an NSID or a path alias.
  std::string resolve_user(std::string_view user);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::sources
