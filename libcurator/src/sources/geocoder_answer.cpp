#include <fmt/format.h>

#include "curator/core/error.hpp"
#include "curator/sources/geocoder.hpp"

namespace curator::sources {
namespace {

std::optional<std::string> field(const json::object& address, std::string_view key) {
  const auto* v = address.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace

std::optional<Address> parse_reverse_geocode(const json::value& answer) {
  if (!answer.is_object()) {
    throw Error(ErrorKind::permanent, "geocoder answer is not a JSON object", "invalid_response");
  }
  const auto* address = answer.get_object().if_contains("address");
  if (address == nullptr || !address->is_object()) return std::nullopt;
  const auto& a = address->get_object();
  Address out;
  out.city = field(a, "city");
  if (!out.city) out.city = field(a, "town");
  out.county = field(a, "county");
  out.state = field(a, "state");
  out.country = field(a, "country");
  out.country_code = field(a, "country_code");
  out.postcode = field(a, "postcode");
  return out;
}

void apply_address(GeoLocation& location, const Address& address) {
  location.city = address.city;
  location.county = address.county;
  location.state = address.state;
  location.country = address.country;
  location.country_code = address.country_code;
  location.postcode = address.postcode;
}

}  // namespace curator::sources
