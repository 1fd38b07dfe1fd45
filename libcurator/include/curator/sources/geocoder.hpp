#pragma once
// Reverse geocoding against a Nominatim-compatible `/reverse` endpoint
// (upstream-pipeline.md §7.4): city, county, state, country, country code and
// postcode for a photo's coordinates. Lookups run at most `concurrency` at a
// time, answers are cached, and a failure only means "no address": it never
// fails the listing that asked.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "curator/core/json.hpp"
#include "curator/core/media_image.hpp"
#include "curator/export.hpp"
#include "curator/http/retry.hpp"

namespace curator::sources {

struct Address {
  std::optional<std::string> city;  // `city`, else `town`
  std::optional<std::string> county, state, country, country_code, postcode;
  bool operator==(const Address&) const = default;
};

/// Reads a `format=jsonv2` answer; nullopt when it has no `address` (e.g.
/// `{"error":"Unable to geocode"}`). Throws Error(permanent) when the
/// document is not an object.
CURATOR_API std::optional<Address> parse_reverse_geocode(const json::value& answer);

/// Copies the address fields into `location`.
CURATOR_API void apply_address(GeoLocation& location, const Address& address);

struct GeocoderOptions {
  std::string url;          // Config::geocoder_url
  std::string contact_url;  // for the User-Agent
  int concurrency = 10;     // Config::geocoding_concurrency
  std::size_t cache_entries = 100'000;
  /// Coordinates are rounded to this many decimals before the lookup (4 is
  /// about 11 m: the same city and postcode), so neighbouring photos share one.
  int coordinate_decimals = 4;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  /// One quick retry: a failed lookup only costs an address.
  http::RetryPolicy retry{.delays = {std::chrono::milliseconds(500)},
                          .max_retry_after = std::chrono::seconds(2)};
};

struct GeocodeStats {
  std::size_t requests = 0;    // sent to the service
  std::size_t cache_hits = 0;  // answered from the cache
  std::size_t failures = 0;    // requests that failed (no address recorded)
  std::size_t skipped = 0;     // images without usable coordinates
};

class CURATOR_API ReverseGeocoder {
 public:
  /// Throws Error(invalid_input) for an empty URL or concurrency < 1.
  explicit ReverseGeocoder(GeocoderOptions options);
  ~ReverseGeocoder();
  ReverseGeocoder(const ReverseGeocoder&) = delete;
  ReverseGeocoder& operator=(const ReverseGeocoder&) = delete;

  /// One lookup, through the cache. nullopt when the service has no address
  /// or fails (the failure is logged and not cached).
  std::optional<Address> lookup(double latitude, double longitude);

  /// Fills the address of every image that has a location with nonzero
  /// latitude and longitude, at most `concurrency` requests at once. Never
  /// throws for a service failure; returns what it did.
  GeocodeStats enrich(std::vector<MediaImage>& images);

  /// Totals since construction.
  GeocodeStats totals() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace curator::sources
