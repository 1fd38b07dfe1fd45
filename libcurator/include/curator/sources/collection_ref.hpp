#pragma once
// CollectionRef: what a person pasted (a URL, an id, a list of ids), parsed
// into a typed reference that a Source can list. Parsing is pure text work:
// nothing here talks to a network or knows how a source is queried.

#include <string>
#include <string_view>
#include <vector>

#include "curator/export.hpp"

namespace curator::sources {

enum class CollectionKind {
  collection,  // a Mapillary sequence or a Flickr album (photoset)
  image,       // one image; Mapillary lists its whole sequence, Flickr the photo alone
  user,        // a Flickr user's public photostream
  images,      // an explicit list of image ids
};

CURATOR_API std::string_view to_string(CollectionKind kind) noexcept;

struct CollectionRef {
  std::string handler;  // "mapillary" or "flickr"
  CollectionKind kind = CollectionKind::collection;
  std::string id;                // sequence, album or image id (empty for user/images)
  std::string owner;             // Flickr user (NSID or path alias) when the URL names one
  std::vector<std::string> ids;  // kind == images
  bool operator==(const CollectionRef&) const = default;
};

/// Longest input accepted (a pasted URL or id list), and most ids in a list.
inline constexpr std::size_t kMaxInputBytes = 64 * 1024;
inline constexpr std::size_t kMaxListedIds = 5000;

/// Mapillary: a sequence id; a sequence URL (`…/app/sequence/<id>`,
/// `…/map/s/<id>`, or any mapillary.com URL with `sKey=<id>`); an image URL
/// with `pKey=<id>` (its sequence is listed); `…/map/im/<id>`; or image ids
/// separated by commas or white space. Throws Error(invalid_input) listing the
/// accepted forms on anything else.
CURATOR_API CollectionRef parse_mapillary_input(std::string_view input);

/// Flickr: an album URL (`/photos/<user>/albums/<id>` or `/sets/<id>`), a
/// photo URL (`/photos/<user>/<photo id>`), a photostream URL
/// (`/photos/<user>` or `/people/<user>`), a `flic.kr/p/<code>` short link, an
/// album id, a user NSID (`12345678@N00`), or photo ids separated by commas or
/// white space. Throws Error(invalid_input) listing the accepted forms.
CURATOR_API CollectionRef parse_flickr_input(std::string_view input);

}  // namespace curator::sources
