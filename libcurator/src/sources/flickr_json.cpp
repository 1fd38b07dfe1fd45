#include "sources/flickr_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "curator/core/error.hpp"

namespace curator::sources::flickr {
namespace {

[[noreturn]] void bad(std::string_view id, std::string_view what) {
  throw Error(ErrorKind::permanent, fmt::format("Flickr photo {}: {}", id, what),
              "invalid_metadata");
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// Flickr writes most values as strings, some as numbers; `{"_content": …}`
// wraps text in getInfo.
std::string text(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_object()) return text(v->get_object().if_contains("_content"));
  return {};
}

std::string text(const json::object& o, std::string_view key) {
  return text(o.if_contains(key));
}

std::optional<double> number(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) {
    const double d = v->to_number<double>();
    return std::isfinite(d) ? std::optional(d) : std::nullopt;
  }
  if (v->is_string()) {
    const auto s = std::string(v->get_string());
    double d = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), d);
    if (res.ec == std::errc() && res.ptr == s.data() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  return number(o.if_contains(key));
}

int dimension(std::optional<double> d) {
  if (!d || *d < 0 || *d > 1'000'000) return 0;
  return static_cast<int>(*d);
}

int first_dimension(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    if (auto d = dimension(number(o, k)); d > 0) return d;
  }
  return 0;
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool ends_with_image_extension(std::string_view title) {
  std::string lower(title.substr(title.size() > 5 ? title.size() - 5 : 0));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png");
}

// Flickr's date_taken is the camera's local time without a zone; it is read
// as UTC (the only zone we can name). Unknown dates ("0000-00-00 …") fall
// back to the upload time.
TimePoint taken_time(std::string_view id, const std::string& taken, const std::string& uploaded) {
  if (!taken.empty()) {
    try {
      return std::chrono::floor<std::chrono::seconds>(parse_utc(taken));
    } catch (const Error&) {
    }
  }
  long long seconds = 0;
  const auto res = std::from_chars(uploaded.data(), uploaded.data() + uploaded.size(), seconds);
  if (!uploaded.empty() && res.ec == std::errc() && res.ptr == uploaded.data() + uploaded.size() &&
      seconds > 0 && seconds < 253'402'300'799LL) {
    return from_unix_millis(seconds * 1000);
  }
  bad(id, "missing or invalid date taken");
}

std::string title_for(std::string title, std::string_view id, TimePoint taken) {
  title = trim(std::move(title));
  if (title.empty()) title = fmt::format("Photo from Flickr {} ({})", format_date(taken), id);
  if (!ends_with_image_extension(title)) title += ".jpg";
  return title;
}

std::optional<GeoLocation> location_of(const json::object& o) {
  const json::object* geo = object_at(o, "geo");
  if (geo == nullptr) geo = object_at(o, "location");  // getInfo
  const json::object& src = geo != nullptr ? *geo : o;
  const auto lat = number(src, "latitude");
  const auto lon = number(src, "longitude");
  // Flickr reports 0,0 for photos without a geotag.
  if (!lat || !lon || (*lat == 0 && *lon == 0)) return std::nullopt;
  if (std::abs(*lat) > 90 || std::abs(*lon) > 180) return std::nullopt;
  GeoLocation loc;
  loc.latitude = *lat;
  loc.longitude = *lon;
  if (auto acc = number(src, "accuracy"); acc && *acc >= 0 && *acc <= 16) {
    loc.accuracy = static_cast<int>(*acc);
  }
  return loc;
}

void set_creator(MediaImage& img, Owner owner) {
  if (owner.nsid.empty()) bad(img.id, "missing owner");
  img.creator.id = owner.nsid;
  img.creator.username = owner.username.empty() ? "Unknown" : owner.username;
  const auto& alias = owner.path_alias.empty() ? owner.nsid : owner.path_alias;
  img.creator.profile_url = fmt::format("https://www.flickr.com/people/{}/", alias);
  img.urls.url = fmt::format("https://www.flickr.com/photos/{}/{}", alias, img.id);
}

std::vector<std::string> split_tags(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    const auto start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<std::string> non_empty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::string required_id(const json::object& o) {
  auto id = text(o, "id");
  if (id.empty() || id.size() > 32 ||
      !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    bad(id.substr(0, 32), "missing or invalid id");
  }
  return id;
}

}  // namespace

void check_stat(const json::value& response) {
  if (!response.is_object()) {
    throw Error(ErrorKind::transient, "Flickr API answered with something other than an object",
                "invalid_response");
  }
  const auto& o = response.get_object();
  const auto stat = text(o, "stat");
  if (stat == "ok") return;
  const auto code_value = number(o, "code");
  const int code = code_value ? static_cast<int>(*code_value) : -1;
  auto message = text(o, "message");
  if (message.empty()) message = stat.empty() ? "response without stat" : stat;
  ErrorKind kind = ErrorKind::permanent;
  if (code == 1) kind = ErrorKind::not_found;
  if (code == 98 || code == 99 || code == 100) kind = ErrorKind::auth;
  if (code == 105) kind = ErrorKind::transient;
  throw Error(kind, fmt::format("Flickr API error {}: {}", code, message),
              fmt::format("flickr_{}", code));
}

Page page_of(const json::object& container) {
  Page p;
  p.page = std::max(1, dimension(number(container, "page")));
  p.pages = std::max(1, dimension(number(container, "pages")));
  const auto total = number(container, "total");
  p.total = total && *total > 0 ? static_cast<long long>(*total) : 0;
  return p;
}

MediaImage photo_from_listing(const json::value& v, const Owner& fallback) {
  if (!v.is_object()) bad("?", "the photo is not a JSON object");
  const auto& o = v.get_object();
  MediaImage img;
  img.id = required_id(o);
  img.taken = taken_time(img.id, text(o, "datetaken"), text(o, "dateupload"));
  img.title = title_for(text(o, "title"), img.id, img.taken);

  Owner owner = fallback;
  if (const auto* ow = object_at(o, "owner")) {
    owner.nsid = text(*ow, "nsid");
    if (owner.nsid.empty()) owner.nsid = text(*ow, "id");
    owner.username = text(*ow, "username");
    if (owner.username.empty()) owner.username = text(*ow, "realname");
    owner.path_alias = text(*ow, "path_alias");
  } else if (auto nsid = text(o, "owner"); !nsid.empty()) {
    if (nsid != owner.nsid) owner = Owner{nsid, {}, {}};
  }
  if (auto name = text(o, "ownername"); !name.empty() && owner.username.empty()) {
    owner.username = name;
  }
  if (auto alias = text(o, "pathalias"); !alias.empty() && owner.path_alias.empty()) {
    owner.path_alias = alias;
  }
  set_creator(img, owner);

  img.location = location_of(o);
  img.urls.original = text(o, "url_o");
  img.urls.preview = text(o, "url_l");
  img.urls.thumbnail = text(o, "url_q");
  if (img.urls.thumbnail.empty()) img.urls.thumbnail = text(o, "url_s");
  img.width = first_dimension(o, {"width_o", "o_width", "width_l"});
  img.height = first_dimension(o, {"height_o", "o_height", "height_l"});
  img.description = non_empty(trim(text(o, "description")));
  img.license = non_empty(text(o, "license"));
  img.tags = split_tags(text(o, "tags"));
  return img;
}

MediaImage photo_from_info(const json::value& v) {
  if (!v.is_object()) bad("?", "the photo is not a JSON object");
  const auto& o = v.get_object();
  MediaImage img;
  img.id = required_id(o);
  std::string taken, posted;
  if (const auto* dates = object_at(o, "dates")) {
    taken = text(*dates, "taken");
    posted = text(*dates, "posted");
  }
  img.taken = taken_time(img.id, taken, posted);
  img.title = title_for(text(o, "title"), img.id, img.taken);
  Owner owner;
  if (const auto* ow = object_at(o, "owner")) {
    owner.nsid = text(*ow, "nsid");
    owner.username = text(*ow, "username");
    if (owner.username.empty()) owner.username = text(*ow, "realname");
    owner.path_alias = text(*ow, "path_alias");
  }
  set_creator(img, owner);
  img.location = location_of(o);
  img.description = non_empty(trim(text(o, "description")));
  img.license = non_empty(text(o, "license"));
  if (const auto* tags = object_at(o, "tags")) {
    if (const auto* list = tags->if_contains("tag"); list != nullptr && list->is_array()) {
      for (const auto& t : list->get_array()) {
        if (auto s = text(&t); !s.empty()) img.tags.push_back(std::move(s));
      }
    }
  }
  return img;
}

void apply_sizes(MediaImage& image, const json::value& response) {
  const json::array* sizes = nullptr;
  if (response.is_object()) {
    if (const auto* s = object_at(response.get_object(), "sizes")) {
      if (const auto* list = s->if_contains("size"); list != nullptr && list->is_array()) {
        sizes = &list->get_array();
      }
    }
  }
  if (sizes == nullptr) bad(image.id, "getSizes returned no sizes");
  const json::object* original = nullptr;
  const json::object* widest = nullptr;
  const json::object* preview = nullptr;
  const json::object* square = nullptr;
  const json::object* small = nullptr;
  int widest_width = -1, preview_width = -1;
  for (const auto& s : *sizes) {
    if (!s.is_object()) continue;
    const auto& so = s.get_object();
    if (text(so, "source").empty()) continue;
    const auto label = text(so, "label");
    const int width = dimension(number(so, "width"));
    if (label == "Original") original = &so;
    if (label == "Large Square") square = &so;
    if (label == "Small") small = &so;
    if (width > widest_width) widest = &so, widest_width = width;
    if (width <= 1024 && width > preview_width) preview = &so, preview_width = width;
  }
  const json::object* full = original != nullptr ? original : widest;
  if (full == nullptr) bad(image.id, "getSizes listed no downloadable size");
  image.urls.original = text(*full, "source");
  image.width = dimension(number(*full, "width"));
  image.height = dimension(number(*full, "height"));
  if (preview != nullptr) image.urls.preview = text(*preview, "source");
  const json::object* thumb = square != nullptr ? square : small;
  if (thumb != nullptr) image.urls.thumbnail = text(*thumb, "source");
}

std::string media_of(const json::value& photo) {
  if (!photo.is_object()) return "photo";
  auto m = text(photo.get_object(), "media");
  return m.empty() ? "photo" : m;
}

}  // namespace curator::sources::flickr
