#include "curator/service/file_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "curator/core/error.hpp"

namespace curator::service {
namespace {

std::string number(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

struct Clock {
  int year;
  unsigned month, day, hours, minutes, seconds, millis;
};

Clock clock_of(TimePoint t) {
  const auto day_point = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{std::chrono::sys_days{day_point}};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - day_point).count();
  Clock c{static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          0,
          0,
          0,
          0};
  c.millis = static_cast<unsigned>(ms % 1000);
  ms /= 1000;
  c.seconds = static_cast<unsigned>(ms % 60);
  ms /= 60;
  c.minutes = static_cast<unsigned>(ms % 60);
  c.hours = static_cast<unsigned>(ms / 60);
  return c;
}

std::string category_link_of(std::string_view name) {
  std::string n = trim(name);
  if (n.starts_with("[[") && n.ends_with("]]")) return n;
  const std::string_view prefix = "Category:";
  if (n.size() >= prefix.size() &&
      std::equal(prefix.begin(), prefix.end(), n.begin(),
                 [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    n = trim(std::string_view(n).substr(prefix.size()));
  }
  return "[[Category:" + n + "]]";
}

}  // namespace

std::string category_link(std::string_view name) {
  return category_link_of(name);
}

std::string_view to_string(Handler handler) noexcept {
  return handler == Handler::flickr ? "flickr" : "mapillary";
}

std::optional<Handler> parse_handler(std::string_view text) noexcept {
  if (text == "mapillary") return Handler::mapillary;
  if (text == "flickr") return Handler::flickr;
  return std::nullopt;
}

TemplateVariables template_variables(const MediaImage& image, Handler handler,
                                     std::string_view collection) {
  TemplateVariables v;
  const std::string src(to_string(handler));
  v[src + ".photo.id"] = image.id;
  v[src + (handler == Handler::flickr ? ".photo.album" : ".photo.sequence")] =
      std::string(collection);
  v[src + ".user.id"] = image.creator.id;
  if (!image.creator.username.empty()) v[src + ".user.username"] = image.creator.username;
  v["image.width"] = std::to_string(image.width);
  v["image.height"] = std::to_string(image.height);

  const auto c = clock_of(image.taken);
  v["captured.date"] = format_date(image.taken);
  v["captured.time"] = fmt::format("{:02}H{:02}M{:02}S", c.hours, c.minutes, c.seconds);
  v["captured.time_ms"] =
      fmt::format("{:02}H{:02}M{:02}S{:03}", c.hours, c.minutes, c.seconds, c.millis);
  v["captured.year"] = fmt::format("{:04}", c.year);
  v["captured.month"] = fmt::format("{:02}", c.month);
  v["captured.day_of_month"] = fmt::format("{:02}", c.day);
  v["captured.hours"] = fmt::format("{:02}", c.hours);
  v["captured.minutes"] = fmt::format("{:02}", c.minutes);
  v["captured.seconds"] = fmt::format("{:02}", c.seconds);
  v["captured.milliseconds"] = fmt::format("{:03}", c.millis);
  v["captured.raw"] = fmt::format("{}T{}Z", v["captured.date"], v["captured.time_ms"]);

  if (image.camera.make) v["camera.make"] = *image.camera.make;
  if (image.camera.model) v["camera.model"] = *image.camera.model;
  if (image.location) {
    const auto& l = *image.location;
    v["location.latitude"] = number(l.latitude);
    v["location.longitude"] = number(l.longitude);
    if (l.compass_angle) v["location.compass_angle"] = number(*l.compass_angle);
    const std::pair<const char*, const std::optional<std::string>*> optional[] = {
        {"location.city", &l.city},
        {"location.country", &l.country},
        {"location.country_code", &l.country_code},
        {"location.county", &l.county},
        {"location.state", &l.state},
        {"location.postcode", &l.postcode}};
    for (const auto& [name, value] : optional) {
      if (*value) v[name] = **value;
    }
  }
  return v;
}

std::string render_template(std::string_view text, const TemplateVariables& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    const auto path = trim(text.substr(open + 2, close - open - 2));
    const auto it = vars.find(path);
    out.append(text.substr(pos, open - pos));
    if (it != vars.end()) {
      out += it->second;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

bool has_valid_extension(std::string_view title) noexcept {
  const auto dot = title.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string ext(title.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (std::string_view ok :
       {"gif", "jpeg", "jpg", "pdf", "png", "svg", "tif", "tiff", "webm", "webp"}) {
    if (ext == ok) return true;
  }
  return false;
}

std::optional<std::string> flickr_license_template(int license_id) {
  std::string_view t;
  switch (license_id) {
    case 4:
      t = "{{cc-by-2.0}}";
      break;
    case 5:
      t = "{{cc-by-sa-2.0}}";
      break;
    case 7:
      t = "{{Flickr-no known copyright restrictions}}";
      break;
    case 8:
      t = "{{PD-USGov}}";
      break;
    case 9:
      t = "{{cc-zero}}";
      break;
    case 10:
      t = "{{PD-US}}";
      break;
    case 11:
      t = "{{cc-by-4.0}}";
      break;
    case 12:
      t = "{{cc-by-sa-4.0}}";
      break;
    default:
      return std::nullopt;
  }
  return std::string(t) + "\n{{flickrreview}}";
}

std::string default_wikitext(const MediaImage& image, Handler handler, std::string_view collection,
                             const WikitextOptions& options) {
  std::string license = options.license;
  if (license.empty()) {
    if (handler == Handler::mapillary) {
      license = "{{cc-by-sa-4.0}}";
    } else {
      int id = -1;
      if (image.license) {
        const auto& s = *image.license;
        std::from_chars(s.data(), s.data() + s.size(), id);
      }
      auto t = flickr_license_template(id);
      if (!t) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format("Flickr photo {} is not freely licensed (license '{}')", image.id,
                                image.license.value_or("unknown")),
                    "not_free");
      }
      license = std::move(*t);
    }
  }
  const auto taken = format_utc_z(std::chrono::floor<std::chrono::seconds>(image.taken));
  const char* taken_cat = options.exclude_date_category ? "cat=no|" : "";
  std::string text = "== {{int:filedesc}} ==\n{{Information\n";
  if (handler == Handler::mapillary) {
    text += fmt::format(" | date        = {{{{Taken on|{}{}}}}}\n", taken_cat, taken);
    text += fmt::format(" | source      = {{{{Mapillary-source|key={}}}}} Sequence ID: {}\n",
                        image.id, collection);
  } else {
    if (image.description && !image.description->empty()) {
      text += fmt::format(" | description = {}\n", *image.description);
    }
    text += fmt::format(" | date        = {{{{Taken on|{}{}}}}}\n", taken_cat, taken);
    text += fmt::format(" | source      = {}\n", image.urls.url);
    text += fmt::format(" | author      = [{} {}]\n", image.creator.profile_url,
                        image.creator.username.empty() ? image.creator.id : image.creator.username);
  }
  text += "}}\n";
  if (image.location) {
    const auto& l = *image.location;
    text += fmt::format("{{{{Location|{}|{}", number(l.latitude), number(l.longitude));
    if (l.compass_angle) text += fmt::format("|heading:{}", number(*l.compass_angle));
    text += "}}\n";
  }
  if (image.camera.is_pano) text += "{{Pano360}}\n";
  text += "\n== {{int:license-header}} ==\n" + license + "\n\n";

  const std::string tracking = handler == Handler::mapillary
                                   ? "[[Category:Images from Mapillary uploaded with Curator]]"
                                   : "[[Category:Images from Flickr uploaded with Curator]]";
  bool has_tracking = false;
  for (const auto& c : options.categories) {
    if (trim(c).empty()) continue;
    const auto line = category_link_of(c);
    if (line == tracking) has_tracking = true;
    text += line + "\n";
  }
  if (!has_tracking) text += tracking + "\n";
  return text;
}

}  // namespace curator::service
