#include "sources/enrichment.hpp"

#include <fmt/format.h>

#include <exception>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "sources/parallel.hpp"

namespace curator::sources {

void enrich(Collection& collection, const ListOptions& options, ReverseGeocoder* geocoder,
            ExistingFileFinder* existing, std::string_view id_property) {
  const bool geocode = options.geocode && geocoder != nullptr;
  const bool lookup = options.find_existing && existing != nullptr;
  std::string geocode_warning, existing_warning;
  std::map<std::string, std::vector<ExistingFile>> found;
  std::vector<std::string> ids;
  for (const auto& img : collection.images)
    ids.push_back(img.id);

  const auto run_geocoder = [&] {
    try {
      const auto stats = geocoder->enrich(collection.images);
      if (stats.failures > 0) {
        geocode_warning = fmt::format("reverse geocoding failed for {} of {} places",
                                      stats.failures, stats.requests + stats.cache_hits);
      }
    } catch (const std::exception& e) {
      geocode_warning = fmt::format("reverse geocoding failed: {}", e.what());
    }
  };
  const auto run_lookup = [&] {
    try {
      found = existing->by_source_ids(id_property, ids);
    } catch (const std::exception& e) {
      existing_warning =
          fmt::format("existing files on Commons could not be checked: {}", e.what());
    }
  };
  // The two touch different fields (location vs existing), so they can overlap.
  if (geocode && lookup) {
    run_bounded(2, 2, [&](std::size_t i) { i == 0 ? run_geocoder() : run_lookup(); });
  } else if (geocode) {
    run_geocoder();
  } else if (lookup) {
    run_lookup();
  }
  for (auto& img : collection.images) {
    if (auto it = found.find(img.id); it != found.end()) img.existing = it->second;
  }
  for (auto* w : {&geocode_warning, &existing_warning}) {
    if (w->empty()) continue;
    log::warning("sources", *w);
    collection.warnings.push_back(std::move(*w));
  }
}

}  // namespace curator::sources
