#include "curator/sources/registry.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "curator/core/error.hpp"
#include "curator/sources/flickr.hpp"
#include "curator/sources/mapillary.hpp"

namespace curator::sources {

Source::~Source() = default;

void Source::ensure_uploadable(const MediaImage& image) const {
  if (auto why = refusal(image)) {
    throw Error(ErrorKind::invalid_input, fmt::format("{} image {} is {}", name(), image.id, *why),
                "not_uploadable");
  }
}

SourceContext SourceContext::from_config(const Config& config, Sha1Lookup sha1_lookup) {
  SourceContext c;
  c.config = config;
  if (!config.geocoder_url.empty()) {
    GeocoderOptions g;
    g.url = config.geocoder_url;
    g.contact_url = config.contact_url;
    g.concurrency = std::max(1, config.geocoding_concurrency);
    c.geocoder = std::make_shared<ReverseGeocoder>(std::move(g));
  }
  if (!config.wcqs_url.empty()) {
    ExistingFilesOptions e;
    e.wcqs_url = config.wcqs_url;
    e.oauth_token = config.wcqs_oauth_token;
    e.contact_url = config.contact_url;
    e.sha1_lookup = std::move(sha1_lookup);
    c.existing = std::make_shared<ExistingFileFinder>(std::move(e));
  }
  return c;
}

SourceRegistry SourceRegistry::with_builtin_sources() {
  SourceRegistry r;
  r.add("mapillary", parse_mapillary_input, [](const SourceContext& c) {
    MapillaryOptions o;
    o.api_url = c.config.mapillary_api_url;
    o.token = c.config.mapillary_token;
    o.contact_url = c.config.contact_url;
    o.concurrency = c.concurrency;
    if (c.retry) o.retry = *c.retry;
    o.geocoder = c.geocoder;
    o.existing = c.existing;
    return std::make_unique<MapillarySource>(std::move(o));
  });
  r.add("flickr", parse_flickr_input, [](const SourceContext& c) {
    FlickrOptions o;
    o.api_url = c.config.flickr_api_url;
    o.api_key = c.config.flickr_api_key;
    o.contact_url = c.config.contact_url;
    o.concurrency = std::min(c.concurrency, 4);
    if (c.retry) o.retry = *c.retry;
    o.geocoder = c.geocoder;
    o.existing = c.existing;
    return std::make_unique<FlickrSource>(std::move(o));
  });
  return r;
}

void SourceRegistry::add(std::string name, InputParser parse, SourceFactory make) {
  if (name.empty() || !parse || !make) {
    throw Error(ErrorKind::invalid_input, "a source needs a name, a parser and a factory",
                "invalid_source");
  }
  if (contains(name)) {
    throw Error(ErrorKind::conflict, "a source named '" + name + "' is already registered",
                "duplicate_source");
  }
  entries_.push_back(Entry{std::move(name), std::move(parse), std::move(make)});
}

bool SourceRegistry::contains(std::string_view name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.name == name; });
}

std::vector<std::string> SourceRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    out.push_back(e.name);
  return out;
}

const SourceRegistry::Entry& SourceRegistry::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e;
  std::string known;
  for (const auto& e : entries_)
    known += (known.empty() ? "" : ", ") + e.name;
  std::string shown;
  for (char c : name.substr(0, 32))
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  throw Error(ErrorKind::invalid_input,
              fmt::format("unknown source '{}' (known: {})", shown, known), "unknown_source");
}

std::unique_ptr<Source> SourceRegistry::create(std::string_view name,
                                               const SourceContext& context) const {
  return find(name).make(context);
}

CollectionRef SourceRegistry::parse(std::string_view name, std::string_view input) const {
  return find(name).parse(input);
}

}  // namespace curator::sources
