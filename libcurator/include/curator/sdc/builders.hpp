#pragma once
// The structured data written for a new upload from Mapillary or Flickr, built
// from the source's MediaImage and the user's upload options. Pure: no
// network, no lookups; the Wikidata items used are fixed (docs/sdc.md).

#include <optional>
#include <string>
#include <string_view>

#include "curator/core/label.hpp"
#include "curator/core/media_image.hpp"
#include "curator/export.hpp"
#include "curator/sdc/statement.hpp"

namespace curator::sdc {

struct MapillaryOptions {
  /// The user chose another licence in the wikitext: no P6216 and no P275.
  bool copyright_override = false;
  /// The caption; one with an empty value is no caption.
  std::optional<Label> label;
};

/// The statements upstream writes (upstream-pipeline.md §3.1), in its order:
/// P170 creator (somevalue + P2093 and P13988 username), P1947 Mapillary ID,
/// P1433 Mapillary database, P571 inception (UTC day of capture), P7482 source
/// (+ P137 Mapillary, P973 photo URL), P1259 point of view (+ P7787 heading
/// when 0 < angle < 360), P6216 copyrighted and P275 CC BY-SA 4.0 (unless
/// overridden), P2049 width and P2048 height. Throws Error(invalid_input) for
/// an image without an id or with coordinates off the globe.
CURATOR_API StructuredData build_mapillary(const MediaImage& image,
                                           const MapillaryOptions& options = {});

struct FlickrOptions {
  /// Flickr's licence id ("4"); when unset, MediaImage::license is used.
  std::optional<std::string> license_id;
  /// The creator's name; when unset, MediaImage::creator.username.
  std::optional<std::string> author_name;
  std::optional<Label> label;
};

struct FlickrLicense {
  int id = 0;
  std::string_view name;       // Flickr's name, "CC BY-SA 2.0"
  bool accepted = false;       // freely licensed: may go to Commons
  long long license_item = 0;  // P275 item, 0 when the licence has none
};

/// The licence with Flickr id `id` ("0" … "16"), or nullptr when unknown.
CURATOR_API const FlickrLicense* find_flickr_license(std::string_view id);

/// P12120 Flickr photo ID, P170 creator (somevalue + P2093 name, P2699
/// profile URL, P3267 Flickr user id), P275 licence (with P459 "stated at the
/// source website") when the licence has an item, P6216 copyright status,
/// P7482 source (+ P137 Flickr, P973 photo URL), P571 inception (day taken),
/// P1259 point of view when geotagged. Only licences 4, 5, 7, 8, 9, 10, 11
/// and 12 are accepted; any other (or none) throws Error(invalid_input, code
/// "license_not_accepted") naming the licence.
CURATOR_API StructuredData build_flickr(const MediaImage& image, const FlickrOptions& options = {});

}  // namespace curator::sdc
