#pragma once
// Flickr REST JSON → MediaImage, page counters and error envelopes. Pure
// conversions: no transport, no budget, no retries.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/media_image.hpp"

namespace curator::sources::flickr {

/// The extras asked for in photoset and photostream listings.
inline constexpr std::string_view kListingExtras =
    "description,license,date_taken,date_upload,owner_name,path_alias,geo,tags,media,url_o,"
    "url_l,url_q,url_s,original_format";
/// Flickr's largest page.
inline constexpr int kPerPage = 500;

/// Throws Error unless `stat` is "ok": code 1 (not found) → not_found;
/// 98, 99, 100 (login, permission, API key) → auth; 105 (unavailable) →
/// transient; others → permanent; message "Flickr API error <code>: <message>".
void check_stat(const json::value& response);

struct Page {
  int page = 1;
  int pages = 1;
  long long total = 0;
};
/// The counters of a `photoset` or `photos` container (numbers or strings).
Page page_of(const json::object& container);

/// The owner a listing states once for all its photos (photoset.owner).
struct Owner {
  std::string nsid;
  std::string username;
  std::string path_alias;
};

/// One photo of photosets.getPhotos / people.getPublicPhotos with the
/// listing extras. Throws Error(permanent) naming a missing id, owner or date.
MediaImage photo_from_listing(const json::value& photo, const Owner& fallback);

/// photos.getInfo's `photo` object (no URLs: see apply_sizes).
MediaImage photo_from_info(const json::value& photo);

/// Fills original (label "Original", else the widest), preview ("Large" or
/// the widest up to 1024) and thumbnail ("Large Square", else "Small")
/// from photos.getSizes's response, and the dimensions from the original.
void apply_sizes(MediaImage& image, const json::value& sizes_response);

/// "video" or "photo" (default) from a listing entry or getInfo's photo.
std::string media_of(const json::value& photo);

}  // namespace curator::sources::flickr
