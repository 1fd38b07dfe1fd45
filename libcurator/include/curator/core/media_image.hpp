#pragma once
// MediaImage: one source photo's metadata, as the wire's `MediaImage` carries
// it to the frontend and as the pipeline and SDC builders read it.

#include <optional>
#include <string>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/time.hpp"
#include "curator/export.hpp"

namespace curator {

struct Creator {
  std::string id;
  std::string username;
  std::string profile_url;
  bool operator==(const Creator&) const = default;
};

struct GeoLocation {
  double latitude = 0;
  double longitude = 0;
  std::optional<double> compass_angle;  // degrees, only when strictly in (0, 360)
  std::optional<int> accuracy;
  // Reverse geocoding (only filled on the full-collection path).
  std::optional<std::string> city, county, state, country, country_code, postcode;
  bool operator==(const GeoLocation&) const = default;
};

struct ImageUrls {
  std::string url;        // the photo's page at the source
  std::string original;   // full-size download (expires on Mapillary)
  std::string preview;    // ~1024 px
  std::string thumbnail;  // ~256 px
  bool operator==(const ImageUrls&) const = default;
};

struct Camera {
  std::optional<std::string> make;
  std::optional<std::string> model;
  bool is_pano = false;
  bool operator==(const Camera&) const = default;
};

struct ExistingFile {
  std::string url;
  bool operator==(const ExistingFile&) const = default;
};

struct MediaImage {
  std::string id;
  std::string title;  // suggested file name
  TimePoint taken{};  // capture time, UTC
  Creator creator;
  std::optional<GeoLocation> location;  // absent for Flickr photos without geotags
  ImageUrls urls;
  int width = 0;
  int height = 0;
  Camera camera;
  std::vector<ExistingFile> existing;
  std::optional<std::string> description;
  std::optional<std::string> license;  // source licence id (Flickr)
  std::vector<std::string> tags;
  bool operator==(const MediaImage&) const = default;
};

/// The wire shape (`dates.taken` as `YYYY-MM-DDTHH:MM:SS+00:00`, optional
/// fields omitted, `tags` always present). A missing location is sent as 0,0
/// because the wire requires one.
CURATOR_API json::value to_json(const MediaImage& image);
/// Reads the wire shape back; throws Error(invalid_input) naming the field.
CURATOR_API MediaImage media_image_from_json(const json::value& v);

}  // namespace curator
