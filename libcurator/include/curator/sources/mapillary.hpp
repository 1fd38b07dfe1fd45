#pragma once
// MapillarySource: Mapillary's Graph API v4 (references.md §B.7). A listing
// takes the sequence's ids first (paged), then their metadata in batches of
// up to 100 ids fetched concurrently, sorts by capture time, and enriches
// with addresses and existing Commons files (P1947). Requests carry
// `Authorization: OAuth <token>`; 5xx, 429 and timeouts are retried, then
// surface as transient / rate_limited errors; 4xx are permanent (401/403 and
// token errors: auth; unknown objects: not_found) with the API's message.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "curator/export.hpp"
#include "curator/http/retry.hpp"
#include "curator/sources/existing_files.hpp"
#include "curator/sources/geocoder.hpp"
#include "curator/sources/source.hpp"

namespace curator::sources {

struct MapillaryOptions {
  std::string api_url = "https://graph.mapillary.com";  // Config::mapillary_api_url
  std::string token;                                    // Config::mapillary_token
  std::string contact_url;                              // for the User-Agent
  std::size_t ids_per_request = 100;                    // multi-get batch (the API refuses more)
  std::size_t ids_page_size = 2000;                     // `limit` of each /image_ids page
  std::size_t max_images = 100'000;                     // a listing stops with an error beyond this
  int concurrency = 8;                                  // metadata batches in flight at once
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  http::RetryPolicy retry{
      .delays = {std::chrono::seconds(2), std::chrono::seconds(4), std::chrono::seconds(8)}};
  std::shared_ptr<ReverseGeocoder> geocoder;     // null: no addresses
  std::shared_ptr<ExistingFileFinder> existing;  // null: `existing` stays empty
};

class CURATOR_API MapillarySource final : public Source {
 public:
  /// Throws Error(invalid_input) for an empty URL or a batch size not in 1..100.
  explicit MapillarySource(MapillaryOptions options);
  ~MapillarySource() override;

  std::string_view name() const override { return "mapillary"; }
  CollectionRef parse_input(std::string_view input) const override;
  using Source::list_collection;
  Collection list_collection(const CollectionRef& ref, const ListOptions& options) override;
  std::vector<std::string> list_ids(const CollectionRef& ref) override;
  Collection fetch_batch(const std::vector<std::string>& ids) override;
  MediaImage fetch_image(std::string_view id) override;
  std::map<std::string, std::vector<ExistingFile>> find_existing(
      const std::vector<std::string>& ids) override;
  std::optional<std::string> refusal(const MediaImage&) const override { return std::nullopt; }
  std::size_t requests_sent() const override;

  /// The sequence an image belongs to (`GET /<id>?fields=sequence`).
  std::string sequence_of_image(std::string_view image_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::sources
