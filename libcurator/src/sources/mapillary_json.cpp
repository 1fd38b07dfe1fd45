#include "sources/mapillary_json.hpp"

#include <fmt/format.h>

#include <cmath>

#include "curator/core/error.hpp"

namespace curator::sources::mapillary {
namespace {

[[noreturn]] void bad(std::string_view id, std::string_view what) {
  throw Error(ErrorKind::permanent, fmt::format("Mapillary image {}: {}", id, what),
              "invalid_metadata");
}

// Graph ids arrive as strings, but numbers are accepted as the same text.
std::optional<std::string> id_text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double d = v->to_number<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string text_or_empty(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The API writes the string "none" when a camera reports no make or model.
std::optional<std::string> camera_field(const json::object& o, std::string_view key) {
  auto s = text_or_empty(o, key);
  if (s.empty() || s == "none") return std::nullopt;
  return s;
}

int dimension(const json::object& o, std::string_view key) {
  const auto d = number(o, key).value_or(0);
  if (d < 0 || d > 1'000'000) return 0;
  return static_cast<int>(d);
}

}  // namespace

std::string title_for(std::string_view id, TimePoint taken) {
  return fmt::format("Photo from Mapillary {} ({}).jpg", format_date(taken), id);
}

MediaImage image_from_json(const json::value& v, std::string_view fallback_id) {
  if (!v.is_object()) bad(fallback_id, "the image is not a JSON object");
  const auto& o = v.get_object();
  MediaImage img;
  img.id = id_text(o, "id").value_or(std::string(fallback_id));
  if (img.id.empty()) bad(fallback_id, "no id");

  const auto captured = number(o, "captured_at");
  // Year 1 to 9999 in milliseconds: anything outside is not a capture time.
  if (!captured || *captured < -62'135'596'800'000.0 || *captured > 253'402'300'799'000.0) {
    bad(img.id, "missing or invalid captured_at");
  }
  img.taken = std::chrono::floor<std::chrono::seconds>(
      from_unix_millis(static_cast<long long>(std::floor(*captured))));
  img.title = title_for(img.id, img.taken);

  const auto* geometry = o.if_contains("geometry");
  const json::array* coords = nullptr;
  if (geometry != nullptr && geometry->is_object()) {
    const auto* c = geometry->get_object().if_contains("coordinates");
    if (c != nullptr && c->is_array()) coords = &c->get_array();
  }
  if (coords == nullptr || coords->size() < 2 || !(*coords)[0].is_number() ||
      !(*coords)[1].is_number()) {
    bad(img.id, "missing geometry coordinates");
  }
  GeoLocation loc;
  loc.longitude = (*coords)[0].to_number<double>();
  loc.latitude = (*coords)[1].to_number<double>();
  if (!(std::abs(loc.latitude) <= 90) || !(std::abs(loc.longitude) <= 180)) {
    bad(img.id, "coordinates out of range");
  }
  // A heading of exactly 0 or 360 is what the API reports when it has none.
  if (auto angle = number(o, "compass_angle"); angle && *angle > 0 && *angle < 360) {
    loc.compass_angle = *angle;
  }
  img.location = loc;

  const auto* creator = o.if_contains("creator");
  if (creator == nullptr || !creator->is_object()) bad(img.id, "missing creator");
  const auto& c = creator->get_object();
  img.creator.id = id_text(c, "id").value_or("");
  img.creator.username = text_or_empty(c, "username");
  if (img.creator.username.empty()) img.creator.username = "Unknown";
  img.creator.profile_url = "https://www.mapillary.com/app/user/" + img.creator.username;

  img.urls.url = fmt::format("https://www.mapillary.com/app/?pKey={}&focus=photo", img.id);
  img.urls.original = text_or_empty(o, "thumb_original_url");
  img.urls.preview = text_or_empty(o, "thumb_1024_url");
  img.urls.thumbnail = text_or_empty(o, "thumb_256_url");
  img.width = dimension(o, "width");
  img.height = dimension(o, "height");
  img.camera.make = camera_field(o, "make");
  img.camera.model = camera_field(o, "model");
  const auto* pano = o.if_contains("is_pano");
  img.camera.is_pano = pano != nullptr && pano->is_bool() && pano->get_bool();
  return img;
}

std::vector<std::string> ids_from_listing(const json::value& v) {
  const auto& o = json::as_object(v, "Mapillary listing");
  const auto* data = o.if_contains("data");
  if (data == nullptr || !data->is_array()) {
    throw Error(ErrorKind::permanent, "Mapillary listing has no 'data' array", "invalid_response");
  }
  std::vector<std::string> ids;
  ids.reserve(data->get_array().size());
  for (const auto& e : data->get_array()) {
    std::optional<std::string> id;
    if (e.is_object()) id = id_text(e.get_object(), "id");
    if (!id || id->empty()) {
      throw Error(ErrorKind::permanent, "Mapillary listing has an entry without an id",
                  "invalid_response");
    }
    ids.push_back(std::move(*id));
  }
  return ids;
}

std::string next_page_url(const json::value& v) {
  if (!v.is_object()) return {};
  const auto* paging = v.get_object().if_contains("paging");
  if (paging == nullptr || !paging->is_object()) return {};
  return text_or_empty(paging->get_object(), "next");
}

std::string sequence_of(const json::value& v) {
  if (!v.is_object()) return {};
  return id_text(v.get_object(), "sequence").value_or("");
}

}  // namespace curator::sources::mapillary
