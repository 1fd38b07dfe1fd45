#pragma once
// Flickr license ids and what Commons accepts of them (references.md §B.8):
// 4, 5, 7, 8, 9, 10, 11 and 12 are free; every other id is refused with a
// reason that names the license. Knows nothing of the Flickr API itself.

#include <optional>
#include <string>
#include <string_view>

#include "curator/export.hpp"

namespace curator::sources {

struct FlickrLicense {
  int id = 0;
  std::string_view name;           // e.g. "CC BY-SA 2.0"
  std::string_view url;            // the license text, empty when there is none
  bool free = false;               // accepted on Commons
  std::string_view wikidata_item;  // for SDC P275, empty when none fits
};

/// The license with this Flickr id (0 to 16), or nullopt.
CURATOR_API std::optional<FlickrLicense> flickr_license(int id) noexcept;
/// The same for the id as Flickr sends it ("4"); nullopt for anything else.
CURATOR_API std::optional<FlickrLicense> flickr_license(std::string_view id_text) noexcept;

/// Why a photo under `license_id` cannot go to Commons, e.g. "not freely
/// licensed: All Rights Reserved (Flickr license 0)"; nullopt when it can.
CURATOR_API std::optional<std::string> flickr_license_refusal(std::string_view license_id);

}  // namespace curator::sources
