#include "sources/geocode_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace curator::sources {

std::string coordinate_key(double latitude, double longitude, int decimals) {
  decimals = std::clamp(decimals, 0, 7);
  // Adding 0.0 turns -0.0 into 0.0, so "-0.0000" and "0.0000" share a key.
  return fmt::format("{:.{}f},{:.{}f}", latitude + 0.0, decimals, longitude + 0.0, decimals);
}

std::optional<std::optional<Address>> GeocodeCache::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void GeocodeCache::put(const std::string& key, std::optional<Address> address) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(address);
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(key, std::move(address));
  index_[key] = order_.begin();
  if (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

std::size_t GeocodeCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

}  // namespace curator::sources
