#pragma once
// Source: where photos come from (upstream-pipeline.md §7.1). One interface
// for Mapillary, Flickr and any later source: list a collection, list its
// ids, fetch metadata for a batch, fetch one image's fresh metadata (download
// URLs expire), find the images already on Commons, and say why an image may
// not be uploaded. Implementations own their HTTP details; callers see only
// MediaImage and curator::Error (transient, rate_limited, auth, not_found,
// invalid_input, permanent).

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/media_image.hpp"
#include "curator/export.hpp"
#include "curator/sources/collection_ref.hpp"

namespace curator::sources {

/// What a listing (or a batch fetch) found.
struct Collection {
  /// The resolved collection: sequence id, album id or user NSID (the wire's
  /// `sequence_id`); the image id for a single image; empty for an id list.
  std::string id;
  /// Capture order for listings, the requested order for batches.
  std::vector<MediaImage> images;
  /// Listed images that cannot be uploaded, with the reason (e.g. "not
  /// freely licensed: All Rights Reserved (Flickr license 0)").
  std::map<std::string, std::string> refusals;
  /// Ids whose metadata could not be read (deleted, incomplete), with why.
  std::map<std::string, std::string> missing;
  /// Enrichment that failed without failing the listing (geocoder, WCQS).
  std::vector<std::string> warnings;
};

struct ListOptions {
  bool geocode = true;        // fill city … postcode from the reverse geocoder
  bool find_existing = true;  // fill `existing` from the Commons Query Service
  /// Called as metadata arrives: (images read so far, images the source says
  /// the collection has). Calls come from worker threads, one at a time.
  std::function<void(std::size_t done, std::size_t total)> on_progress;
};

class CURATOR_API Source {
 public:
  virtual ~Source();

  /// The handler name ("mapillary", "flickr").
  virtual std::string_view name() const = 0;

  /// Parses what a person pasted; Error(invalid_input) lists the accepted forms.
  virtual CollectionRef parse_input(std::string_view input) const = 0;

  /// Every image of the collection with metadata, in capture order, with
  /// addresses and existing Commons files unless `options` says otherwise.
  /// Error(not_found) when the collection does not exist or is empty.
  virtual Collection list_collection(const CollectionRef& ref, const ListOptions& options) = 0;
  Collection list_collection(const CollectionRef& ref) { return list_collection(ref, {}); }

  /// Only the ids of the collection (capture order where the API gives it).
  virtual std::vector<std::string> list_ids(const CollectionRef& ref) = 0;

  /// Metadata for these ids, without enrichment; ids the source does not
  /// return land in `missing`.
  virtual Collection fetch_batch(const std::vector<std::string>& ids) = 0;

  /// Fresh metadata for one image (its download URL is new). Error(not_found)
  /// when the image is gone.
  virtual MediaImage fetch_image(std::string_view id) = 0;

  /// Commons files that already hold these images (by their source-id
  /// statement), keyed by image id; ids without files are absent.
  virtual std::map<std::string, std::vector<ExistingFile>> find_existing(
      const std::vector<std::string>& ids) = 0;

  /// Why `image` may not go to Commons (license, media type), or nullopt.
  virtual std::optional<std::string> refusal(const MediaImage& image) const = 0;

  /// Throws Error(invalid_input, <refusal>, "not_uploadable") when refusal() has one.
  void ensure_uploadable(const MediaImage& image) const;

  /// Requests sent to the source's API so far (every retry counts).
  virtual std::size_t requests_sent() const = 0;
};

}  // namespace curator::sources
