#include "curator/service/ingest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>

#include "curator/core/error.hpp"
#include "curator/mediawiki/titles.hpp"
#include "curator/sdc/builders.hpp"
#include "curator/sdc/payload.hpp"

namespace curator::service {
namespace {

const std::array<std::string, 10> kAllowedExtensions = {"gif", "jpeg", "jpg",  "pdf",  "png",
                                                        "svg", "tif",  "tiff", "webm", "webp"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad_selection(std::string_view token, std::string_view why) {
  throw Error(ErrorKind::invalid_input, fmt::format("--select: '{}' {}", token, why),
              "invalid_selection");
}

std::optional<std::size_t> parse_position(std::string_view s) {
  std::size_t v = 0;
  const auto* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (s.empty() || r.ec != std::errc{} || r.ptr != end) return std::nullopt;
  return v;
}

/// The first `{{…}}` left in rendered text: a placeholder without a value.
std::optional<std::string> unresolved_placeholder(std::string_view text) {
  const auto open = text.find("{{");
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = text.find("}}", open);
  return std::string(text.substr(open, close == std::string_view::npos ? 2 : close + 2 - open));
}

std::string describe_problems(const mediawiki::FileNameCheck& check) {
  std::string out;
  for (const auto p : check.problems) {
    if (!out.empty()) out += ", ";
    out += mediawiki::to_string(p);
  }
  return out;
}

std::string page_text(const MediaImage& image, const PlanInput& input,
                      const TemplateVariables& vars) {
  const auto& spec = input.spec;
  std::vector<std::string> categories;
  for (const auto& c : spec.categories) {
    auto rendered = render_template(c, vars);
    if (!trim(rendered).empty()) categories.push_back(std::move(rendered));
  }
  if (!spec.wikitext_template) {
    WikitextOptions options;
    options.license = spec.license;
    options.categories = std::move(categories);
    options.exclude_date_category = spec.exclude_date_category;
    return default_wikitext(image, input.handler, input.collection, options);
  }
  std::string text = render_template(*spec.wikitext_template, vars);
  for (const auto& c : categories) {
    const auto link = category_link(c);
    if (text.find(link) != std::string::npos) continue;
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += link + "\n";
  }
  return text;
}

std::optional<json::object> structured_data(const MediaImage& image, const PlanInput& input,
                                            const PlannedFile& file) {
  sdc::StructuredData data;
  if (input.handler == Handler::mapillary) {
    data = sdc::build_mapillary(image, {file.copyright_override, file.caption});
  } else {
    sdc::FlickrOptions options;
    options.label = file.caption;
    data = sdc::build_flickr(image, options);
  }
  return sdc::new_file_payload(data);
}

void skip(PlannedFile& file, SkipReason reason, std::string detail) {
  if (file.skip) return;
  file.skip = reason;
  file.skip_detail = std::move(detail);
}

}  // namespace

std::string_view to_string(SkipReason reason) noexcept {
  switch (reason) {
    case SkipReason::not_uploadable:
      return "not_uploadable";
    case SkipReason::already_uploaded:
      return "already_uploaded";
    case SkipReason::already_on_commons:
      return "already_on_commons";
    case SkipReason::invalid_title:
      return "invalid_title";
    case SkipReason::duplicate_title:
      return "duplicate_title";
    case SkipReason::blacklisted_title:
      return "blacklisted_title";
  }
  return "unknown";
}

std::vector<std::string> split_categories(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = trim(text.substr(0, nl));
    if (!line.empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

FileSpec file_spec_from_preset(const store::Preset& preset) {
  FileSpec spec;
  spec.title_template = preset.title_template;
  if (preset.labels && !trim(preset.labels->value).empty()) spec.caption = preset.labels;
  if (preset.categories) spec.categories = split_categories(*preset.categories);
  spec.exclude_date_category = preset.exclude_from_date_category;
  return spec;
}

std::vector<PlannedFile> plan_files(const std::vector<MediaImage>& images, const PlanInput& input) {
  std::vector<std::size_t> positions;
  if (input.selection) {
    positions = *input.selection;
  } else {
    for (std::size_t i = 0; i < images.size(); ++i)
      positions.push_back(i);
  }
  std::vector<PlannedFile> out;
  out.reserve(positions.size());
  std::map<std::string, std::size_t> titles;  // normalised title → position
  for (const auto index : positions) {
    if (index >= images.size()) {
      throw Error(ErrorKind::invalid_input,
                  fmt::format("position {} is outside the collection", index + 1),
                  "invalid_selection");
    }
    const auto& image = images[index];
    PlannedFile file;
    file.position = index + 1;
    file.image = image;
    file.copyright_override = !trim(input.spec.license).empty();
    const auto vars = template_variables(image, input.handler, input.collection);

    if (const auto r = input.refusals.find(image.id); r != input.refusals.end()) {
      skip(file, SkipReason::not_uploadable, r->second);
    }
    if (const auto u = input.uploaded.find(image.id); u != input.uploaded.end()) {
      skip(file, SkipReason::already_uploaded, u->second);
    }
    if (input.skip_existing && !image.existing.empty()) {
      skip(file, SkipReason::already_on_commons, image.existing.front().url);
    }

    const auto raw_title = input.spec.title_template.empty()
                               ? image.title
                               : render_template(input.spec.title_template, vars);
    const auto check = mediawiki::check_file_name(raw_title, kAllowedExtensions);
    file.title = check.name;
    if (const auto missing = unresolved_placeholder(raw_title)) {
      skip(file, SkipReason::invalid_title,
           fmt::format("no value for {} in '{}'", *missing, raw_title));
    } else if (!check.ok()) {
      skip(file, SkipReason::invalid_title,
           fmt::format("'{}': {}", raw_title, describe_problems(check)));
    }

    if (input.spec.caption) {
      Label caption{input.spec.caption->language, render_template(input.spec.caption->value, vars)};
      if (!trim(caption.value).empty()) file.caption = std::move(caption);
    }
    try {
      file.wikitext = page_text(image, input, vars);
    } catch (const Error& e) {
      skip(file, SkipReason::not_uploadable, e.what());
    }
    try {
      file.sdc = structured_data(image, input, file);
    } catch (const Error& e) {
      skip(file, SkipReason::not_uploadable, e.what());
    }

    if (!file.skip) {
      const auto [it, inserted] = titles.emplace(file.title, file.position);
      if (!inserted) {
        skip(file, SkipReason::duplicate_title,
             fmt::format("same title as file {} ({})", it->second, images[it->second - 1].id));
      }
    }
    out.push_back(std::move(file));
  }
  if (input.blacklist) {
    std::vector<std::string> ask;
    for (const auto& f : out) {
      if (!f.skip) ask.push_back("File:" + f.title);
    }
    if (!ask.empty()) {
      const auto refused = input.blacklist(ask);
      for (auto& f : out) {
        if (f.skip) continue;
        if (const auto r = refused.find("File:" + f.title); r != refused.end()) {
          skip(f, SkipReason::blacklisted_title, r->second);
        }
      }
    }
  }
  return out;
}

std::vector<std::size_t> parse_selection(std::string_view text,
                                         const std::vector<MediaImage>& images) {
  std::map<std::string_view, std::size_t> by_id;
  for (std::size_t i = 0; i < images.size(); ++i)
    by_id.emplace(images[i].id, i);
  std::set<std::size_t> chosen;
  const auto n = images.size();
  if (trim(text).empty()) bad_selection(text, "is empty");
  while (true) {
    const auto comma = text.find(',');
    const auto token = trim(text.substr(0, comma));
    if (token.empty()) bad_selection(text, "has an empty item");
    if (const auto id = by_id.find(token); id != by_id.end()) {
      chosen.insert(id->second);
    } else if (const auto dash = token.find('-'); dash != std::string_view::npos) {
      const auto lo_text = trim(token.substr(0, dash));
      const auto hi_text = trim(token.substr(dash + 1));
      const auto lo = lo_text.empty() ? std::optional<std::size_t>(1) : parse_position(lo_text);
      const auto hi = hi_text.empty() ? std::optional<std::size_t>(n) : parse_position(hi_text);
      if (!lo || !hi) bad_selection(token, "is neither a range of positions nor an image id");
      if (*lo < 1 || *hi > n || *lo > n) {
        bad_selection(token, fmt::format("is outside 1-{} (the collection has {} images)", n, n));
      }
      if (*lo > *hi) bad_selection(token, "is a reversed range");
      for (auto i = *lo; i <= *hi; ++i)
        chosen.insert(i - 1);
    } else if (const auto pos = parse_position(token); pos && *pos >= 1 && *pos <= n) {
      chosen.insert(*pos - 1);
    } else {
      bad_selection(token, fmt::format("is neither a position in 1-{} nor an image id of the "
                                       "collection",
                                       n));
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return {chosen.begin(), chosen.end()};
}

store::NewUpload to_new_upload(const PlannedFile& file, std::string_view collection) {
  store::NewUpload u;
  u.key = file.image.id;
  u.collection = std::string(collection);
  u.filename = file.title;
  u.wikitext = file.wikitext;
  u.labels = file.caption;
  u.copyright_override = file.copyright_override;
  return u;
}

}  // namespace curator::service
