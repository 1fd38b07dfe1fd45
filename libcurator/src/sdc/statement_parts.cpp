#include "sdc/statement_parts.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "curator/core/error.hpp"
#include "sdc/vocabulary.hpp"

namespace curator::sdc::parts {

TimeValue day_of(TimePoint t, bool padded_year) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  const int year = static_cast<int>(ymd.year());
  const char sign = year < 0 ? '-' : '+';
  TimeValue v;
  v.time =
      fmt::format("{}{:0{}d}-{:02d}-{:02d}T00:00:00Z", sign, std::abs(year), padded_year ? 11 : 4,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  v.precision = 11;
  v.calendar_model = vocab::kGregorian;
  return v;
}

std::string amount_of(double number) {
  const auto text = json::serialize(json::value(number));
  return number < 0 || std::signbit(number) ? text : "+" + text;
}

std::string amount_of(long long number) {
  return number < 0 ? std::to_string(number) : "+" + std::to_string(number);
}

Statement point_of_view(const GeoLocation& location, double precision) {
  const double lat = location.latitude;
  const double lon = location.longitude;
  if (!std::isfinite(lat) || !std::isfinite(lon) || std::fabs(lat) > 90 || std::fabs(lon) > 360) {
    throw Error(ErrorKind::invalid_input,
                fmt::format("coordinates {}, {} are not on the globe", lat, lon),
                "invalid_coordinates");
  }
  GlobeCoordinateValue g;
  g.latitude = lat;
  g.longitude = lon;
  g.precision = precision;
  g.globe = vocab::kEarth;
  auto s = Statement::of(Snak::globe_coordinate(vocab::kPointOfView, std::move(g)));
  if (const auto angle = location.compass_angle;
      angle && std::isfinite(*angle) && *angle > 0 && *angle < 360) {
    s.add_qualifier(Snak::quantity(vocab::kHeading, amount_of(*angle), vocab::kDegree));
  }
  return s;
}

std::optional<Label> caption(const std::optional<Label>& label) {
  if (!label || label->value.empty()) return std::nullopt;
  if (label->language.empty()) {
    throw Error(ErrorKind::invalid_input, "the caption has no language", "invalid_label");
  }
  return label;
}

}  // namespace curator::sdc::parts
