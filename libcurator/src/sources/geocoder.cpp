#include "curator/sources/geocoder.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "curator/core/error.hpp"
#include "curator/core/log.hpp"
#include "curator/http/form.hpp"
#include "curator/http/status.hpp"
#include "sources/api_client.hpp"
#include "sources/geocode_cache.hpp"
#include "sources/parallel.hpp"

namespace curator::sources {

struct ReverseGeocoder::Impl {
  GeocoderOptions options;
  ApiClient client;
  GeocodeCache cache;
  std::mutex stats_mutex;
  GeocodeStats totals;

  explicit Impl(GeocoderOptions o)
      : options(std::move(o)),
        client(ApiClientOptions{.service = "geocoder",
                                .contact_url = options.contact_url,
                                .timeout = options.timeout,
                                .retry = options.retry}),
        cache(options.cache_entries) {}

  void count(GeocodeStats delta) {
    std::lock_guard lock(stats_mutex);
    totals.requests += delta.requests;
    totals.cache_hits += delta.cache_hits;
    totals.failures += delta.failures;
    totals.skipped += delta.skipped;
  }

  // Looks one key up; `stats` gets what happened.
  std::optional<Address> lookup(const std::string& key, double lat, double lon,
                                GeocodeStats& stats) {
    if (auto cached = cache.get(key)) {
      ++stats.cache_hits;
      return *cached;
    }
    const auto comma = key.find(',');
    const auto url = http::append_query(options.url, {{"lat", key.substr(0, comma)},
                                                      {"lon", key.substr(comma + 1)},
                                                      {"zoom", "18"},
                                                      {"format", "jsonv2"}});
    const auto before = client.requests();
    try {
      const auto answer = client.get_json(
          url, {}, [](const http::Response& r) { http::raise_for_status(r, "geocoder"); });
      stats.requests += client.requests() - before;
      auto address = parse_reverse_geocode(answer);
      cache.put(key, address);
      return address;
    } catch (const Error& e) {
      stats.requests += client.requests() - before;
      ++stats.failures;
      log::warning("sources",
                   fmt::format("reverse geocoding {:.6f},{:.6f} failed: {}", lat, lon, e.what()));
      return std::nullopt;
    }
  }
};

ReverseGeocoder::ReverseGeocoder(GeocoderOptions options) {
  if (options.url.empty() || options.concurrency < 1) {
    throw Error(ErrorKind::invalid_input,
                "the geocoder needs a URL and a concurrency of at least 1", "invalid_option");
  }
  impl_ = std::make_unique<Impl>(std::move(options));
}

ReverseGeocoder::~ReverseGeocoder() = default;

std::optional<Address> ReverseGeocoder::lookup(double latitude, double longitude) {
  GeocodeStats stats;
  auto a = impl_->lookup(coordinate_key(latitude, longitude, impl_->options.coordinate_decimals),
                         latitude, longitude, stats);
  impl_->count(stats);
  return a;
}

GeocodeStats ReverseGeocoder::enrich(std::vector<MediaImage>& images) {
  GeocodeStats stats;
  // One request per distinct point; images at the same spot share it.
  std::map<std::string, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& loc = images[i].location;
    // Zero means "unknown" in the sources' data (upstream skipped it too).
    if (!loc || loc->latitude == 0 || loc->longitude == 0) {
      ++stats.skipped;
      continue;
    }
    by_key[coordinate_key(loc->latitude, loc->longitude, impl_->options.coordinate_decimals)]
        .push_back(i);
  }
  std::vector<const std::pair<const std::string, std::vector<std::size_t>>*> keys;
  for (const auto& entry : by_key)
    keys.push_back(&entry);
  std::mutex mutex;
  run_bounded(keys.size(), impl_->options.concurrency, [&](std::size_t k) {
    const auto& [key, indexes] = *keys[k];
    const auto& first = *images[indexes.front()].location;
    GeocodeStats local;
    const auto address = impl_->lookup(key, first.latitude, first.longitude, local);
    std::lock_guard lock(mutex);
    stats.requests += local.requests;
    stats.cache_hits += local.cache_hits;
    stats.failures += local.failures;
    if (!address) return;
    for (auto i : indexes)
      apply_address(*images[i].location, *address);
  });
  impl_->count(stats);
  return stats;
}

GeocodeStats ReverseGeocoder::totals() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->totals;
}

}  // namespace curator::sources
