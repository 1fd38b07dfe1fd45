#pragma once
// Graph API v4 JSON → MediaImage, and the request paths the Mapillary source
// sends. Pure conversions: no transport, no retries.

#include <string>
#include <string_view>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/media_image.hpp"

namespace curator::sources::mapillary {

/// The fields the Python service asked for, in its order.
inline constexpr std::string_view kImageFields =
    "captured_at,compass_angle,creator,geometry,height,is_pano,make,model,thumb_256_url,"
    "thumb_1024_url,thumb_original_url,width";

/// Image ids per `?ids=` request: the Graph API's multi-get limit.
inline constexpr std::size_t kMaxIdsPerRequest = 50;

/// `Photo from Mapillary <YYYY-MM-DD> (<id>).jpg`, the date in UTC.
std::string title_for(std::string_view id, TimePoint taken);

/// One image object as `GET /<id>?fields=…` or an `?ids=` entry returns it.
/// `id` is used when the object carries none. Throws Error(permanent) naming
/// the missing or malformed field (geometry, creator, captured_at).
MediaImage image_from_json(const json::value& v, std::string_view id);

/// `data[].id` of a sequence listing page (ids as text, in response order).
std::vector<std::string> ids_from_listing(const json::value& v);

/// `paging.next` of a listing page, or empty when it is the last page.
std::string next_page_url(const json::value& v);

/// `sequence` of `GET /<id>?fields=sequence`; empty when the image has none.
std::string sequence_of(const json::value& v);

}  // namespace curator::sources::mapillary
