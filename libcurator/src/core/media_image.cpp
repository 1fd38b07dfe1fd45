#include "curator/core/media_image.hpp"

#include "curator/core/error.hpp"

namespace curator {
namespace {

void put_optional(json::object& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o[key] = *v;
}

json::value location_json(const std::optional<GeoLocation>& loc) {
  json::object o;
  o["latitude"] = loc ? loc->latitude : 0.0;
  o["longitude"] = loc ? loc->longitude : 0.0;
  if (!loc) return o;
  if (loc->compass_angle) o["compass_angle"] = *loc->compass_angle;
  if (loc->accuracy) o["accuracy"] = *loc->accuracy;
  put_optional(o, "city", loc->city);
  put_optional(o, "county", loc->county);
  put_optional(o, "state", loc->state);
  put_optional(o, "country", loc->country);
  put_optional(o, "country_code", loc->country_code);
  put_optional(o, "postcode", loc->postcode);
  return o;
}

const json::object& require_object(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) {
    throw Error(ErrorKind::invalid_input, "field '" + std::string(key) + "' must be an object",
                "invalid_field");
  }
  return v->get_object();
}

int small_int(const json::object& o, std::string_view key) {
  const auto v = json::get_int(o, key).value_or(0);
  if (v < 0 || v > 1'000'000'000) {
    throw Error(ErrorKind::invalid_input, "field '" + std::string(key) + "' is out of range",
                "invalid_field");
  }
  return static_cast<int>(v);
}

}  // namespace

json::value to_json(const MediaImage& image) {
  json::object o;
  o["id"] = image.id;
  o["title"] = image.title;
  o["dates"] = json::object{{"taken", format_utc_offset(image.taken)}};
  o["creator"] = json::object{{"id", image.creator.id},
                              {"username", image.creator.username},
                              {"profile_url", image.creator.profile_url}};
  o["location"] = location_json(image.location);
  o["urls"] = json::object{{"url", image.urls.url},
                           {"original", image.urls.original},
                           {"preview", image.urls.preview},
                           {"thumbnail", image.urls.thumbnail}};
  o["dimensions"] = json::object{{"width", image.width}, {"height", image.height}};
  json::object camera;
  put_optional(camera, "make", image.camera.make);
  put_optional(camera, "model", image.camera.model);
  camera["is_pano"] = image.camera.is_pano;
  o["camera"] = std::move(camera);
  json::array existing;
  for (const auto& e : image.existing)
    existing.push_back(json::object{{"url", e.url}});
  o["existing"] = std::move(existing);
  put_optional(o, "description", image.description);
  put_optional(o, "license", image.license);
  json::array tags;
  for (const auto& t : image.tags)
    tags.push_back(json::value(t));
  o["tags"] = std::move(tags);
  return o;
}

MediaImage media_image_from_json(const json::value& v) {
  const auto& o = json::as_object(v, "image");
  MediaImage m;
  m.id = json::require_string(o, "id");
  m.title = json::require_string(o, "title");
  m.taken = parse_utc(json::require_string(require_object(o, "dates"), "taken"));
  const auto& creator = require_object(o, "creator");
  m.creator = {json::get_string(creator, "id").value_or(""),
               json::get_string(creator, "username").value_or(""),
               json::get_string(creator, "profile_url").value_or("")};
  if (const auto* loc = o.if_contains("location"); loc != nullptr && loc->is_object()) {
    const auto& l = loc->get_object();
    GeoLocation g;
    g.latitude = json::get_number(l, "latitude").value_or(0);
    g.longitude = json::get_number(l, "longitude").value_or(0);
    g.compass_angle = json::get_number(l, "compass_angle");
    if (auto a = json::get_int(l, "accuracy")) g.accuracy = static_cast<int>(*a);
    g.city = json::get_string(l, "city");
    g.county = json::get_string(l, "county");
    g.state = json::get_string(l, "state");
    g.country = json::get_string(l, "country");
    g.country_code = json::get_string(l, "country_code");
    g.postcode = json::get_string(l, "postcode");
    m.location = std::move(g);
  }
  const auto& urls = require_object(o, "urls");
  m.urls = {json::get_string(urls, "url").value_or(""),
            json::get_string(urls, "original").value_or(""),
            json::get_string(urls, "preview").value_or(""),
            json::get_string(urls, "thumbnail").value_or("")};
  if (const auto* d = o.if_contains("dimensions"); d != nullptr && d->is_object()) {
    m.width = small_int(d->get_object(), "width");
    m.height = small_int(d->get_object(), "height");
  }
  if (const auto* c = o.if_contains("camera"); c != nullptr && c->is_object()) {
    m.camera.make = json::get_string(c->get_object(), "make");
    m.camera.model = json::get_string(c->get_object(), "model");
    m.camera.is_pano = json::get_bool(c->get_object(), "is_pano").value_or(false);
  }
  if (const auto* e = o.if_contains("existing"); e != nullptr && e->is_array()) {
    for (const auto& item : e->get_array()) {
      m.existing.push_back({json::require_string(json::as_object(item, "existing"), "url")});
    }
  }
  m.description = json::get_string(o, "description");
  m.license = json::get_string(o, "license");
  if (const auto* t = o.if_contains("tags"); t != nullptr && t->is_array()) {
    for (const auto& tag : t->get_array()) {
      if (!tag.is_string()) {
        throw Error(ErrorKind::invalid_input, "field 'tags' must hold strings", "invalid_field");
      }
      m.tags.emplace_back(tag.get_string());
    }
  }
  return m;
}

}  // namespace curator
