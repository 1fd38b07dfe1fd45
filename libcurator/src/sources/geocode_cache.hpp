#pragma once
// A bounded, thread-safe cache of reverse-geocoding answers keyed by the
// coordinates as they are sent (rounded; 4 decimals is about 11 m, finer than
// any field we read). It keeps "no address" answers too; failed requests are
// never stored, so they are retried.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "curator/sources/geocoder.hpp"

namespace curator::sources {

/// `<lat>,<lon>` with `decimals` (0 to 7) decimals: the cache key and the
/// request's values.
std::string coordinate_key(double latitude, double longitude, int decimals);

class GeocodeCache {
 public:
  explicit GeocodeCache(std::size_t capacity) : capacity_(capacity) {}

  /// Outer nullopt: not cached. Inner nullopt: cached "no address".
  std::optional<std::optional<Address>> get(const std::string& key);
  void put(const std::string& key, std::optional<Address> address);
  std::size_t size() const;

 private:
  using Entry = std::pair<std::string, std::optional<Address>>;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace curator::sources
